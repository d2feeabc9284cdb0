"""Built packages as they were released: read from a folder, or from the `build/`
committed at a git revision (`git show REV:build/...`), without building anything.

A revision's committed build is what consumers got from it, and CI proves it is
what that revision's inputs build to (`pipeline build --check`), so reading it
needs neither the old code nor a checkout.
"""

from __future__ import annotations

import csv
import io
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import InvalidInput, Problem, UsageProblem
from pipeline.files import decode_utf8, descriptor_limit, parse_json, read_json_object
from pipeline.package import DESCRIPTOR_NAME
from pipeline.paths import display_path

BUILD_NAME = "build"


@dataclass
class BuiltPackage:
    """A package's descriptor and its tables as rows of text cells ("" for null)."""

    label: str  # where it was read from, for people
    descriptor: dict
    tables: dict[str, list[dict[str, str]]]

    @property
    def version(self) -> str | None:
        return self.descriptor.get("version")


def read_package_folder(folder: Path, label: str | None = None) -> BuiltPackage:
    root = display_path(folder)
    descriptor, _ = read_json_object(
        folder / DESCRIPTOR_NAME, f"{root}/{DESCRIPTOR_NAME}", limit=descriptor_limit(folder)
    )
    files = {}
    for path in resource_paths(descriptor, f"{root}/{DESCRIPTOR_NAME}"):
        display = f"{root}/{path}"
        if not (folder / path).is_file():
            raise InvalidInput([Problem("missing-file", "resource file not found", display)])
        files[path] = ((folder / path).read_bytes(), display)
    return BuiltPackage(label or root, descriptor, read_tables(descriptor, files))


def read_package_at_revision(project: Path, revision: str) -> BuiltPackage:
    """The build/ committed at revision (InvalidInput when it has none)."""
    commit = resolve_revision(project, revision)
    if commit is None:
        raise UsageProblem(
            [
                Problem(
                    "unknown-revision",
                    f"{revision!r} is neither a folder holding a built package nor a git "
                    "revision; expected e.g. build, HEAD, main or origin/main",
                )
            ]
        )
    where = f"{revision}:{BUILD_NAME}/{DESCRIPTOR_NAME}"
    data = git_show(project, commit, f"{BUILD_NAME}/{DESCRIPTOR_NAME}")
    if data is None:
        raise InvalidInput(
            [
                Problem(
                    "no-build-at-revision",
                    f"{revision} has no committed {BUILD_NAME}/{DESCRIPTOR_NAME}; expected a "
                    "revision whose build was committed",
                    where,
                )
            ]
        )
    descriptor = parse_json(decode_utf8(data, where), where)
    files = {}
    for path in resource_paths(descriptor, where):
        content = git_show(project, commit, f"{BUILD_NAME}/{path}")
        display = f"{revision}:{BUILD_NAME}/{path}"
        if content is None:
            raise InvalidInput([Problem("missing-file", "resource file not committed", display)])
        files[path] = (content, display)
    label = f"{revision}:{BUILD_NAME} ({commit[:12]})"
    return BuiltPackage(label, descriptor, read_tables(descriptor, files))


def committed_build(project: Path, revision: str = "HEAD") -> BuiltPackage | None:
    """The build committed at revision, or None when there is no git, no commit or no build."""
    commit = resolve_revision(project, revision)
    if commit is None or git_show(project, commit, f"{BUILD_NAME}/{DESCRIPTOR_NAME}") is None:
        return None
    return read_package_at_revision(project, revision)


def resource_paths(descriptor, display: str) -> list[str]:
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    paths = [r.get("path") for r in resources or [] if isinstance(r, dict)]
    if not resources or not all(isinstance(p, str) for p in paths):
        raise InvalidInput(
            [Problem("descriptor", "expected a package descriptor with resource paths", display)]
        )
    return paths


def read_tables(descriptor: dict, files: dict[str, tuple[bytes, str]]) -> dict:
    tables = {}
    for resource in descriptor["resources"]:
        data, display = files[resource["path"]]
        reader = csv.DictReader(io.StringIO(decode_utf8(data, display), newline=""))
        tables[resource["name"]] = list(reader)
    return tables


def resolve_revision(project: Path, revision: str) -> str | None:
    done = _git(project, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    return done.decode().strip() if done else None


def git_show(project: Path, commit: str, path: str) -> bytes | None:
    """A file's bytes at a commit, the path relative to project; None when it is not there."""
    return _git(project, "show", f"{commit}:./{path}")


def _git(project: Path, *args: str) -> bytes | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(project), *args], capture_output=True, check=False, timeout=60
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None
