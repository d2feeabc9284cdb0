"""Tables as the pipeline holds them: string cells plus where each row came from.

Rows keep their origin (file and line) so that every problem found later, by
type, constraint or semantic check, can be reported at the exact place a
transcriber has to edit.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from pipeline.contract import Resource
from pipeline.errors import InvalidInput, Problem
from pipeline.files import LINE_BREAK, decode_utf8, line_and_column, locate_key, read_bytes

CSV_DIALECT = {"delimiter": ",", "quotechar": '"', "doublequote": True, "strict": True}
# The longest cell we read (the csv module's default; other libraries change that
# process-wide setting, so it is set for each read and restored after).
MAX_FIELD_CHARS = 131_072


@dataclass
class Origin:
    """A file rows were read from: CSV (one row per record) or JSON (one record)."""

    display: str
    text: str
    kind: str  # "csv" or "json"
    header: list[str] = field(default_factory=list)

    def column_of(self, line: int, field_name: str) -> tuple[int, int | None]:
        if self.kind == "json":
            found_line, column = locate_key(self.text, field_name)
            return (found_line or line), column
        if field_name not in self.header:
            return line, None
        if line - 1 >= len(self.lines):
            return line, None
        return line, field_column(self.lines[line - 1], self.header.index(field_name))

    @cached_property
    def lines(self) -> list[str]:
        return LINE_BREAK.split(self.text)


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


@dataclass
class Table:
    """One resource's rows: string cells (pd.NA when missing) and their origins."""

    resource: str
    frame: pd.DataFrame
    origins: list[Origin]
    row_origin: list[int]  # index into origins, per row
    row_line: list[int]  # line in that origin, per row

    def locate(self, row: int, field_name: str | None) -> dict:
        """file, line, column (and resource, row, field) of one cell."""
        origin = self.origins[self.row_origin[row]]
        line = self.row_line[row]
        column = None
        if field_name is not None:
            line, column = origin.column_of(line, field_name)
        return {
            "file": origin.display,
            "line": line,
            "column": column,
            "resource": self.resource,
            "row": row + 1,
            "field": field_name,
        }


def empty_table(resource: Resource) -> Table:
    frame = pd.DataFrame({name: pd.Series([], dtype="string") for name in resource.field_names})
    return Table(resource.name, frame, [], [], [])


def concat_tables(resource: Resource, parts: list[Table]) -> Table:
    if not parts:
        return empty_table(resource)
    origins: list[Origin] = []
    row_origin: list[int] = []
    row_line: list[int] = []
    for part in parts:
        offset = len(origins)
        origins.extend(part.origins)
        row_origin.extend(i + offset for i in part.row_origin)
        row_line.extend(part.row_line)
    frame = pd.concat([p.frame for p in parts], ignore_index=True)
    return Table(resource.name, frame, origins, row_origin, row_line)


def read_csv_table(
    path: Path, display: str, resource: Resource, inside: Path | None = None
) -> Table:
    """Read one CSV file of a resource, checking its structure against the contract."""
    return parse_csv_table(read_bytes(path, display, inside=inside), display, resource)


def parse_csv_table(data: bytes, display: str, resource: Resource) -> Table:
    """A resource's table from the bytes of one of its CSV files."""
    text = decode_utf8(data, display)
    _refuse_nul(text, display)
    origin = Origin(display, text, "csv")
    previous = csv.field_size_limit(MAX_FIELD_CHARS)
    try:
        rows, lines = _parse_records(text, display, resource, origin)
    finally:
        csv.field_size_limit(previous)
    missing = set(resource.missing_values)
    columns = {
        name: pd.array(
            [None if r[i] in missing else r[i] for r in rows],
            dtype="string",
        )
        for i, name in enumerate(origin.header)
    }
    frame = pd.DataFrame(columns)[resource.field_names] if rows else empty_table(resource).frame
    return Table(resource.name, frame, [origin], [0] * len(rows), lines)


def _refuse_nul(text: str, display: str) -> None:
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


def _parse_records(text: str, display: str, resource: Resource, origin: Origin):
    reader = csv.reader(io.StringIO(text, newline=""), **CSV_DIALECT)
    problems: list[Problem] = []
    rows: list[list[str]] = []
    lines: list[int] = []
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
        origin.header = header
        _check_header(header, display, resource)
        previous_end = reader.line_num
        for record in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            if record == []:
                continue  # a blank line is not a record
            if len(record) != len(header):
                problems.append(
                    Problem(
                        "field-count",
                        f"row has {len(record)} fields; expected {len(header)} "
                        f"({','.join(header)})",
                        file=display,
                        line=start,
                        resource=resource.name,
                    )
                )
                continue
            rows.append(record)
            lines.append(start)
    except csv.Error as error:
        start = previous_end + 1
        noticed = f" (noticed at line {reader.line_num})" if reader.line_num > start else ""
        if "field larger than field limit" in str(error):
            problems.append(_field_too_large(display, start, resource))
        else:
            problems.append(
                Problem(
                    "csv-syntax",
                    f"malformed CSV in the row starting here: {error}{noticed}; expected RFC "
                    "4180 quoting (a field with a comma, quote or line break is wrapped in double "
                    'quotes, and a " inside it is doubled)',
                    file=display,
                    line=start,
                    resource=resource.name,
                )
            )
    if problems:
        raise InvalidInput(problems)
    return rows, lines


def _field_too_large(display: str, line: int, resource: Resource) -> Problem:
    return Problem(
        "field-too-large",
        f"a field in the row starting here is longer than {MAX_FIELD_CHARS} characters; "
        "expected shorter fields (is a closing double quote missing?)",
        file=display,
        line=line,
        resource=resource.name,
    )


def _check_header(header: list[str], display: str, resource: Resource) -> None:
    problems = []
    expected = resource.field_names
    seen: set[str] = set()
    for index, name in enumerate(header):
        column = field_column(",".join(header), index)
        if name in seen:
            problems.append(
                Problem("duplicate-header", f"column {name!r} appears twice", display, 1, column)
            )
        elif name not in expected:
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


def write_csv(frame: pd.DataFrame, columns: list[str], path: Path) -> None:
    """Write cells verbatim (missing as empty) with LF line endings and RFC 4180 quoting;
    callers guard text cells first (pipeline.spreadsheet)."""
    values = frame[columns].astype(object).where(frame[columns].notna(), "")
    lines = [csv_line(columns)]
    lines += [csv_line(row) for row in values.itertuples(index=False, name=None)]
    path.write_bytes("".join(lines).encode("utf-8"))


def csv_line(cells) -> str:
    """One CSV record. csv.writer is not used: with LF line endings it leaves a cell
    holding a lone CR unquoted, which readers take for a line break."""
    line = ",".join(_csv_cell(str(cell)) for cell in cells)
    return (line or '""') + "\n"  # a record of one empty cell is not a blank line


def _csv_cell(text: str) -> str:
    if any(char in text for char in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text
