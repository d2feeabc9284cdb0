"""Quotes' pages: a snapshot whose pages end with a form feed (U+000C) gives each quote
the page it stands on, filled in by `locate`, held to the offsets by `check`, and shown
in the built quotes CSV and on the HTML page."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from pipeline.check.pages import page_of
from tests.conftest import SOURCE_ID
from tests.package_helpers import record_snapshot

QUOTES = f"raw/sources/{SOURCE_ID}/quotes.csv"
BREAK_AT = 1325  # the blank line between the article's paragraphs 5 and 6


def paged(project: Path) -> str:
    """The Kandal snapshot with its paragraph break at BREAK_AT made a page break
    (\\n\\n becomes \\n\\f, as the PDF extractor ends a page: no offset moves)."""
    folder = project / "raw" / "sources" / SOURCE_ID
    text = (folder / "snapshot.txt").read_text(encoding="utf-8")
    assert text[BREAK_AT : BREAK_AT + 2] == "\n\n"
    (folder / "snapshot.txt").write_text(
        text[: BREAK_AT + 1] + "\f" + text[BREAK_AT + 2 :], encoding="utf-8", newline=""
    )
    return record_snapshot(folder)


def rows(project: Path) -> list[dict]:
    with (project / QUOTES).open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def write_rows(project: Path, quotes: list[dict]) -> None:
    with (project / QUOTES).open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(quotes[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(quotes)


@pytest.mark.parametrize(
    ("text", "start", "end", "page"),
    [
        ("no pages at all", 0, 2, None),
        ("one\n\ftwo\n\f", 0, 3, "1"),
        ("one\n\ftwo\n\f", 5, 8, "2"),
        ("one\n\ftwo\n\f", 0, 8, "1\u20132"),
        ("one\n\ftwo\n\fthree\n\f", 2, 12, "1\u20133"),
        ("\fafter the first break", 1, 5, "2"),
    ],
)
def test_page_is_one_more_than_the_form_feeds_before_the_start(text, start, end, page):
    assert page_of(text, start, end) == page


def test_a_paged_snapshot_needs_every_quotes_page_located_at_its_cell(project, run):
    paged(project)

    result = run(project, "check", "--json")

    assert result.exit_code == 1
    found = json.loads(result.stdout)["errors"]
    assert {(e["code"], e["file"], e["field"]) for e in found} == {
        ("quote-page-matches-offsets", QUOTES, "page")
    }
    assert len(found) == len(rows(project))
    first = next(e for e in found if e["line"] == 2)  # q01, on page 1
    assert first["message"] == (
        "page: page is empty, but offsets 9:83 stand on page 1 of snapshot kandal-crime-2022 "
        "(1 + the form feeds before the start); expected '1' (pipeline locate fills it in)"
    )


def test_pages_as_locate_gives_them_pass_check_and_reach_the_csv_and_the_page(project, run):
    text = paged(project)
    quotes = rows(project)
    for quote in quotes:
        hit = json.loads(run(project, "locate", SOURCE_ID, quote["text"], "--json").stdout)
        starts = [h["start"] for h in hit["hits"]]
        quote["page"] = hit["hits"][starts.index(int(quote["start"]))]["page"]
    write_rows(project, quotes)
    assert {q["page"] for q in quotes} == {"1", "2"}
    assert all(q["page"] == ("1" if int(q["end"]) <= BREAK_AT else "2") for q in quotes)

    assert run(project, "check").exit_code == 0
    result = run(project, "build")

    assert result.exit_code == 0, result.output
    with (project / "build/data/quotes.csv").open(encoding="utf-8", newline="") as file:
        built = {row["quote_id"]: row["page"] for row in csv.DictReader(file)}
    assert built == {q["quote_id"]: q["page"] for q in quotes}
    later = next(q for q in quotes if q["page"] == "2")
    page = (project / "build/index.html").read_text(encoding="utf-8")
    assert f'<blockquote id="{later["quote_id"]}"' in page
    assert ", page 2" in page.split(f'<blockquote id="{later["quote_id"]}"', 1)[1][:2000]
    assert text.count("\f") == 1


def test_a_page_that_is_not_the_offsets_page_fails_with_what_it_should_be(project, run):
    paged(project)
    quotes = rows(project)
    for quote in quotes:
        quote["page"] = "1" if int(quote["end"]) <= BREAK_AT else "2"
    quotes[0]["page"] = "2"
    write_rows(project, quotes)

    result = run(project, "check")

    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert (
        f"{QUOTES}:2:" in result.output
        and "page is '2', but offsets 9:83 stand on page 1" in result.output
    )


def test_a_page_for_a_snapshot_without_pages_fails(project, run):
    quotes = rows(project)
    quotes[3]["page"] = "1"
    write_rows(project, quotes)

    result = run(project, "check", "--json")

    assert result.exit_code == 1
    [error] = json.loads(result.stdout)["errors"]
    assert (error["code"], error["line"], error["field"]) == (
        "quote-page-matches-offsets",
        5,
        "page",
    )
    assert "has no pages (no form feed, U+000C); expected it empty" in error["message"]


def test_a_page_not_a_page_number_fails_the_pattern(project, run):
    quotes = rows(project)
    quotes[0]["page"] = "p. 3"
    write_rows(project, quotes)

    result = run(project, "check", "--json")

    assert result.exit_code == 1
    found = {(e["code"], e["field"]) for e in json.loads(result.stdout)["errors"]}
    assert ("constraint", "page") in found


def test_a_quote_across_a_page_break_builds_and_validates_with_its_form_feed(project, run):
    folder = project / "raw" / "sources" / SOURCE_ID
    text = (folder / "snapshot.txt").read_text(encoding="utf-8")
    at = text.index("overall decline") + len("overall")
    (folder / "snapshot.txt").write_text(
        text[:at] + "\f" + text[at + 1 :], encoding="utf-8", newline=""
    )
    text = record_snapshot(folder)
    quotes = rows(project)
    for quote in quotes:
        start, end = int(quote["start"]), int(quote["end"])
        quote["text"] = text[start:end]
        quote["page"] = page_of(text, start, end)
    write_rows(project, quotes)
    crossing = next(q for q in quotes if "\f" in q["text"])
    assert crossing["page"] == "1\u20132"

    assert run(project, "check").exit_code == 0
    assert run(project, "build").exit_code == 0
    assert run(project, "validate").exit_code == 0

    with (project / "build/data/quotes.csv").open(encoding="utf-8", newline="") as file:
        built = {row["quote_id"]: row for row in csv.DictReader(file)}
    assert built[crossing["quote_id"]]["text"] == crossing["text"]
    assert built[crossing["quote_id"]]["page"] == "1\u20132"


def test_quotes_without_a_page_column_pass_as_a_package_from_before_pages():
    import polars as pl

    from pipeline.check.pages import quote_page_matches_offsets
    from pipeline.check.rules import Context

    frame = pl.DataFrame({"source_id": ["a"], "start": [0], "end": [3], "text": ["one"]})
    context = Context(frames={"quotes": frame}, snapshots={"a": "one\n\f"})

    assert quote_page_matches_offsets(frame, context).to_list() == [True]
