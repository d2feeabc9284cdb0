"""Tables as the pipeline holds them: string cells plus where each row came from.

Rows keep their origin (file and line) so that every problem found later, by
type, constraint or semantic check, can be reported at the exact place a
transcriber has to edit.
"""

from __future__ import annotations

import csv
from array import array
from itertools import repeat
from pathlib import Path

import polars as pl

from pipeline.contract.model import Resource
from pipeline.errors import InvalidInput, Problem
from pipeline.files import (
    LINE_BREAK,
    MAX_BUILT_FILE_BYTES,
    MAX_JSON_BYTES,
    decode_utf8,
    locate_key,
    read_bytes,
)
from pipeline.load.csv_records import (
    MAX_FIELD_CHARS,
    field_column,
    read_plain,
    read_records,
    refuse_nul,
)


class FilesUnder:
    """Files to read again by their display name: `<shown>/<relative>` is `<folder>/<relative>`."""

    def __init__(self, shown: str, folder: Path, inside: Path | None = None):
        self.shown, self.folder, self.inside = shown, folder, inside

    def path(self, display: str) -> Path:
        return self.folder / display[len(self.shown) + 1 :]


class FileAt:
    """One file to read again, whatever its display name."""

    def __init__(self, path: Path, inside: Path | None = None):
        self._path, self.inside = path, inside

    def path(self, display: str) -> Path:
        return self._path


class Origin:
    """A file rows were read from: CSV (one row per record) or JSON (one record).

    Only its name and header are held. Its text (`source`: the text itself, or a
    FilesUnder or FileAt to read it again) is needed only to locate a cell for an
    error message.
    """

    __slots__ = ("display", "kind", "header", "source")

    def __init__(self, display: str, kind: str, header: tuple[str, ...] = (), source=None):
        self.display, self.kind, self.header, self.source = display, kind, header, source

    def text(self) -> str | None:
        if self.source is None or isinstance(self.source, str):
            return self.source
        limit = MAX_JSON_BYTES if self.kind == "json" else MAX_BUILT_FILE_BYTES
        try:
            path = self.source.path(self.display)
            data = read_bytes(path, self.display, inside=self.source.inside, limit=limit)
            return decode_utf8(data, self.display)
        except InvalidInput:
            return None  # gone or changed since it was read: the cell is shown without a column


class Table:
    """One resource's rows: a Polars frame of text cells (one column per contract
    field, in its order; null when missing) and their origins."""

    def __init__(
        self,
        resource: str,
        frame: pl.DataFrame,
        origins: list[Origin],
        row_origin,
        row_line,
        first_row: int = 0,
        line_offset: int = 0,
    ):
        self.resource = resource
        self.frame = frame
        self.origins = origins
        self.row_origin = row_origin  # index into origins, per row
        self.row_line = row_line  # line in that origin where the row starts, per row
        # rows of the resource before this table's (read in earlier batches): a problem
        # names the row among all of the resource's rows; and, for a table read from a
        # piece of a file (its header line, then some of its rows), the file's lines
        # before those rows that row_line does not count
        self.first_row = first_row
        self.line_offset = line_offset
        self._texts: dict[int, tuple[str | None, list[str] | None]] = {}  # a few, to locate

    def origin(self, row: int) -> Origin:
        return self.origins[self.row_origin[row]]

    def locate(self, row: int, field_name: str | None) -> dict:
        """file, line, column (and resource, row, field) of one cell."""
        index = self.row_origin[row]
        origin = self.origins[index]
        line = self.row_line[row] + self.line_offset
        column = None
        if field_name is not None:
            line, column = self._column_of(index, origin, line, field_name)
        return {
            "file": origin.display,
            "line": line,
            "column": column,
            "resource": self.resource,
            "row": self.first_row + row + 1,
            "field": field_name,
        }

    def _column_of(self, index: int, origin: Origin, line: int, name: str):
        if origin.kind == "csv" and name not in origin.header:
            return line, None
        text, lines = self._text(index, origin)
        if text is None:
            return line, None
        if origin.kind == "json":
            found_line, column = locate_key(text, name)
            return (found_line or line), column
        if line - 1 >= len(lines):
            return line, None
        return line, field_column(lines[line - 1], origin.header.index(name))

    def _text(self, index: int, origin: Origin):
        """The text of an origin and its lines, kept for the last few files located in
        (problems come in row order, so mostly from one file after another)."""
        if index not in self._texts:
            if len(self._texts) >= 4:
                del self._texts[next(iter(self._texts))]
            text = origin.text()
            lines = LINE_BREAK.split(text) if text is not None and origin.kind == "csv" else None
            self._texts[index] = (text, lines)
        return self._texts[index]


class TableBuilder:
    """One resource's rows gathered from any number of files into one Table.

    Rows gather as Polars frames (one for each run of files read together); each row
    keeps only the index of its file and its line.
    """

    def __init__(self, resource: Resource, missing: tuple[str, ...] | None = None):
        self.resource = resource
        self.missing = resource.missing_values if missing is None else missing
        self.origins: list[Origin] = []
        self.row_origin = array("i")
        self.row_line = array("i")
        self._frames: list[pl.DataFrame] = []
        self._records: list[list[str | None]] = []  # JSON records not yet in a frame
        self._headers: dict[tuple[str, ...], tuple[tuple[str, ...], list[int]]] = {}

    def add_csv(self, data: bytes, display: str, source=None) -> None:
        """Rows of one CSV file; raises InvalidInput (adding nothing) when it is broken.
        source: how to read the file again to locate a cell (None: keep its text)."""
        problems = self.add_csvs([(data, display)], source)
        if problems:
            raise InvalidInput(problems)

    def add_csvs(self, files: list[tuple[bytes, str]], source) -> list[Problem]:
        """Rows of several CSV files (data, display), in order, each to be read again by
        source to locate a cell (None: each keeps its text); the problems of those that
        are broken, which add no rows. Plain files are read by Polars in one go
        (read_plain); any other by the strict reader, which places every problem."""
        reads, strict = read_plain([data for data, _ in files], self.resource, self._headers)
        placed = {}  # a file read in one go: its read, its first row there, its rows
        for read in reads:
            first = 0
            for position, count in zip(read.files, read.counts, strict=True):
                placed[position] = (read, first, count)
                first += count
        problems: list[Problem] = []
        run: list | None = None  # [read, first row, end] of consecutive files' rows
        for position, (data, display) in enumerate(files):
            if position not in placed:
                self._add_run(run)
                run = None
                try:
                    self._add_strict(data, display, source)
                except InvalidInput as error:
                    problems += error.problems
                continue
            read, first, count = placed[position]
            header = self._layout(read.header)[0] if count else ()  # as the strict reader
            kept = source if source is not None else decode_utf8(data, display)
            self.origins.append(Origin(display, "csv", header, kept))
            self.row_origin.extend(array("i", [len(self.origins) - 1]) * count)
            self.row_line.extend(range(2, count + 2))
            if run is not None and run[0] is read and run[2] == first:
                run[2] += count
            else:
                self._add_run(run)
                run = [read, first, first + count]
        self._add_run(run)
        return problems

    def _add_run(self, run: list | None) -> None:
        if run is not None and run[2] > run[1]:
            self._add_frame(run[0].frame.slice(run[1], run[2] - run[1]))

    def _add_strict(self, data: bytes, display: str, source) -> None:
        """Rows of one CSV file read record by record (read_records); InvalidInput, adding
        nothing, when it is broken."""
        text = decode_utf8(data, display)
        refuse_nul(text, display)
        problems: list[Problem] = []
        previous = csv.field_size_limit(MAX_FIELD_CHARS)
        try:
            header, rows, starts = read_records(
                text, display, self.resource, self._headers, problems
            )
        finally:
            csv.field_size_limit(previous)
        if problems:  # a broken file adds no rows; all its problems are found
            raise InvalidInput(problems)
        origin = Origin(display, "csv", (), text if source is None else source)
        self.origins.append(origin)
        if not rows:
            return  # a header alone: the file keeps no header
        origin.header, positions = self._layout(header)
        cells = {
            name: [row[position] for row in rows]
            for name, position in zip(self.resource.field_names, positions, strict=True)
        }
        self._add_frame(pl.DataFrame(cells, schema=self._schema()))
        self.row_origin.extend(array("i", [len(self.origins) - 1]) * len(rows))
        self.row_line.extend(starts)

    def add_record(self, cells: list[str | None], display: str, source=None) -> None:
        """One row (cells in contract order, None when missing) read from a JSON file."""
        self.origins.append(Origin(display, "json", (), source))
        self._records.append(cells)
        self.row_origin.append(len(self.origins) - 1)
        self.row_line.append(1)

    def add_records(self, frame: pl.DataFrame, displays: list[str], source=None) -> None:
        """Rows read from JSON files, one a file (displays, in order; frame: their cells in
        contract order)."""
        first = len(self.origins)
        self.origins += [Origin(display, "json", (), source) for display in displays]
        self.row_origin.extend(range(first, len(self.origins)))
        self.row_line.extend(repeat(1, len(displays)))
        self._add_frame(frame)

    def _layout(self, header) -> tuple[tuple[str, ...], list[int]]:
        """One shared tuple per distinct header, and where each contract field sits in it."""
        key = tuple(header)
        if key not in self._headers:
            first = {}  # each name's first position: one pass, not one search per field
            for position, name in enumerate(key):
                first.setdefault(name, position)
            positions = [first[name] for name in self.resource.field_names]
            self._headers[key] = (key, positions)
        return self._headers[key]

    def _schema(self) -> dict:
        return dict.fromkeys(self.resource.field_names, pl.String)

    def _add_frame(self, frame: pl.DataFrame) -> None:
        """Rows after those gathered so far (the JSON records first)."""
        self._add_records()
        self._frames.append(frame)

    def _add_records(self) -> None:
        if self._records:
            self._frames.append(pl.DataFrame(self._records, schema=self._schema(), orient="row"))
            self._records = []

    def table(self, first_row: int = 0, line_offset: int = 0) -> Table:
        """The rows gathered as a Table: cells equal to a missing value made null.
        first_row: how many of the resource's rows were read before these; line_offset:
        the lines of the file before them that the text read does not have (a piece of
        a file)."""
        self._add_records()
        frame = pl.concat(self._frames) if self._frames else pl.DataFrame(schema=self._schema())
        self._frames = []
        if self.missing:
            missing = list(self.missing)
            frame = frame.with_columns(
                pl.when(pl.col(name).is_in(missing)).then(None).otherwise(pl.col(name)).alias(name)
                for name in self.resource.field_names
            )
        return Table(
            self.resource.name,
            frame,
            self.origins,
            self.row_origin,
            self.row_line,
            first_row,
            line_offset,
        )


def empty_table(resource: Resource) -> Table:
    frame = pl.DataFrame(schema=dict.fromkeys(resource.field_names, pl.String))
    return Table(resource.name, frame, [], array("i"), array("i"))


def read_csv_table(
    path: Path, display: str, resource: Resource, inside: Path | None = None
) -> Table:
    """Read one CSV file of a resource, checking its structure against the contract."""
    data = read_bytes(path, display, inside=inside)
    return parse_csv_table(data, display, resource, FileAt(path, inside))


def parse_csv_table(
    data: bytes,
    display: str,
    resource: Resource,
    source=None,
    first_row: int = 0,
    line_offset: int = 0,
) -> Table:
    """A resource's table from the bytes of one of its CSV files (or of a piece of
    one, its header line first: pipeline.files.CsvPieces, with the rows before it and
    the file's lines before them that it does not have). source: how to read the file
    again to locate a cell (FilesUnder, FileAt); None keeps its text."""
    builder = TableBuilder(resource)
    builder.add_csv(data, display, source)
    return builder.table(first_row, line_offset)
