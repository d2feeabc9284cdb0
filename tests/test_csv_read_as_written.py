"""Arrow's CSV reader is taken for a file only where it reads what the csv module
reads: large files exactly as the build writes them (pipeline.assemble.csv). Any file,
as written or broken by a few edits, gives the same table (cells, null cells, the
line each row starts on) or the same located problems with Arrow's reading allowed
as with the csv module alone."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import pipeline.load.csv_records
from pipeline.assemble.csv import transition_pandas_csv_bytes
from pipeline.contract.model import load_contract
from pipeline.errors import InvalidInput
from pipeline.load.tables import FileAt, TableBuilder, parse_csv_table
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


def outcome(data: bytes, arrow: bool) -> tuple:
    """The table read from data (or its problems), with or without Arrow's reading. With
    it, the file is to be read again to locate a cell (as raw/ and validate do), so its
    text is not kept: a file Arrow reads as written is never decoded."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline.load.csv_records, "ARROW_READ_BYTES", 0 if arrow else 1 << 62)
        try:
            source = FileAt(Path("x.csv")) if arrow else None
            table = parse_csv_table(data, "x.csv", INDICATORS, source)
        except InvalidInput as error:
            return ("problems", [(p.code, p.message, p.line, p.column) for p in error.problems])
    return _table(table)


def _table(table) -> tuple:
    frame = table.frame.astype(object).where(table.frame.notna(), None)
    return ("table", frame.values.tolist(), list(table.row_line), table.origins[0].header)


def written(rows: list[list[str | None]], order: list[str]) -> bytes:
    frame = pd.DataFrame(
        {name: pd.array([row[i] for row in rows], dtype="string") for i, name in enumerate(NAMES)}
    )
    return transition_pandas_csv_bytes(frame, order)


def edited(data: bytes, edits) -> bytes:
    for position, kind, char in edits:
        at = position % (len(data) + 1)
        byte = char
        if kind == "insert":
            data = data[:at] + byte + data[at:]
        elif kind == "delete":
            data = data[:at] + data[at + 1 :]
        else:
            data = data[:at] + byte + data[at + 1 :]
    return data


@settings(max_examples=examples(400), deadline=None, derandomize=True)
@given(
    rows=st.lists(st.lists(CELLS, min_size=4, max_size=4), max_size=12),
    order=st.permutations(NAMES),
    edits=EDITS,
)
def test_arrow_reading_gives_what_the_csv_module_gives(rows, order, edits):
    data = edited(written(rows, order), edits)

    with_arrow = outcome(data, True)

    assert with_arrow == outcome(data, False)


def test_a_file_as_written_is_read_by_arrow_with_its_lines(monkeypatch):
    rows = [["i1", "One", "a\r\nb", None], ["i2", 'say "x"', "", "n"], ["i3", "c\rd", "e\nf", ""]]
    data = written(rows, NAMES)
    calls = []
    real = pipeline.load.csv_records.pa_csv.read_csv
    monkeypatch.setattr(
        pipeline.load.csv_records.pa_csv,
        "read_csv",
        lambda *a, **k: calls.append(1) or real(*a, **k),
    )

    kind, cells, lines, _ = outcome(data, True)

    assert calls and kind == "table"
    assert cells == [
        ["i1", "One", "a\r\nb", None],
        ["i2", 'say "x"', None, "n"],
        ["i3", "c\rd", "e\nf", None],
    ]
    assert lines == [2, 4, 5]  # a record over two lines pushes the next one down


@pytest.mark.parametrize(
    "data",
    [
        b'indicator_id,title,definition,definition_note\ni1,"A"x,d,n\n',  # text after a quote
        b'indicator_id,title,definition,definition_note\ni1,"A,d,n\n',  # unclosed quote
        b"indicator_id,title,definition,definition_note\n\ni1,A,d,n\n",  # a blank line
        b"indicator_id,title,definition,definition_note\r\ni1,A,d,n\r\n",  # CRLF
        b'indicator_id,title,definition,definition_note\n"i1",A,d,n\n',  # needless quotes
    ],
)
def test_a_file_not_as_written_is_read_record_by_record(data, monkeypatch):
    monkeypatch.setattr(pipeline.load.csv_records, "ARROW_READ_BYTES", 0)

    assert pipeline.load.csv_records.read_as_written(data, INDICATORS, {}) is None
    assert outcome(data, True) == outcome(data, False)


def _gathered(builder: TableBuilder) -> tuple:
    table = builder.table()
    frame = table.frame.astype(object).where(table.frame.notna(), None)
    origins = [(origin.display, origin.header) for origin in table.origins]
    return (
        frame.values.tolist(),
        list(table.row_line),
        list(table.row_origin),
        origins,
    )


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
    threshold=st.sampled_from([0, 1 << 62]),
)
@example(  # a line break in the last file's last cell: its records are not its lines
    files=[([[None] * 4], False, []), ([[None, None, None, "\n"]], False, [])],
    order=NAMES,
    other=NAMES,
    mixed=False,
    threshold=0,
)
def test_files_added_together_give_what_each_file_added_alone_gives(
    files, order, other, mixed, threshold
):
    """Several files of a resource added at once (as raw/ adds each source folder's
    CSV files, a batch at a time) give the same rows, lines, files and problems as the
    files added one by one: read by Arrow in one go only where all of them are as
    written, with one header line and no line break in a cell."""
    datas = []
    for i, (rows, edit, edits) in enumerate(files):
        data = written(rows, other if mixed and i % 2 else order)
        datas.append((edited(data, edits) if edit else data, f"sources/s{i}/indicators.csv"))
    source = FileAt(Path("x.csv"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline.load.csv_records, "ARROW_READ_BYTES", threshold)
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


def test_clean_files_are_added_in_one_go_with_each_row_at_its_file_and_line(monkeypatch):
    """The batch path is taken for files as written, and places each row in its file."""
    datas = [
        (written([["i1", "A", "d", None], ["i2", "B", "e", "n"]], NAMES), "a/indicators.csv"),
        (written([], NAMES), "b/indicators.csv"),
        (written([["i3", "C, c", 'say "x"', None]], NAMES), "c/indicators.csv"),
    ]
    monkeypatch.setattr(pipeline.load.csv_records, "ARROW_READ_BYTES", 0)
    builder = TableBuilder(INDICATORS)
    calls = []
    monkeypatch.setattr(builder, "add_csv", lambda *a: calls.append(a))
    assert builder.add_csvs(datas, FileAt(Path("x.csv"))) == []
    assert calls == []  # not one file read alone
    frame, lines, files, origins = _gathered(builder)
    assert [row[0] for row in frame] == ["i1", "i2", "i3"]
    assert frame[2][1:3] == ["C, c", 'say "x"']
    assert lines == [2, 3, 2] and files == [0, 0, 2]
    assert [display for display, _ in origins] == [d for _, d in datas]
