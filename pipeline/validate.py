"""Validating a built package: descriptor, file sizes and hashes, then every table
through the same check stage as a build, with quotes checked against their
snapshots when a snapshot folder is given.

A package may come from anyone, so validation reads nothing outside the package
folder and the snapshot folder (symlinks are followed and checked), and opens no
network connection (frictionless gets a session that refuses every request).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.assemble.package import OUTPUTS_KEY
from pipeline.assemble.provenance import PROVENANCE_KEY
from pipeline.assemble.spreadsheet import unguard_table
from pipeline.check.profile import profile_problems
from pipeline.check.tables import check_tables
from pipeline.contract.model import is_safe_relative_path, parse_contract
from pipeline.errors import InvalidInput, Problem
from pipeline.files import MAX_BUILT_FILE_BYTES, hash_bytes, locate_key, read_text, size_and_hash
from pipeline.load.package import PackageFolder, descriptor_problems
from pipeline.load.raw import SOURCES_RESOURCE
from pipeline.load.snapshots import read_snapshots
from pipeline.load.tables import FileAt, parse_csv_table
from pipeline.project import DESCRIPTOR_NAME, display_path


@dataclass
class Report:
    problems: list[Problem]
    skipped: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.problems


def validate_package(folder: Path, snapshots: Path | None) -> Report:
    read = _read_package(folder, snapshots)
    if isinstance(read, Report):
        return read
    contract, tables, texts, problems, skipped = read
    checked = check_tables(contract, tables, texts)
    rows = {name: len(frame) for name, frame in checked.frames.items()}
    return Report(problems + checked.problems, skipped, rows)


def _read_package(folder: Path, snapshots: Path | None):
    """The package's contract, tables and snapshot texts (None without a snapshot
    folder), the problems found reading them and what was skipped; or a Report of the
    problems that stop validation before the checks. The descriptor's Data Package
    profile problems, once our own rules pass, stop it too: they alone are reported.
    Everything else it read (the descriptor, each file's bytes) is let go when it
    returns."""
    package = PackageFolder(folder)  # read by the rules diff reads a package by
    descriptor_display = package.descriptor_display
    descriptor, text = package.descriptor_json()
    problems = descriptor_problems(descriptor, text, descriptor_display)
    if problems:
        return Report(problems)
    contract = parse_contract(descriptor, text, descriptor_display)
    profiled = profile_problems(as_profiled(descriptor), descriptor_display)
    if profiled:
        return Report(profiled)
    problems, tables = [], {}
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
    problems += output_problems(folder, descriptor, text, descriptor_display)
    problems += input_list_problems(folder, descriptor, text, descriptor_display)
    if problems:
        return Report(problems)
    texts, skipped = None, []
    if snapshots is not None and snapshots.is_dir():
        texts, snapshot_problems = read_snapshots(
            snapshots, display_path(snapshots), tables[SOURCES_RESOURCE]
        )
        problems += snapshot_problems
    else:
        skipped.append(
            "quotes were not checked against their snapshots: no snapshot folder "
            f"({display_path(snapshots) if snapshots else 'none given'})"
        )
    return contract, tables, texts, problems, skipped


def check_descriptor(folder: Path, descriptor: dict) -> list[Problem]:
    """The descriptor of a package just written into folder: our contract rules, the
    size and hash keys, no external reference, then the Data Package profile
    (pipeline.check.profile). A build runs this on its staging
    folder; the files' sizes and hashes were taken from the bytes as they were written,
    and the descriptor is the one written there (its text is read only to locate what a
    problem is about)."""
    display = f"{display_path(folder)}/{DESCRIPTOR_NAME}"
    text = read_text(folder / DESCRIPTOR_NAME, display, limit=MAX_BUILT_FILE_BYTES)
    problems = descriptor_problems(descriptor, text, display)
    if problems:
        return problems
    return profile_problems(as_profiled(descriptor), display)


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
    pipeline.assemble.provenance.write_input_list) exists with its recorded size and hash. A
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
