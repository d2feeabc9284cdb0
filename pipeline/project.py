"""A project's folders and file names, defined once, and how paths are shown to users.

datapackage.json   the contract (and, in a built package, its descriptor)
raw/               the transcription: shared tables, and raw/sources/<source_id>/
                   with source.json, snapshot.txt and the source's own tables
build/             the built package, with the marker file of a build
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import Problem, UsageProblem

DESCRIPTOR_NAME = "datapackage.json"
CONTRACT_NAME = DESCRIPTOR_NAME  # the contract is the descriptor a build starts from
RAW_NAME = "raw"
SOURCES_FOLDER = "sources"  # raw/sources/<source_id>/
SNAPSHOT_NAME = "snapshot.txt"
RECORD_NAME = "source.json"
BUILD_NAME = "build"
MARKER_NAME = ".pipeline-build"  # in every folder a build wrote, and only there
README_NAME = "README.md"  # the built package's own: what it is and its data dictionary


@dataclass
class Project:
    """The folders a build reads from."""

    root: Path

    @property
    def contract(self) -> Path:
        return self.root / CONTRACT_NAME

    @property
    def raw(self) -> Path:
        return self.root / RAW_NAME

    @property
    def snapshots(self) -> Path:
        return self.raw / SOURCES_FOLDER

    @property
    def build(self) -> Path:
        return self.root / BUILD_NAME


def is_project(folder: Path) -> bool:
    """folder holds both the contract and raw/ (a built package holds the one, not the other)."""
    return (folder / CONTRACT_NAME).is_file() and (folder / RAW_NAME).is_dir()


def find_project(start: Path) -> Path:
    """The project a command run in start works on, found as git finds its repository:
    the nearest of start and the folders above it that holds datapackage.json and raw/.
    When none does, start itself if it holds one of them (the checks then name what is
    missing); else a usage error that says to use --project."""
    start = Path(os.path.abspath(start))
    for folder in (start, *start.parents):
        if is_project(folder):
            return folder if folder != start else Path(".")
    if (start / CONTRACT_NAME).exists() or (start / RAW_NAME).exists():
        return Path(".")
    raise UsageProblem(
        [
            Problem(
                "no-project",
                f"no project here: neither {start.as_posix()} nor a folder above it holds "
                f"{CONTRACT_NAME} and {RAW_NAME}/; run the command inside a project, or name "
                "its folder with --project DIR",
            )
        ]
    )


def display_path(path: Path) -> str:
    """path relative to the working folder when inside it, else absolute."""
    absolute = Path(os.path.abspath(path))
    try:
        shown = absolute.relative_to(Path.cwd()).as_posix() or "."
    except ValueError:
        shown = absolute.as_posix()
    # A name byte that is not UTF-8 (a lone surrogate here) is shown as \udcXX.
    return shown.encode("utf-8", "backslashreplace").decode("utf-8")
