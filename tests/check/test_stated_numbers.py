"""Numbers stated in a whole column of texts at once (pipeline.check.numbers.stated_numbers,
which find_numbers asks about one text): which numbers are found in which texts, in
reading order, with their percent sign and qualifier; their exact decimal forms; and
which texts go to text2num.
"""

from __future__ import annotations

import csv
import io
import random
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from text_to_num import alpha2digit

from benchmarks.synth import synthesize
from pipeline.check.numbers import HAS_NUMBER_WORD, exact_numbers, find_numbers, stated_numbers
from tests.conftest import examples

REPO = Path(__file__).resolve().parents[2]

LONG = "1" * 400
# Each awkward text, and the numbers it states: (value, percent, qualifier).
TRICKY = [
    ("1,234", [("1234", False, None)]),
    ("ten per cent", [("10", True, None)]),
    ("almost 96%", [("96", True, "almost")]),
    ("78.5 percent", [("78.5", True, None)]),
    ("2021-2022", [("2021", False, None), ("2022", False, None)]),
    (
        "3.14159 and 0.5 and 1,234,567.89",
        [("3.14159", False, None), ("0.5", False, None), ("1234567.89", False, None)],
    ),
    ("12,34 crimes", []),
    ("1,2345 and 123,456,7", []),
    ("v1.2.3 and 4.5.6", [("4.5", False, None)]),
    ("nearly ninety-six per cent", [("96", True, "almost")]),
    ("twenty-one thousand four hundred and six people", [("21406", False, None)]),
    ("Fifth, the second and the 3rd", [("5", False, None), ("3", False, None)]),
    ("one point five per cent", [("1.5", True, None)]),
    ("JUST  OVER 5 PER CENT", [("5", True, "more_than")]),
    ("just\tover\n5", [("5", False, "more_than")]),
    ("no more than 3 and no fewer than 7%", [("3", False, "at_most"), ("7", True, "at_least")]),
    ("more than 5over 6 and under7", [("5", False, "more_than"), ("6", False, None)]),
    (
        "some 1.5 per  cent, an estimated 4,500",
        [("1.5", True, "approximately"), ("4500", False, "approximately")],
    ),
    (
        "in excess of 12 % and upwards of 3percent",
        [("12", True, "more_than"), ("3", True, "more_than")],
    ),
    ("about\n12", [("12", False, "approximately")]),
    ("up to 40 per cent and at most 41", [("40", True, "at_most"), ("41", False, "at_most")]),
    ("5 per cent over 6 percent", [("5", True, None), ("6", True, "more_than")]),
    ("x5 5x 5_ _5 .5 5. ,5 5,", [("5", False, None)] * 4),
    # Arabic-Indic and Devanagari digits
    ("\u0663 per cent of \u0968\u0966 cases", [("3", True, None), ("20", False, None)]),
    ("\u212a 5 and \u0130 6", [("5", False, None), ("6", False, None)]),
    ("crime fell", []),
    ("", []),
    ("a\x00b 5%", [("5", True, None)]),
    (
        "0.1, 2.675, 1.0000000000000002, 9007199254740993 and 123456789012345678901234567890.5",
        [
            ("0.1", False, None),
            ("2.675", False, None),
            ("1.0000000000000002", False, None),
            ("9007199254740993", False, None),
            ("123456789012345678901234567890.5", False, None),
        ],
    ),
    # beyond float: inf and 0.0
    (LONG + " and 0." + "0" * 400 + "1 per cent", [(LONG, False, None), ("1E-401", True, None)]),
    # Unicode spaces between words
    (
        "just\u00a0over 5 and about\u20037 and NEARLY\n\n9",
        [("5", False, "more_than"), ("7", False, "approximately"), ("9", False, "almost")],
    ),
    # a number right after a percent sign, a qualifier said twice, a decimal cut short
    ("5%6", [("5", True, None), ("6", False, None)]),
    ("about about 5", [("5", False, "approximately")]),
    ("1.5x5 and 1,234.5x5", [("1", False, None), ("1234", False, None)]),
]
VOCABULARY = tuple(
    [
        "zero",
        "o",
        "nought",
        "one",
        "first",
        "oneth",
        "two",
        "second",
        "three",
        "third",
        "four",
        "fourth",
        "five",
        "fifth",
        "six",
        "sixth",
        "seven",
        "seventh",
        "eight",
        "eighth",
        "nine",
        "ninth",
        "ten",
        "tenth",
        "eleven",
        "eleventh",
        "twelve",
        "twelfth",
        "thirteen",
        "thirteenth",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
        "twentieth",
        "thirty",
        "thirtieth",
        "fourty",
        "forty",
        "fortieth",
        "fourtieth",
        "fifty",
        "fiftieth",
        "sixty",
        "sixteeth",
        "seventy",
        "seventieth",
        "eighty",
        "eightieth",
        "ninety",
        "ninetieth",
        "hundred",
        "hundredth",
        "thousand",
        "thousandth",
        "million",
        "millionth",
        "billion",
        "billionth",
    ]
)


def column(texts: list[str]) -> list[list[tuple]]:
    """What stated_numbers finds in each of texts, as (value, percent, qualifier)."""
    distinct = list(dict.fromkeys(texts))
    found = stated_numbers(pl.Series(distinct, dtype=pl.String))
    assert found["at"].is_between(0, len(distinct) - 1).all()
    result: dict[str, list[tuple]] = {}
    for number in found.iter_rows(named=True):
        result.setdefault(distinct[number["at"]], []).append(
            (Decimal(number["written"]), number["percent"], number["qualifier"])
        )
    return [result.get(text, []) for text in texts]


def one_by_one(texts: list[str]) -> list[list[tuple]]:
    return [[(n.value, n.percent, n.qualifier) for n in find_numbers(t)] for t in texts]


def csv_column(paths, column: str) -> list[str]:
    cells = []
    for path in paths:
        rows = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))
        cells += [row[column] for row in rows if row[column]]
    return cells


@pytest.fixture(scope="module")
def synth_quotes(tmp_path_factory) -> list[str]:
    corpus = tmp_path_factory.mktemp("synth") / "corpus"
    synthesize(REPO, corpus, figures=1500, seed=7, plants={"value-not-in-quote": 3})
    return csv_column(sorted((corpus / "raw" / "sources").glob("*/quotes.csv")), "text")


def kandal_quotes() -> list[str]:
    return csv_column(sorted((REPO / "raw" / "sources").glob("*/quotes.csv")), "text")


@pytest.mark.parametrize(("text", "expected"), TRICKY, ids=range(len(TRICKY)))
def test_awkward_texts_state_exactly_these_numbers(text, expected):
    wanted = [(Decimal(value), percent, qualifier) for value, percent, qualifier in expected]
    assert one_by_one([text]) == [wanted]


def test_a_column_of_texts_reads_as_each_text_alone():
    texts = [text for text, _ in TRICKY] + kandal_quotes()
    assert column(texts) == one_by_one(texts)


def test_synthetic_quotes_state_their_numbers(synth_quotes):
    assert len(synth_quotes) > 2000
    found = column(synth_quotes)
    assert sum(map(len, found)) > len(synth_quotes)  # most quotes state numbers
    # each text alone costs milliseconds: 600 of them against the column's reading
    sample = sorted(random.Random(17).sample(range(len(synth_quotes)), 600))
    assert [found[i] for i in sample] == one_by_one([synth_quotes[i] for i in sample])


def test_every_text_text2num_changes_is_sent_to_text2num():
    """Each number word, alone and in company, in any case: wherever text2num turns
    words into digits, the text is sent to it."""
    forms = []
    for word in VOCABULARY:
        for text in (word, f"{word} {word}", f"x {word}-one per cent y", f"{word} point five"):
            forms += [text, text.upper(), text.capitalize(), text + "s"]
    changed = [text for text in forms if alpha2digit(text, "en") != text]
    assert len(changed) > 2 * len(VOCABULARY)
    flagged = pl.Series(changed, dtype=pl.String).str.contains(HAS_NUMBER_WORD)
    assert [text for text, sent in zip(changed, flagged, strict=True) if not sent] == []


def test_texts_without_number_words_are_what_text2num_leaves_them(synth_quotes):
    """text2num is skipped for texts without a number word: it must leave every such
    text as it is."""
    snapshot = (REPO / "raw" / "sources" / "kandal-crime-2022" / "snapshot.txt").read_text()
    pieces = [snapshot[i : i + 80] for i in range(0, len(snapshot), 40)]
    texts = pl.Series(synth_quotes + kandal_quotes() + pieces + [t for t, _ in TRICKY])
    plain = texts.filter(~texts.str.contains(HAS_NUMBER_WORD)).to_list()
    assert len(plain) > 100
    assert [alpha2digit(t, "en") for t in plain] == plain


written_numbers = st.builds(
    lambda sign, zeros, whole, fraction, power: (
        sign + "0" * zeros + whole + (f".{fraction}" if fraction else "") + power
    ),
    st.sampled_from(["", "-"]),
    st.integers(0, 2),
    st.from_regex(r"[0-9]{1,20}", fullmatch=True),
    st.from_regex(r"[0-9]{0,20}", fullmatch=True),
    st.sampled_from(["", "e0", "e3", "E-2", "e+17", "e-25", "E40"]),
)


def forms_of(written: list[str], longest: int | None = None) -> list[str]:
    return exact_numbers(pl.Series(written, dtype=pl.String), longest).to_list()


@settings(max_examples=examples(300), deadline=None, derandomize=True)
@given(st.lists(written_numbers, min_size=1, max_size=12))
def test_exact_forms_are_equal_exactly_when_the_numbers_are(written):
    forms = forms_of(written, longest=100)
    magnitudes = [Decimal(text).copy_abs() for text in written]
    for form, magnitude in zip(forms, magnitudes, strict=True):
        assert Decimal(form) == magnitude
        assert "e" not in form and "-" not in form
    for one, first in zip(forms, magnitudes, strict=True):
        for other, second in zip(forms, magnitudes, strict=True):
            assert (one == other) == (first == second)


def test_numbers_a_float_cannot_tell_apart_have_different_exact_forms():
    written = ["50", "50.00000000000000001", "9007199254740992", "9,007,199,254,740,993"]
    forms = forms_of(written)
    assert forms == ["50", "50.00000000000000001", "9007199254740992", "9007199254740993"]
    assert float(written[0]) == float(written[1])


def test_an_exponent_too_long_to_write_out_gets_a_form_no_stated_number_has():
    written = ["1e-400", "1e-99999999999999999999", "2.5e3", "0e999999999999999999999"]
    assert forms_of(written, longest=10) == ["1e-400", "1e-99999999999999999999", "2500", "0"]
