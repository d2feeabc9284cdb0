"""Number mentions (pipeline.check.numbers.number_mentions) at their code point
offsets, and the completeness checks (pipeline.check.coverage) across batches: a
source's quotes and set-aside rows may be filed in any folder."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from benchmarks.synth import synthesize
from pipeline.check.numbers import number_mentions
from tests.check.test_batches import problems, rows_of, write_rows

REPO = Path(__file__).resolve().parents[2]

MENTIONED = [
    ("In 2022, crime fell.", ["2022"]),
    ("It declined by 78 per cent and 96% of cases.", ["78 per cent", "96%"]),
    ("twenty-one people and one hundred and five cars", ["twenty-one", "one hundred and five"]),
    ("between two and three", ["two", "three"]),
    (
        "1,234,567.5 and 1\u00a0234 and 1\u2009234 and 1 234",
        ["1,234,567.5", "1\u00a0234"]
        + [
            "1\u2009234",
            "1 234",
        ],
    ),
    ("$1.2bn, 466m and 12 million dollars", ["$1.2bn", "466m", "12 million"]),
    ("the 3rd time, the first time, ten per cent", ["3rd", "first", "ten per cent"]),
    ("half of them; it doubled, twice", ["half", "doubled", "twice"]),
    ("COVID-19 and v1.2", ["19", "v1.2"]),
    ("Someone once said it often; none were hurt", []),
    ("\U0001f600 5 cases", ["5"]),  # an emoji is one code point
    ("", []),
]


@pytest.mark.parametrize(("text", "expected"), MENTIONED)
def test_each_number_mention_is_found_at_its_code_point_offsets(text, expected):
    found = number_mentions(pl.Series([text], dtype=pl.String))

    assert found["text"].to_list() == expected
    for start, end, said in found.select("start", "end", "text").rows():
        assert text[start:end] == said


def test_mentions_of_a_column_keep_each_texts_position_and_skip_missing_ones():
    found = number_mentions(pl.Series(["one", None, "no number", "in 2023 and 2024"]))

    assert found.rows() == [(0, 0, 3, "one"), (3, 3, 7, "2023"), (3, 12, 16, "2024")]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """A clean synthetic corpus whose set-aside rows are filed apart from their
    snapshots: the first folder's in raw/mentions.csv, one of the second's in the last
    folder with offsets one off, and one of the third's deleted."""
    root = tmp_path_factory.mktemp("mentions") / "corpus"
    synthesize(REPO, root, figures=150, seed=7, plants={})
    first, second, third, *_, last = sorted((root / "raw" / "sources").iterdir())
    fields = list((first / "mentions.csv").read_text(encoding="utf-8").splitlines()[0].split(","))
    write_rows(root / "raw" / "mentions.csv", rows_of(first / "mentions.csv"), fields)
    write_rows(first / "mentions.csv", [], fields)
    [moved, *kept] = rows_of(second / "mentions.csv")
    write_rows(second / "mentions.csv", kept, fields)
    moved = {**moved, "start": str(int(moved["start"]) + 1)}
    write_rows(last / "mentions.csv", [*rows_of(last / "mentions.csv"), moved], fields)
    write_rows(third / "mentions.csv", rows_of(third / "mentions.csv")[1:], fields)
    return root


def test_set_aside_rows_filed_anywhere_are_checked_as_in_one_batch(corpus):
    whole = problems(corpus, None)
    codes = sorted(p.code for p in whole)

    # the second's moved row is off by one (and its mention open), the third's is deleted
    assert codes == ["number-mention-accounted-for"] * 2 + ["set-aside-is-a-number-mention"]
    second, third, last = (
        sorted((corpus / "raw" / "sources").iterdir())[i].name for i in (1, 2, -1)
    )
    assert {
        p.file.split("/raw/")[1] for p in whole if p.code == "number-mention-accounted-for"
    } == {
        f"sources/{second}/snapshot.txt",
        f"sources/{third}/snapshot.txt",
    }
    [wrong] = [p for p in whole if p.code == "set-aside-is-a-number-mention"]
    assert wrong.file.endswith(f"/raw/sources/{last}/mentions.csv")
    assert problems(corpus, 1) == whole
    assert problems(corpus, 1, corpus.parent / "keys") == whole  # keys on disk
