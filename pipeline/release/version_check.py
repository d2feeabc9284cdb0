"""The release rule at build time: a build whose data differs from the build
committed at HEAD (the previous release) must carry a version bumped at least as
far as the version rule says (pipeline/release/versioning.py).

Without git, without a commit or without a committed build/ there is no
previous release, and nothing to compare: a first build always passes.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import Problem
from pipeline.files import locate_key, read_text
from pipeline.project import display_path
from pipeline.release.diff import PackageDiff, diff_packages
from pipeline.release.releases import committed_build, read_package_folder


def version_problems(project: Path, built: Path, contract: Path) -> list[Problem]:
    """A problem at the contract's "version" when built needs a bigger bump than it has."""
    # both builds are read with the cell limit `check` holds every value to, and a
    # longer cell is a located problem (pipeline.release.releases.read_tables)
    previous = committed_build(project)
    if previous is None:
        return []
    diff = diff_packages(previous, read_package_folder(built, "this build"))
    verdict = diff.verdict
    if verdict.ok:
        return []
    display = display_path(contract)
    line, column = locate_key(read_text(contract, display), "version")
    to_set = f'set "version" to {verdict.expected}' if verdict.expected else "fix the version"
    return [
        Problem(
            "version-not-bumped",
            f"version: the package changed since the build committed at HEAD, version "
            f"{previous.version} ({change_summary(diff)}); {verdict.message}. {to_set[0].upper()}"
            f"{to_set[1:]} in {display}, commit it with raw/, and build again (pipeline diff "
            "shows every change)",
            file=display,
            line=line,
            column=column,
        )
    ]


def change_summary(diff: PackageDiff) -> str:
    """e.g. "figures: 2 added; quotes: 3 added, 1 changed; schema: 1 change"."""
    parts = []
    for resource in diff.resources:
        counts = [
            f"{len(changes)} {how}"
            for how, changes in (
                ("added", resource.added),
                ("removed", resource.removed),
                ("changed", resource.changed),
            )
            if changes
        ]
        if counts:
            parts.append(f"{resource.name}: {', '.join(counts)}")
    for title, changes in (("schema", diff.schema), ("metadata", diff.metadata)):
        if changes:
            parts.append(f"{title}: {len(changes)} change{'s' * (len(changes) != 1)}")
    return "; ".join(parts) or "no change"
