"""Reading source.json files: a batch of them is parsed on one hot path, and any file
it cannot vouch for goes to the strict reader, which says where each problem is.
Files added together give what each file added alone gives (rows, files, problems)."""

from __future__ import annotations

import json

import pytest

from pipeline.contract.model import load_contract
from pipeline.errors import InvalidInput
from pipeline.load.csv_records import MAX_FIELD_CHARS
from pipeline.load.snapshots import add_source_record, add_source_records, source_records
from tests.conftest import REPO, SOURCE_ID

CONTRACT = load_contract(REPO / "datapackage.json", "datapackage.json")
SOURCES = CONTRACT.resource("sources")
RECORD = (REPO / "raw" / "sources" / SOURCE_ID / "source.json").read_text(encoding="utf-8")


def record(**changes) -> dict:
    value = json.loads(RECORD)
    value.update(changes)
    return value


def written(value, ensure_ascii: bool = False) -> bytes:
    return json.dumps(value, indent=2, ensure_ascii=ensure_ascii).encode("utf-8")


def replaced(old: str, new: str) -> bytes:
    assert old in RECORD
    return RECORD.replace(old, new, 1).encode("utf-8")


# Files the strict reader takes (each gives a row) and files it refuses (each gives
# problems), among them those a fast JSON parser reads otherwise than Python does.
FILES = {
    "as written": RECORD.encode("utf-8"),
    "keys in another order": written(dict(reversed(record().items()))),
    "an escape": written(record(byline="Sok\u00e9 \u201cS\u201d"), ensure_ascii=True),
    "a colon escaped": replaced('"The Phnom Penh Post"', '"The Phnom Penh Post\\u003a"'),
    "a colon in a text": written(record(byline="a: b: c")),
    "a float": written(record(bytes=2875.0)),
    "a small float": written(record(bytes=1e-7)),
    "an integer past 64 bits": replaced('"bytes": 2875', '"bytes": 123456789012345678901234567890'),
    "an integer of 20 digits": replaced('"bytes": 2875', '"bytes": 18446744073709551615'),
    "minus zero": replaced('"bytes": 2875', '"bytes": -0'),
    "true and false": written(record(headline=True, byline=False)),
    "a byte order mark": b"\xef\xbb\xbf" + RECORD.encode("utf-8"),
    "a text at the limit": written(record(byline="x" * MAX_FIELD_CHARS)),
    "a guarded text at the limit": written(record(byline="=" + "x" * (MAX_FIELD_CHARS - 1))),
    "a text past the limit": written(record(byline="x" * (MAX_FIELD_CHARS + 1))),
    "a key twice": replaced('  "byline": null,', '  "byline": null,\n  "byline": "B",'),
    "a key twice and a colon escaped": replaced(
        '  "byline": null,', '  "byline": null,\n  "byline": "B\\u003a",'
    ),
    "a key twice and a colon less": replaced(
        '  "byline": null,\n  "byline_note": "Not in the snapshot text and',
        '  "byline": null,\n  "byline": null,\n  "byline_note": "Not in the snapshot text,',
    ),
    "a key missing": written({k: v for k, v in record().items() if k != "note"}),
    "an unknown key": written(record(notes="x")),
    "a list": written(record(byline=["a", "b"])),
    "an object": written(record(byline={"a": 1})),
    "a NUL": written(record(byline="a\0b")),
    "a lone surrogate": replaced('"byline": null', '"byline": "\\ud800"'),
    "not a number": replaced('"bytes": 2875', '"bytes": NaN'),
    "an infinite float": replaced('"bytes": 2875', '"bytes": 1e400'),
    "not an object": b"[1, 2]",
    "not JSON": b'{"source_id": "x",}',
    "empty": b"",
    "not UTF-8": RECORD.encode("utf-8").replace(b"Phnom", b"Phn\xffm"),
}


def gathered(builder) -> tuple:
    table = builder.table()
    origins = [(o.display, o.kind) for o in table.origins]
    return table.frame.rows(), origins, list(table.row_origin), list(table.row_line)


def added_alone(files: list[tuple[bytes, str]]) -> tuple:
    builder, problems = source_records(SOURCES), []
    for data, display in files:
        try:
            add_source_record(builder, data, display, None)
        except InvalidInput as error:
            problems += error.problems
    return gathered(builder), problems


def test_the_files_added_together_give_what_each_file_added_alone_gives():
    files = [(data, f"sources/{name}/source.json") for name, data in FILES.items()]
    files += files[::-1]  # each run of good files before and after a refused one

    builder = source_records(SOURCES)
    problems = add_source_records(builder, files, None)

    assert (gathered(builder), problems) == added_alone(files)


@pytest.mark.parametrize("name", FILES)
def test_one_file_among_plain_ones_gives_what_it_gives_alone(name):
    plain = FILES["as written"]
    files = [(plain, "a/source.json"), (FILES[name], "b/source.json"), (plain, "c/source.json")]

    builder = source_records(SOURCES)
    problems = add_source_records(builder, files, None)

    assert (gathered(builder), problems) == added_alone(files)


def test_values_that_json_readers_write_otherwise_keep_the_text_python_gives():
    names = ["an integer past 64 bits", "a float", "a small float", "true and false", "an escape"]
    files = [(FILES[name], f"{i}/source.json") for i, name in enumerate(names)]

    builder = source_records(SOURCES)
    assert add_source_records(builder, files, None) == []

    frame = builder.table().frame
    assert frame["bytes"].to_list()[:3] == ["123456789012345678901234567890", "2875.0", "1e-07"]
    assert frame[3, "headline"] == "true" and frame[3, "byline"] == "false"
    assert frame[4, "byline"] == "Sok\u00e9 \u201cS\u201d"


@pytest.mark.parametrize(
    ("name", "code", "line"),
    [
        ("a key twice", "json-value", 8),
        ("a key twice and a colon escaped", "json-value", 8),
        ("a key twice and a colon less", "json-value", 8),
        ("a guarded text at the limit", "field-too-large", 7),
        ("a key missing", "missing-key", 1),
        ("an object", "json-value-type", 7),
    ],
)
def test_a_refused_file_among_plain_ones_is_reported_at_its_line(name, code, line):
    plain = FILES["as written"]
    files = [(plain, "a/source.json"), (FILES[name], "b/source.json"), (plain, "c/source.json")]

    builder = source_records(SOURCES)
    problems = add_source_records(builder, files, None)

    assert [(p.code, p.file, p.line) for p in problems] == [(code, "b/source.json", line)]
    assert [display for _, (display, _) in zip(*gathered(builder)[:2], strict=True)] == [
        "a/source.json",
        "c/source.json",
    ]
