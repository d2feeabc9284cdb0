"""Validating a built package: descriptor, file sizes and hashes, then every table
through the same check stage as a build, with quotes checked against their
snapshots when a snapshot folder is given.

A package may come from anyone, so validation reads nothing outside the package
folder and the snapshot folder (symlinks are followed and checked), but for the
temporary file a worker process answers in (pipeline.load_worker), and opens no
network connection (frictionless gets a session that refuses every request).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import load_worker, memory
from pipeline.contract import is_safe_relative_path, parse_contract
from pipeline.descriptor_profile import ProfileCheck
from pipeline.errors import InvalidInput, Problem
from pipeline.files import MAX_BUILT_FILE_BYTES, hash_bytes, locate_key, read_text, size_and_hash
from pipeline.package import DESCRIPTOR_NAME, OUTPUTS_KEY
from pipeline.package_reader import PackageFolder, descriptor_problems
from pipeline.paths import display_path
from pipeline.provenance import PROVENANCE_KEY
from pipeline.raw import SOURCES_RESOURCE
from pipeline.snapshots import FOLDER_NAME, SnapshotTexts, read_snapshots
from pipeline.spreadsheet import unguard_table
from pipeline.tables import FileAt, Table, parse_csv_table
from pipeline.verify import check_tables

# From this many sources, their snapshots are read in a process of their own while the
# package's tables are read (starting one costs about half a second).
READ_AHEAD_SNAPSHOTS = 5_000


@dataclass
class Report:
    problems: list[Problem]
    skipped: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.problems


def validate_package(folder: Path, snapshots: Path | None) -> Report:
    with ProfileCheck() as profile:  # prepares, then checks the descriptor beside the rest
        read = _read_package(folder, snapshots, profile)
        if isinstance(read, Report):
            return read
        report = _check_read(*read)
        # the descriptor's profile problems stop a validation: they alone are reported
        return Report(found) if (found := profile.problems()) else report


def _check_read(contract, tables, texts, problems, skipped) -> Report:
    """The checks of the tables _read_package read."""
    memory.give_back()  # what reading made and no longer needs (the descriptor, the files)
    try:
        checked = check_tables(contract, tables, texts)
        if isinstance(texts, _SnapshotsAhead):
            texts()  # in case no check asked for them
            problems += texts.problems
    finally:
        if isinstance(texts, _SnapshotsAhead):
            texts.stop()
    rows = {name: len(frame) for name, frame in checked.frames.items()}
    return Report(problems + checked.problems, skipped, rows)


def _read_package(folder: Path, snapshots: Path | None, profile: ProfileCheck):
    """The package's contract, tables and snapshot texts (None without a snapshot
    folder; a _SnapshotsAhead while another process still reads them), the problems
    found reading them and what was skipped; or a Report of the problems that stop
    validation before the checks. The descriptor is given to profile (the Data Package
    profile check) once our own rules pass, and checked while the rest is done.
    Everything else it read (the descriptor, each file's bytes) is let go when it
    returns."""
    package = PackageFolder(folder)  # read by the rules diff reads a package by
    descriptor_display = package.descriptor_display
    descriptor, text = package.descriptor_json()
    problems = descriptor_problems(descriptor, text, descriptor_display)
    if problems:
        return Report(problems)
    profile.give(as_profiled(descriptor), descriptor_display)
    contract = parse_contract(descriptor, text, descriptor_display)
    problems, tables, reading = [], {}, None
    with_snapshots = snapshots is not None and snapshots.is_dir()
    try:
        for resource, built in zip(contract.resources, descriptor["resources"], strict=True):
            try:
                path, display = package.resource_file(resource)
                data = package.read_file(path, display)
                problems += file_integrity_problems(data, display, built)
                table = parse_csv_table(data, display, resource, FileAt(path, inside=folder))
                problems += unguard_table(table, resource)
                tables[resource.name] = table
            except InvalidInput as error:
                problems += error.problems
            if resource.name == SOURCES_RESOURCE and with_snapshots and not problems:
                reading = _read_ahead(snapshots, table)
        problems += output_problems(folder, descriptor, text, descriptor_display)
        problems += input_list_problems(folder, descriptor, text, descriptor_display)
        if problems:  # the profile's problems, if any, come first
            return Report(profile.problems() or problems)
        texts, skipped = None, []
        if with_snapshots and reading is not None:  # the checks wait for them when they must
            texts, reading = _SnapshotsAhead(reading, snapshots, tables[SOURCES_RESOURCE]), None
        elif with_snapshots:
            texts, snapshot_problems = read_snapshots(
                snapshots, display_path(snapshots), tables[SOURCES_RESOURCE]
            )
            problems += snapshot_problems
    finally:
        if reading is not None:
            load_worker.stop(reading)
    if not with_snapshots:
        skipped.append(
            "quotes were not checked against their snapshots: no snapshot folder "
            f"({display_path(snapshots) if snapshots else 'none given'})"
        )
    return contract, tables, texts, problems, skipped


class _SnapshotsAhead:
    """Snapshot texts that another process (_read_ahead) is reading. Called, it waits
    for them (once) and returns them; `problems` are those found in them; stop() ends
    the process, read or not."""

    def __init__(self, reading: load_worker.Worker, folder: Path, sources: Table):
        self.reading, self.folder, self.sources = reading, folder, sources
        self.texts: SnapshotTexts | None = None
        self.problems: list[Problem] = []

    def __call__(self) -> SnapshotTexts:
        if self.texts is None:
            found = load_worker.result(self.reading)
            self.texts, self.problems = read_snapshots(
                self.folder, display_path(self.folder), self.sources, found=found
            )
        return self.texts

    def stop(self) -> None:
        load_worker.stop(self.reading)


def _read_ahead(snapshots: Path, sources: Table):
    """A process reading the snapshots of the sources (read_snapshot_files) while the
    other tables are read, when there are enough of them to be worth one; else None."""
    ids = [i for i in sources.frame["source_id"].dropna().tolist() if FOLDER_NAME.fullmatch(i)]
    if len(ids) < READ_AHEAD_SNAPSHOTS or load_worker.jobs() < 2:
        return None
    shown = display_path(snapshots)
    return load_worker.start("pipeline.snapshots:read_snapshot_files", (snapshots, shown, ids))


def check_descriptor(folder: Path, descriptor: dict, profile: ProfileCheck) -> list[Problem]:
    """The descriptor of a package just written into folder: our contract rules, the
    size and hash keys, no external reference, then the Data Package profile (profile:
    started early, pipeline.descriptor_profile). A build runs this on its staging
    folder; the files' sizes and hashes were taken from the bytes as they were written,
    and the descriptor is the one written there (its text is read only to locate what a
    problem is about)."""
    display = f"{display_path(folder)}/{DESCRIPTOR_NAME}"
    text = read_text(folder / DESCRIPTOR_NAME, display, limit=MAX_BUILT_FILE_BYTES)
    problems = descriptor_problems(descriptor, text, display)
    if problems:
        return problems
    profile.give(as_profiled(descriptor), display)
    return profile.problems()


def as_profiled(descriptor: dict) -> dict:
    """The descriptor as the Data Package profile is checked on: without `provenance`,
    this package's own property, which the profile leaves free (a package built before
    its input list had a file of its own lists every input in it)."""
    return {key: value for key, value in descriptor.items() if key != PROVENANCE_KEY}


def file_integrity_problems(data: bytes, display: str, built: dict) -> list[Problem]:
    return integrity_problems(len(data), hash_bytes(data), display, built)


def integrity_problems(size: int, sha256: str, display: str, built: dict) -> list[Problem]:
    """A file's size and SHA-256 against what the descriptor records for it."""
    problems = []
    if size != built["bytes"]:
        problems.append(
            Problem(
                "bytes-mismatch",
                f"file is {size} bytes; the descriptor records {built['bytes']}",
                file=display,
                resource=built["name"],
            )
        )
    digest = f"sha256:{sha256}"
    if digest != built["hash"]:
        problems.append(
            Problem(
                "hash-mismatch",
                f"file has hash {digest}; the descriptor records {built['hash']}",
                file=display,
                resource=built["name"],
            )
        )
    return problems


def output_problems(folder: Path, descriptor: dict, text: str, display: str) -> list[Problem]:
    """Each file in the descriptor's `outputs` list exists with its recorded size and hash."""
    outputs = descriptor.get(OUTPUTS_KEY, [])
    line, column = locate_key(text, OUTPUTS_KEY)
    if not isinstance(outputs, list):
        return [Problem("descriptor-outputs", "outputs must be a list", display, line, column)]
    problems = []
    for index, entry in enumerate(outputs):
        where = Problem("descriptor-outputs", f"outputs item {index}", display, line, column)
        problems += listed_file_problems(folder, entry, where)
    return problems


def input_list_problems(folder: Path, descriptor: dict, text: str, display: str) -> list[Problem]:
    """The list of input files that the provenance record names (provenance.inputs.files,
    pipeline.provenance.write_input_list) exists with its recorded size and hash. A
    descriptor without one (a package built by someone else, or one that lists its
    inputs in the descriptor itself) has nothing to check here."""
    provenance = descriptor.get(PROVENANCE_KEY)
    inputs = provenance.get("inputs") if isinstance(provenance, dict) else None
    entry = inputs.get("files") if isinstance(inputs, dict) else None
    if not isinstance(entry, dict):
        return []
    line, column = locate_key(text, "files")
    where = Problem("descriptor-provenance", "provenance.inputs.files", display, line, column)
    return listed_file_problems(folder, entry, where)


def listed_file_problems(folder: Path, entry, where: Problem) -> list[Problem]:
    """A file the descriptor names (entry: its path, bytes and hash) exists inside the
    package folder with that size and hash. where: the problem to report for an entry
    without them, its message naming the entry."""
    keys_ok = isinstance(entry, dict) and all(k in entry for k in ("path", "bytes", "hash"))
    if not keys_ok or not is_safe_relative_path(entry["path"]):
        message = (
            f"{where.message} must have a path inside the package folder, its bytes and its "
            "sha256 hash"
        )
        return [dataclasses.replace(where, message=message)]
    shown = f"{display_path(folder)}/{entry['path']}"
    try:
        size, digest = size_and_hash(folder / entry["path"], shown, inside=folder)
    except InvalidInput as error:
        return error.problems
    return integrity_problems(size, digest, shown, {**entry, "name": None})
