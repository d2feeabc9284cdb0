"""Where a build came from: input file hashes, the git commit of the inputs, and a
creation time taken from the inputs rather than the wall clock (so that the same
inputs always give the same bytes).

The list of input files and their hashes is a CSV file of its own in the built
package (INPUT_LIST_PATH), named in the descriptor with its size and hash: a
project of tens of thousands of sources has hundreds of thousands of inputs,
which would make the descriptor too large for a portal to take.
"""

from __future__ import annotations

import csv
import os
import subprocess
from collections.abc import Collection, Iterable
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from pipeline import __version__
from pipeline.assemble.csv import CsvAppender
from pipeline.errors import Problem, UsageProblem
from pipeline.files import hash_file, path_inside
from pipeline.project import RAW_NAME, SOURCES_FOLDER

PIPELINE_NAME = "figures-pipeline"
PROVENANCE_KEY = "provenance"  # the descriptor's custom property holding the record
# The built package's list of input files: where, and its columns.
INPUT_LIST_PATH = "provenance/inputs.csv"
INPUT_LIST_FIELDS = ("path", "sha256")
# Where the source folders' files are listed (paths relative to the project).
SOURCE_FOLDERS = f"{RAW_NAME}/{SOURCES_FOLDER}/"
MAX_EPOCH = 253_402_300_799  # 9999-12-31T23:59:59Z, the last second a date can hold


def input_files(
    project: Path, paths: list[Path], hashes: Iterable[tuple[str, str]] = ()
) -> list[tuple[str, str]]:
    """Path (relative to project) and SHA-256 of every input, in path order: hashes
    gives them for files already read (pipeline.load.raw.RawTree.input_hashes); the files
    in paths are read and hashed here."""
    found = dict(hashes)
    for path in paths:
        found[path.relative_to(project).as_posix()] = hash_file(path)
    return sorted(found.items(), key=_path_order)


def write_input_list(folder: Path, files: list[tuple[str, str]]) -> dict:
    """Write the input files and their hashes (in path order) as INPUT_LIST_PATH in the
    package folder; returns what the descriptor says of that file (provenance.inputs.files)."""
    with InputList(folder) as listed:
        listed.append(files)
        return listed.finish()


class InputList:
    """The input list (INPUT_LIST_PATH) written as a build reads raw/, batch by batch, in
    path order (by path parts, input_files' order) without holding the list.

    A build hands the files in batches: first the top-level inputs (datapackage.json,
    raw/<resource>.csv, ...), then the files of whole source folders (raw/sources/<id>/...),
    folder after folder in name order; within a batch, in any order. The source folders'
    files are written as their batch comes; the few others are held and put in their place
    (raw/actors.csv before raw/sources/, raw/statements.csv after every source folder).
    Entries that would have to go before one already written are refused (ValueError): the
    batches did not come as described.
    """

    def __init__(self, folder: Path):
        target = path_inside(folder, INPUT_LIST_PATH)
        target.parent.mkdir(parents=True, exist_ok=True)
        self._out = CsvAppender(target, list(INPUT_LIST_FIELDS))
        self._held: list[tuple[str, str]] = []
        self._last: list[str] | None = None
        self.count = 0

    def append(self, files: Iterable[tuple[str, str]]) -> None:
        """Add a batch's (path relative to the project, SHA-256) entries."""
        folders, others = [], []
        for entry in files:
            (folders if _in_source_folder(entry) else others).append(entry)
        self._held = sorted([*self._held, *others], key=_path_order)
        if folders:
            folders.sort(key=_path_order)
            last = _path_order(folders[-1])
            before = [entry for entry in self._held if _path_order(entry) < last]
            self._held = self._held[len(before) :]
            self._write(sorted(before + folders, key=_path_order) if before else folders)

    def finish(self) -> dict:
        """Write what is held, close the file; returns what the descriptor says of it."""
        self._write(self._held)
        self._held = []
        self._out.close()
        return {
            "path": INPUT_LIST_PATH,
            "format": "csv",
            "mediatype": "text/csv",
            "fields": list(INPUT_LIST_FIELDS),
            "count": self.count,
            "bytes": self._out.size,
            "hash": f"sha256:{self._out.sha256}",
        }

    def _write(self, entries: list[tuple[str, str]]) -> None:
        if not entries:
            return
        if self._last is not None and _path_order(entries[0]) < self._last:
            raise ValueError(
                f"input {entries[0][0]!r} comes after {'/'.join(self._last)!r} was written: "
                "source folders must come in name order, each whole in one batch"
            )
        self._last = _path_order(entries[-1])
        schema = dict.fromkeys(INPUT_LIST_FIELDS, pl.String)
        self._out.append(pl.DataFrame(entries, schema=schema, orient="row"))
        self.count += len(entries)

    def close(self) -> None:
        self._out.close()

    def __enter__(self) -> InputList:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _path_order(entry: tuple[str, str]) -> list[str]:
    return entry[0].split("/")


def _in_source_folder(entry: tuple[str, str]) -> bool:
    """Whether the input is a file in (or below) a source folder, raw/sources/<id>/."""
    return entry[0].startswith(SOURCE_FOLDERS) and "/" in entry[0][len(SOURCE_FOLDERS) :]


def read_input_list(folder: Path, descriptor: dict) -> list[tuple[str, str]]:
    """The input files and their hashes that a built package records."""
    files = descriptor[PROVENANCE_KEY]["inputs"]["files"]
    with (folder / files["path"]).open(encoding="utf-8", newline="") as text:
        rows = csv.reader(text)
        next(rows)  # the header
        return [(path, sha256) for path, sha256 in rows]


def _git(project: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(project), *args],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def inputs_commit(project: Path, inputs: list[str]) -> tuple[str | None, str | None]:
    """The last commit that changed the inputs, and its time, when the inputs in the
    working tree are exactly that commit's; (None, None) otherwise or without git."""
    if _git(project, "rev-parse", "--show-toplevel") is None:
        return None, None
    status = _git(project, "status", "--porcelain", "--untracked-files=all", "--", *inputs)
    if status is None or status != "":
        return None, None
    found = _git(project, "log", "-1", "--format=%H %ct", "--", *inputs)
    if not found:
        return None, None
    commit, seconds = found.split()
    return commit, _iso(int(seconds))


def _iso(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH as seconds, None when unset or empty; any other value is a
    usage error (reproducible-builds.org: a malformed value must stop the build, not
    be ignored). str.isdigit and int() take digits such as '²' and '١'."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return None
    digits = epoch.isascii() and epoch.isdigit() and len(epoch) <= len(str(MAX_EPOCH))
    if not digits or int(epoch) > MAX_EPOCH:
        raise UsageProblem(
            [
                Problem(
                    "source-date-epoch",
                    f"SOURCE_DATE_EPOCH is {epoch[:20]!r}{'...' * (len(epoch) > 20)}; expected "
                    "a whole number of seconds since 1970-01-01 in ASCII digits (0-9), at most "
                    f"{MAX_EPOCH} (the end of the year 9999), or the variable unset",
                )
            ]
        )
    return int(epoch)


def created_time(commit_time: str | None, received_dates: Collection[str]) -> tuple[str, str]:
    """The package's `created` time and what it was taken from."""
    epoch = source_date_epoch()
    if epoch is not None:
        return _iso(epoch), "SOURCE_DATE_EPOCH"
    if commit_time:
        return commit_time, "time of the inputs' git commit"
    latest = max(received_dates) if received_dates else "1970-01-01"
    return f"{latest}T00:00:00Z", "latest date a source snapshot was received"


def provenance_record(project: Path, received_dates: Collection[str]) -> dict:
    """The build's `created` time and `provenance` record (the input list is written by
    InputList and named in the record by with_input_list). received_dates: the sources'
    received dates (only the latest counts)."""
    inputs = ["raw", "datapackage.json"]
    commit, commit_time = inputs_commit(project, inputs)
    created, created_from = created_time(commit_time, received_dates)
    return {
        "created": created,
        PROVENANCE_KEY: {
            "pipeline": {"name": PIPELINE_NAME, "version": __version__},
            "created_from": created_from,
            "inputs": {
                "git_commit": commit,
                "git_commit_note": (
                    "The last commit that changed raw/ or datapackage.json; null when the inputs "
                    "were not committed (or not in git) when the package was built."
                ),
            },
        },
    }


def with_input_list(provenance: dict, written: dict) -> dict:
    """The provenance record naming the input list written (write_input_list's answer)."""
    inputs = {
        **provenance["inputs"],
        "files": written,
        "files_note": (
            "Every input file (its path relative to the project) and its SHA-256, one per "
            "row in path order, in the CSV file named here with its own bytes and hash."
        ),
    }
    return {**provenance, "inputs": inputs}
