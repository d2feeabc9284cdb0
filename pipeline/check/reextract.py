"""Re-extraction checked, not trusted: each source's original run through the extractor
again, and the text it gives compared with the archived snapshot (for example after an
extractor upgrade). Nothing is written: a difference is reported where it starts.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.contract.names import name_problem
from pipeline.errors import InvalidInput, Problem
from pipeline.files import decode_utf8, line_and_column, read_bytes, read_json_object
from pipeline.load.extract import MEDIA_TYPES, extract, kind_of
from pipeline.load.snapshots import source_folders
from pipeline.project import RECORD_NAME, SNAPSHOT_NAME, display_path

SHOWN_WORDS = 6  # of each text, from where they first differ
WORDS = re.compile(r"\S+\s*")


@dataclass
class ReExtraction:
    """One source's original extracted again."""

    source_id: str
    original: str  # the original's name
    recorded: str | None  # the extractor and version source.json records
    extractor: str  # the one installed, that extracted it now
    same: bool  # the text equals the archived snapshot
    line: int | None = None  # where the texts first differ, in snapshot.txt
    column: int | None = None
    snapshot_words: str = ""  # a few words of each, from there
    extracted_words: str = ""


def re_extract(sources: Path) -> tuple[list[ReExtraction], list[Problem]]:
    """Every source with an original, extracted again: what each gives, and the problems
    (a text that differs, an original that cannot be read or extracted)."""
    results, problems = [], []
    for folder in source_folders(sources):
        try:
            result = re_extract_source(folder)
        except InvalidInput as error:
            problems += error.problems
            continue
        if result is None:
            continue
        results.append(result)
        if not result.same:
            problems.append(difference(result, folder))
    return results, problems


def re_extract_source(folder: Path) -> ReExtraction | None:
    """The source in folder extracted again from its original; None for a source
    without one (a plain-text snapshot is the source itself)."""
    files = read_source(folder)
    if files is None:
        return None  # nothing to extract again, or files that `check` reports
    record, name, data, snapshot = files
    shown = display_path(folder / name)
    kind = MEDIA_TYPES.get(record.get("original_media_type")) or kind_of(data)
    if kind is None:
        raise InvalidInput(
            [Problem("original-kind", "not a web page, web archive or PDF; expected one", shown)]
        )
    url = record.get("url") if isinstance(record.get("url"), str) else None
    extraction = extract(kind, data, shown, url)
    recorded = record.get("extractor") if isinstance(record.get("extractor"), str) else None
    result = ReExtraction(
        folder.name, name, recorded, extraction.extractor, snapshot == extraction.text
    )
    if not result.same:
        at = len(os.path.commonprefix([snapshot, extraction.text]))
        result.line, result.column = line_and_column(snapshot, at)
        result.snapshot_words = words_from(snapshot, at)
        result.extracted_words = words_from(extraction.text, at)
    return result


def read_source(folder: Path) -> tuple[dict, str, bytes, str] | None:
    """A source's record, its original's name and bytes, and its snapshot's text; None
    for a source without an original, or one whose files cannot be read: `check`
    reports those, once."""
    record_path, snapshot_path = folder / RECORD_NAME, folder / SNAPSHOT_NAME
    if name_problem(folder.name):
        return None
    try:
        record, _ = read_json_object(record_path, display_path(record_path), folder)
        name = record.get("original_name")
        if not isinstance(name, str) or name_problem(name):
            return None  # none, or one the checks of its pattern report
        data = read_bytes(folder / name, display_path(folder / name), inside=folder)
        snapshot = read_bytes(snapshot_path, display_path(snapshot_path), inside=folder)
        return record, name, data, decode_utf8(snapshot, display_path(snapshot_path))
    except InvalidInput:
        return None


def words_from(text: str, at: int) -> str:
    """A few words of text from the start of the word at offset at (line breaks shown
    as ⏎), or "(the end of the text)"."""
    at = max(text.rfind(" ", 0, at), text.rfind("\n", 0, at)) + 1
    words = WORDS.finditer(text, at)
    shown = "".join(match.group() for _, match in zip(range(SHOWN_WORDS), words, strict=False))
    shown = shown.rstrip().replace("\r\n", "⏎").replace("\n", "⏎").replace("\r", "⏎")
    return f"“{shown}”" if shown else "(the end of the text)"


def versions(result: ReExtraction) -> str:
    if result.recorded == result.extractor:
        return f"{result.extractor}, as recorded"
    recorded = result.recorded or "an extractor not recorded"
    return f"{result.extractor}; the snapshot was extracted by {recorded}"


def difference(result: ReExtraction, folder: Path) -> Problem:
    return Problem(
        "re-extract-differs",
        f"{result.original} re-extracted by {versions(result)}: the text differs from the "
        f"snapshot from here: the snapshot has {result.snapshot_words}, the extraction "
        f"{result.extracted_words}; expected the same text (nothing was changed: keep the "
        "snapshot, or record the new text as a new source and move the quotes to it)",
        display_path(folder / SNAPSHOT_NAME),
        result.line,
        result.column,
    )
