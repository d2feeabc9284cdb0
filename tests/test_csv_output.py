"""The CSV writer, a column at a time, against the rule written record by record:
RFC 4180 quoting where a cell holds a comma, a double quote, a CR or an LF; LF
line endings; missing cells empty; a lone empty cell quoted."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.assemble.csv import csv_bytes, csv_line
from tests.conftest import examples

CELLS = st.one_of(st.none(), st.text(alphabet=st.sampled_from('ab ,"\r\n=é\t'), max_size=6))


def record_by_record(frame: pd.DataFrame, columns: list[str]) -> bytes:
    rows = frame[columns].astype(object).where(frame[columns].notna(), "")
    lines = [csv_line(columns)] + [csv_line(row) for row in rows.itertuples(index=False)]
    return "".join(lines).encode("utf-8")


@settings(max_examples=examples(300), deadline=None, derandomize=True)
@given(
    rows=st.lists(st.lists(CELLS, min_size=3, max_size=3), max_size=20),
    width=st.sampled_from([1, 3]),
)
def test_column_writer_equals_the_record_rule_and_reads_back(rows, width):
    columns = ["a", "b", "c"][:width]
    frame = pd.DataFrame(
        {name: pd.array([row[i] for row in rows], dtype="string") for i, name in enumerate(columns)}
    )

    written = csv_bytes(frame, columns)

    assert written == record_by_record(frame, columns)
    back = list(csv.reader(io.StringIO(written.decode("utf-8"), newline="")))
    assert back[0] == columns
    assert back[1:] == [["" if cell is None else cell for cell in row[:width]] for row in rows]


def test_a_lone_carriage_return_is_quoted():
    frame = pd.DataFrame({"a": pd.array(["x\ry", None], dtype="string"), "b": ["1", "2"]})

    assert csv_bytes(frame, ["a", "b"]) == b'a,b\n"x\ry",1\n,2\n'


@settings(max_examples=examples(100), deadline=None, derandomize=True)
@given(rows=st.lists(st.lists(CELLS, min_size=3, max_size=3), min_size=1, max_size=20))
def test_columns_made_ready_in_slices_are_written_the_same(rows):
    import pipeline.assemble.csv

    columns = ["a", "b", "c"]
    frame = pd.DataFrame(
        {name: pd.array([row[i] for row in rows], dtype="string") for i, name in enumerate(columns)}
    )
    whole = csv_bytes(frame, columns)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline.assemble.csv, "SLICE_ROWS", 3)
        assert csv_bytes(frame, columns) == whole == record_by_record(frame, columns)


@settings(max_examples=examples(50), deadline=None, derandomize=True)
@given(
    rows=st.lists(st.lists(CELLS, min_size=3, max_size=3), max_size=40),
    width=st.sampled_from([1, 3]),
)
def test_a_file_written_in_slices_is_the_table_and_its_size_and_hash_are_the_files(
    rows, width, tmp_path_factory
):
    """write_csv writes a few slices at a time (here of 3 rows, so many are made ready
    ahead of the one written) and hashes as it writes: the file is csv_bytes exactly."""
    import hashlib

    import pipeline.assemble.csv
    from pipeline.assemble.csv import write_csv

    columns = ["a", "b", "c"][:width]
    frame = pd.DataFrame(
        {name: pd.array([row[i] for row in rows], dtype="string") for i, name in enumerate(columns)}
    )
    path = tmp_path_factory.mktemp("written") / "table.csv"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline.assemble.csv, "SLICE_ROWS", 3)
        size, sha256 = write_csv(frame, columns, path)
    data = path.read_bytes()
    assert data == csv_bytes(frame, columns) == record_by_record(frame, columns)
    assert (size, sha256) == (len(data), hashlib.sha256(data).hexdigest())
