"""A project in its own git repository, as a maintainer has it: inputs and build/ committed."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import NamedTuple

from tests.conftest import REPO

GIT_IDENTITY = ["-c", "user.name=Test", "-c", "user.email=test@example.org"]


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(folder), *GIT_IDENTITY, *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout


def commit_all(folder: Path, message: str) -> str:
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", message)
    return git(folder, "rev-parse", "HEAD").strip()


def init_repository(folder: Path) -> None:
    git(folder, "init", "-q", "-b", "main")
    commit_all(folder, "Inputs")


def set_version(project: Path, old: str, new: str) -> None:
    contract = project / "datapackage.json"
    text = contract.read_text(encoding="utf-8")
    needle = f'"version": "{old}"'
    assert text.count(needle) == 1
    contract.write_text(text.replace(needle, f'"version": "{new}"'), encoding="utf-8")


class Versions(NamedTuple):
    """The package's current version and the release each kind of bump leads to."""

    current: str
    patch: str
    minor: str
    major: str


def versions(project: Path = REPO) -> Versions:
    """Read from the contract, so that tests follow the release being prepared; the
    bumps are worked out here by hand, not by pipeline/release/versioning.py, which they test."""
    contract = json.loads((project / "datapackage.json").read_text(encoding="utf-8"))
    current = contract["version"]
    major, minor, patch = (int(part) for part in current.split("."))
    return Versions(
        current=current,
        patch=f"{major}.{minor}.{patch + 1}",
        minor=f"{major}.{minor + 1}.0",
        major=f"{major + 1}.0.0",
    )
