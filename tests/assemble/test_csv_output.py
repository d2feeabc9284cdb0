"""The CSV writer (Polars' writer) holds to the rule the package's readers rely on:
RFC 4180 quoting where a cell holds a comma, a double quote, a CR (a lone one too)
or an LF; LF line endings; missing and empty cells as nothing; a lone empty cell
quoted; and the csv module reads every cell back."""

from __future__ import annotations

import csv
import hashlib
import io

import polars as pl
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.assemble.csv import csv_bytes, csv_line, write_csv
from tests.conftest import examples

CELLS = st.one_of(st.none(), st.text(alphabet=st.sampled_from('ab ,"\r\n=é\t'), max_size=6))
ROWS = st.lists(st.lists(CELLS, min_size=3, max_size=3), max_size=20)


def by_the_rule(columns: list[str], rows: list[list[str | None]]) -> bytes:
    """The file the rule gives, written out record by record."""

    def cell(text: str | None) -> str:
        text = text or ""
        if any(char in text for char in ',"\r\n'):
            return '"' + text.replace('"', '""') + '"'
        return text

    lines = [",".join(cell(text) for text in record) or '""' for record in [columns, *rows]]
    return "".join(line + "\n" for line in lines).encode("utf-8")


def frame_of(columns: list[str], rows: list[list[str | None]]) -> pl.DataFrame:
    return pl.DataFrame(
        {name: [row[i] for row in rows] for i, name in enumerate(columns)},
        schema=dict.fromkeys(columns, pl.String),
    )


@settings(max_examples=examples(300), deadline=None, derandomize=True)
@given(rows=ROWS, width=st.sampled_from([1, 3]))
@example(rows=[["\r", "x\ry", None]], width=3)  # a lone CR is quoted: readers take it for a break
@example(rows=[["", None, ""], [None, "", None]], width=1)  # a lone empty cell is not a blank line
def test_written_by_the_rule_and_read_back_by_the_csv_module(rows, width):
    columns = ["a", "b", "c"][:width]
    rows = [row[:width] for row in rows]

    written = csv_bytes(frame_of(columns, rows))

    assert written == by_the_rule(columns, rows)
    back = list(csv.reader(io.StringIO(written.decode("utf-8"), newline="")))
    assert back[0] == columns
    assert back[1:] == [["" if cell is None else cell for cell in row] for row in rows]


def test_a_lone_carriage_return_is_quoted():
    frame = pl.DataFrame({"a": ["x\ry", None, "\r"], "b": ["1", "2", ""]})

    assert csv_bytes(frame) == b'a,b\n"x\ry",1\n,2\n"\r",\n'


@settings(max_examples=examples(50), deadline=None, derandomize=True)
@given(rows=st.lists(st.lists(CELLS, min_size=3, max_size=3), max_size=40))
def test_a_file_written_is_the_table_and_its_size_and_hash_are_the_files(rows, tmp_path_factory):
    columns = ["a", "b", "c"]
    frame = frame_of(columns, rows).with_columns(pl.lit(1).alias("left out"))
    path = tmp_path_factory.mktemp("written") / "table.csv"

    size, sha256 = write_csv(frame, columns, path)

    data = path.read_bytes()
    assert data == by_the_rule(columns, rows)
    assert (size, sha256) == (len(data), hashlib.sha256(data).hexdigest())


@settings(max_examples=examples(100), deadline=None, derandomize=True)
@given(cells=st.lists(st.one_of(CELLS.filter(lambda c: c is not None), st.integers()), min_size=1))
def test_one_record_is_written_by_the_rule(cells):
    texts = [str(cell) for cell in cells]

    assert csv_line(cells).encode("utf-8") == by_the_rule(texts, [])
