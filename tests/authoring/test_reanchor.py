"""`pipeline reanchor OLD NEW`: a corrected article, added as a new source, gets the old
one's quotes and set-aside mentions where their words still stand, and a report of the
others; nothing it is unsure of is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SOURCE_ID

NEW = "kandal-crime-2022-corrected"
CHANGED_WORD = ("He acknowledged that not all crimes were solved", "He admitted that not all")
INSERTED = "The figures were confirmed by the provincial police. "
REMOVED = (
    "He also noted that the decline in the crime rate was also likely to attract investors "
    "to the province.\n\n"
)
OLD_QUOTES = f"raw/sources/{SOURCE_ID}/quotes.csv"


def corrected(project: Path) -> str:
    """The Kandal article as its publisher corrected it: a word changed inside quote q22,
    a sentence inserted before the second paragraph, the sentence of quote q27 removed."""
    text = (project / f"raw/sources/{SOURCE_ID}/snapshot.txt").read_text(encoding="utf-8")
    before, after = CHANGED_WORD
    for old, new in (
        (before, before.replace("acknowledged", "admitted")),
        ("The report was released", INSERTED + "The report was released"),
        (REMOVED, ""),
    ):
        assert text.count(old) == 1
        text = text.replace(old, new)
    return text


@pytest.fixture
def added(project: Path, run, tmp_path: Path) -> str:
    """The corrected article added with add-source as NEW; its text."""
    text = corrected(project)
    article = tmp_path / "corrected.txt"
    article.write_text(text, encoding="utf-8", newline="")
    result = run(project, "add-source", str(article), "--id", NEW, "--received", "2026-12-01")
    assert result.exit_code == 0, result.output
    return text


def rows_by_key(report: dict) -> dict[str, dict]:
    return {row["key"]: row for row in report["rows"] if row["resource"] == "quotes"}


def test_a_corrected_article_moves_what_stands_and_reports_the_rest(project, run, added):
    old_text = (project / f"raw/sources/{SOURCE_ID}/snapshot.txt").read_text(encoding="utf-8")

    result = run(project, "reanchor", SOURCE_ID, NEW, "--json")

    assert result.exit_code == 1
    report = json.loads(result.stdout)
    quotes = rows_by_key(report)
    statuses = {key: row["status"] for key, row in quotes.items()}
    assert statuses.pop(f"{SOURCE_ID}-q22") == "changed"
    assert statuses.pop(f"{SOURCE_ID}-q27") == "vanished"
    assert set(statuses.values()) == {"moved"} and len(statuses) == 26
    for row in quotes.values():  # a moved quote's words are NEW's at its new offsets
        if row["status"] == "moved":
            old, new = row["old"], row["new"]
            assert added[new["start"] : new["end"]] == old_text[old["start"] : old["end"]]
    q01, q02 = quotes[f"{SOURCE_ID}-q01"], quotes[f"{SOURCE_ID}-q02"]
    assert q01["new"] == q01["old"]  # before the inserted sentence
    assert q02["new"]["start"] == q02["old"]["start"] + len(INSERTED)
    assert (
        "NEW has 'He admitted that not all crimes were solved' in their place"
        in (quotes[f"{SOURCE_ID}-q22"]["detail"])
    )
    assert (
        "the words are gone; the text after them still stands"
        in (quotes[f"{SOURCE_ID}-q27"]["detail"])
    )
    mentions = [row for row in report["rows"] if row["resource"] == "mentions"]
    assert {row["status"] for row in mentions} == {"moved"}
    assert any(row["by_context"] for row in mentions)  # "2022" stands in several places
    assert report["written"] == {}
    new_quotes = project / f"raw/sources/{NEW}/quotes.csv"
    assert len(new_quotes.read_text(encoding="utf-8").splitlines()) == 1  # its header alone


def test_the_human_report_names_each_row_that_did_not_move_at_its_line(project, run, added):
    result = run(project, "reanchor", SOURCE_ID, NEW)

    assert result.exit_code == 1
    assert f"{SOURCE_ID} -> {NEW}: quotes: 26 moved, 1 changed, 1 vanished, 0 ambiguous" in (
        result.output
    )
    assert (
        f"  {OLD_QUOTES}:23: {SOURCE_ID}-q22 changed: 1972:2019: NEW has 'He admitted that not "
        "all crimes were solved' in their place (line 17, column 1)"
    ) in result.output
    assert "rows that did not move are not written" in result.output


def test_write_appends_only_the_moved_rows_as_rows_of_new(project, run, added):
    old_files = {p.name: p.read_bytes() for p in (project / f"raw/sources/{SOURCE_ID}").iterdir()}

    result = run(project, "reanchor", SOURCE_ID, NEW, "--write")

    assert result.exit_code == 1  # two quotes did not move
    assert {p.name: p.read_bytes() for p in (project / f"raw/sources/{SOURCE_ID}").iterdir()} == (
        old_files
    )
    lines = (project / f"raw/sources/{NEW}/quotes.csv").read_text(encoding="utf-8").splitlines()
    ids = [line.split(",", 1)[0] for line in lines[1:]]
    assert len(ids) == 26 and f"{NEW}-q22" not in ids and f"{NEW}-q27" not in ids
    assert ids[:2] == [f"{NEW}-q01", f"{NEW}-q02"] and ids[-1] == f"{NEW}-q28"
    assert all(f",{NEW}," in line for line in lines[1:])
    mentions = (project / f"raw/sources/{NEW}/mentions.csv").read_text(encoding="utf-8")
    assert len(mentions.splitlines()) == 7
    assert "copy each into raw/sources/kandal-crime-2022-corrected/figures.csv" in result.output

    again = run(project, "reanchor", SOURCE_ID, NEW, "--write")

    assert again.exit_code == 2
    assert "is there already (was reanchor written before?); nothing written" in again.output


def test_words_in_several_places_that_their_context_cannot_tell_apart_are_ambiguous(
    project, run, tmp_path
):
    words = "Crime declined by 78 per cent"
    article = tmp_path / "twice.txt"
    article.write_text(f"{words}\n{words}\n", encoding="utf-8")
    run(project, "add-source", str(article), "--id", NEW, "--received", "2026-12-01")

    result = run(project, "reanchor", SOURCE_ID, NEW, "--json")

    assert result.exit_code == 1
    q03 = rows_by_key(json.loads(result.stdout))[f"{SOURCE_ID}-q03"]
    assert q03["status"] == "ambiguous" and q03["new"] is None
    assert q03["detail"].startswith(
        "the words stand in 2 places in NEW (line 1, column 1, line 2, column 1)"
    )


def test_an_unknown_source_is_a_usage_error(project, run):
    result = run(project, "reanchor", SOURCE_ID, "no-such-source")

    assert result.exit_code == 2
    assert "'no-such-source' has no snapshot in raw/sources/" in result.output
    assert "Traceback" not in result.output


def test_a_clean_move_exits_0(project, run, tmp_path):
    same = (project / f"raw/sources/{SOURCE_ID}/snapshot.txt").read_bytes()
    article = tmp_path / "recapture.txt"
    article.write_bytes(INSERTED.encode() + same)
    run(project, "add-source", str(article), "--id", NEW, "--received", "2026-12-01")

    result = run(project, "reanchor", SOURCE_ID, NEW)

    assert result.exit_code == 0, result.output
    assert "quotes: 28 moved, 0 changed, 0 vanished, 0 ambiguous" in result.output
