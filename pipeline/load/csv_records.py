"""Reading CSV records: the header against the contract, the cells, and where each
record starts (its line). Files go by one hot path, Polars reading a batch of plain
files as one text (read_plain); a file it cannot vouch for goes to the strict reader
(read_records: RFC 4180 quoting and each record's field count, with problems that say
file, line and column).
"""

from __future__ import annotations

import csv
import io
from array import array
from itertools import accumulate
from typing import NamedTuple

import polars as pl

from pipeline.contract.model import Resource
from pipeline.errors import InvalidInput, Problem, counted
from pipeline.files import line_and_column

CSV_DIALECT = {"delimiter": ",", "quotechar": '"', "doublequote": True, "strict": True}
# The longest cell we read (the csv module's default; other libraries change that
# process-wide setting, so it is set for each read and restored after).
MAX_FIELD_CHARS = 131_072
BOM = b"\xef\xbb\xbf"
# A cell of a plain record: in double quotes (a quote inside doubled) or without any,
# and nothing the strict reader would read otherwise (no CR, no NUL, no quote in an
# unquoted cell, no text after a closing quote).
_CELL = r'(?:"(?:[^"\r\x00]|"")*"|[^",\r\x00]*)'
# Polars' CSV reading of cells as they are: text, "" where empty (missing values are
# the contract's, made null later).
_AS_TEXT = {"has_header": False, "infer_schema": False, "empty_string_is_null": False}


class PlainRead(NamedTuple):
    """Files of one header read in one go: their records (contract order), which files
    of the batch they are (positions) and how many records each holds, in order."""

    header: tuple[str, ...]
    frame: pl.DataFrame
    files: list[int]
    counts: list[int]


def read_plain(
    files: list[bytes], resource: Resource, checked: dict
) -> tuple[list[PlainRead], list[int]]:
    """The hot path: files of one resource read by Polars, one text per header line; and
    the positions of the files left to the strict reader (read_records): a file whose
    header is not one the contract accepts (or not plain), and any file _refused cannot
    vouch for. A file read here holds one record per line: record i is on line i + 2.
    checked: headers known to be good."""
    groups: dict[bytes, list[_Body]] = {}
    strict = []
    for position, data in enumerate(files):
        header_line, body = _header_and_body(position, data)
        if body is None:
            strict.append(position)
        else:
            groups.setdefault(header_line, []).append(body)
    reads = []
    for header_line, bodies in groups.items():
        header = _plain_header(header_line, resource, checked)
        read = None if header is None else _read_group(header, bodies, resource)
        if read is None:
            strict += [body.position for body in bodies]
        else:
            reads.append(read)
            strict += sorted({body.position for body in bodies} - set(read.files))
    return reads, sorted(strict)


class _Body(NamedTuple):
    """The lines of a file after its header: data[start:], one record a line."""

    position: int
    data: bytes
    start: int
    records: int

    def pieces(self) -> list:
        """The lines as pieces of one text (no copy), with a missing last line break."""
        ends = self.data.endswith(b"\n")
        return [memoryview(self.data)[self.start :]] if ends else [self.data[self.start :], b"\n"]


def _header_and_body(position: int, data: bytes) -> tuple[bytes, _Body | None]:
    """A file's header line (without a byte order mark) and its body; no body for a file
    without a line break, with a quote in its header line, or with a CR or a NUL."""
    start = len(BOM) if data.startswith(BOM) else 0
    end = data.find(b"\n", start)
    header = data[start:end]
    if end < 0 or b'"' in header or b"\r" in data or b"\0" in data:
        return header, None
    records = data.count(b"\n", end + 1) + (not data.endswith(b"\n"))
    return header, _Body(position, data, end + 1, records)


def _plain_header(line: bytes, resource: Resource, checked: dict) -> tuple[str, ...] | None:
    """The names in a header line, or None where the contract refuses them (the strict
    reader then says why)."""
    try:
        header = tuple(line.decode("utf-8").split(","))
    except UnicodeDecodeError:
        return None
    if header not in checked:
        try:
            check_header(list(header), "", resource)
        except InvalidInput:
            return None
    return header


def _text(bodies: list[_Body]) -> tuple[bytes, int]:
    """The bodies as one text, and how many lines to skip at its start: a file alone
    that ends with a line break is its own text, read after its header line (no copy)."""
    if len(bodies) == 1 and bodies[0].data.endswith(b"\n"):
        return bodies[0].data, 1
    return b"".join(piece for body in bodies for piece in body.pieces()), 0


def _read_group(header: tuple[str, ...], bodies: list[_Body], resource) -> PlainRead | None:
    """The plain files of one header read as one text; None where Polars refuses it."""
    bodies, joined = _vouched(bodies, len(header))
    counts = [body.records for body in bodies]
    if not sum(counts):
        frame = pl.DataFrame(schema=dict.fromkeys(header, pl.String))
    else:
        text, skip = joined or _text(bodies)
        try:
            frame = pl.read_csv(text, skip_lines=skip, new_columns=list(header), **_AS_TEXT)
        except pl.exceptions.PolarsError:
            return None
    if frame.height != sum(counts):
        return None
    positions = [body.position for body in bodies]
    return PlainRead(header, frame.select(resource.field_names), positions, counts)


def _vouched(bodies: list[_Body], width: int) -> tuple[list[_Body], tuple[bytes, int] | None]:
    """The bodies in which _refused finds nothing wrong, and their text (_text) where it
    is the one looked at (every body kept). Where Polars cannot read their text as lines
    (not UTF-8), the files that are not UTF-8 are left out and the others looked at
    again."""
    if not sum(body.records for body in bodies):
        return bodies, None
    joined = _text(bodies)
    refused = _refused(*joined, width, [body.records for body in bodies])
    if refused is None:
        utf8 = [body for body in bodies if _is_utf8(body.data[body.start :])]
        return _vouched(utf8, width) if len(utf8) < len(bodies) else ([], None)
    if not refused:
        return bodies, joined
    return [body for i, body in enumerate(bodies) if i not in refused], None


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _refused(text: bytes, skip: int, width: int, counts: list[int]) -> set[int] | None:
    """Files (positions in counts, each its number of lines in text after skip, UTF-8
    without a CR or a NUL) with a line that is not one plain record of width fields:
    blank, too long for a cell, with a cell the strict reader reads otherwise, a quote
    left open (a cell over several lines), or another number of fields. None where
    Polars cannot read the text (not UTF-8)."""
    try:  # each line whole, as one cell: no quote character, a separator never there
        lines = pl.read_csv(
            text,
            skip_lines=skip,
            separator="\x00",
            quote_char=None,
            new_columns=["line"],
            **_AS_TEXT,
        )
    except pl.exceptions.PolarsError:
        return None
    if lines.height != sum(counts):
        return set(range(len(counts)))
    line = pl.col("line")
    plain = (
        (line.str.len_bytes() > 0)
        & (line.str.len_chars() <= MAX_FIELD_CHARS)
        & line.str.contains(rf"^{_CELL}(?:,{_CELL}){{{width - 1}}}$")
    )
    bad = lines.select(plain.not_().arg_true()).to_series()
    if bad.is_empty():
        return set()
    ends = pl.Series(list(accumulate(counts)), dtype=pl.Int64)
    return set(ends.search_sorted(bad.cast(pl.Int64), side="right").to_list())


def read_records(
    text: str, display: str, resource: Resource, checked: dict, problems: list[Problem]
) -> tuple[list[str], list[list[str]], array]:
    """(header, records, first line of each record) of a file, read by the csv module.

    A header not in checked is checked against the contract (InvalidInput when it
    does not match). A record with the wrong field count, or broken CSV (which ends
    the reading), becomes a problem appended to problems; blank lines are skipped.
    """
    reader = csv.reader(io.StringIO(text, newline=""), **CSV_DIALECT)
    previous_end = 0  # last line of the previous record: a broken record starts after it
    header, rows, starts = [], [], array("i")
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
        for record in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            if len(record) == len(header):
                rows.append(record)
                starts.append(start)
            elif record:  # a blank line ([]) is not a record
                problems.append(field_count_problem(record, header, display, start, resource))
    except csv.Error as error:
        problems.append(_csv_error(error, reader.line_num, previous_end + 1, display, resource))
    return header, rows, starts


def field_count_problem(record: list[str], header: list[str], display: str, line: int, resource):
    return Problem(
        "field-count",
        f"row has {counted(len(record), 'field')}; expected {len(header)} ({','.join(header)})",
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
    """1-based character column where the index-th CSV field starts on a line (past
    the line's end where it has fewer fields)."""
    columns = field_columns(line_text)
    return columns[index] if index < len(columns) else len(line_text) + 1


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
