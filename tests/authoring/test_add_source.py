"""`pipeline add-source`: a snapshot archived byte for byte, its record scaffolded from
the contract, and nothing already archived ever overwritten.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.conftest import REPO, SOURCE_ID

# Curly quotes, a dash, CRLF and no final newline: all must survive byte for byte.
ARTICLE = (
    "Thefts rose by 12 per cent \u2013 \u201cmore than ever\u201d.\r\n\r\nNo final newline".encode()
)
CONTRACT = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
RESOURCES = {r["name"]: r for r in CONTRACT["resources"]}
SOURCE_FIELDS = [f["name"] for f in RESOURCES["sources"]["schema"]["fields"]]


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "thefts-2023.txt"
    path.write_bytes(ARTICLE)
    return path


def add(run, project, article, *extra):
    return run(project, "add-source", str(article), "--received", "2026-11-29", *extra)


def test_snapshot_is_archived_byte_for_byte_with_its_hash_and_size(project, run, article):
    result = add(run, project, article, "--url", "https://example.org/thefts")

    assert result.exit_code == 0, result.output
    folder = project / "raw" / "sources" / "thefts-2023"
    assert (folder / "snapshot.txt").read_bytes() == ARTICLE
    record = json.loads((folder / "source.json").read_text(encoding="utf-8"))
    assert record["sha256"] == hashlib.sha256(ARTICLE).hexdigest()
    assert record["bytes"] == len(ARTICLE) == 72  # 66 characters, three of them 3 bytes long
    assert hashlib.sha256(ARTICLE).hexdigest() in result.stdout


def test_record_has_every_contract_field_in_order_known_values_set_the_rest_null(
    project, run, article
):
    result = add(
        run,
        project,
        article,
        "--id",
        "example-thefts",
        "--url",
        "https://example.org/thefts",
        "--publisher",
        "Example News",
        "--language",
        "en",
        "--set",
        "published=2023",
    )

    assert result.exit_code == 0, result.output
    path = project / "raw/sources/example-thefts/source.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    assert list(record) == SOURCE_FIELDS
    known = {
        "source_id": "example-thefts",
        "url": "https://example.org/thefts",
        "publisher": "Example News",
        "language": "en",
        "published": "2023",
        "received": "2026-11-29",
        "media_type": "text/plain; charset=utf-8",
        "bytes": 72,
        "sha256": hashlib.sha256(ARTICLE).hexdigest(),
    }
    assert {k: v for k, v in record.items() if v is not None} == known


def test_per_source_tables_get_the_contracts_header_rows_and_nothing_else(project, run, article):
    assert add(run, project, article).exit_code == 0

    folder = project / "raw/sources/thefts-2023"
    # actors and indicators are kept in shared raw/ files, so they get none here.
    assert sorted(p.name for p in folder.iterdir()) == [
        "figures.csv",
        "mentions.csv",
        "quotes.csv",
        "snapshot.txt",
        "source.json",
        "statements.csv",
    ]
    for name in ("figures", "statements", "quotes"):
        fields = [f["name"] for f in RESOURCES[name]["schema"]["fields"]]
        assert (folder / f"{name}.csv").read_text(encoding="utf-8") == ",".join(fields) + "\n"


def test_it_lists_the_required_fields_still_null_and_where_to_explain_unknowns(
    project, run, article
):
    result = add(run, project, article, "--url", "https://example.org/x", "--json")

    report = json.loads(result.stdout)
    to_fill = {item["field"]: item for item in report["to_fill"]}
    assert {f for f, item in to_fill.items() if item["required"]} == {
        "publisher",
        "language",
        "rights",
    }
    assert to_fill["headline"]["note_field"] == "headline_note"
    assert "url" not in to_fill and "received" not in to_fill
    human = add(run, project, article, "--url", "https://example.org/x").stdout
    assert "publisher: required." in human
    assert "headline: when known (else keep null and say why in headline_note)" in human


def test_pipeline_check_then_names_each_required_field_left_null(project, run, article):
    assert add(run, project, article, "--publisher", "Example News").exit_code == 0

    result = run(project, "check")

    assert result.exit_code == 1
    record = "raw/sources/thefts-2023/source.json"
    assert f"{record}:12:3: language: missing value" in result.stderr
    assert f"{record}:19:3: rights: missing value" in result.stderr
    assert "publisher" not in result.stderr


def test_received_defaults_to_today(project, run, article):
    import datetime

    before = datetime.date.today().isoformat()
    result = run(project, "add-source", str(article))
    after = datetime.date.today().isoformat()

    assert result.exit_code == 0, result.output
    record = json.loads((project / "raw/sources/thefts-2023/source.json").read_text())
    assert record["received"] in (before, after)


def test_a_different_snapshot_under_the_same_id_is_refused_and_left_alone(
    project, run, article, tmp_path
):
    assert add(run, project, article).exit_code == 0
    other = tmp_path / "other" / "thefts-2023.txt"
    other.parent.mkdir()
    other.write_bytes(ARTICLE + b".")

    result = add(run, project, other)

    assert result.exit_code == 1
    assert "raw/sources/thefts-2023/snapshot.txt: a different snapshot is already archived" in (
        result.stderr
    )
    assert "[snapshot-exists]" in result.stderr
    assert (project / "raw/sources/thefts-2023/snapshot.txt").read_bytes() == ARTICLE


def test_adding_the_same_file_again_keeps_what_was_filled_in(project, run, article):
    assert add(run, project, article).exit_code == 0
    figures = project / "raw/sources/thefts-2023/figures.csv"
    figures.write_text(figures.read_text() + "filled,in\n")

    result = add(run, project, article, "--url", "https://example.org/changed")

    assert result.exit_code == 0, result.output
    assert "kept as they were" in result.stdout
    assert figures.read_text().endswith("filled,in\n")
    record = json.loads((project / "raw/sources/thefts-2023/source.json").read_text())
    assert record["url"] is None


def test_adding_again_lists_only_unknowns_without_their_note(project, run, article):
    assert add(run, project, article).exit_code == 0
    path = project / "raw/sources/thefts-2023/source.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    record.update(headline_note="Not in the text.", byline_note="Not known.", byline=None)
    path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")

    human = add(run, project, article).stdout
    report = json.loads(add(run, project, article, "--json").stdout)

    to_fill = {item["field"] for item in report["to_fill"]}
    assert {"headline", "byline", "headline_note", "byline_note"}.isdisjoint(to_fill)
    assert {"published", "accessed", "rights"} <= to_fill
    assert report["null_with_note"] == ["headline", "byline"]
    assert "  headline:" not in human and "  byline:" not in human
    assert "  accessed: when known (else keep null and say why in accessed_note)" in human
    assert "null on purpose, each with its note saying why: headline, byline" in human


def test_a_one_byte_source_is_one_byte(project, run, tmp_path):
    article = tmp_path / "one-byte.txt"
    article.write_bytes(b"7")

    result = add(run, project, article)

    assert result.exit_code == 0, result.output
    assert "raw/sources/one-byte/ (1 byte, SHA-256 " in result.stdout


def test_a_text_already_archived_under_another_id_is_refused(project, run, tmp_path):
    copy = tmp_path / "copy.txt"
    copy.write_bytes((REPO / "raw/sources" / SOURCE_ID / "snapshot.txt").read_bytes())

    result = add(run, project, copy)

    assert result.exit_code == 1
    assert f"already archived as source {SOURCE_ID}" in result.stderr
    assert not (project / "raw/sources/copy").exists()


@pytest.mark.parametrize(
    ("content", "code", "place"),
    [
        pytest.param(b"", "empty-file", "", id="empty"),
        pytest.param(b"caf\xe9 au lait", "encoding-error", ":1:4", id="not-utf-8"),
        pytest.param(b"\xef\xbb\xbfwith a BOM", "byte-order-mark", ":1:1", id="bom"),
    ],
)
def test_a_file_that_cannot_be_a_snapshot_is_refused_naming_the_place(
    project, run, tmp_path, content, code, place
):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)

    result = run(tmp_path, "add-source", "bad.txt", "--project", str(project))

    assert result.exit_code == 1
    assert result.stderr.startswith(f"bad.txt{place}: ")
    assert f"[{code}]" in result.stderr
    assert not (project / "raw/sources/bad").exists()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        pytest.param(["--id", "Not An Id"], "does not match", id="bad-id"),
        pytest.param(["--set", "colour=red"], "not a field of sources", id="unknown-field"),
        pytest.param(["--set", "sha256=abc"], "measured from the file", id="measured-field"),
        pytest.param(["--set", "url"], "expected FIELD=VALUE", id="set-syntax"),
        pytest.param(["--url", "a", "--set", "url=b"], "url is given twice", id="twice"),
        pytest.param(["--received", "29/11/2026"], "Invalid value for '--received'", id="date"),
    ],
)
def test_usage_mistakes_exit_2_and_write_nothing(project, run, article, args, says):
    result = add(run, project, article, *args)

    assert result.exit_code == 2, result.output
    assert says in result.stderr
    assert "Traceback" not in result.output
    assert not (project / "raw/sources/thefts-2023").exists()


def test_file_name_that_is_no_source_id_asks_for_id(project, run, tmp_path):
    odd = tmp_path / "My Article.txt"
    odd.write_bytes(ARTICLE)

    result = add(run, project, odd)

    assert result.exit_code == 2
    assert "give one with --id" in result.stderr
