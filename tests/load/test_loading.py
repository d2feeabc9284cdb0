"""The load stage as a unit: rows gathered from many files into one table keep where
each came from (file, line, column), every input is read once and hashed as read,
and a table keeps no file's text (a file is read again only to locate an error)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import polars as pl
import pytest

import pipeline.load.raw
from pipeline.contract.model import load_contract
from pipeline.errors import InvalidInput
from pipeline.load.raw import load_raw
from pipeline.load.tables import FilesUnder, TableBuilder, parse_csv_table
from tests.conftest import REPO, SOURCE_ID

CONTRACT = load_contract(REPO / "datapackage.json", "datapackage.json")
INDICATORS = CONTRACT.resource("indicators")  # indicator_id,title,definition,definition_note
MANY = 65_536  # rows in one file

# Three files of one resource. b.csv has its columns in another order, a blank line, CRLF
# line ends and a cell over three lines; c.csv ends without a line break.
FILES = {
    "a.csv": "indicator_id,title,definition,definition_note\na1,A one,Defined,\na2,A two,,n\n",
    "b.csv": (
        "title,indicator_id,definition_note,definition\r\n"
        "B one,b1,,plain\r\n"
        "\r\n"
        'B two,b2,"a note\r\nover\r\nthree lines",after\r\n'
        "B three,b3,x,y\r\n"
    ),
    "c.csv": 'indicator_id,title,definition,definition_note\nc1,"C, one",d,"q ""x"""',
}


def gathered(tmp_path: Path):
    builder = TableBuilder(INDICATORS)
    for name, text in FILES.items():
        (tmp_path / name).write_bytes(text.encode("utf-8"))
        builder.add_csv(text.encode("utf-8"), f"in/{name}", FilesUnder("in", tmp_path))
    return builder.table()


def test_rows_from_many_files_form_one_frame_in_contract_order(tmp_path):
    table = gathered(tmp_path)

    assert table.frame.columns == INDICATORS.field_names
    assert all(dtype == pl.String for dtype in table.frame.dtypes)
    assert table.frame["indicator_id"].to_list() == ["a1", "a2", "b1", "b2", "b3", "c1"]
    assert table.frame[3, "definition_note"] == "a note\r\nover\r\nthree lines"
    assert table.frame[5, "definition_note"] == 'q "x"'
    assert table.frame[0, "definition_note"] is None  # "" is a missing value
    assert table.frame[2, "definition_note"] is None


@pytest.mark.parametrize(
    ("row", "field", "file", "line", "column"),
    [
        (0, "indicator_id", "in/a.csv", 2, 1),
        (1, "definition_note", "in/a.csv", 3, 11),
        (2, "indicator_id", "in/b.csv", 2, 7),  # b.csv has title first
        (2, "definition", "in/b.csv", 2, 11),
        (3, "indicator_id", "in/b.csv", 4, 7),  # after the blank line 3
        (3, "definition_note", "in/b.csv", 4, 10),  # where the quoted cell opens
        (4, "title", "in/b.csv", 7, 1),  # the row after the three-line cell
        (4, "definition", "in/b.csv", 7, 14),
        (5, "definition", "in/c.csv", 2, 13),  # after a quoted comma
        (5, "definition_note", "in/c.csv", 2, 15),
    ],
)
def test_each_row_locates_in_its_own_file_line_and_column(tmp_path, row, field, file, line, column):
    table = gathered(tmp_path)

    where = table.locate(row, field)

    assert where == {
        "file": file,
        "line": line,
        "column": column,
        "resource": "indicators",
        "row": row + 1,
        "field": field,
    }


def test_a_table_keeps_no_file_text_and_reads_the_file_again_only_to_locate(tmp_path):
    table = gathered(tmp_path)

    assert not any(isinstance(origin.source, str) for origin in table.origins)
    assert len({id(origin.header) for origin in table.origins}) == 2  # one per distinct header
    (tmp_path / "b.csv").unlink()  # gone: the row is still found, without a column
    assert table.locate(4, "title")["column"] is None
    assert table.locate(4, "title")["line"] == 7
    assert table.locate(0, "title")["column"] == 4


def test_one_file_read_from_bytes_keeps_its_text_to_locate(tmp_path):
    text = FILES["b.csv"]
    table = parse_csv_table(text.encode("utf-8"), "b.csv", INDICATORS)

    assert list(table.row_line) == [2, 4, 7]
    assert table.locate(2, "definition") == {
        "file": "b.csv",
        "line": 7,
        "column": 14,
        "resource": "indicators",
        "row": 3,
        "field": "definition",
    }


@pytest.mark.parametrize("end", ["\n", "\r\n"])  # read by Polars, by the strict reader
def test_many_rows_and_a_file_after_them_keep_their_cells_and_lines(end):
    rows = [f"i{n},T{n},,{'' if n % 3 else 'note'}" for n in range(MANY + 10)]
    text = "indicator_id,title,definition,definition_note" + end + end.join(rows) + end
    builder = TableBuilder(INDICATORS)
    builder.add_csv(text.encode("utf-8"), "big.csv")
    builder.add_csv(b"indicator_id,title,definition,definition_note\nlast,L,d,\n", "small.csv")
    table = builder.table()

    last = MANY + 9
    assert len(table.frame) == MANY + 11
    assert table.frame[last, "indicator_id"] == f"i{last}"
    assert table.frame["definition"].null_count() == MANY + 10
    assert table.frame[MANY + 10, "indicator_id"] == "last"
    assert table.locate(last, "title")["line"] == last + 2
    assert table.locate(MANY + 10, "title")["file"] == "small.csv"


def test_a_broken_file_adds_no_rows_and_says_where(tmp_path):
    builder = TableBuilder(INDICATORS)
    builder.add_csv(FILES["a.csv"].encode("utf-8"), "a.csv")
    broken = 'indicator_id,title,definition,definition_note\nx,y,z\n\nw,v,"u\nt,s\n'
    with pytest.raises(InvalidInput) as raised:
        builder.add_csv(broken.encode("utf-8"), "broken.csv")

    assert [(p.code, p.file, p.line) for p in raised.value.problems] == [
        ("field-count", "broken.csv", 2),
        ("csv-syntax", "broken.csv", 4),
    ]
    assert len(builder.table().frame) == 2


# ---- load_raw: each file read once, hashed as read -----------------------------------


def test_every_input_is_read_once_and_its_hash_is_that_of_its_bytes(project, monkeypatch):
    raw = project / "raw"
    (raw / "sources" / SOURCE_ID / "notes.txt").write_text("kept for provenance\n")
    reads: list[Path] = []
    real = pipeline.load.raw.read_bytes

    def counted(path, *args, **kwargs):
        reads.append(Path(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(pipeline.load.raw, "read_bytes", counted)
    calls = []

    tree = load_raw(raw, CONTRACT, "raw", on_file=lambda: calls.append(1))

    expected = {p.relative_to(raw).as_posix() for p in (raw / "sources").rglob("*") if p.is_file()}
    expected |= {"actors.csv", "indicators.csv", "areas.csv", "area_names.csv", "units.csv"}
    assert set(tree.hashes) == expected
    assert sorted(reads) == sorted(raw / name for name in expected)  # each file once
    assert len(calls) == len(expected)
    for name, digest in tree.hashes.items():
        assert digest == hashlib.sha256((raw / name).read_bytes()).hexdigest(), name
    assert tree.files == sorted(raw / name for name in expected)


def test_provenance_lists_the_hashes_read_in_path_order(project):
    from pipeline.assemble.provenance import input_files

    tree = load_raw(project / "raw", CONTRACT, "raw")

    listed = input_files(project, [project / "datapackage.json"], tree.input_hashes(project))
    paths = sorted([project / "datapackage.json", *tree.files])
    assert listed == [
        (p.relative_to(project).as_posix(), hashlib.sha256(p.read_bytes()).hexdigest())
        for p in paths
    ]


def test_a_source_record_locates_its_keys_by_reading_the_file_again(project):
    record = project / "raw" / "sources" / SOURCE_ID / "source.json"
    text = record.read_text(encoding="utf-8")

    tree = load_raw(project / "raw", CONTRACT, "raw")
    sources = tree.tables["sources"]

    line = text[: text.index('"sha256"')].count("\n") + 1
    column = text.splitlines()[line - 1].index('"sha256"') + 1
    assert sources.locate(0, "sha256") == {
        "file": f"raw/sources/{SOURCE_ID}/source.json",
        "line": line,
        "column": column,
        "resource": "sources",
        "row": 1,
        "field": "sha256",
    }
    assert json.loads(text)["sha256"] == sources.frame[0, "sha256"]
