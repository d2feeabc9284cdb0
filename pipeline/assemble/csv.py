"""Writing a table as CSV: RFC 4180 quoting, LF line endings, cells verbatim.

A cell holding a comma, a double quote, a CR or an LF is wrapped in double
quotes, with each double quote in it doubled (a lone CR too: readers take a bare
one for a line break); every other cell is written as it is, and a missing or
empty cell as nothing, except that a record of one empty cell is written `""`, so
that it is not a blank line. Polars' CSV writer does the writing; it quotes
exactly so (tests/assemble/test_csv_output.py holds it to the rule).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import BinaryIO

import polars as pl


def csv_ready(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with its text cells as the rule writes them: Polars writes a missing
    cell as nothing and an empty one as `""`, so empty text is made missing, and in a
    table of one column every missing cell is made empty (written `""`)."""
    texts = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    if frame.width == 1:
        return frame.with_columns(pl.col(texts).fill_null(""))
    return frame.with_columns(
        pl.when(pl.col(name) != "").then(pl.col(name)).alias(name) for name in texts
    )


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """The table's CSV file: a header row of its column names, then one record per row."""
    return csv_ready(frame).write_csv().encode("utf-8")


def write_csv(frame: pl.DataFrame, columns: list[str], path: Path) -> tuple[int, str]:
    """Write the table's columns as a CSV file at path (callers guard text cells first:
    pipeline.assemble.spreadsheet); returns its size in bytes and its SHA-256 (hex),
    taken as it is written."""
    with CsvAppender(path, columns) as out:
        out.append(frame)
    return out.size, out.sha256


class CsvAppender:
    """A CSV file written a batch of rows at a time: the header row when opened (so a
    table that never gets a row still has it), then each batch's records; its size and
    SHA-256 (hex) are taken as it is written. The bytes are write_csv's on the batches
    put together: a record depends on its own row only."""

    def __init__(self, path: Path, columns: list[str]):
        self.columns = columns
        self._file = path.open("wb")
        self._hashing = _HashingFile(self._file)
        header = pl.DataFrame(schema=dict.fromkeys(columns, pl.String))
        header.write_csv(self._hashing)

    def append(self, frame: pl.DataFrame) -> None:
        """Add the frame's rows (its columns named at opening, in that order)."""
        if frame.height:
            csv_ready(frame.select(self.columns)).write_csv(self._hashing, include_header=False)

    def close(self) -> None:
        self._file.close()

    @property
    def size(self) -> int:
        return self._hashing.size

    @property
    def sha256(self) -> str:
        return self._hashing.digest.hexdigest()

    def __enter__(self) -> CsvAppender:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def csv_line(cells) -> str:
    """One CSV record (with its LF), from Python values written as str() writes them."""
    row = pl.DataFrame({str(i): [str(cell)] for i, cell in enumerate(cells)})
    return csv_ready(row).write_csv(include_header=False)


class _HashingFile:
    """A binary file that counts and hashes what is written to it."""

    def __init__(self, out: BinaryIO):
        self.out, self.digest, self.size = out, hashlib.sha256(), 0

    def write(self, data: bytes) -> int:
        self.out.write(data)
        self.digest.update(data)
        self.size += len(data)
        return len(data)
