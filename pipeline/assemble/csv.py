"""Writing a table as CSV: RFC 4180 quoting, LF line endings, cells verbatim.

A cell holding a comma, a double quote, a CR or an LF is wrapped in double
quotes, with each double quote in it doubled; every other cell is written as it
is, and a missing cell as nothing. A lone CR is quoted too (csv.writer leaves it
bare with LF line endings, and readers take it for a line break). The work is
done a column at a time, so a table of millions of rows is written in seconds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.check.transition import transition_string_values as string_values

NEEDS_QUOTES = r'[,"\r\n]'
SLICE_ROWS = 131_072  # rows made ready at a time and written


def csv_bytes(frame: pd.DataFrame, columns: list[str]) -> bytes:
    """The table's CSV file: a header row of columns, then one record per row."""
    return columns_csv_bytes(columns, [frame[name] for name in columns])


def columns_csv_bytes(names: list[str], columns: list) -> bytes:
    """The CSV file of a header row of names over columns (pandas Series or Arrow
    string arrays, all of one length)."""
    return b"".join(csv_pieces(names, columns))


def write_csv(frame: pd.DataFrame, columns: list[str], path: Path) -> tuple[int, str]:
    """Write the table's CSV file at path (callers guard text cells first:
    pipeline.assemble.spreadsheet), a slice of rows at a time; returns its size in bytes and
    its SHA-256 (hex)."""
    digest, size = hashlib.sha256(), 0
    with path.open("wb") as out:
        for piece in csv_pieces(columns, [frame[name] for name in columns]):
            out.write(piece)
            digest.update(piece)
            size += len(piece)
    return size, digest.hexdigest()


def csv_pieces(names: list[str], columns: list) -> Iterator[bytes | memoryview]:
    """The CSV file of a header row of names over columns, in pieces end to end: the
    header, then the records of SLICE_ROWS rows at a time."""
    yield csv_line(names).encode("utf-8")
    texts = [_text_array(column) for column in columns]
    for start in range(0, len(texts[0]), SLICE_ROWS):
        yield _records(texts, start, SLICE_ROWS)


def _records(texts: list[pa.Array], start: int, rows: int) -> memoryview:
    """The CSV records of rows rows from start, each with its LF, end to end."""
    cells = [_cells(text.slice(start, rows)) for text in texts]
    comma, empty = _text(","), _text("")
    records = pc.binary_join_element_wise(*cells, comma)
    if len(cells) == 1:  # a record of one empty cell is not a blank line
        records = pc.if_else(pc.equal(records, empty), _text('""'), records)
    lines = pc.binary_join_element_wise(records, empty, _text("\n"))  # each record and its LF
    return string_values(lines)


def csv_line(cells) -> str:
    """One CSV record, from Python values."""
    line = ",".join(_quoted(str(cell)) for cell in cells)
    return (line or '""') + "\n"


def _quoted(text: str) -> str:
    if any(char in text for char in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _text_array(column: pd.Series | pa.Array) -> pa.Array:
    if isinstance(column, pa.Array):
        return column.cast(pa.large_string())
    return pa.array(column.astype("string"), type=pa.large_string())


def _cells(text: pa.Array) -> pa.Array:
    """Text cells as CSV cells: quoted where needed; missing as empty."""
    text = pc.fill_null(text, "")
    needs = pc.match_substring_regex(text, NEEDS_QUOTES)
    if not pc.any(needs).as_py():
        return text
    mark = _text('"')
    doubled = pc.replace_substring(pc.filter(text, needs), '"', '""')
    quoted = pc.binary_join_element_wise(mark, doubled, mark, _text(""))
    return pc.replace_with_mask(text, needs, quoted)


def _text(value: str) -> pa.Scalar:
    return pa.scalar(value, type=pa.large_string())
