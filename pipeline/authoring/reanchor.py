"""Moving a source's quotes and set-aside mentions to a new snapshot of it (a corrected
article, a new capture), by their exact words and the words around them.

`add-source` never overwrites a snapshot: the new text is a new source, NEW. Each row
of OLD's quotes.csv and mentions.csv is looked for in NEW's snapshot: its words in one
place are moved; in several, the place whose surrounding words agree with OLD's is
taken if one agrees best, else the row is ambiguous; words no longer there are changed
(where the words around them still stand, what NEW has there is shown) or vanished.
Nothing is guessed: only moved rows are ever written, as new rows of NEW.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.authoring.locate import csv_line, find_all, longest_found_prefix
from pipeline.check.pages import page_of
from pipeline.errors import InvalidInput, Problem, UsageProblem
from pipeline.files import decode_utf8, line_and_column, path_inside, read_bytes, read_text
from pipeline.project import SNAPSHOT_NAME, Project, display_path

MOVED, CHANGED, VANISHED, AMBIGUOUS = "moved", "changed", "vanished", "ambiguous"
ANCHOR_CHARS = 30  # the words on each side of a row that find its place when its own are gone
COMPARED_CHARS = 400  # how far around a hit its context is compared with OLD's
FILES = {"quotes": "quotes.csv", "mentions": "mentions.csv"}


@dataclass
class Anchored:
    """One row of OLD and where its words stand in NEW."""

    resource: str  # quotes or mentions
    file: str  # OLD's file, as shown
    line: int  # the row's line in it
    key: str  # quote_id, or the mention's start:end
    row: dict
    status: str
    old: tuple[int, int]
    new: tuple[int, int] | None = None
    by_context: bool = False  # moved: the words stand in several places, the context chose
    detail: str = ""  # for the others: what NEW has, where


@dataclass
class Reanchored:
    old: str
    new: str
    rows: list[Anchored] = field(default_factory=list)
    written: dict[str, int] = field(default_factory=dict)  # NEW's file -> rows appended
    figures: list[str] = field(default_factory=list)  # OLD's figures the written quotes state

    def count(self, resource: str, status: str) -> int:
        return sum(r.resource == resource and r.status == status for r in self.rows)

    @property
    def clean(self) -> bool:
        return all(r.status == MOVED for r in self.rows)


def reanchor(paths: Project, old: str, new: str) -> Reanchored:
    """Where each quote and set-aside mention of OLD stands in NEW's snapshot."""
    if old == new:
        raise UsageProblem([Problem("usage", "OLD and NEW are the same source; expected two")])
    old_text, new_text = (_snapshot(paths, source) for source in (old, new))
    report = Reanchored(old, new)
    for resource in FILES:
        display, records = _rows(paths, old, resource)
        for line, row in records:
            if row.get("source_id") != old:
                continue  # filed here, but of another source: not OLD's to move
            report.rows.append(_anchor(resource, display, line, row, old_text, new_text))
    return report


def _snapshot(paths: Project, source_id: str) -> str:
    path = paths.snapshots / source_id / SNAPSHOT_NAME
    if os.sep in source_id or "/" in source_id or not path.is_file():
        raise UsageProblem(
            [
                Problem(
                    "unknown-source",
                    f"{source_id!r} has no snapshot in {display_path(paths.snapshots)}/; expected "
                    "the source_id of a source added with pipeline add-source",
                )
            ]
        )
    return read_text(path, display_path(path), inside=paths.snapshots, allow_bom=False)


def _rows(paths: Project, source_id: str, resource: str) -> tuple[str, list[tuple[int, dict]]]:
    """The records of a source folder's file, each with the line it starts on."""
    path = paths.snapshots / source_id / FILES[resource]
    display = display_path(path)
    if not path.is_file():
        return display, []
    text = decode_utf8(read_bytes(path, display, inside=paths.snapshots), display)
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    records, line = [], 1
    try:
        header = next(reader, [])
        line = reader.line_num + 1
        for record in reader:
            records.append((line, dict(zip(header, record, strict=False))))
            line = reader.line_num + 1
    except csv.Error as error:
        raise InvalidInput(
            [Problem("csv-error", f"{error}; pipeline check says more", display, line)]
        ) from None
    return display, records


def _anchor(resource: str, display: str, line: int, row: dict, old: str, new: str) -> Anchored:
    start, end = _offsets(row, display, line)
    words = row.get("text") or ""
    key = row.get("quote_id") if resource == "quotes" else f"{start}:{end}"
    found = Anchored(resource, display, line, key, row, VANISHED, (start, end))
    if not words or old[start:end] != words:
        found.status = CHANGED
        found.detail = "its text is not what OLD's snapshot has at its offsets (pipeline check)"
        return found
    hits = find_all(new, words)
    if len(hits) == 1:
        found.status, found.new = MOVED, (hits[0], hits[0] + len(words))
    elif hits:
        _choose_by_context(found, hits, words, old, new)
    else:
        _describe_change(found, words, old, new)
    return found


def _offsets(row: dict, display: str, line: int) -> tuple[int, int]:
    try:
        return int(row["start"]), int(row["end"])
    except (KeyError, TypeError, ValueError):
        raise InvalidInput(
            [
                Problem(
                    "offsets",
                    "the row has no whole-number start and end; expected offsets (pipeline "
                    "check says more)",
                    display,
                    line,
                )
            ]
        ) from None


def _choose_by_context(found: Anchored, hits: list[int], words: str, old: str, new: str) -> None:
    """The hit whose surrounding characters agree with OLD's furthest, if one does."""
    start, end = found.old
    before, after = old[max(0, start - COMPARED_CHARS) : start], old[end : end + COMPARED_CHARS]
    scores = sorted(
        (
            (
                _common_suffix(before, new[max(0, hit - COMPARED_CHARS) : hit])
                + _common_prefix(after, new[hit + len(words) : hit + len(words) + COMPARED_CHARS]),
                hit,
            )
            for hit in hits
        ),
        reverse=True,
    )
    if scores[0][0] > scores[1][0]:
        hit = scores[0][1]
        found.status, found.new, found.by_context = MOVED, (hit, hit + len(words)), True
        return
    found.status = AMBIGUOUS
    places = ", ".join(_place(new, hit) for _, hit in sorted(scores, key=lambda s: s[1])[:5])
    found.detail = (
        f"the words stand in {len(hits)} places in NEW ({places}) and the words around them "
        "do not tell which is OLD's"
    )


def _common_prefix(a: str, b: str) -> int:
    return len(os.path.commonprefix([a, b]))


def _common_suffix(a: str, b: str) -> int:
    return len(os.path.commonprefix([a[::-1], b[::-1]]))


def _describe_change(found: Anchored, words: str, old: str, new: str) -> None:
    """Where OLD's words stood, found by the words around them, and what NEW has there:
    other words (changed), or none (vanished); never a guess at new offsets."""
    start, end = found.old
    before = _unique(new, old[max(0, start - ANCHOR_CHARS) : start])
    after = _unique(new, old[end : end + ANCHOR_CHARS])
    if before is not None:
        before += min(ANCHOR_CHARS, start)  # where OLD's words started
    if before is not None and after is not None and before <= after:
        there = new[before:after]
        if there.strip():
            found.status = CHANGED
            found.detail = f"NEW has {there[:200]!r} in their place ({_place(new, before)})"
        else:
            found.detail = (
                f"the words are gone: the words around them stand together in NEW "
                f"({_place(new, before)})"
            )
        return
    length = longest_found_prefix(new, words)
    if length >= max(len(words) // 2, 1):
        at = new.find(words[:length])
        found.status = CHANGED
        found.detail = (
            f"NEW has the words up to {words[:length][-40:]!r} ({_place(new, at)}), then "
            f"{new[at + length : at + length + 40]!r} where OLD has {words[length : length + 40]!r}"
        )
    elif before is not None or after is not None:
        at = before if before is not None else after
        side = "before" if before is not None else "after"
        found.detail = (
            f"the words are gone; the text {side} them still stands ({_place(new, at)}), where "
            f"NEW has {new[max(0, at - 40) : at + 60]!r}"
        )
    else:
        found.detail = "neither the words nor the words around them are in NEW"


def _unique(text: str, part: str) -> int | None:
    if len(part) < 8:  # too few characters to say where anything is
        return None
    hits = find_all(text, part)
    return hits[0] if len(hits) == 1 else None


def _place(text: str, offset: int) -> str:
    line, column = line_and_column(text, offset)
    page = page_of(text, offset, offset)
    return f"line {line}, column {column}" + (f", page {page}" if page else "")


# ---- writing the moved rows ------------------------------------------------------------------


def write_moved(paths: Project, report: Reanchored, fields: dict[str, list[str]]) -> None:
    """Append the moved rows to NEW's quotes.csv and mentions.csv (each file keeping its
    bytes, header and line endings), as rows of NEW: new offsets and page, and a quote id
    of NEW with OLD's number where it is free (OLD-q07 becomes NEW-q07). fields: the
    contract's columns of each resource."""
    snapshot = _snapshot(paths, report.new)
    for resource, name in FILES.items():
        moved = [r for r in report.rows if r.resource == resource and r.status == MOVED]
        if not moved:
            continue
        path = path_inside(paths.snapshots, f"{report.new}/{name}")
        display = display_path(path)
        ids = _quote_ids(report, moved, _rows(paths, report.new, resource)[1])
        rows = []
        for anchored, quote_id in zip(moved, ids, strict=True):
            row = {**anchored.row, "source_id": report.new}
            row["start"], row["end"] = anchored.new
            if resource == "quotes":
                row["quote_id"], row["page"] = quote_id, page_of(snapshot, *anchored.new)
                if row.get("figure_id"):
                    report.figures.append(row["figure_id"])
            rows.append({name: row.get(name) or None for name in fields[resource]})
        _append(path, display, fields[resource], rows)
        report.written[display] = len(rows)
    report.figures = list(dict.fromkeys(report.figures))


def _quote_ids(report: Reanchored, moved: list[Anchored], there: list) -> list[str | None]:
    """NEW's id for each moved quote: OLD's number where that id is free, else the next
    number past every id NEW has (None for mentions, which have no id)."""
    if moved[0].resource != "quotes":
        return [None] * len(moved)
    taken = {row.get("quote_id") for _, row in there}
    prefix = f"{report.old}-q"
    numbers = [
        int(key[len(prefix) :])
        if key and key.startswith(prefix) and key[len(prefix) :].isdigit()
        else None
        for key in (anchored.key for anchored in moved)
    ]
    wanted = [f"{report.new}-q{n:02d}" if n is not None else None for n in numbers]
    free = [w if w is not None and w not in taken else None for w in wanted]
    if len(set(filter(None, free))) != len(list(filter(None, free))):
        free = [None] * len(moved)  # OLD's own ids repeat: number them all afresh
    highest = max([n for n in numbers if n is not None] + _numbers(taken, report.new), default=0)
    ids = []
    for quote_id in free:
        if quote_id is None:
            highest += 1
            quote_id = f"{report.new}-q{highest:02d}"
        ids.append(quote_id)
    return ids


def _numbers(ids: set, source_id: str) -> list[int]:
    prefix = f"{source_id}-q"
    return [
        int(i[len(prefix) :])
        for i in ids
        if i and i.startswith(prefix) and i[len(prefix) :].isdigit()
    ]


def _append(path: Path, display: str, names: list[str], rows: list[dict]) -> None:
    from pipeline.files import write_bytes_atomic

    if not path.is_file():
        raise UsageProblem(
            [
                Problem(
                    "no-file",
                    "no file to add the moved rows to; expected the file pipeline add-source "
                    "writes, with its header row",
                    display,
                )
            ]
        )
    data = read_bytes(path, display)
    text = decode_utf8(data, display)
    try:
        parsed = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    except csv.Error as error:
        raise InvalidInput(
            [Problem("csv-error", f"{error}; pipeline check says more", display)]
        ) from None
    header, *records = parsed or [[]]
    if sorted(header) != sorted(names):
        raise InvalidInput(
            [
                Problem(
                    "header",
                    f"the header row has {', '.join(header) or 'no columns'}; expected: "
                    f"{', '.join(names)}",
                    display,
                    1,
                    1,
                )
            ]
        )
    there = {(cells.get("start"), cells.get("end")) for cells in map(_cells(header), records)}
    again = [row for row in rows if (str(row["start"]), str(row["end"])) in there]
    if again:
        raise UsageProblem(
            [
                Problem(
                    "already-there",
                    f"a row at {again[0]['start']}:{again[0]['end']} is there already (was "
                    "reanchor written before?); nothing written",
                    display,
                )
            ]
        )
    ending = "\r\n" if text.split("\n", 1)[0].endswith("\r") else "\n"
    before = "" if not text or text.endswith("\n") else ending
    records = "".join(csv_line({name: row[name] for name in header}) + ending for row in rows)
    write_bytes_atomic(path, data + (before + records).encode("utf-8"))


def _cells(header: list[str]):
    return lambda record: dict(zip(header, record, strict=False))
