"""Writing a table as CSV: RFC 4180 quoting, LF line endings, cells verbatim.

A cell holding a comma, a double quote, a CR or an LF is wrapped in double
quotes, with each double quote in it doubled; every other cell is written as it
is, and a missing cell as nothing. A lone CR is quoted too (csv.writer leaves it
bare with LF line endings, and readers take it for a line break). The work is
done a column at a time, so a table of millions of rows is written in seconds.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

NEEDS_QUOTES = r'[,"\r\n]'
SLICE_ROWS = 262_144  # rows of a column made ready at a time, in threads


def csv_bytes(frame: pd.DataFrame, columns: list[str]) -> bytes:
    """The table's CSV file: a header row of columns, then one record per row."""
    return columns_csv_bytes(columns, [frame[name] for name in columns])


def columns_csv_bytes(names: list[str], columns: list) -> bytes:
    """The CSV file of a header row of names over columns (pandas Series or Arrow
    string arrays, all of one length)."""
    header = csv_line(names).encode("utf-8")
    if not len(columns[0]):
        return header
    comma, empty = _text(","), _text("")
    cells = _all_cells(columns)
    records = pc.binary_join_element_wise(*cells, comma)
    if len(names) == 1:  # a record of one empty cell is not a blank line
        records = pc.if_else(pc.equal(records, empty), _text('""'), records)
    lines = pc.binary_join_element_wise(records, empty, _text("\n"))  # each record and its LF
    return header + _values_bytes(lines)


def write_csv(frame: pd.DataFrame, columns: list[str], path: Path) -> bytes:
    """Write the table's CSV file at path (callers guard text cells first:
    pipeline.spreadsheet); returns the bytes written."""
    data = csv_bytes(frame, columns)
    path.write_bytes(data)
    return data


def csv_line(cells) -> str:
    """One CSV record, from Python values."""
    line = ",".join(_quoted(str(cell)) for cell in cells)
    return (line or '""') + "\n"


def _quoted(text: str) -> str:
    if any(char in text for char in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _all_cells(columns: list) -> list[pa.Array]:
    """Each column as CSV cells (_cells), made ready a slice of rows at a time in
    threads: Arrow lets go of the GIL in its kernels."""
    texts = [_text_array(column) for column in columns]
    rows = len(texts[0])
    slices = [(i, start) for i in range(len(texts)) for start in range(0, rows, SLICE_ROWS)]
    with ThreadPoolExecutor(4) as pool:
        done = list(pool.map(lambda job: _cells(texts[job[0]].slice(job[1], SLICE_ROWS)), slices))
    parts: list[list[pa.Array]] = [[] for _ in texts]
    for (i, _), cells in zip(slices, done, strict=True):
        parts[i].append(cells)
    return [pa.chunked_array(part, pa.large_string()).combine_chunks() for part in parts]


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


def _values_bytes(strings: pa.Array) -> bytes:
    """The values of a string array without nulls, end to end."""
    strings = strings.combine_chunks() if isinstance(strings, pa.ChunkedArray) else strings
    _, offsets, data = strings.buffers()
    bounds = np.frombuffer(offsets, dtype=np.int64)[
        strings.offset : strings.offset + len(strings) + 1
    ]
    return data.to_pybytes()[bounds[0] : bounds[-1]]
