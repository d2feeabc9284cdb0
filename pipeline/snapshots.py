"""Source snapshots: archived texts, their metadata records, and their hashes.

Each source lives in `<folder>/<source_id>/` as `snapshot.txt` (the text, byte
for byte as received) and `source.json` (what is known about it).
"""

from __future__ import annotations

import re
from collections import namedtuple
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from pipeline.contract import Resource
from pipeline.errors import InvalidInput, Problem
from pipeline.files import (
    decode_utf8,
    hash_bytes,
    locate_key,
    parse_json_object,
    read_bytes,
)
from pipeline.paths import display_path
from pipeline.tables import Table, TableBuilder

SNAPSHOT_NAME = "snapshot.txt"
RECORD_NAME = "source.json"
# A source_id names a folder: one plain path segment (never "..", "/" or a URL).
FOLDER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


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


def _cell(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


SNAPSHOT_FIELDS = ("source_id", "sha256", "bytes")
_SourceRow = namedtuple("_SourceRow", SNAPSHOT_FIELDS)


def read_snapshots(
    folder: Path,
    display_root: str,
    sources: Table,
    read: Callable[[Path, str], bytes] | None = None,
    rows: range | None = None,
) -> tuple[dict, list[Problem]]:
    """Decoded snapshot texts by source_id, and problems where a snapshot is
    missing, outside folder, or its bytes do not match the recorded SHA-256 and size.
    read(path, display): the bytes of a snapshot (by default read_bytes inside folder);
    rows: the sources rows whose snapshots to read (by default all)."""
    if read is None:

        def read(path: Path, display: str) -> bytes:
            return read_bytes(path, display, inside=folder)

    texts: dict[str, str] = {}
    problems: list[Problem] = []
    frame = sources.frame
    rows = range(len(frame)) if rows is None else rows
    columns = [frame[name].iloc[rows.start : rows.stop].tolist() for name in SNAPSHOT_FIELDS]
    for row, source in zip(rows, map(_SourceRow._make, zip(*columns, strict=True)), strict=True):
        source_id = source.source_id
        if pd.isna(source_id):
            continue
        if not FOLDER_NAME.fullmatch(source_id):
            problems.append(
                Problem(
                    "unsafe-path",
                    f"source_id {source_id!r} cannot name a snapshot folder; expected a plain "
                    "name such as kandal-crime-2022 (no /, no .., no URL)",
                    **sources.locate(row, "source_id"),
                )
            )
            continue
        display = f"{display_root}/{source_id}/{SNAPSHOT_NAME}"
        try:
            data = read(folder / source_id / SNAPSHOT_NAME, display)
            digest = hash_bytes(data)
            if pd.isna(source.sha256):
                continue  # the missing sha256 is reported by its required check
            if digest != source.sha256:
                problems.append(
                    Problem(
                        "snapshot-hash",
                        f"snapshot has SHA-256 {digest}, but its record says {source.sha256}; "
                        "the snapshot must stay byte for byte as received (restore it, or record "
                        "a new source if the text really changed)",
                        **sources.locate(row, "sha256"),
                    )
                )
                continue
            if str(len(data)) != str(source.bytes):
                problems.append(
                    Problem(
                        "snapshot-bytes",
                        f"snapshot is {len(data)} bytes, but its record says {source.bytes}",
                        **sources.locate(row, "bytes"),
                    )
                )
            texts[source_id] = decode_utf8(data, display, allow_bom=False)
        except InvalidInput as error:
            problems.extend(error.problems)
    return texts, problems
