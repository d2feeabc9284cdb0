"""The data changelog (CHANGELOG.md): one section per release, newest first, each
the diff summary of that release against the one before it.

Sections are written by `pipeline diff OLD NEW --update-changelog CHANGELOG.md`
and checked by `--check-changelog`: a release whose version changed needs a
section headed `## <version>`.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.errors import Problem
from pipeline.files import read_text, write_bytes_atomic
from pipeline.project import display_path

INTRO = (
    "# Data changelog\n\n"
    "What changed in each release of the package, newest first. Each section is what\n"
    "`pipeline diff PREVIOUS NEW --update-changelog CHANGELOG.md` writes for the release.\n"
)
HEADING = re.compile(r"^## ", re.MULTILINE)


def _section_start(document: str, version: str) -> re.Match | None:
    return re.search(rf"^## {re.escape(version)}(?=[ \n]|$)", document, re.MULTILINE)


def has_release(document: str, version: str) -> bool:
    return _section_start(document, version) is not None


def replace_release(document: str, section: str, version: str) -> str:
    """document with the section for version replaced, or inserted above the newest one."""
    found = _section_start(document, version)
    if found:
        following = HEADING.search(document, found.end())
        end = following.start() if following else len(document)
        return document[: found.start()] + section + "\n" * bool(following) + document[end:]
    first = HEADING.search(document)
    if first is None:
        return document.rstrip("\n") + "\n\n" + section
    return document[: first.start()] + section + "\n" + document[first.start() :]


def update_changelog(path: Path, section: str, version: str) -> None:
    document = read_text(path, display_path(path)) if path.exists() else INTRO
    write_bytes_atomic(path, replace_release(document, section, version).encode("utf-8"))


def changelog_problems(path: Path, version: str | None, changed: bool) -> list[Problem]:
    """A problem when the version changed but the changelog has no section for it."""
    display = display_path(path)
    if not changed:
        return []
    if not path.is_file():
        return [Problem("no-changelog", "file not found; expected the data changelog", display)]
    if not has_release(read_text(path, display), str(version)):
        return [
            Problem(
                "changelog-missing-release",
                f"no section for version {version}; expected a heading `## {version}` (write "
                "it with pipeline diff PREVIOUS NEW --update-changelog " + display + ")",
                display,
            )
        ]
    return []
