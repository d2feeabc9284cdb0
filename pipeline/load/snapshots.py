"""Source snapshots: archived texts, their metadata records, and their hashes.

Each source lives in `<folder>/<source_id>/` as `snapshot.txt` (the text, byte
for byte as received) and `source.json` (what is known about it).
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

import orjson
import polars as pl

from pipeline.assemble.spreadsheet import guard_cell
from pipeline.contract.model import Resource
from pipeline.contract.names import PLAIN_NAME, name_problem
from pipeline.errors import InvalidInput, Problem
from pipeline.files import (
    decode_utf8,
    hash_bytes,
    locate_key,
    parse_json_object,
    read_bytes,
)
from pipeline.load.csv_records import MAX_FIELD_CHARS
from pipeline.load.tables import Table, TableBuilder
from pipeline.project import SNAPSHOT_NAME, display_path

# A source_id names a folder: one plain path segment (never "..", "/" or a URL); the
# whole rule is pipeline.contract.names.name_problem.
FOLDER_NAME = PLAIN_NAME


def source_folders(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    try:
        return sorted(p for p in folder.iterdir() if p.is_dir())
    except OSError as error:
        raise InvalidInput(
            [Problem("unreadable-folder", f"cannot list: {error.strerror}", display_path(folder))]
        ) from None


def source_records(resource: Resource) -> TableBuilder:
    """Where `source.json` records gather: JSON null is missing, any string is kept."""
    return TableBuilder(resource, missing=())


def add_source_records(
    records: TableBuilder, files: list[tuple[bytes, str]], source
) -> list[Problem]:
    """The records in several `source.json` files (data, display), added in order, and
    the problems of those that are broken, which add no record. The files _plain_records
    vouches for are added as frames; any other goes through add_source_record, which says
    where each of its problems is. source: how to read a file again to locate a key."""
    frame, plain = _plain_records([data for data, _ in files], records.resource.field_names)
    strict = sorted(set(range(len(files))).difference(plain))
    problems: list[Problem] = []
    row = start = 0  # rows of frame added, first file not yet added
    for position in [*strict, len(files)]:
        if position > start:
            displays = [display for _, display in files[start:position]]
            records.add_records(frame.slice(row, len(displays)), displays, source)
            row += len(displays)
        if position < len(files):
            try:
                add_source_record(records, *files[position], source)
            except InvalidInput as error:
                problems += error.problems
        start = position + 1
    return problems


# The values whose cell the strict path (_cell) and the hot path agree on: a float is left
# to the strict path (orjson reads an integer past 64 bits as one, where Python keeps it).
_SIMPLE = frozenset({str, int, bool, type(None)})
_TEXT = frozenset({str, type(None)})


def _plain_records(datas: list[bytes], expected: list[str]) -> tuple[pl.DataFrame, list[int]]:
    """The hot path: the records of the files that add_source_record would take as they
    are, as one frame of cells (contract order), and which files they are (positions).
    Each file is parsed by orjson; left to the strict path is a file with a \\u escape
    (a NUL or a lone surrogate could be there), one orjson refuses, one that is not an
    object of exactly the contract's keys with simple values (_SIMPLE), and, checked as
    columns, one with a text that may be too long for a cell or with a key given twice
    (orjson keeps the last: the file holds more colons than its record)."""
    keys = set(expected)
    positions, records, kept = [], [], []
    for position, (data, record) in enumerate(zip(datas, map(_parsed, datas), strict=True)):
        if (
            type(record) is dict
            and record.keys() == keys
            and _SIMPLE.issuperset(map(type, record.values()))
        ):
            positions.append(position)
            records.append(record)
            kept.append(data)
    columns = {}
    for name in expected:
        column = list(map(itemgetter(name), records))
        columns[name] = column if _TEXT.issuperset(map(type, column)) else list(map(_cell, column))
    frame = pl.DataFrame(columns, schema=dict.fromkeys(expected, pl.String))
    members = len(expected) + sum(name.count(":") for name in expected)  # colons outside texts
    colons = pl.Series(list(map(bytes.count, kept, repeat(b":"))), dtype=pl.Int64)
    plain = frame.select(
        (
            pl.sum_horizontal(
                pl.col(name).str.count_matches(":", literal=True).fill_null(0) for name in expected
            )
            + members
            == colons
        )
        & ~pl.any_horizontal(
            pl.col(name).str.len_chars().fill_null(0) >= MAX_FIELD_CHARS for name in expected
        )
    ).to_series()
    if plain.all():
        return frame, positions
    return frame.filter(plain), [p for p, keep in zip(positions, plain, strict=True) if keep]


def _parsed(data: bytes):
    """The value orjson reads in a file without a \\u escape; None where it cannot."""
    if b"\\u" in data:
        return None
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return None


def add_source_record(records: TableBuilder, data: bytes, display: str, source) -> None:
    """The record in the bytes of one `source.json`, checked against the contract's
    fields; source: how to read the file again to locate a key in an error."""
    text = decode_utf8(data, display)
    record = parse_json_object(text, display)
    expected = records.resource.field_names
    problems = []
    for key in record:
        if key not in expected:
            line, column = locate_key(text, key)
            problems.append(
                Problem(
                    "extra-key",
                    f"unknown key {key!r}; expected only: {', '.join(expected)}",
                    display,
                    line,
                    column,
                )
            )
        elif isinstance(record[key], dict | list):
            line, column = locate_key(text, key)
            problems.append(
                Problem(
                    "json-value-type",
                    f"{key}: expected a string, number or null, found {type(record[key]).__name__}",
                    display,
                    line,
                    column,
                )
            )
        elif isinstance(record[key], str) and len(guard_cell(record[key])) > MAX_FIELD_CHARS:
            problems.append(_too_long(key, record[key], text, display))
    for key in expected:
        if key not in record:
            problems.append(
                Problem(
                    "missing-key",
                    f"key {key!r} is missing; write null (with a note) when it is unknown",
                    display,
                    1,
                    1,
                    field=key,
                )
            )
    if problems:
        raise InvalidInput(problems)
    records.add_record([_cell(record[key]) for key in expected], display, source)


def _too_long(key: str, value: str, text: str, display: str) -> Problem:
    """A value longer than a cell of the built package's CSV files may be: the limit
    every reader of the package holds it to (pipeline.load.csv_records.MAX_FIELD_CHARS)."""
    written = len(guard_cell(value))
    guarded = f", {written} with the ' put in front of it in the package" * (written > len(value))
    line, column = locate_key(text, key)
    return Problem(
        "field-too-large",
        f"{key}: text of {len(value)} characters{guarded}; expected at most {MAX_FIELD_CHARS} "
        "(the longest cell a CSV file of the package may hold)",
        display,
        line,
        column,
    )


def _cell(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


SNAPSHOT_FIELDS = ("source_id", "sha256", "bytes")
_SourceRow = namedtuple("_SourceRow", SNAPSHOT_FIELDS)


class Snapshot(NamedTuple):
    """One snapshot file as read: its SHA-256, its size in bytes, and its bytes once
    known to be UTF-8 without a byte order mark (else None, and `problems` says why)."""

    digest: str
    size: int
    data: bytes | None
    problems: list[Problem]


def snapshot_of(data: bytes, digest: str, display: str) -> Snapshot:
    try:
        decode_utf8(data, display, allow_bom=False)
        return Snapshot(digest, len(data), data, [])
    except InvalidInput as error:
        return Snapshot(digest, len(data), None, error.problems)


class SnapshotTexts(Mapping):
    """Snapshot texts by source_id, held as their UTF-8 bytes and decoded when asked.

    An article's text as a Python string takes two bytes a character as soon as one of
    its characters is past Latin-1 (a curly quote, a dash), and four past the Basic
    Multilingual Plane: its UTF-8 takes about half. The last text asked for is kept,
    for callers that ask for one source's text row after row."""

    def __init__(self, data: dict[str, bytes] | None = None):
        self._data: dict[str, bytes] = data or {}
        self._last: tuple[str, str] | None = None

    def __getitem__(self, source_id: str) -> str:
        last = self._last
        if last is not None and last[0] == source_id:
            return last[1]
        text = self._data[source_id].decode("utf-8")
        self._last = (source_id, text)
        return text

    def __iter__(self):
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, source_id) -> bool:
        return source_id in self._data

    def add(self, source_id: str, data: bytes) -> None:
        """A snapshot's bytes, known to be UTF-8."""
        self._data[source_id] = data

    def update(self, other: SnapshotTexts) -> None:
        """The snapshots of other too (a build's batches, gathered for the outputs that
        take every snapshot)."""
        self._data.update(other._data)


def snapshot_text(folder: Path, display_root: str) -> Callable[[str], str | None]:
    """A source's snapshot text by source_id, read again from folder (raw/sources, or
    a package's snapshot folder); None where it cannot be read as UTF-8 text inside
    folder: read_snapshots, which read it first, reported why."""

    def read(source_id: str) -> str | None:
        if name_problem(source_id):
            return None
        display = f"{display_root}/{source_id}/{SNAPSHOT_NAME}"
        try:
            data = read_bytes(folder / source_id / SNAPSHOT_NAME, display, inside=folder)
            return decode_utf8(data, display)
        except InvalidInput:
            return None

    return read


def read_snapshots(
    folder: Path,
    display_root: str,
    sources: Table,
    read: Callable[[str, str], tuple[bytes, str]] | None = None,
    keep: bool = True,
) -> tuple[SnapshotTexts, list[Problem]]:
    """Snapshot texts by source_id, and problems where a snapshot is
    missing, outside folder, or its bytes do not match the recorded SHA-256 and size.
    sources: the rows (a Table, or any rows with its frame and locate, such as those
    pipeline.check.keys kept). read(source_id, display): the bytes of a source's
    snapshot and their SHA-256 (by default read with read_bytes inside folder). keep:
    False keeps only which sources' snapshots are what their rows say (texts empty)."""
    if read is None:

        def read(source_id: str, display: str) -> tuple[bytes, str]:
            data = read_bytes(folder / source_id / SNAPSHOT_NAME, display, inside=folder)
            return data, hash_bytes(data)

    texts = SnapshotTexts()
    problems: list[Problem] = []
    frame = sources.frame
    columns = [frame.get_column(name).to_list() for name in SNAPSHOT_FIELDS]
    for row, source in enumerate(map(_SourceRow._make, zip(*columns, strict=True))):
        source_id = source.source_id
        if source_id is None:
            continue
        wrong = name_problem(source_id)
        if wrong:
            problems.append(
                Problem(
                    "unsafe-path",
                    f"source_id {wrong} (it names the source's snapshot folder)",
                    **sources.locate(row, "source_id"),
                )
            )
            continue
        display = f"{display_root}/{source_id}/{SNAPSHOT_NAME}"
        try:
            snapshot = snapshot_of(*read(source_id, display), display)
        except InvalidInput as error:
            snapshot = error.problems
        if isinstance(snapshot, list):  # it could not be read
            problems.extend(snapshot)
            continue
        if source.sha256 is None:
            continue  # the missing sha256 is reported by its required check
        if snapshot.digest != source.sha256:
            problems.append(
                Problem(
                    "snapshot-hash",
                    f"snapshot has SHA-256 {snapshot.digest}, but its record says "
                    f"{source.sha256}; the snapshot must stay byte for byte as received "
                    "(restore it, or record a new source if the text really changed)",
                    **sources.locate(row, "sha256"),
                )
            )
            continue
        recorded = "<NA>" if source.bytes is None else source.bytes  # as the message said
        if str(snapshot.size) != recorded:
            problems.append(
                Problem(
                    "snapshot-bytes",
                    f"snapshot is {snapshot.size} bytes, but its record says {recorded}",
                    **sources.locate(row, "bytes"),
                )
            )
        if snapshot.data is None:
            problems.extend(snapshot.problems)
        else:
            texts.add(source_id, snapshot.data if keep else b"")
    return texts, problems
