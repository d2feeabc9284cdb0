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

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from pipeline.assemble.csv import transition_csv_pieces
from pipeline.contract.model import Resource
from pipeline.errors import InvalidInput, Problem
from pipeline.files import line_and_column

CSV_DIALECT = {"delimiter": ",", "quotechar": '"', "doublequote": True, "strict": True}
# The longest cell we read (the csv module's default; other libraries change that
# process-wide setting, so it is set for each read and restored after).
MAX_FIELD_CHARS = 131_072
# Records read at a time (and rows gathered as Python strings before they are packed).
CHUNK_ROWS = 65_536
# Files this large are first read whole by Arrow's CSV reader (read_as_written).
ARROW_READ_BYTES = 1 << 16


def read_as_written(
    data: bytes, resource: Resource, checked: dict
) -> tuple[list[str], list[pa.Array], array] | None:
    """(header, columns, first line of each record) of a CSV file exactly as the
    build writes one (pipeline.assemble.csv), read by Arrow's CSV reader; None for a
    file in any other form, which the caller reads record by record (read_chunks),
    finding and placing every problem.

    Arrow's reader is lenient where the csv module is strict (a stray quote, an
    unclosed one at the end), so its reading is taken only when writing its cells
    back gives the file's bytes exactly: the csv module reads such a file into the
    same cells (tests/test_csv_output.py holds the writer to that rule). The file's
    header must be one the contract accepts, and no cell longer than the csv
    module's limit."""
    header = _plain_header(data) if len(data) >= ARROW_READ_BYTES else None
    if header is None:
        return None
    try:
        table = pa_csv.read_csv(
            pa.py_buffer(data),
            parse_options=pa_csv.ParseOptions(newlines_in_values=True),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
            ),
        )
        names = table.column_names  # decoded here: bad UTF-8 in them is a ValueError
    except (pa.ArrowException, ValueError):
        return None
    if names != header:
        return None
    if tuple(header) not in checked:
        try:
            check_header(header, "", resource)
        except InvalidInput:
            return None
    columns = [column.combine_chunks().cast(pa.large_string()) for column in table.columns]
    del table
    if any((pc.max(pc.utf8_length(column)).as_py() or 0) > MAX_FIELD_CHARS for column in columns):
        return None
    if not _writes_back(data, header, columns):
        return None
    return header, columns, _record_starts(data, columns)


def _writes_back(data: bytes, header: list[str], columns: list[pa.Array]) -> bool:
    """True when writing the columns under header gives data exactly: compared a piece
    of the writing at a time (as bytes: memcmp), so no second copy of the file is made."""
    at = 0
    for piece in transition_csv_pieces(header, columns):
        if data[at : at + len(piece)] != bytes(piece):
            return False
        at += len(piece)
    return at == len(data)


def _plain_header(data: bytes) -> list[str] | None:
    """The names in the first line of a file as written (an LF-ended line of names
    the writer leaves unquoted); None when the first line is any other."""
    end = data.find(b"\n")
    first = data[:end] if end >= 0 else b""
    if not first or any(char in first for char in b'"\r'):
        return None
    names = first.decode("utf-8", "replace").split(",")
    return names if len(set(names)) == len(names) else None


def _record_starts(data: bytes, columns: list[pa.Array]) -> array:
    """First line of each record of a file as written (a header line, no blank
    lines): a record takes one line more than the line breaks in its cells."""
    rows = len(columns[0])
    if b"\r" not in data and data.count(b"\n") == rows + 1:
        return array("i", np.arange(2, rows + 2, dtype=np.int32).tobytes())
    breaks = np.zeros(rows, dtype=np.int64)
    for column in columns:
        for pattern, sign in (("\n", 1), ("\r", 1), ("\r\n", -1)):
            breaks += sign * pc.count_substring(column, pattern).to_numpy(zero_copy_only=False)
    starts = np.empty(rows, dtype=np.int64)
    starts[0:1] = 2
    np.cumsum(breaks[:-1] + 1, out=starts[1:])
    starts[1:] += 2
    return array("i", starts.astype(np.int32).tobytes())


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
                    problems.append(field_count_problem(record, header, display, start, resource))
            if rows:
                yield header, rows, starts
            if reader.line_num == before:  # every record takes at least one line
                break
    except csv.Error as error:
        problems.append(_csv_error(error, reader.line_num, previous_end + 1, display, resource))


def field_count_problem(record: list[str], header: list[str], display: str, line: int, resource):
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


def field_columns(line_text: str) -> list[int]:
    """field_column of every field on a line, in one pass over it (a header of many
    thousand columns is placed in linear time)."""
    columns, quoted = [1], False
    for position, char in enumerate(line_text):
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            columns.append(position + 2)
    return columns


# Header problems of one kind listed one by one; past this many, one more problem
# says how many others there are (a header of 20,000 unknown columns is one mistake,
# not 20,000 lines of report).
MAX_HEADER_PROBLEMS = 20


def check_header(header: list[str], display: str, resource: Resource) -> None:
    expected = resource.field_names
    known, seen = set(expected), set()
    repeated, unknown = [], []  # positions in header
    for index, name in enumerate(header):
        if name in seen:
            repeated.append(index)
        elif name not in known:
            unknown.append(index)
        seen.add(name)
    if not (repeated or unknown or not known <= seen):
        return
    line = ",".join(header)
    columns = field_columns(line)
    columns += [len(line) + 1] * (len(header) - len(columns))  # as field_column places them
    listed = ", ".join(expected)
    problems = _header_problems(
        "duplicate-header",
        [(columns[i], f"column {header[i]!r} appears twice") for i in repeated],
        "repeated columns",
        display,
    )
    problems += _header_problems(
        "extra-column",
        [(columns[i], f"unknown column {header[i]!r}; expected only: {listed}") for i in unknown],
        "unknown columns",
        display,
    )
    problems += [
        Problem(
            "missing-column",
            f"column {name!r} is missing; expected columns: {listed}",
            display,
            1,
            None,
            resource=resource.name,
            field=name,
        )
        for name in expected
        if name not in seen
    ]
    raise InvalidInput(problems)


def _header_problems(code: str, found: list[tuple[int, str]], kind: str, display: str):
    """A problem at each (column, message) found in the header, up to MAX_HEADER_PROBLEMS;
    past that, the next one also says how many more there are, and the rest are not listed."""
    shown = found if len(found) <= MAX_HEADER_PROBLEMS + 1 else found[: MAX_HEADER_PROBLEMS + 1]
    problems = [Problem(code, message, display, 1, column) for column, message in shown]
    if len(found) > len(shown):
        column, message = shown[-1]
        more = f"{message}; and {len(found) - len(shown)} more {kind} after it (not listed)"
        problems[-1] = Problem(code, more, display, 1, column)
    return problems
