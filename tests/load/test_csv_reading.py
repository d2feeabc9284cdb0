"""Reading CSV files: plain files (one record per line) are read by Polars in one go,
any other file by the strict reader. Whatever the hot path takes, it reads as the csv
module reads it, each record on its line; files added together give what each file
added alone gives (rows, lines, files, problems)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.contract.model import load_contract
from pipeline.errors import InvalidInput
from pipeline.load.csv_records import CSV_DIALECT, MAX_FIELD_CHARS, read_plain
from pipeline.load.tables import FileAt, TableBuilder
from tests.conftest import REPO, examples

CONTRACT = load_contract(REPO / "datapackage.json", "datapackage.json")
INDICATORS = CONTRACT.resource("indicators")  # indicator_id,title,definition,definition_note
NAMES = list(INDICATORS.field_names)
CELLS = st.one_of(st.none(), st.text(alphabet=st.sampled_from('ab ,"\r\n=é'), max_size=5))
EDITS = st.lists(
    st.tuples(
        st.integers(0, 10_000),
        st.sampled_from(["insert", "delete", "replace"]),
        # bytes: CSV's own, and a bad UTF-8 byte, a NUL, a byte order mark, a cut character
        st.sampled_from(
            [b'"', b",", b"\r", b"\n", b"a", b" ", b"\xff", b"\0", b"\xef\xbb\xbf", b"\xc3"]
        ),
    ),
    max_size=3,
)


def written(rows: list[list[str | None]], order: list[str]) -> bytes:
    """A CSV file with its columns in order, written as the build writes one (quotes only
    where a cell needs them, LF line ends, a missing cell as nothing)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(order)
    for row in rows:
        cells = dict(zip(NAMES, row, strict=True))
        writer.writerow(["" if cells[name] is None else cells[name] for name in order])
    return out.getvalue().encode("utf-8")


def edited(data: bytes, edits) -> bytes:
    for position, kind, char in edits:
        at = position % (len(data) + 1)
        if kind == "insert":
            data = data[:at] + char + data[at:]
        elif kind == "delete":
            data = data[:at] + data[at + 1 :]
        else:
            data = data[:at] + char + data[at + 1 :]
    return data


def csv_module_reading(data: bytes) -> tuple[list[str], list[list[str]], list[int]]:
    """(header, records, line of each record) as the csv module reads a file."""
    previous = csv.field_size_limit(MAX_FIELD_CHARS)
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
        reader = csv.reader(io.StringIO(text, newline=""), **CSV_DIALECT)
        header, records, lines, end = next(reader), [], [], reader.line_num
        for record in reader:
            if record:
                records.append(record)
                lines.append(end + 1)
            end = reader.line_num
    finally:
        csv.field_size_limit(previous)
    return header, records, lines


@settings(max_examples=examples(400), deadline=None, derandomize=True)
@given(
    rows=st.lists(st.lists(CELLS, min_size=4, max_size=4), max_size=12),
    order=st.permutations(NAMES),
    edits=EDITS,
)
def test_what_the_hot_path_reads_is_what_the_csv_module_reads(rows, order, edits):
    data = edited(written(rows, order), edits)

    reads, strict = read_plain([data], INDICATORS, {})

    if strict:
        return  # left to the strict reader
    (read,) = reads
    header, records, lines = csv_module_reading(data)
    assert list(read.header) == header
    assert read.counts == [len(records)]
    assert read.frame.columns == NAMES
    in_header_order = read.frame.select(header).rows()
    assert [list(row) for row in in_header_order] == records
    assert lines == list(range(2, len(records) + 2))  # one record per line


@pytest.mark.parametrize(
    "data",
    [
        b'indicator_id,title,definition,definition_note\ni1,"A"x,d,n\n',  # text after a quote
        b'indicator_id,title,definition,definition_note\ni1,"A,d,n\n',  # unclosed quote
        b'indicator_id,title,definition,definition_note\ni1,A"x,d,n\n',  # a quote inside
        b"indicator_id,title,definition,definition_note\n\ni1,A,d,n\n",  # a blank line
        b"indicator_id,title,definition,definition_note\r\ni1,A,d,n\r\n",  # CRLF
        b"indicator_id,title,definition,definition_note\ni1,A,d\n",  # a field short
        b"indicator_id,title,definition,definition_note\ni1,A,d,n,x\n",  # a field more
        b'indicator_id,title,definition,definition_note\ni1,"A\nB",d,n\n',  # a cell on 2 lines
        b"indicator_id,title,definition,definition_note\ni1,A,d,\xff\n",  # not UTF-8
        b"indicator_id,title,definition,definition_note\ni1,A,d,\0\n",  # a NUL
        b"indicator_id,title,definition,definition_note\ni1,A,d," + b"n" * 131_073 + b"\n",
        b'"indicator_id",title,definition,definition_note\ni1,A,d,n\n',  # a quoted name
        b"indicator_id,title,definition\ni1,A,d\n",  # a column missing
        b"indicator_id,title,definition,definition_note",  # no line break
    ],
)
def test_a_file_that_is_not_plain_goes_to_the_strict_reader(data):
    reads, strict = read_plain([data], INDICATORS, {})

    assert strict == [0]
    assert [read.files for read in reads] in ([], [[]])


def _gathered(builder: TableBuilder) -> tuple:
    table = builder.table()
    origins = [(origin.display, origin.header) for origin in table.origins]
    return (table.frame.rows(), list(table.row_line), list(table.row_origin), origins)


@settings(max_examples=examples(300), deadline=None, derandomize=True)
@given(
    files=st.lists(
        st.tuples(
            st.lists(st.lists(CELLS, min_size=4, max_size=4), max_size=5),
            st.booleans(),  # edited
            EDITS,
        ),
        min_size=1,
        max_size=6,
    ),
    order=st.permutations(NAMES),
    other=st.permutations(NAMES),
    mixed=st.booleans(),
)
@example(  # a line break in the last file's last cell: its records are not its lines
    files=[([[None] * 4], False, []), ([[None, None, None, "\n"]], False, [])],
    order=NAMES,
    other=NAMES,
    mixed=False,
)
def test_files_added_together_give_what_each_file_added_alone_gives(files, order, other, mixed):
    """Several files of a resource added at once (as raw/ adds each source folder's
    CSV files, a batch at a time) give the same rows, lines, files and problems as the
    files added one by one."""
    datas = []
    for i, (rows, edit, edits) in enumerate(files):
        data = written(rows, other if mixed and i % 2 else order)
        datas.append((edited(data, edits) if edit else data, f"sources/s{i}/indicators.csv"))
    source = FileAt(Path("x.csv"))
    together = TableBuilder(INDICATORS)
    problems = together.add_csvs(datas, source)
    alone, expected = TableBuilder(INDICATORS), []
    for data, display in datas:
        try:
            alone.add_csv(data, display, source)
        except InvalidInput as error:
            expected += error.problems
    assert problems == expected
    assert _gathered(together) == _gathered(alone)


def test_plain_files_are_read_in_one_go_with_each_row_at_its_file_and_line():
    datas = [
        (written([["i1", "A", "d", None], ["i2", "B", "e", "n"]], NAMES), "a/indicators.csv"),
        (written([], NAMES), "b/indicators.csv"),
        (written([["i3", "C, c", 'say "x"', None]], NAMES), "c/indicators.csv"),
    ]
    reads, strict = read_plain([data for data, _ in datas], INDICATORS, {})
    assert strict == [] and [read.files for read in reads] == [[0, 1, 2]]

    builder = TableBuilder(INDICATORS)
    assert builder.add_csvs(datas, FileAt(Path("x.csv"))) == []
    rows, lines, files, origins = _gathered(builder)
    assert [row[0] for row in rows] == ["i1", "i2", "i3"]
    assert rows[2][1:3] == ("C, c", 'say "x"')
    assert rows[0][3] is None  # "" is a missing value
    assert lines == [2, 3, 2] and files == [0, 0, 2]
    assert [display for display, _ in origins] == [d for _, d in datas]
    assert [header for _, header in origins] == [tuple(NAMES), (), tuple(NAMES)]


def test_a_file_with_a_cell_over_two_lines_is_read_by_the_strict_reader_among_plain_ones():
    datas = [
        (written([["i1", "A", "d", None]], NAMES), "a/indicators.csv"),
        (written([["i2", "B\nb", "e", "n"], ["i3", "C", "f", None]], NAMES), "b/indicators.csv"),
        (written([["i4", "D", "g", None]], NAMES), "c/indicators.csv"),
    ]
    builder = TableBuilder(INDICATORS)
    assert builder.add_csvs(datas, FileAt(Path("x.csv"))) == []
    rows, lines, files, _ = _gathered(builder)
    assert [row[:2] for row in rows] == [("i1", "A"), ("i2", "B\nb"), ("i3", "C"), ("i4", "D")]
    assert lines == [2, 2, 4, 2] and files == [0, 1, 1, 2]


def test_a_file_not_utf8_among_plain_ones_leaves_the_others_on_the_hot_path():
    good = written([["i1", "A", "d", None]], NAMES)
    bad = b"indicator_id,title,definition,definition_note\ni2,\xff,d,n\n"

    reads, strict = read_plain([good, bad, good], INDICATORS, {})

    assert strict == [1] and [read.files for read in reads] == [[0, 2]]
    builder = TableBuilder(INDICATORS)
    problems = builder.add_csvs([(good, "a.csv"), (bad, "b.csv"), (good, "c.csv")], None)
    assert [(p.code, p.file, p.line, p.column) for p in problems] == [
        ("encoding-error", "b.csv", 2, 4)
    ]
    assert builder.table().frame["indicator_id"].to_list() == ["i1", "i1"]


@pytest.mark.parametrize("alone", [True, False])
def test_a_byte_order_mark_and_no_last_line_break_stay_on_the_hot_path(alone):
    data = b"\xef\xbb\xbf" + written([["i1", "A", "d", None], ["i2", "B", "e", "n"]], NAMES)[:-1]
    files = [data] if alone else [data, written([], NAMES)]

    reads, strict = read_plain(files, INDICATORS, {})

    assert strict == []
    assert reads[0].frame.rows() == [("i1", "A", "d", ""), ("i2", "B", "e", "n")]
