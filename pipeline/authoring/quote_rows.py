"""Adding a located quote to its source's quotes.csv (`pipeline locate --figure/--statement`):
the file keeps every byte it had, its header and its line endings; the new record goes
at its end in the file's own column order, so no id, offset or qualifier is copied by hand.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from pipeline.authoring.locate import csv_line
from pipeline.errors import InvalidInput, Problem, UsageProblem
from pipeline.files import decode_utf8, path_inside, read_bytes, write_bytes_atomic

SAME_QUOTE = ("start", "end", "figure_id", "statement_id")  # a row already there has these


@dataclass(frozen=True)
class Added:
    quote_id: str
    line: int  # the new record's line in the file


def claimed_row(
    row: dict, figure: str | None, statement: str | None, speaker: str | None, attribution
) -> dict:
    """The located row with what it supports (one figure or one statement) and, when
    given, who says it and how; a statement's quote has no qualifier."""
    if (figure is None) == (statement is None):
        raise UsageProblem(
            [Problem("usage", "--figure and --statement: give one, the claim the quote supports")]
        )
    claimed = {"figure_id": figure, "statement_id": statement}
    if statement is not None:
        claimed["qualifier"] = None
    if speaker is not None:
        claimed["speaker_id"] = speaker
    if attribution is not None:
        claimed["attribution"] = attribution
    return {**row, **claimed}


def add_quote_row(sources: Path, source_id: str, row: dict, display: str) -> Added:
    """Append row to raw/sources/<source_id>/quotes.csv (sources: raw/sources)."""
    path = path_inside(sources, f"{source_id}/quotes.csv", display)
    if not path.is_file():
        raise UsageProblem(
            [
                Problem(
                    "no-quotes-file",
                    "no quotes.csv to add to; expected the file that "
                    "pipeline add-source writes, with its header row",
                    display,
                )
            ]
        )
    data = read_bytes(path, display)
    text = decode_utf8(data, display)
    records = _records(text.removeprefix("\ufeff"), display)
    header = records[0][1] if records else []
    if sorted(header) != sorted(row):
        raise InvalidInput(
            [
                Problem(
                    "header",
                    f"the header row has {', '.join(header) or 'no columns'}; "
                    f"expected the columns of quotes: {', '.join(row)} (pipeline check says "
                    "more)",
                    display,
                    1,
                    1,
                )
            ]
        )
    refuse_existing(records, row, display)
    ending = "\r\n" if text.split("\n", 1)[0].endswith("\r") else "\n"
    before = "" if text.endswith("\n") else ending
    record = csv_line({name: row[name] for name in header})
    write_bytes_atomic(path, data + (before + record + ending).encode("utf-8"))
    line = text.count("\n") + 1 + (before != "")
    return Added(str(row["quote_id"]), line)


def _records(text: str, display: str) -> list[tuple[int, list[str]]]:
    """Each record of the file with the line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""))
    found, line = [], 1
    try:
        for record in reader:
            found.append((line, record))
            line = reader.line_num + 1
    except csv.Error as error:
        raise InvalidInput(
            [Problem("csv-error", f"{error}; run pipeline check for the details", display, line)]
        ) from None
    return found


def refuse_existing(records: list[tuple[int, list[str]]], row: dict, display: str) -> None:
    """A row with the same offsets for the same figure or statement is there already."""
    header = records[0][1]
    wanted = tuple("" if row[name] is None else str(row[name]) for name in SAME_QUOTE)
    for line, record in records[1:]:
        cells = dict(zip(header, record, strict=False))
        if tuple(cells.get(name, "") for name in SAME_QUOTE) == wanted:
            claim = (
                f"figure {row['figure_id']}"
                if row["figure_id"]
                else (f"statement {row['statement_id']}")
            )
            raise UsageProblem(
                [
                    Problem(
                        "quote-exists",
                        f"quote {cells.get('quote_id', '')} already quotes these "
                        f"words ({row['start']}:{row['end']}) for {claim}; nothing added",
                        display,
                        line,
                        1,
                    )
                ]
            )
