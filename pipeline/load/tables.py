"""Tables as the pipeline holds them: string cells plus where each row came from.

Rows keep their origin (file and line) so that every problem found later, by
type, constraint or semantic check, can be reported at the exact place a
transcriber has to edit.
"""

from __future__ import annotations

import csv
from array import array
from operator import itemgetter
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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
    CHUNK_ROWS,
    MAX_FIELD_CHARS,
    field_column,
    read_as_written,
    read_chunks,
    refuse_nul,
)

STRINGS = pa.large_string()  # what pandas' "string" dtype holds


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
    """One resource's rows: string cells (pd.NA when missing) and their origins."""

    def __init__(
        self, resource: str, frame: pd.DataFrame, origins: list[Origin], row_origin, row_line
    ):
        self.resource = resource
        self.frame = frame
        self.origins = origins
        self.row_origin = row_origin  # index into origins, per row
        self.row_line = row_line  # line in that origin where the row starts, per row
        self._texts: dict[int, tuple[str | None, list[str] | None]] = {}  # a few, to locate

    def origin(self, row: int) -> Origin:
        return self.origins[self.row_origin[row]]

    def locate(self, row: int, field_name: str | None) -> dict:
        """file, line, column (and resource, row, field) of one cell."""
        index = self.row_origin[row]
        origin = self.origins[index]
        line = self.row_line[row]
        column = None
        if field_name is not None:
            line, column = self._column_of(index, origin, line, field_name)
        return {
            "file": origin.display,
            "line": line,
            "column": column,
            "resource": self.resource,
            "row": row + 1,
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

    Cells are gathered as Python strings and packed into Arrow string arrays every
    CHUNK_ROWS rows; each row keeps only the index of its file and its line.
    """

    def __init__(self, resource: Resource, missing: tuple[str, ...] | None = None):
        self.resource = resource
        self.missing = resource.missing_values if missing is None else missing
        self.origins: list[Origin] = []
        self.row_origin = array("i")
        self.row_line = array("i")
        self._pending: list[list] = [[] for _ in resource.field_names]
        self._chunks: list[list[pa.Array]] = [[] for _ in resource.field_names]
        self._headers: dict[tuple[str, ...], tuple[tuple[str, ...], list[int]]] = {}

    def add_csv(self, data: bytes, display: str, source=None) -> None:
        """Rows of one CSV file; raises InvalidInput (adding nothing) when it is broken.
        source: how to read the file again to locate a cell (None: keep its text).

        A file read as written (read_as_written: Arrow's reading, proved by writing it
        back) is valid UTF-8 without a NUL, so it is not decoded unless its text is kept;
        any other file is decoded first, and a bad byte or a NUL placed."""
        as_written = None if b"\0" in data else read_as_written(data, self.resource, self._headers)
        text = None
        if as_written is None or source is None:
            text = decode_utf8(data, display)
            refuse_nul(text, display)
        mark = len(self.row_line)
        origin = Origin(display, "csv", (), text if source is None else source)
        self.origins.append(origin)
        if as_written is not None:
            header, columns, starts = as_written
            if not starts:
                return  # a header alone: no rows, as the record reader adds none
            origin.header, positions = self._layout(header)
            self._add_columns(columns, positions)
            self._add_rows(len(starts), starts)
            return
        problems: list[Problem] = []
        previous = csv.field_size_limit(MAX_FIELD_CHARS)
        try:
            chunks = read_chunks(text, display, self.resource, self._headers, problems)
            for header, rows, starts in chunks:
                if problems:
                    continue  # a broken file adds no rows; its other problems are still found
                origin.header, positions = self._layout(header)
                for pending, position in zip(self._pending, positions, strict=True):
                    pending.extend(map(itemgetter(position), rows))
                self._add_rows(len(rows), starts)
        except InvalidInput:
            self._truncate(mark)
            raise
        finally:
            csv.field_size_limit(previous)
        if problems:
            self._truncate(mark)
            raise InvalidInput(problems)

    def add_csvs(self, files: list[tuple[bytes, str]], source) -> list[Problem]:
        """Rows of several CSV files (data, display), in order, each to be read again by
        source to locate a cell; the problems of those that are broken (which add no
        rows, as add_csv). Files that share their header line, end with a line break and
        hold no line break in a cell are read by Arrow in one go, taken only when the
        whole is as written (read_as_written): each file is then exactly what add_csv
        would read from it record by record. Any other batch is read file by file."""
        if len(files) > 1 and self._add_as_written(files, source):
            return []
        problems: list[Problem] = []
        for data, display in files:
            try:
                self.add_csv(data, display, source)
            except InvalidInput as error:
                problems += error.problems
        return problems

    def _add_as_written(self, files: list[tuple[bytes, str]], source) -> bool:
        """add_csvs' reading in one go; False (adding nothing) where it does not apply."""
        first = files[0][0]
        header_line = first[: first.find(b"\n") + 1]
        if not header_line:
            return False
        for data, _ in files:
            if not (data.startswith(header_line) and data.endswith(b"\n")):
                return False
        body = header_line + b"".join(data[len(header_line) :] for data, _ in files)
        if b"\0" in body or b"\r" in body:
            return False
        as_written = read_as_written(body, self.resource, self._headers)
        if as_written is None:
            return False
        header, columns, starts = as_written
        if body.count(b"\n") != len(starts) + 1:
            return False  # a cell holds a line break: a file's records are not its lines
        counts = np.array([data.count(b"\n") - 1 for data, _ in files], dtype=np.int64)
        header, positions = self._layout(header)
        first_origin = len(self.origins)
        self.origins.extend(  # a header alone keeps no header, as add_csv reads it
            Origin(display, "csv", header if count else (), source)
            for (_, display), count in zip(files, counts.tolist(), strict=True)
        )
        if not len(starts):
            return True
        self._add_columns(columns, positions)
        file_of_row = np.repeat(np.arange(len(files), dtype=np.int64), counts)
        first_row = np.cumsum(counts) - counts  # each file's first row in the batch
        lines = np.arange(len(starts), dtype=np.int64) - first_row[file_of_row] + 2
        self.row_origin.frombytes((file_of_row + first_origin).astype(np.int32).tobytes())
        self.row_line.frombytes(lines.astype(np.int32).tobytes())
        return True

    def _add_columns(self, columns: list[pa.Array], positions: list[int]) -> None:
        """Whole columns read by Arrow (each contract field's at its position), after
        the rows already gathered."""
        self._pack()
        for chunks, position in zip(self._chunks, positions, strict=True):
            chunks.append(self._missing_to_null(columns[position]))

    def add_record(self, cells: list[str | None], display: str, source=None) -> None:
        """One row (cells in contract order, None when missing) read from a JSON file."""
        self.origins.append(Origin(display, "json", (), source))
        for pending, cell in zip(self._pending, cells, strict=True):
            pending.append(cell)
        self._add_rows(1, (1,))

    def _layout(self, header: list[str]) -> tuple[tuple[str, ...], list[int]]:
        """One shared tuple per distinct header, and where each contract field sits in it."""
        key = tuple(header)
        if key not in self._headers:
            first = {}  # each name's first position: one pass, not one search per field
            for position, name in enumerate(key):
                first.setdefault(name, position)
            positions = [first[name] for name in self.resource.field_names]
            self._headers[key] = (key, positions)
        return self._headers[key]

    def _add_rows(self, count: int, lines) -> None:
        self.row_origin.extend(array("i", [len(self.origins) - 1]) * count)
        self.row_line.extend(lines)
        if len(self._pending[0]) >= CHUNK_ROWS:
            self._pack()

    def _truncate(self, rows: int) -> None:
        """Back to the first `rows` rows, and without the last origin (a broken file)."""
        self.origins.pop()
        del self.row_origin[rows:], self.row_line[rows:]
        packed = sum(len(chunk) for chunk in self._chunks[0])
        if rows >= packed:
            for pending in self._pending:
                del pending[rows - packed :]
            return
        for pending, chunks in zip(self._pending, self._chunks, strict=True):
            pending.clear()
            kept, total = [], 0
            for chunk in chunks:
                kept.append(chunk.slice(0, rows - total))
                total += len(kept[-1])
                if total == rows:
                    break
            chunks[:] = kept

    def _pack(self) -> None:
        for pending, chunks in zip(self._pending, self._chunks, strict=True):
            if not pending:
                continue
            chunks.append(self._missing_to_null(pa.array(pending, STRINGS)))
            pending.clear()

    def _missing_to_null(self, cells: pa.Array) -> pa.Array:
        """Cells with the resource's missing values (such as "") made null."""
        if not self.missing:
            return cells
        is_missing = pc.is_in(cells, value_set=pa.array(self.missing, STRINGS))
        if pc.any(is_missing).as_py():
            return pc.if_else(is_missing, pa.scalar(None, STRINGS), cells)
        return cells

    def table(self) -> Table:
        """The rows gathered as a Table."""
        self._pack()
        names = self.resource.field_names
        if not self.row_line:
            frame = empty_table(self.resource).frame
        else:
            frame = pd.DataFrame(
                {
                    name: pd.arrays.ArrowStringArray(
                        pa.chunked_array(chunks, STRINGS).combine_chunks()
                    )
                    for name, chunks in zip(names, self._chunks, strict=True)
                }
            )
        self._chunks = [[] for _ in names]
        return Table(self.resource.name, frame, self.origins, self.row_origin, self.row_line)


def empty_table(resource: Resource) -> Table:
    frame = pd.DataFrame({name: pd.Series([], dtype="string") for name in resource.field_names})
    return Table(resource.name, frame, [], array("i"), array("i"))


def read_csv_table(
    path: Path, display: str, resource: Resource, inside: Path | None = None
) -> Table:
    """Read one CSV file of a resource, checking its structure against the contract."""
    data = read_bytes(path, display, inside=inside)
    return parse_csv_table(data, display, resource, FileAt(path, inside))


def parse_csv_table(data: bytes, display: str, resource: Resource, source=None) -> Table:
    """A resource's table from the bytes of one of its CSV files. source: how to read
    the file again to locate a cell (FilesUnder, FileAt); None keeps its text."""
    builder = TableBuilder(resource)
    builder.add_csv(data, display, source)
    return builder.table()
