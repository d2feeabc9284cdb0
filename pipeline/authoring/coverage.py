"""`pipeline coverage`: how far each source's number mentions are accounted for (in a
quote of a figure, or set aside in mentions with a reason), and a ready-to-paste
mentions row for each one still open, its reason left for the transcriber to fill.

It reads raw/ as a build does (pipeline.load.raw.iter_raw), without the checks: a
transcription with open mentions, or other mistakes, can be looked at.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipeline.check import coverage
from pipeline.contract.model import Contract
from pipeline.errors import InvalidInput, Problem, UsageProblem
from pipeline.load.raw import iter_raw
from pipeline.load.snapshots import snapshot_text
from pipeline.project import SNAPSHOT_NAME, SOURCES_FOLDER, Project, display_path

MENTIONS, QUOTES = coverage.MENTIONS, "quotes"


@dataclass
class OpenMention:
    start: int
    end: int
    text: str
    line: int | None
    column: int | None
    before: str
    after: str
    row: dict  # a mentions row in the contract's column order, reason and note empty
    listed: bool  # its row is in mentions already, without its reason yet


@dataclass
class SourceCoverage:
    source_id: str
    snapshot: str  # as shown
    mentions: int = 0
    quoted: int = 0
    set_aside: dict[str, int] = field(default_factory=dict)  # by reason
    open: list[OpenMention] = field(default_factory=list)

    @property
    def set_aside_count(self) -> int:
        return sum(self.set_aside.values())


def source_coverage(
    project: Project, contract: Contract, source: str | None = None
) -> list[SourceCoverage]:
    """Each source's coverage (only source's, when given), in source_id order."""
    raw_shown = display_path(project.raw)
    root = f"{raw_shown}/{SOURCES_FOLDER}"
    found, quotes, mentions, read = [], [], [], []
    for batch in iter_raw(project.raw, contract, raw_shown):
        if batch.problems:
            raise InvalidInput(batch.problems)
        ids = sorted(s for s in batch.snapshots if source in (None, s))
        read += ids
        found.append(coverage.found_mentions(batch.snapshots, ids))
        quotes.append(_typed(batch.tables[QUOTES].frame, "quote_id", "figure_id"))
        mentions.append(_typed(batch.tables[MENTIONS].frame, "text", "reason"))
    if source is not None and not read:
        raise UsageProblem([_unknown(source, root)])
    marked = coverage.accounted(
        pl.concat(found).lazy(), pl.concat(quotes).lazy(), pl.concat(mentions).lazy()
    ).collect()
    left = marked.filter(pl.col("status") == "open")
    places = coverage.places(left, snapshot_text(project.snapshots, root))
    fields = contract.resource(MENTIONS).field_names
    report = {s: SourceCoverage(s, f"{root}/{s}/{SNAPSHOT_NAME}") for s in sorted(read)}
    for values in marked.iter_rows(named=True):
        counted = report[values["source_id"]]
        counted.mentions += 1
        if values["status"] == "quoted":
            counted.quoted += 1
        elif values["status"] == "set_aside":
            reason = values["reason"]
            counted.set_aside[reason] = counted.set_aside.get(reason, 0) + 1
    for values, place in zip(left.iter_rows(named=True), places, strict=True):
        row = {
            name: values.get(name) if name in coverage.SPAN + ("text",) else None for name in fields
        }
        report[values["source_id"]].open.append(
            OpenMention(
                values["start"],
                values["end"],
                values["text"],
                place.line if place else None,
                place.column if place else None,
                place.before if place else "",
                place.after if place else "",
                row,
                values["listed"],
            )
        )
    return list(report.values())


def _typed(frame: pl.DataFrame, *texts: str) -> pl.DataFrame:
    """A table's source_id, start and end (whole numbers, null where a cell is not one:
    `pipeline check` says why) and texts columns."""
    return frame.select(
        "source_id",
        pl.col("start", "end").cast(pl.Int64, strict=False),
        *texts,
    )


def _unknown(source: str, root: str) -> Problem:
    return Problem(
        "unknown-source",
        f"{source!r} is not a source_id with a readable snapshot in {root}/; expected one of "
        "the source folders (pipeline check says what is wrong with a snapshot)",
    )


def append_open_rows(project: Project, contract: Contract, counted: SourceCoverage) -> Path:
    """Append the source's open mentions to raw/sources/<source_id>/mentions.csv as rows
    whose reason is left empty (`pipeline check` asks for each until it is filled in):
    only to a file that holds the contract's header and ends with a line break, or to a
    new file with that header."""
    from pipeline.authoring.locate import csv_line
    from pipeline.files import read_text

    header = ",".join(contract.resource(MENTIONS).field_names)
    path = project.snapshots / counted.source_id / "mentions.csv"
    shown = display_path(path)
    text = read_text(path, shown) if path.exists() else f"{header}\n"
    if text.split("\n", 1)[0].rstrip("\r") != header or not text.endswith("\n"):
        raise UsageProblem(
            [
                Problem(
                    "not-appended",
                    f"not appended to: expected a file whose first line is {header} and that "
                    "ends with a line break; paste the rows that --rows prints instead",
                    file=shown,
                )
            ]
        )
    rows = "".join(f"{csv_line(m.row)}\n" for m in counted.open if not m.listed)
    path.write_text(text + rows, encoding="utf-8", newline="")
    return path
