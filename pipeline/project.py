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


def display_path(path: Path) -> str:
    """path relative to the working folder when inside it, else absolute."""
    absolute = Path(os.path.abspath(path))
    try:
        shown = absolute.relative_to(Path.cwd()).as_posix() or "."
    except ValueError:
        shown = absolute.as_posix()
    # A name byte that is not UTF-8 (a lone surrogate here) is shown as \udcXX.
    return shown.encode("utf-8", "backslashreplace").decode("utf-8")
