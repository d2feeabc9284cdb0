"""The checks that work on whole columns give, row for row, what their one-row
definitions give: number forms, patterns, foreign keys, direction words, and the
quote rules, on awkward cells and on a synthetic corpus with errors in it.
"""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

import polars as pl
import pytest

from benchmarks.synth import synthesize
from pipeline.check import numbers, rules
from pipeline.check.keys import unknown_rows
from pipeline.check.rules import Context
from pipeline.check.schema import real_dates
from pipeline.check.tables import cast_table, number_problem, number_problems
from pipeline.contract.model import load_contract
from pipeline.contract.patterns import compile_pattern, matches_pattern
from pipeline.load.raw import load_raw

REPO = Path(__file__).resolve().parents[2]

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
# the directions each of TEXTS states: -1 a decline, 1 a rise
DIRECTIONS = [{-1}, {1}, {1}, set(), {-1, 1}, set(), set(), set(), {1}, {1}, set(), {-1, 1}]


def cells(values) -> pl.Series:
    return pl.Series(values, dtype=pl.String)


@pytest.mark.parametrize("kind", ["integer", "number"])
def test_number_problems_are_number_problem_cell_by_cell(kind):
    expected = [(row, number_problem(kind, cell)) for row, cell in enumerate(NUMBER_CELLS)]
    expected = [(row, message) for row, message in expected if message]
    assert len(expected) > 15
    assert number_problems(kind, cells(NUMBER_CELLS)) == expected


@pytest.mark.parametrize(
    "pattern",
    [
        r"[a-z0-9]+(-[a-z0-9]+)*",
        r"[A-Z]{2}-[A-Z0-9]{1,3}",
        r"[0-9]{4}(-[0-9]{2})?",
        r"(a+)+$",
        ".",
        r"\w+\s?\d",  # RE2's classes are ASCII
        r"a\Cb",  # RE2 only: matched by the re2 module
    ],
)
def test_patterns_match_as_re2_matches_each_cell(pattern):
    values = ["abc", "a-b", "A", "ab\n", "\u00e9", "KH-8", "2021", "2021-02", "aaaa", "", None]
    values += ["\u00e9 1", "a\u00a02", "a \u0663"]
    compiled = compile_pattern(pattern)
    expected = [True if v is None else compiled.fullmatch(v) is not None for v in values]
    found = pl.DataFrame({"cell": cells(values)}).select(matches_pattern(pl.col("cell"), pattern))
    assert found.to_series().to_list() == expected


# date cells, and whether each is a real date YYYY-MM-DD (month and day of one or two digits)
DATE_CELLS = [
    ("2021-02-28", True), ("2021-02-29", False), ("2020-02-29", True), ("2021-1-1", True),
    ("21-01-01", False), ("0001-01-01", True), ("2021-13-01", False), ("2021-01-00", False),
    (" 2021-01-01", False), ("2021-01-01 ", False), ("+2021-01-01", False),
    ("2021/01/01", False), ("2021-01-01T00:00", False), ("20210-01-01", False),
    ("\uff12\uff10\uff12\uff11-01-01", True), ("\uff12\uff10\uff12\uff11-02-30", False),
    ("", False), (None, True),
]  # fmt: skip


def test_real_dates_are_calendar_dates_of_that_shape():
    values = [cell for cell, _ in DATE_CELLS]
    others = [cell for cell in values if cell and not cell.isascii()]
    found = pl.DataFrame({"cell": cells(values)}).select(real_dates(pl.col("cell"), others))
    assert found.to_series().to_list() == [real for _, real in DATE_CELLS]


def known_rows(values: pl.DataFrame, known: pl.DataFrame) -> list[bool]:
    """For each row of values: not among unknown_rows (the foreign-key check's)."""
    unknown = unknown_rows(values.with_row_index("at").lazy(), known.lazy(), values.columns)
    missing = set(unknown.collect()["at"].to_list())
    return [at not in missing for at in range(values.height)]


@pytest.mark.parametrize("fields", [["x"], ["x", "y"]])
def test_known_rows_are_python_tuple_membership(fields):
    values = pl.DataFrame({"x": cells(["a", "b", "a", "c"]), "y": cells(["1", "2", "2", "1"])})
    known = pl.DataFrame({"x": cells(["a", "b"]), "y": cells(["1", "1"])})
    rows = set(known.select(fields).iter_rows())
    expected = [row in rows for row in values.select(fields).iter_rows()]
    assert known_rows(values.select(fields), known.select(fields)) == expected


def test_known_rows_never_match_a_missing_value_and_pass_it():
    values = pl.DataFrame({"x": cells(["a", None, "b"])})
    known = pl.DataFrame({"x": cells(["a", None])})
    assert known_rows(values, known) == [True, True, False]
    counts = pl.DataFrame({"x": pl.Series([1, 2], dtype=pl.Int64)})
    assert known_rows(counts, pl.DataFrame({"x": cells(["1"])})) == [False, False]
    floats = pl.DataFrame({"x": pl.Series([1.0, 2.5], dtype=pl.Float64)})
    assert known_rows(counts, floats) == [True, False]  # numbers compare as numbers


def test_directions_are_the_words_of_each_text():
    assert [numbers.direction(text) for text in TEXTS] == DIRECTIONS
    said = pl.DataFrame({"text": TEXTS}).select(
        numbers.states_decline(pl.col("text")).alias("declines"),
        numbers.states_rise(pl.col("text")).alias("rises"),
    )
    assert said["declines"].to_list() == [-1 in d for d in DIRECTIONS]
    assert said["rises"].to_list() == [1 in d for d in DIRECTIONS]


# ---- the quote checks on a synthetic corpus with errors -------------------------------


def rows(frame: pl.DataFrame, *columns: str):
    return frame.select(columns).iter_rows()


def quote_figures(frame: pl.DataFrame, context: Context) -> pl.DataFrame:
    """Each quote with its figure's value, unit and measure (the first row of its id)."""
    figures = context.frames["figures"].unique("figure_id", keep="first", maintain_order=True)
    return frame.select("figure_id", "text", "qualifier").join(
        figures.select("figure_id", "value", "unit", "measure").drop_nulls("figure_id"),
        on="figure_id",
        how="left",
        maintain_order="left",
    )


def reference_value_in_quote(frame, context) -> list[bool]:
    joined = quote_figures(frame, context)
    return [
        f is None
        or v is None
        or t is None
        or numbers.matching_number(t, v, u == "percent") is not None
        for t, v, u, f in rows(joined, "text", "value", "unit", "figure_id")
    ]


def reference_qualifier(frame, context) -> list[bool]:
    joined = quote_figures(frame, context)
    ok = []
    for t, v, u, q, f in rows(joined, "text", "value", "unit", "qualifier", "figure_id"):
        if f is None:
            ok.append(q is None)
        elif v is None or t is None:
            ok.append(True)
        else:
            number = numbers.matching_number(t, v, u == "percent")
            ok.append(number is None or number.qualifier == q)
    return ok


def reference_qualifier_words(frame, context) -> list[bool]:
    joined = quote_figures(frame, context).with_columns(words=frame["qualifier_words"])
    ok = []
    for t, v, u, q, w in rows(joined, "text", "value", "unit", "qualifier", "words"):
        if q is None:
            ok.append(w is None)
            continue
        number = None if v is None or t is None else numbers.matching_number(t, v, u == "percent")
        if number is None or number.qualifier != q:
            ok.append(True)
        else:
            said = number.qualifier_words
            ok.append(
                w is not None and " ".join(w.split()).lower() == " ".join(said.split()).lower()
            )
    return ok


def reference_direction(frame, context) -> list[bool]:
    joined = quote_figures(frame, context)
    return [
        m != "change"
        or v is None
        or t is None
        or v == 0
        or (1 if v > 0 else -1) in numbers.direction(t)
        for t, v, m in rows(joined, "text", "value", "measure")
    ]


def reference_snapshot(frame, context) -> list[bool]:
    ok = []
    for s, a, b, t in rows(frame, "source_id", "start", "end", "text"):
        snapshot = context.snapshots.get(s)
        if snapshot is None or a is None or b is None or t is None:
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
        if snapshot is None or a is None or b is None:
            ok.append(True)
        else:
            ok.append(not (combines(snapshot, a) or combines(snapshot, b)))
    return ok


def reference_figure_qualifier(frame, context) -> list[bool]:
    quotes = context.frames["quotes"]
    stated = {(f, q) for f, q in rows(quotes, "figure_id", "qualifier") if f is not None}
    quoted = {f for f, _ in stated}
    return [f not in quoted or (f, q) in stated for f, q in rows(frame, "figure_id", "qualifier")]


def answers(check, frame: pl.DataFrame, context: Context) -> pl.Series:
    """A rule's answer for each row: a rule checked across batches (pipeline.check.keys)
    gives its failing rows, the others an answer per row."""
    (rule,) = [c for c in rules.all_checks() if c.test is check]
    if not rule.across:
        return check(frame, context)
    lazy = Context(frames={name: f.lazy() for name, f in context.frames.items()})
    failing = check(frame.with_row_index("at").lazy(), lazy).collect()["at"]
    return pl.Series([at not in set(failing.to_list()) for at in range(frame.height)])


REFERENCES = [
    ("quotes", rules.figure_value_in_quote, reference_value_in_quote),
    ("quotes", rules.qualifier_matches_quote, reference_qualifier),
    ("quotes", rules.qualifier_words_match_quote, reference_qualifier_words),
    ("quotes", rules.change_direction_matches_quote, reference_direction),
    ("quotes", rules.quote_matches_snapshot, reference_snapshot),
    ("quotes", rules.quote_keeps_characters_whole, reference_whole),
    ("figures", rules.figure_qualifier_is_quoted, reference_figure_qualifier),
]


def changed(frame: pl.DataFrame, changes: dict[tuple[int, str], object]) -> pl.DataFrame:
    """frame with the cells at (row, column) set to new values."""
    columns = {name: frame[name].to_list() for name in frame.columns}
    for (row, name), value in changes.items():
        columns[name][row] = value
    return pl.DataFrame(columns, schema=frame.schema)


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
    edits = {}
    for row in rng.sample(range(len(quotes)), 300):
        change = rng.randrange(6)
        if change == 0:
            edits[row, "text"] = rng.choice(["ten per cent", "almost 96%", "it fell", "5"])
        elif change == 1:
            edits[row, "qualifier"] = rng.choice(["almost", "more_than", None])
            edits[row, "qualifier_words"] = rng.choice(["nearly", "Over", None])
        elif change == 2:
            edits[row, "start"] = quotes["start"][row] + rng.choice([-1, 1])
        elif change == 3:
            edits[row, "figure_id"] = rng.choice([None, "no-such-figure"])
        elif change == 4:
            edits[row, "end"] = None
        else:
            edits[row, "source_id"] = "no-such-source"
    quotes = frames["quotes"] = changed(quotes, edits)
    edits = {}
    for row in rng.sample(range(len(figures)), 100):
        edits[row, "value"] = -figures["value"][row]
        edits[row, "qualifier"] = rng.choice(["almost", "at_least", None])
    frames["figures"] = changed(figures, edits)
    snapshots = dict(tree.snapshots)
    for source_id in rng.sample(sorted(snapshots), 10):  # combining marks at quote edges
        text = snapshots[source_id]
        edges = quotes.filter(pl.col("source_id") == source_id)["start"].drop_nulls().to_list()
        for edge in sorted(edges, reverse=True)[:3]:
            text = text[:edge] + "\u0301" + text[edge + 1 :]
        snapshots[source_id] = text
    return Context(frames=frames, snapshots=snapshots)


@pytest.mark.parametrize(
    ("resource", "check", "reference"), REFERENCES, ids=[c.__name__ for _, c, _ in REFERENCES]
)
def test_quote_checks_are_their_one_row_definitions(broken_corpus, resource, check, reference):
    """The column check over the whole frame, against its one-row definition on 800 of
    its rows, edited and untouched (a one-row definition costs milliseconds a row)."""
    frame = broken_corpus.frames[resource]
    found = answers(check, frame, broken_corpus)
    assert len(found) == len(frame)
    sample = sorted(random.Random(17).sample(range(len(frame)), min(800, len(frame))))
    expected = reference(frame[sample], broken_corpus)
    assert found.gather(sample).to_list() == expected
    assert 0 < expected.count(False) < len(expected)  # the changes made some rows fail
