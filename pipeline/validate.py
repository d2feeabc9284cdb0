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

import polars as pl

from pipeline.assemble.package import OUTPUTS_KEY
from pipeline.assemble.provenance import PROVENANCE_KEY
from pipeline.assemble.spreadsheet import unguard_table
from pipeline.check.keys import QUOTES, Keys
from pipeline.check.profile import profile_problems
from pipeline.check.tables import check_batch
from pipeline.contract.model import is_safe_relative_path, parse_contract
from pipeline.errors import InvalidInput, Problem, sorted_problems
from pipeline.files import (
    MAX_BUILT_FILE_BYTES,
    locate_key,
    read_text,
    size_and_hash,
)
from pipeline.load.package import PackageFolder, descriptor_problems
from pipeline.load.raw import SOURCES_RESOURCE
from pipeline.load.snapshots import SnapshotTexts, read_snapshots, snapshot_text
from pipeline.load.tables import FileAt, FilesUnder, Table, parse_csv_table
from pipeline.project import DESCRIPTOR_NAME, display_path

# A package's CSV files are checked this many bytes at a time (a piece of about
# 40,000 quotes, as many as a build's batch of source folders has): validation's
# memory (docs/development.md).
CHECK_PIECE_BYTES = 8 << 20


@dataclass
class Report:
    problems: list[Problem]
    skipped: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.problems


def validate_package(
    folder: Path, snapshots: Path | None, piece_bytes: int = CHECK_PIECE_BYTES
) -> Report:
    """Validate a built package a piece of each file at a time (piece_bytes): the
    memory taken is about one piece's, whatever the package's size; the problems found
    do not depend on it. What needs
    every piece's rows (keys, references, quotes of a figure of another piece) is
    checked at the end on the key columns kept in memory (pipeline.check.keys): a
    validation writes nothing, anywhere."""
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
    listed = output_problems(package.folder, descriptor, text, descriptor_display)
    listed += input_list_problems(package.folder, descriptor, text, descriptor_display)
    return _validate_files(package, contract, descriptor, snapshots, listed, piece_bytes)


def _validate_files(
    package: PackageFolder,
    contract,
    descriptor: dict,
    snapshots: Path | None,
    listed: list[Problem],
    piece_bytes: int,
) -> Report:
    """The package's files checked: each resource's size, hash, guard and rows, then
    what needs every row. A file that does not match the descriptor, cannot be read as
    a table or lacks the spreadsheet guard stops validation, as does a listed file
    (outputs, input list) that is not what the descriptor says (listed): those problems
    alone are reported."""
    folder = package.folder
    keys = Keys(contract, None, FilesUnder(package.root, folder, inside=folder))
    texts = None if snapshots is None or not snapshots.is_dir() else _Snapshots(snapshots, keys)
    if texts is not None:
        keys.read_snapshot = snapshot_text(snapshots, texts.shown)
        keys.snapshot_root = texts.shown
    stop, problems, rows = [], [], {}
    for resource, built in zip(contract.resources, descriptor["resources"], strict=True):
        rows[resource.name] = 0
        found = []
        try:
            path, display = package.resource_file(resource)
            pieces = package.file_pieces(path, display, piece_bytes)
            for data, line_offset in pieces:
                table = _parse_piece(data, display, resource, path, folder, rows, line_offset)
                found += unguard_table(table, resource)
                rows[resource.name] += table.frame.height
                if stop or found:
                    continue  # read on only to report every file that stops validation
                tables = {resource.name: table}
                batch = texts.batch(table, resource.name) if texts is not None else None
                checked = check_batch(contract, tables, batch, keys)
                problems += checked.problems
            found = integrity_problems(pieces.size, pieces.sha256, display, built) + found
        except InvalidInput as error:
            found += error.problems
        stop += found
    stop += listed
    if stop:
        return Report(sorted_problems(stop))
    skipped = []
    if texts is None:
        skipped.append(
            "quotes were not checked against their snapshots: no snapshot folder "
            f"({display_path(snapshots) if snapshots else 'none given'})"
        )
    else:
        problems += texts.rest()
    problems += keys.problems()
    return Report(sorted_problems(problems), skipped, rows)


def _parse_piece(
    data: bytes, display: str, resource, path: Path, folder: Path, rows: dict, line_offset: int
) -> Table:
    """A piece of a resource's file (its header line, then rows) as a Table, its rows
    and lines numbered as in the whole file; a problem reading it is placed there too."""
    try:
        return parse_csv_table(
            data, display, resource, FileAt(path, inside=folder), rows[resource.name], line_offset
        )
    except InvalidInput as error:
        raise InvalidInput(
            [
                dataclasses.replace(p, line=p.line + line_offset)
                if p.line is not None and p.line > 1
                else p
                for p in error.problems
            ]
        ) from None


class _Snapshots:
    """The snapshots of a validated package's sources, each read once: with the
    quotes piece that needs it, checked against its source's row as kept (size, hash;
    pipeline.load.snapshots.read_snapshots), the others once every piece is in."""

    def __init__(self, folder: Path, keys: Keys):
        self.folder, self.shown, self.keys = folder, display_path(folder), keys
        self.read: set[str] = set()  # the sources whose snapshot was read
        self.problems: list[Problem] = []

    def batch(self, table: Table, resource: str) -> SnapshotTexts | None:
        """A quotes piece's snapshots (None for other resources)."""
        if resource != QUOTES:
            return None
        wanted = table.frame.get_column("source_id").drop_nulls().unique()
        return self._read(pl.col("source_id").is_in(wanted.implode()), keep=True)

    def rest(self) -> list[Problem]:
        """Read the snapshots no quote asked for, and find their number mentions
        (pipeline.check.coverage); every snapshot's problems."""
        read = pl.Series(sorted(self.read), dtype=pl.String)
        self.keys.find_mentions(self._read(~pl.col("source_id").is_in(read.implode()), keep=True))
        return self.problems

    def _read(self, which: pl.Expr, keep: bool) -> SnapshotTexts:
        rows = self.keys.rows(SOURCES_RESOURCE, which)
        texts, problems = read_snapshots(self.folder, self.shown, rows, keep=keep)
        self.read.update(rows.frame.get_column("source_id").drop_nulls().to_list())
        self.problems += problems
        return texts


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
