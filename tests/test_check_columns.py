"""The checks that work on whole columns give, row for row, what their one-row
definitions give: number forms, patterns, membership, foreign keys, direction words,
and the quote rules, on awkward cells and on a synthetic corpus with errors in it.
"""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.synth import synthesize
from pipeline.check import numbers, rules
from pipeline.check.columns import is_in
from pipeline.check.rules import Context
from pipeline.check.schema import known_rows
from pipeline.check.stated_numbers import stated_directions
from pipeline.check.tables import cast_table, number_problem, number_problems
from pipeline.contract.model import load_contract
from pipeline.contract.patterns import compile_pattern, matches_pattern
from pipeline.load.raw import load_raw
from tests.conftest import examples

REPO = Path(__file__).resolve().parents[1]

NUMBER_CELLS = [
    "0", "-0", "908", "-78", "2.5", "1e5", "1E+3", "2.5e-3", "1,234", "12%", "+5", " 5", "5 ",
    "5\n", "", "-", "e5", "5.", ".5", "1_000", "NaN", "inf", "\u0663", "\uff11\uff12",
    "9223372036854775807", "9223372036854775808", "-9223372036854775808",
    "-9223372036854775809", "1234567890123456789", "-1234567890123456789", "9" * 19,
    "1" * 20, "1e308", "1.8e308", "1e309", "-1e309", "0e999", "1e-400", "1" * 400, None,
]  # fmt: skip
TEXTS = [
    "Crime fell by 78 per cent",
    "Crime rose",
    "UP 5%",
    "a downturn",
    "it went up-and-down",
    "\u00e9fell",  # a letter before: no word boundary in Python's re
    "fell\u00e9",
    "cost cuts",
    "ri\u017fing",  # long s: Python's re folds it to s when ignoring case
    "\u212aeep rising",
    "",
    "prices soared, then plunged",
]


def cells(values) -> pd.Series:
    return pd.Series(values, dtype="string")


@settings(max_examples=examples(300), deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 4), st.sampled_from([0.0, 1.5, 78.0, 1e308]), st.booleans())),
    st.lists(st.tuples(st.integers(0, 5), st.sampled_from([0.0, 1.5, 78.0, 96.0]), st.booleans())),
)
def test_first_stated_is_the_first_number_of_its_text_with_that_value_and_sign(found, wanted):
    found = sorted(found, key=lambda row: row[0])  # numbers come in text order
    first = {}
    for row, key in enumerate(found):
        first.setdefault(key, row)
    frame = pd.DataFrame(found or None, columns=["text", "value", "percent"])
    got = rules._first_stated(
        frame.astype({"text": "int64", "value": "float64", "percent": "bool"}),
        np.array([text for text, _, _ in wanted], dtype=np.int64),
        np.array([value for _, value, _ in wanted], dtype=np.float64),
        np.array([percent for _, _, percent in wanted], dtype=bool),
    )
    assert got.tolist() == [first.get(key, -1) for key in wanted]


@pytest.mark.parametrize("kind", ["integer", "number"])
def test_number_problems_are_number_problem_cell_by_cell(kind):
    expected = [(row, number_problem(kind, cell)) for row, cell in enumerate(NUMBER_CELLS)]
    expected = [(row, message) for row, message in expected if message]
    assert len(expected) > 15
    assert number_problems(kind, cells(NUMBER_CELLS)) == expected


@pytest.mark.parametrize(
    "pattern",
    [r"[a-z0-9]+(-[a-z0-9]+)*", r"[A-Z]{2}-[A-Z0-9]{1,3}", r"[0-9]{4}(-[0-9]{2})?", r"(a+)+$", "."],
)
def test_patterns_match_as_re2_matches_each_cell(pattern):
    values = ["abc", "a-b", "A", "ab\n", "\u00e9", "KH-8", "2021", "2021-02", "aaaa", "", None]
    compiled = compile_pattern(pattern)
    expected = [True if v is None else compiled.fullmatch(v) is not None for v in values]
    assert matches_pattern(cells(values), pattern).tolist() == expected


def test_is_in_is_python_membership():
    values = cells(["a", None, "b", "A", "a ", "\u00e9", "e\u0301"])
    known = cells(["a", None, "\u00e9", "b", "b"])
    expected = [v is not None and v in {"a", "\u00e9", "b"} for v in values.tolist()]
    assert is_in(values, known).tolist() == expected
    assert is_in(values, cells([])).tolist() == [False] * len(values)


@pytest.mark.parametrize("fields", [["x"], ["x", "y"]])
def test_known_rows_are_python_tuple_membership(fields):
    values = pd.DataFrame({"x": cells(["a", "b", "a", "c"]), "y": cells(["1", "2", "2", "1"])})
    known = pd.DataFrame({"x": cells(["a", "b"]), "y": cells(["1", "1"])})
    rows = set(known[fields].itertuples(index=False, name=None))
    expected = [row in rows for row in values[fields].itertuples(index=False, name=None)]
    assert known_rows(values[fields], known[fields]).tolist() == expected


def test_directions_are_numbers_direction_text_by_text():
    declines, rises = stated_directions(TEXTS)
    expected = [numbers.direction(text) for text in TEXTS]
    assert [-1 in d for d in expected] == declines.tolist()
    assert [1 in d for d in expected] == rises.tolist()
    assert declines.any() and rises.any() and not declines.all()


# ---- the quote checks on a synthetic corpus with errors -------------------------------


def rows(frame: pd.DataFrame, *columns: str):
    return zip(*(frame[c] for c in columns), strict=True)


def reference_value_in_quote(frame, context) -> list[bool]:
    joined = rules._quote_figures(frame, context)
    return [
        pd.isna(f)
        or pd.isna(v)
        or pd.isna(t)
        or numbers.matching_number(t, v, u == "percent") is not None
        for t, v, u, f in rows(joined, "text", "value", "unit", "figure_id")
    ]


def reference_qualifier(frame, context) -> list[bool]:
    joined = rules._quote_figures(frame, context)
    ok = []
    for t, v, u, q, f in rows(joined, "text", "value", "unit", "qualifier", "figure_id"):
        q = None if pd.isna(q) else q
        if pd.isna(f):
            ok.append(q is None)
        elif pd.isna(v) or pd.isna(t):
            ok.append(True)
        else:
            number = numbers.matching_number(t, v, u == "percent")
            ok.append(number is None or number.qualifier == q)
    return ok


def reference_direction(frame, context) -> list[bool]:
    joined = rules._quote_figures(frame, context)
    return [
        m != "change"
        or pd.isna(v)
        or pd.isna(t)
        or v == 0
        or (1 if v > 0 else -1) in numbers.direction(t)
        for t, v, m in rows(joined, "text", "value", "measure")
    ]


def reference_snapshot(frame, context) -> list[bool]:
    ok = []
    for s, a, b, t in rows(frame, "source_id", "start", "end", "text"):
        snapshot = context.snapshots.get(s)
        if snapshot is None or pd.isna(a) or pd.isna(b) or pd.isna(t):
            ok.append(True)
        else:
            ok.append(0 <= a <= b <= len(snapshot) and snapshot[a:b] == t)
    return ok


def reference_whole(frame, context) -> list[bool]:
    def combines(snapshot, offset):
        return 0 < offset < len(snapshot) and unicodedata.category(snapshot[offset])[0] == "M"

    ok = []
    for s, a, b in rows(frame, "source_id", "start", "end"):
        snapshot = context.snapshots.get(s)
        if snapshot is None or pd.isna(a) or pd.isna(b):
            ok.append(True)
        else:
            ok.append(not (combines(snapshot, a) or combines(snapshot, b)))
    return ok


def reference_figure_qualifier(frame, context) -> list[bool]:
    quotes = context.frames["quotes"]
    stated = {
        (f, None if pd.isna(q) else q)
        for f, q in rows(quotes, "figure_id", "qualifier")
        if not pd.isna(f)
    }
    quoted = {f for f, _ in stated}
    return [
        f not in quoted or (f, None if pd.isna(q) else q) in stated
        for f, q in rows(frame, "figure_id", "qualifier")
    ]


REFERENCES = [
    ("quotes", rules.figure_value_in_quote, reference_value_in_quote),
    ("quotes", rules.qualifier_matches_quote, reference_qualifier),
    ("quotes", rules.change_direction_matches_quote, reference_direction),
    ("quotes", rules.quote_matches_snapshot, reference_snapshot),
    ("quotes", rules.quote_keeps_characters_whole, reference_whole),
    ("figures", rules.figure_qualifier_is_quoted, reference_figure_qualifier),
]


@pytest.fixture(scope="module")
def broken_corpus(tmp_path_factory) -> Context:
    """A synthetic corpus's typed frames and snapshots, with a few hundred cells changed."""
    corpus = tmp_path_factory.mktemp("synth") / "corpus"
    synthesize(REPO, corpus, figures=1000, seed=11, plants={})
    contract = load_contract(corpus / "datapackage.json", "datapackage.json")
    tree = load_raw(corpus / "raw", contract)
    frames = {r.name: cast_table(r, tree.tables[r.name])[0] for r in contract.resources}
    rng = random.Random(11)
    quotes, figures = frames["quotes"], frames["figures"]
    for row in rng.sample(range(len(quotes)), 300):
        change = rng.randrange(6)
        if change == 0:
            quotes.loc[row, "text"] = rng.choice(["ten per cent", "almost 96%", "it fell", "5"])
        elif change == 1:
            quotes.loc[row, "qualifier"] = rng.choice(["almost", "more_than", pd.NA])
        elif change == 2:
            quotes.loc[row, "start"] += rng.choice([-1, 1])
        elif change == 3:
            quotes.loc[row, "figure_id"] = rng.choice([pd.NA, "no-such-figure"])
        elif change == 4:
            quotes.loc[row, "end"] = pd.NA
        else:
            quotes.loc[row, "source_id"] = "no-such-source"
    for row in rng.sample(range(len(figures)), 100):
        figures.loc[row, "value"] = -figures.loc[row, "value"]
        figures.loc[row, "qualifier"] = rng.choice(["almost", "at_least", pd.NA])
    snapshots = dict(tree.snapshots)
    for source_id in rng.sample(sorted(snapshots), 10):  # combining marks at quote edges
        text = snapshots[source_id]
        edges = quotes.loc[quotes["source_id"] == source_id, "start"].dropna().tolist()
        for edge in sorted(edges, reverse=True)[:3]:
            text = text[:edge] + "\u0301" + text[edge + 1 :]
        snapshots[source_id] = text
    return Context(frames=frames, snapshots=snapshots)


@pytest.mark.parametrize(
    ("resource", "check", "reference"), REFERENCES, ids=[c.__name__ for _, c, _ in REFERENCES]
)
def test_quote_checks_are_their_one_row_definitions(broken_corpus, resource, check, reference):
    frame = broken_corpus.frames[resource]
    found = check(frame, broken_corpus)
    expected = reference(frame, broken_corpus)
    assert found.index.equals(frame.index)
    assert found.tolist() == expected
    assert 0 < expected.count(False) < len(expected)  # the changes made some rows fail


@settings(max_examples=examples(300), deadline=None, derandomize=True)
@given(cells=st.lists(st.one_of(st.none(), st.sampled_from(["a", "b", "", "é", "a "])), max_size=8))
def test_all_distinct_is_what_pandas_duplicated_says(cells):
    from pipeline.check.columns import all_distinct

    for dtype in ("string", object):
        series = pd.Series(cells, dtype=dtype)
        assert all_distinct(series) == (not series.duplicated(keep=False).any())
