"""Reading CSV records strictly: RFC 4180 quoting, the header against the contract,
each record's field count, and where each record starts (its first line), with
problems that say file, line and column.
"""

from __future__ import annotations

import csv
import io
from array import array
from collections.abc import Iterator
from itertools import islice

from pipeline.contract import Resource
from pipeline.errors import InvalidInput, Problem
from pipeline.files import line_and_column

CSV_DIALECT = {"delimiter": ",", "quotechar": '"', "doublequote": True, "strict": True}
# The longest cell we read (the csv module's default; other libraries change that
# process-wide setting, so it is set for each read and restored after).
MAX_FIELD_CHARS = 131_072
# Records read at a time (and rows gathered as Python strings before they are packed).
CHUNK_ROWS = 65_536


def read_chunks(
    text: str, display: str, resource: Resource, checked: dict, problems: list[Problem]
) -> Iterator[tuple[list[str], list[list[str]], array]]:
    """(header, records, first line of each record), CHUNK_ROWS records at a time.

    A header not in checked is checked against the contract (InvalidInput when it
    does not match). A record with the wrong field count, or broken CSV (which ends
    the reading), becomes a problem appended to problems; blank lines are skipped.
    """
    reader = csv.reader(io.StringIO(text, newline=""), **CSV_DIALECT)
    previous_end = 0  # last line of the previous record: a broken record starts after it
    try:
        header = next(reader, None)
        if header is None:
            raise InvalidInput(
                [
                    Problem(
                        "empty-file",
                        "file is empty; expected a header row: " + ",".join(resource.field_names),
                        file=display,
                        line=1,
                        column=1,
                    )
                ]
            )
        if tuple(header) not in checked:
            check_header(header, display, resource)
        previous_end = reader.line_num
        width = len(header)
        while True:
            rows, starts, before = [], array("i"), reader.line_num
            for record in islice(reader, CHUNK_ROWS):
                start = previous_end + 1
                previous_end = reader.line_num
                if len(record) == width:
                    rows.append(record)
                    starts.append(start)
                elif record:  # a blank line ([]) is not a record
                    problems.append(_field_count(record, header, display, start, resource))
            if rows:
                yield header, rows, starts
            if reader.line_num == before:  # every record takes at least one line
                break
    except csv.Error as error:
        problems.append(_csv_error(error, reader.line_num, previous_end + 1, display, resource))


def _field_count(record: list[str], header: list[str], display: str, line: int, resource):
    return Problem(
        "field-count",
        f"row has {len(record)} fields; expected {len(header)} ({','.join(header)})",
        file=display,
        line=line,
        resource=resource.name,
    )


def _csv_error(error: csv.Error, line_num: int, start: int, display: str, resource) -> Problem:
    if "field larger than field limit" in str(error):
        return field_too_large(display, start, resource)
    noticed = f" (noticed at line {line_num})" if line_num > start else ""
    return Problem(
        "csv-syntax",
        f"malformed CSV in the row starting here: {error}{noticed}; expected RFC "
        "4180 quoting (a field with a comma, quote or line break is wrapped in double "
        'quotes, and a " inside it is doubled)',
        file=display,
        line=start,
        resource=resource.name,
    )


def field_column(line_text: str, index: int) -> int:
    """1-based character column where the index-th CSV field starts on a line."""
    position, quoted, seen = 0, False, 0
    while seen < index and position < len(line_text):
        char = line_text[position]
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            seen += 1
        position += 1
    return position + 1


def refuse_nul(text: str, display: str) -> None:
    offset = text.find("\0")
    if offset >= 0:
        line, column = line_and_column(text, offset)
        raise InvalidInput(
            [
                Problem(
                    "nul-character",
                    "file holds a NUL character (byte 0x00), so it is binary or UTF-16; "
                    "expected UTF-8 text",
                    file=display,
                    line=line,
                    column=column,
                )
            ]
        )


def field_too_large(display: str, line: int, resource: Resource) -> Problem:
    return Problem(
        "field-too-large",
        f"a field in the row starting here is longer than {MAX_FIELD_CHARS} characters; "
        "expected shorter fields (is a closing double quote missing?)",
        file=display,
        line=line,
        resource=resource.name,
    )


def check_header(header: list[str], display: str, resource: Resource) -> None:
    problems = []
    expected = resource.field_names
    seen: set[str] = set()
    for index, name in enumerate(header):
        if name in seen:
            column = field_column(",".join(header), index)
            problems.append(
                Problem("duplicate-header", f"column {name!r} appears twice", display, 1, column)
            )
        elif name not in expected:
            column = field_column(",".join(header), index)
            problems.append(
                Problem(
                    "extra-column",
                    f"unknown column {name!r}; expected only: {', '.join(expected)}",
                    display,
                    1,
                    column,
                )
            )
        seen.add(name)
    for name in expected:
        if name not in seen:
            problems.append(
                Problem(
                    "missing-column",
                    f"column {name!r} is missing; expected columns: {', '.join(expected)}",
                    display,
                    1,
                    None,
                    resource=resource.name,
                    field=name,
                )
            )
    if problems:
        raise InvalidInput(problems)
