"""The fast path of number reading (pipeline.check.stated_numbers) finds exactly what the
reference, numbers.find_numbers, finds: the same numbers in the same order, with
the same percent sign and qualifier, in the Kandal quotes, the quotes of a synthetic
corpus, and texts chosen to be awkward.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from text_to_num import alpha2digit

from benchmarks.synth import synthesize
from pipeline.check.numbers import find_numbers
from pipeline.check.stated_numbers import HAS_NUMBER_WORD, SEPARATORS, exact_numbers, stated_numbers
from tests.conftest import examples

REPO = Path(__file__).resolve().parents[1]

TRICKY = [
    "1,234",
    "ten per cent",
    "almost 96%",
    "78.5 percent",
    "2021-2022",
    "3.14159 and 0.5 and 1,234,567.89",
    "12,34 crimes",
    "1,2345 and 123,456,7",
    "v1.2.3 and 4.5.6",
    "nearly ninety-six per cent",
    "twenty-one thousand four hundred and six people",
    "Fifth, the second and the 3rd",
    "one point five per cent",
    "JUST  OVER 5 PER CENT",
    "just\tover\n5",
    "no more than 3 and no fewer than 7%",
    "more than 5over 6 and under7",
    "some 1.5 per  cent, an estimated 4,500",
    "in excess of 12 % and upwards of 3percent",
    "about\n12",
    "up to 40 per cent and at most 41",
    "5 per cent over 6 percent",
    "x5 5x 5_ _5 .5 5. ,5 5,",
    "\u0663 per cent of \u0968\u0966 cases",  # Arabic-Indic and Devanagari digits
    "\u212a 5 and \u0130 6",
    "crime fell",
    "",
    "a\x00b 5%",  # the first separator inside a text
    "0.1, 2.675, 1.0000000000000002, 9007199254740993 and 123456789012345678901234567890.5",
    "1" * 400 + " and 0." + "0" * 400 + "1 per cent",  # beyond float: inf and 0.0
    "just\u00a0over 5 and about\u20037 and NEARLY\n\n9",  # Unicode spaces between words
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


def reference(texts: list[str]) -> list[list[tuple]]:
    return [[(n.value, n.percent, n.qualifier) for n in find_numbers(t)] for t in texts]


def fast(texts: list[str]) -> list[list[tuple]]:
    stated = stated_numbers(pd.Series(texts, dtype="string"))
    found = stated.found
    qualifiers = stated.qualifiers(np.arange(len(found)))
    result: list[list[tuple]] = [[] for _ in texts]
    for text, value, percent, qualifier in zip(
        found["text"], found["value"], found["percent"], qualifiers, strict=True
    ):
        result[text].append((Decimal(value), bool(percent), qualifier))
    return result


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


def test_tricky_texts_read_as_the_reference_reads_them():
    assert fast(TRICKY) == reference(TRICKY)


def test_kandal_quotes_read_as_the_reference_reads_them():
    quotes = kandal_quotes()
    assert len(quotes) > 10
    assert fast(quotes) == reference(quotes)


def test_synthetic_quotes_read_as_the_reference_reads_them(synth_quotes):
    assert len(synth_quotes) > 2000
    expected = reference(synth_quotes)
    assert sum(map(len, expected)) > len(synth_quotes)  # most quotes state numbers
    assert fast(synth_quotes) == expected


def test_texts_holding_every_separator_are_read_one_by_one():
    texts = ["".join(SEPARATORS) + " about 5 per cent", "just over 7", "crime fell"]
    assert fast(texts) == reference(texts)
    assert fast(texts)[0] == [(5.0, True, "approximately")]


def test_every_text_text2num_changes_is_sent_to_text2num():
    """Each number word, alone and in company, in any case: wherever text2num turns
    words into digits, the fast path sends the text to it."""
    forms = []
    for word in VOCABULARY:
        for text in (word, f"{word} {word}", f"x {word}-one per cent y", f"{word} point five"):
            forms += [text, text.upper(), text.capitalize(), text + "s"]
    changed = [text for text in forms if alpha2digit(text, "en") != text]
    assert len(changed) > 2 * len(VOCABULARY)
    flagged = pd.Series(changed, dtype="string").str.contains(HAS_NUMBER_WORD)
    assert [text for text, sent in zip(changed, flagged, strict=True) if not sent] == []


def test_texts_without_number_words_are_what_text2num_leaves_them(synth_quotes):
    """The fast path skips text2num for texts without a number word: text2num must
    leave every such text as it is."""
    snapshot = (REPO / "raw" / "sources" / "kandal-crime-2022" / "snapshot.txt").read_text()
    pieces = [snapshot[i : i + 80] for i in range(0, len(snapshot), 40)]
    texts = pd.Series(synth_quotes + kandal_quotes() + pieces + TRICKY, dtype="string")
    plain = texts[~texts.str.contains(HAS_NUMBER_WORD)].tolist()
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


@settings(max_examples=examples(300), deadline=None, derandomize=True)
@given(st.lists(written_numbers, min_size=1, max_size=12))
def test_exact_forms_are_equal_exactly_when_the_numbers_are(written):
    forms = exact_numbers(pa.array(written, type=pa.large_string()), longest=100).to_pylist()
    magnitudes = [Decimal(text).copy_abs() for text in written]
    for form, magnitude in zip(forms, magnitudes, strict=True):
        assert Decimal(form) == magnitude
        assert "e" not in form and "-" not in form
    for one, first in zip(forms, magnitudes, strict=True):
        for other, second in zip(forms, magnitudes, strict=True):
            assert (one == other) == (first == second)


def test_numbers_a_float_cannot_tell_apart_have_different_exact_forms():
    written = ["50", "50.00000000000000001", "9007199254740992", "9,007,199,254,740,993"]
    forms = exact_numbers(pa.array(written, type=pa.large_string())).to_pylist()
    assert forms == ["50", "50.00000000000000001", "9007199254740992", "9007199254740993"]
    assert float(written[0]) == float(written[1])


def test_an_exponent_too_long_to_write_out_gets_a_form_no_stated_number_has():
    written = ["1e-400", "1e-99999999999999999999", "2.5e3", "0e999999999999999999999"]
    forms = exact_numbers(pa.array(written, type=pa.large_string()), longest=10).to_pylist()
    assert forms == ["1e-400", "1e-99999999999999999999", "2500", "0"]
