"""A direct quote lies inside quotation marks in its snapshot (straight or curly, single
or double; an apostrophe between letters is none); a paraphrase need not."""

from __future__ import annotations

import json

import polars as pl
import pytest

from pipeline.check.quote_marks import direct_quote_in_quotation_marks
from pipeline.check.rules import Context

QUOTES = "raw/sources/kandal-crime-2022/quotes.csv"
FIRST = "kandal-crime-2022-q01"  # a paraphrase of the report, with no quotation marks about it


@pytest.mark.parametrize(
    ("snapshot", "words", "inside"),
    [
        ("He said \u201cwe recorded 1,204 thefts\u201d on Monday.", "we recorded 1,204", True),
        ("He said we recorded 1,204 thefts on Monday.", "we recorded 1,204", False),
        ('He said "we will strike" today.', "we will strike", True),
        ("He said 'we will strike' today.", "we will strike", True),
        ('He said "we won\'t strike" today.', "we won't strike", True),
        ("He said we don\u2019t strike, today.", "we don\u2019t strike", False),
        (
            "It said \u201cthe province\u2019s plan works\u201d",
            "the province\u2019s plan works",
            True,
        ),
        ("The drivers\u2019 union said \u2018we strike\u2019 today.", "we strike", True),
        ("\u201cHe said \u2018no\u2019 and we left,\u201d she said.", "and we left", True),
        ("\u201cA,\u201d he said. \u201cB is here.\u201d", "A,\u201d he said. \u201cB", False),
        ("He said \u201cwe strike\u201d today.", "\u201cwe strike\u201d", True),
        (
            "\u201cOne paragraph.\n\n\u201cThe next goes on,\u201d he said.",
            "The next goes on",
            True,
        ),
        ("\u201cClosed.\u201d Then\n\nnot quoted here.", "not quoted here", False),
    ],
)
def test_words_inside_quotation_marks(snapshot, words, inside):
    start = snapshot.index(words)
    quotes = pl.DataFrame(
        {
            "source_id": ["s"],
            "attribution": ["direct"],
            "start": [start],
            "end": [start + len(words)],
        }
    )

    passed = direct_quote_in_quotation_marks(quotes, Context(frames={}, snapshots={"s": snapshot}))

    assert passed.to_list() == [inside]


def test_a_paraphrase_needs_no_quotation_marks():
    quotes = pl.DataFrame(
        {"source_id": ["s"], "attribution": ["paraphrase"], "start": [0], "end": [4]}
    )

    passed = direct_quote_in_quotation_marks(quotes, Context(frames={}, snapshots={"s": "Text."}))

    assert passed.to_list() == [True]


def test_direct_attribution_on_words_outside_quotation_marks_fails_at_the_attribution(project, run):
    quotes = project / QUOTES
    text = quotes.read_text(encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith(FIRST))
    row = text.splitlines()[line - 1]
    quotes.write_text(
        text.replace(row, row.replace(",paraphrase,", ",direct,", 1)), encoding="utf-8"
    )
    column = row.index(",paraphrase,") + 2

    result = run(project, "check", "--json")

    assert result.exit_code == 1, result.output
    [error] = json.loads(result.stdout)["errors"]
    assert error["code"] == "direct-quote-in-quotation-marks"
    assert (error["file"], error["line"], error["column"], error["field"]) == (
        QUOTES,
        line,
        column,
        "attribution",
    )
    assert "not inside quotation marks in snapshot kandal-crime-2022" in error["message"]
    assert "looked for \u201c \u201d \u2018 \u2019 \" '" in error["message"]
    assert (
        "expected the words between quotation marks, or attribution paraphrase"
        in (error["message"])
    )


def test_kandal_direct_quotes_pass_in_a_built_package_too(project, run):
    # Those that open a paragraph with “ and end with ,” before "it added", one inside a
    # longer quotation, some with apostrophes (the policy’s, don’ts).
    assert run(project, "check").exit_code == 0
    built = run(project, "build")
    assert built.exit_code == 0, built.output
    validated = run(project, "validate")
    assert validated.exit_code == 0, validated.output
    assert "note:" not in validated.output
