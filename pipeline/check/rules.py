"""Semantic checks a Table Schema cannot express, one named function each.

Each check takes a resource's typed frame (Polars) and the check context, and
returns a boolean Series as long as the frame (True where the row passes), worked
out as column expressions. `explain_*` functions say, for a failing row (a dict of
its values), what is wrong and what was expected. schema.py wraps the checks as
pandera Checks.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import polars as pl

from pipeline.check import coverage, numbers
from pipeline.check.quote_marks import direct_quote_in_quotation_marks, explain_direct_quote
from pipeline.check.unknowns import NOTED_FIELDS, null_has_note


@dataclass
class Context:
    """What checks may look at beyond their own frame."""

    frames: dict[str, pl.DataFrame]
    snapshots: Mapping[str, str] | None = None  # source_id -> text; None when not available
    # each resource's cells as read (text, rows as in frames), for the checks that compare
    # a number as written; None gives the typed values' shortest decimals instead
    cells: Mapping[str, pl.DataFrame] | None = None
    # rows of other batches that a check uses (SemanticCheck.uses), by resource: those of
    # the batches before, kept (pipeline.check.keys.Keys.lend_figures)
    lent: dict[str, pl.DataFrame] = field(default_factory=dict, repr=False, compare=False)
    # what several checks of one frame share, by name: (the frame, what was worked out)
    shared: dict[str, tuple] = field(default_factory=dict, repr=False, compare=False)

    def share(self, name: str, frame: pl.DataFrame, work: Callable[[], object]):
        """work(), done once for the frame that several checks are given."""
        if name not in self.shared or self.shared[name][0] is not frame:
            self.shared[name] = (frame, work())
        return self.shared[name][1]


@dataclass(frozen=True)
class SemanticCheck:
    name: str
    resource: str
    field: str  # where a failure is reported
    test: Callable[[pl.DataFrame, Context], pl.Series]
    explain: Callable[[dict, Context], str]
    needs_snapshots: bool = False
    # a check of rows against every batch's (pipeline.check.keys): its test takes the
    # resource's key columns and the others' (context.frames) as LazyFrames, and
    # returns the rows that fail, rather than an answer for each row; uses: the columns
    # it needs of each resource
    across: bool = False
    uses: Mapping[str, tuple[str, ...]] = field(default_factory=dict, compare=False)
    # a quotes rule whose failure is reported at its figure's row and `field` in figures
    # (where the mistake was typed), naming the quote: explain finds the quote's file
    # and line in its row's QUOTE_AT
    at_figure: bool = False


QUOTE_AT = "_quote_at"  # file:line of the quote, for a rule reported at its figure


def _passes(frame: pl.DataFrame, passed: pl.Expr) -> pl.Series:
    """The check's answer for each row of frame: passed, with a missing answer a pass."""
    return frame.select(passed.fill_null(True).alias("passed")).to_series()


def _among(values: pl.Expr, known: pl.Series) -> pl.Expr:
    """True where a value is one of known (never where it is missing)."""
    return values.is_in(known.drop_nulls().unique().implode()).fill_null(False)


# ---- dates and codes -----------------------------------------------------------


def _is_calendar_date(value: str) -> bool:
    parts = value.split("-")
    try:
        numbers_ = [int(p) for p in parts]
        date(numbers_[0], *(numbers_[1:] + [1] * (3 - len(numbers_))))
    except (ValueError, TypeError, IndexError):
        return False
    return len(parts) <= 3


def is_calendar_date(column: str):
    def test(frame: pl.DataFrame, context: Context) -> pl.Series:
        distinct = frame[column].drop_nulls().unique().to_list()  # a date is read once
        wrong = pl.Series([v for v in distinct if not _is_calendar_date(v)], dtype=pl.String)
        return _passes(frame, ~_among(pl.col(column), wrong))

    def explain(row: dict, context: Context) -> str:
        return f"{row[column]!r} is not a real calendar date; expected YYYY, YYYY-MM or YYYY-MM-DD"

    return test, explain


def iso_records(standard: str) -> list[dict]:
    """The records of one ISO standard from pycountry's own database files (read as
    JSON: building pycountry's lookup objects for 13,000 records took 0.2 s, as long as
    checking a small package; executing the package's module is not needed either)."""
    from importlib.util import find_spec

    import orjson

    (folder,) = find_spec("pycountry").submodule_search_locations
    data = Path(folder, "databases", f"iso{standard}.json").read_bytes()
    return orjson.loads(data)[standard]


@cache
def _language_codes() -> pl.Series:
    """Every ISO 639-1 code, lower-cased, as pycountry looks codes up."""
    codes = [record.get("alpha_2") for record in iso_records("639-3")]
    return pl.Series([code.lower() for code in codes if code], dtype=pl.String)


def language_is_iso_639_1(frame: pl.DataFrame, context: Context) -> pl.Series:
    codes = pl.col("language")
    return _passes(frame, codes.is_null() | _among(codes.str.to_lowercase(), _language_codes()))


def explain_language(row: dict, context: Context) -> str:
    return f"{row['language']!r} is not an ISO 639-1 language code; expected e.g. en, km, fr"


def published_basis_with_date(frame: pl.DataFrame, context: Context) -> pl.Series:
    return _passes(frame, pl.col("published").is_null() == pl.col("published_basis").is_null())


def explain_published_basis(row: dict, context: Context) -> str:
    if row["published"] is None:
        return "published_basis is set but published is null; expected both null"
    return "published is set but published_basis is null; expected stated, metadata or inferred"


# ---- figures -------------------------------------------------------------------


def share_within_0_100(frame: pl.DataFrame, context: Context) -> pl.Series:
    is_percent_share = (pl.col("measure") == "share") & (pl.col("unit") == "percent")
    return _passes(frame, ~is_percent_share | pl.col("value").is_between(0, 100))


def explain_share(row: dict, context: Context) -> str:
    return f"a percentage share must lie in [0, 100]; found {row['value']}"


def _quoted(context: Context, column: str) -> pl.LazyFrame:
    """The distinct values of a quotes column, missing ones left out."""
    return context.frames["quotes"].lazy().select(column).drop_nulls().unique()


def figure_has_quote(frame: pl.LazyFrame, context: Context) -> pl.LazyFrame:
    return frame.join(_quoted(context, "figure_id"), on="figure_id", how="anti")


def explain_figure_quote(row: dict, context: Context) -> str:
    return f"figure {row['figure_id']} has no quote; expected at least one row in quotes stating it"


def figure_qualifier_is_quoted(frame: pl.LazyFrame, context: Context) -> pl.LazyFrame:
    """A quoted figure's qualifier (or its having none) is one of its quotes'."""
    pairs = ["figure_id", "qualifier"]
    stated = context.frames["quotes"].lazy().select(pairs).drop_nulls("figure_id").unique()
    quoted = frame.join(stated.select("figure_id").unique(), on="figure_id", how="semi")
    return quoted.join(stated, on=pairs, how="anti", nulls_equal=True)


def explain_figure_qualifier(row: dict, context: Context) -> str:
    qualifier = "no qualifier" if row["qualifier"] is None else f"qualifier {row['qualifier']}"
    quotes = context.frames["quotes"].lazy()
    stated = (
        quotes.filter(pl.col("figure_id") == row["figure_id"])
        .select(pl.col("qualifier").unique().sort(nulls_last=True))
        .collect()["qualifier"]
    )
    named = ", ".join("no qualifier" if q is None else q for q in stated.to_list())
    return (
        f"{qualifier} is not what any of the figure's quotes states (they state {named}); "
        "expected one of theirs"
    )


# ---- statements ------------------------------------------------------------------


def statement_has_quote(frame: pl.LazyFrame, context: Context) -> pl.LazyFrame:
    return frame.join(_quoted(context, "statement_id"), on="statement_id", how="anti")


def explain_statement_quote(row: dict, context: Context) -> str:
    return (
        f"statement {row['statement_id']} has no quote; expected at least one row in quotes "
        "supporting it"
    )


# ---- quotes ----------------------------------------------------------------------


def supports_one_claim(frame: pl.DataFrame, context: Context) -> pl.Series:
    return _passes(frame, pl.col("figure_id").is_null() != pl.col("statement_id").is_null())


def explain_one_claim(row: dict, context: Context) -> str:
    return (
        "a quote supports exactly one figure or one statement; expected one of figure_id or "
        "statement_id, not both or neither"
    )


def end_after_start(frame: pl.DataFrame, context: Context) -> pl.Series:
    return _passes(frame, pl.col("end") > pl.col("start"))


def explain_offsets_order(row: dict, context: Context) -> str:
    return f"end {row['end']} is not after start {row['start']}; expected start < end"


def _in_snapshots(frame: pl.DataFrame, context: Context) -> pl.DataFrame:
    """For each quote: whether its text is what its snapshot has at its offsets
    (`matched`), and whether it keeps its characters whole (`whole`: neither offset is
    on a combining mark, which would cut a letter from its accent). A quote whose
    source has no snapshot, or whose offsets are missing, passes both (its own checks
    report that), and so does a missing text the first.

    Each quote is given its snapshot's text, a copy: a batch of sources at a time,
    each batch with about as many quotes as there are sources, so that the copies
    take about the room of the snapshots themselves."""
    snapshots = context.snapshots or {}
    rows = (
        frame.select("source_id", "start", "end", "text")
        .with_row_index("row")
        .filter(pl.col("start").is_not_null() & pl.col("end").is_not_null())
    )
    ids = [s for s in rows["source_id"].drop_nulls().unique().to_list() if s in snapshots]
    counts = (
        rows.filter(pl.col("source_id").is_in(pl.Series(ids, dtype=pl.String).implode()))
        .group_by("source_id")
        .len()
        .sort("source_id")
    )
    batches = counts.with_columns(
        batch=(pl.col("len").cum_sum() - pl.col("len")) // max(counts.height, 1)
    )
    found = [
        _snapshot_answers(rows, sources["source_id"].to_list(), snapshots)
        for sources in batches.partition_by("batch", maintain_order=True)
    ]
    passed = frame.select(matched=pl.repeat(True, pl.len()), whole=pl.repeat(True, pl.len()))
    if found:
        answers = pl.concat(found)
        rows_found = answers["row"]
        passed = passed.with_columns(
            matched=passed["matched"].scatter(rows_found, answers["matched"]),
            whole=passed["whole"].scatter(rows_found, answers["whole"]),
        )
    return passed


def _snapshot_answers(rows: pl.DataFrame, ids: list[str], snapshots) -> pl.DataFrame:
    """_in_snapshots' answers for the rows of the sources ids (each asked for once:
    SnapshotTexts decodes a text each time it is asked for it)."""
    texts = pl.DataFrame(
        {"source_id": ids, "snapshot": [snapshots[s] for s in ids]},
        schema={"source_id": pl.String, "snapshot": pl.String},
    )
    start, end, snapshot = pl.col("start"), pl.col("end"), pl.col("snapshot")
    size = snapshot.str.len_chars()
    inside = (start >= 0) & (start <= end) & (end <= size)
    stretch = snapshot.str.slice(start.clip(0), (end - start).clip(0))
    matched = pl.col("text").is_null() | (inside & (stretch == pl.col("text")))

    def splits(offset: pl.Expr) -> pl.Expr:  # the character at offset is a combining mark
        mark = snapshot.str.slice(offset.clip(0), 1).str.contains(r"^\p{M}")
        return (offset > 0) & (offset < size) & mark

    return rows.join(texts, on="source_id", how="inner").select(
        "row", matched=matched, whole=~(splits(start) | splits(end))
    )


def quote_matches_snapshot(frame: pl.DataFrame, context: Context) -> pl.Series:
    found = context.share("in_snapshots", frame, lambda: _in_snapshots(frame, context))
    return found["matched"]


def explain_quote_offsets(row: dict, context: Context) -> str:
    snapshot = (context.snapshots or {})[row["source_id"]]
    start, end, text = int(row["start"]), int(row["end"]), row["text"]
    if end > len(snapshot):
        return (
            f"end {end} is past the end of snapshot {row['source_id']} ({len(snapshot)} characters)"
        )
    if not 0 <= start <= end:
        return f"offsets {start}:{end} mark no stretch of the snapshot; expected 0 <= start < end"
    there = snapshot[start:end]
    if there != text and unicodedata.normalize("NFC", there) == unicodedata.normalize("NFC", text):
        return (
            f"text differs from what snapshot {row['source_id']} has at {start}:{end} only by "
            "Unicode normalisation (an accent as its own code point or combined with its letter); "
            "expected the snapshot's code points exactly"
        )
    return (
        f"text is not what snapshot {row['source_id']} has at {start}:{end} "
        f"(it has {there[:200]!r}){_where_text_is(snapshot, text, start)}"
    )


def _where_text_is(snapshot: str, text: str, start: int) -> str:
    found = snapshot.find(text)
    if found < 0:
        return (
            "; the text is nowhere in the snapshot (check each character, quote marks and dashes)"
        )
    hint = f"; the text is at start={found}, end={found + len(text)}"
    if len(snapshot[:found].encode("utf-8")) == start != found:
        hint += " (start looks like a byte offset; expected Unicode code point offsets)"
    return hint


def quote_keeps_characters_whole(frame: pl.DataFrame, context: Context) -> pl.Series:
    """A quote neither starts on nor ends before a combining mark, which would cut
    a letter from its accent."""
    found = context.share("in_snapshots", frame, lambda: _in_snapshots(frame, context))
    return found["whole"]


def _combines(snapshot: str, offset: int) -> bool:
    """True when the character at offset attaches to the one before it."""
    if not 0 < offset < len(snapshot):
        return False
    return unicodedata.category(snapshot[offset]).startswith("M")


def explain_split_character(row: dict, context: Context) -> str:
    snapshot = (context.snapshots or {})[row["source_id"]]
    offset = int(row["start"]) if _combines(snapshot, int(row["start"])) else int(row["end"])
    pair = snapshot[offset - 1 : offset + 1]
    return (
        f"offset {offset} splits {pair!r} (a letter and its combining mark "
        f"U+{ord(snapshot[offset]):04X}); expected the quote to start and end at whole characters"
    )


def _first_figures(context: Context) -> pl.DataFrame:
    """The first row of each figure_id: its value (typed, and as its cell was written,
    such as "-78" or "2.5e3": the digits a quote must state exactly, which the typed
    value, a float, may have rounded), measure, unit, qualifier and periods."""
    figures = context.frames["figures"]

    def first() -> pl.DataFrame:
        if context.cells is not None:
            written = context.cells["figures"]["value"]
        else:  # typed frames alone (a library caller's): each value's shortest decimal
            written = figures["value"].map_elements(repr, return_dtype=pl.String)
        return (
            figures.select(
                "figure_id", "value", "measure", "unit", "qualifier", "period", "reference_period"
            )
            .with_columns(written=written)
            .filter(pl.col("figure_id").is_not_null())
            .unique("figure_id", keep="first", maintain_order=True)
        )

    return context.share("first_figures", figures, first)


def _figure(context: Context, figure_id: str) -> dict:
    """One figure's first row (for explaining a failing quote)."""
    figures = _first_figures(context)
    by_id = context.share(
        "figures_by_id",
        figures,
        lambda: dict(zip(figures["figure_id"], figures.iter_rows(named=True), strict=True)),
    )
    return by_id[figure_id]


def _stated_values(frame: pl.DataFrame, context: Context) -> pl.DataFrame:
    """For each quote: its figure's value and measure; whether it is `checked` (a
    quote of a figure with a value, and a text); whether the text states the value
    exactly (`matched`: a number of the same magnitude, with a percent sign exactly
    when the unit is percent) and the qualifier it states with the first such number.
    Numbers are matched to their quote by its position among the checked quotes (a
    join on the texts hashed and compared every text), and only the checked quotes'
    columns are joined (a join copies every column it carries, 2M rows at 1M figures)."""
    figures = _first_figures(context).select("figure_id", "value", "measure", "unit", "written")
    joined = (
        frame.select("figure_id", "text", recorded="qualifier")
        .join(figures, on="figure_id", how="left", maintain_order="left")
        .with_columns(checked=pl.col("value").is_not_null() & pl.col("text").is_not_null())
    )
    checked = joined.filter("checked")
    stated = numbers.stated_numbers(checked["text"])
    longest = stated["value"].str.len_chars().max() or 0
    wanted = checked.select(
        at=pl.int_range(pl.len(), dtype=stated["at"].dtype),
        wanted=numbers.exact_numbers(checked["written"], longest),
        percent=(pl.col("unit") == "percent").fill_null(False),
    )
    first = stated.unique(["at", "value", "percent"], keep="first", maintain_order=True)
    said = ["qualifier", "qualifier_words"]
    found = wanted.join(
        first.select("at", pl.col("value").alias("wanted"), "percent", *said, matched=True),
        on=["at", "wanted", "percent"],
        how="left",
        maintain_order="left",
    )
    at = joined.select(pl.when("checked").then(pl.col("checked").cum_sum() - 1)).to_series()
    at = at.cast(stated["at"].dtype)
    return joined.select(
        "figure_id", "text", "recorded", "value", "measure", "checked"
    ).with_columns(
        matched=found["matched"].gather(at).fill_null(False),
        qualifier=found["qualifier"].gather(at),
        said_words=found["qualifier_words"].gather(at),
        recorded_words=frame["qualifier_words"] if "qualifier_words" in frame.columns else None,
    )


def figure_value_in_quote(frame: pl.DataFrame, context: Context) -> pl.Series:
    stated = context.share("stated_values", frame, lambda: _stated_values(frame, context))
    return stated.select(~pl.col("checked") | pl.col("matched")).to_series()


def explain_value(row: dict, context: Context) -> str:
    figure = _figure(context, row["figure_id"])
    stated = numbers.find_numbers(row["text"])
    percent = figure["unit"] == "percent"
    wanted = numbers.exact(figure["written"])
    quote = f"quote {row[QUOTE_AT]}" if row.get(QUOTE_AT) else "the quote"
    other = [n for n in stated if n.value == wanted and n.percent != percent]
    if other and not percent:
        return (
            f"{quote} states a percentage ({other[0].words}) but figure {row['figure_id']}'s "
            f"unit is {figure['unit']}; a percentage is unit percent, measure share or change"
        )
    if other:
        return (
            f"{quote} states {other[0].words}, not a percentage, but figure "
            f"{row['figure_id']}'s unit is percent; a count or amount has the unit of what it "
            "counts, measure level"
        )
    said = ", ".join(n.words for n in stated if not n.scaled) or "none"
    unit = " per cent" if percent else ""
    return (
        f"figure {row['figure_id']} has value {figure['written']}{unit}, which {quote} does "
        f"not state exactly; numbers it states: {said}"
    )


def qualifier_matches_quote(frame: pl.DataFrame, context: Context) -> pl.Series:
    stated = context.share("stated_values", frame, lambda: _stated_values(frame, context))
    recorded, said = pl.col("recorded"), pl.col("qualifier")
    return stated.select(
        pl.when(pl.col("figure_id").is_not_null())
        .then(~pl.col("checked") | ~pl.col("matched") | recorded.eq_missing(said))
        .otherwise(recorded.is_null())
    ).to_series()


def explain_qualifier(row: dict, context: Context) -> str:
    recorded = "empty" if row["qualifier"] is None else repr(row["qualifier"])
    if row["figure_id"] is None:
        return f"a quote supporting a statement has qualifier {recorded}; expected it empty"
    figure = _figure(context, row["figure_id"])
    number = numbers.matching_number(row["text"], figure["written"], figure["unit"] == "percent")
    said = "no qualifier" if number.qualifier is None else repr(number.qualifier)
    return f"qualifier is {recorded}, but the quote's words ({number.words!r}) say {said}"


def _words(said: pl.Expr) -> pl.Expr:
    """Words compared as a reader would: any run of spaces as one, in any case."""
    return said.str.replace_all(r"\s+", " ").str.strip_chars().str.to_lowercase()


def qualifier_words_match_quote(frame: pl.DataFrame, context: Context) -> pl.Series:
    """The hedge's words as written are the words the quote states before the number
    when the quote has a qualifier (and it is the one its words state), else empty."""
    stated = context.share("stated_values", frame, lambda: _stated_values(frame, context))
    recorded, qualifier = pl.col("recorded_words"), pl.col("recorded")
    stated_here = pl.col("checked") & pl.col("matched") & qualifier.eq_missing(pl.col("qualifier"))
    return stated.select(
        pl.when(qualifier.is_null())
        .then(recorded.is_null())
        .when(stated_here)
        .then(_words(recorded).eq_missing(_words(pl.col("said_words"))))
        .otherwise(True)
    ).to_series()


def explain_qualifier_words(row: dict, context: Context) -> str:
    recorded = "empty" if row["qualifier_words"] is None else repr(row["qualifier_words"])
    if row["qualifier"] is None:
        return f"qualifier_words is {recorded} but qualifier is empty; expected it empty too"
    figure = _figure(context, row["figure_id"])
    number = numbers.matching_number(row["text"], figure["written"], figure["unit"] == "percent")
    return (
        f"qualifier_words is {recorded}, but the quote's words ({number.words!r}) put "
        f"{number.qualifier_words!r} before the number; expected {number.qualifier_words!r}"
    )


SIGNED_MEASURES = ("change", "difference")  # a decline is negative, a rise positive


def change_direction_matches_quote(frame: pl.DataFrame, context: Context) -> pl.Series:
    """A quote of a change or a difference states its direction: a decline for a
    negative value, a rise for a positive one."""
    stated = context.share("stated_values", frame, lambda: _stated_values(frame, context))
    value, text = pl.col("value"), pl.col("text")
    checked = pl.col("measure").is_in(SIGNED_MEASURES) & pl.col("checked") & (value != 0)
    said = (
        pl.when(value > 0).then(numbers.states_rise(text)).otherwise(numbers.states_decline(text))
    )
    return stated.select((~checked | said).fill_null(True)).to_series()


def _phrase_groups(entries: list[str]) -> str:
    """Vocabulary entries listed compactly: phrases of three words or more grouped by
    their first two ("fewer than (last year | a year ago)")."""
    groups: dict[str, list[str]] = {}
    for entry in entries:
        words = entry.split()
        head, rest = (" ".join(words[:2]), " ".join(words[2:])) if len(words) > 2 else (entry, "")
        groups.setdefault(head, [])
        if rest:
            groups[head].append(rest)
    return ", ".join(f"{h} ({' | '.join(r)})" if r else h for h, r in groups.items())


def explain_direction(row: dict, context: Context) -> str:
    figure = _figure(context, row["figure_id"])
    expected = "decline" if figure["value"] < 0 else "rise"
    looked_for = _phrase_groups(numbers.direction_words(expected))
    vocabulary = numbers.DIRECTIONS_FILE.relative_to(Path(numbers.__file__).parents[2])
    return (
        f"figure {row['figure_id']} is a {figure['measure']} of {figure['value']:g}, a "
        f"{expected}, but the quote's words do not state a {expected} (a decline is "
        "negative, a rise positive); "
        f'{expected} words looked for: {looked_for} ("*" any ending, <year> a year); a '
        f"missing word goes in {vocabulary.as_posix()} (columns words, direction, note)"
    )


def _years_beside_value(frame: pl.DataFrame, context: Context) -> pl.DataFrame:
    """For the quotes of a figure with a value whose text states a year: the years the
    text states beside the figure's number (numbers.years_beside), with the years the
    figure's period and reference period cover; row: the quote's row in frame."""
    figures = _first_figures(context).select(
        "figure_id", "unit", "written", "period", "reference_period"
    )
    quoted = (
        frame.select("figure_id", "text")
        .with_row_index("row")
        .filter(pl.col("text").str.contains(r"(?:1[89]|20)\d\d"))
        .join(figures, on="figure_id", how="inner", maintain_order="left")
        .filter(pl.col("written").is_not_null())
    )
    beside = numbers.years_beside(quoted["text"])
    longest = beside["value"].str.len_chars().max() or 0
    from pipeline.check.periods import period_years  # periods builds on this module

    period_from, period_to = period_years(pl.col("period"))
    reference_from, reference_to = period_years(pl.col("reference_period"))
    wanted = quoted.select(
        "row",
        at=pl.int_range(pl.len(), dtype=beside["at"].dtype),
        value=numbers.exact_numbers(quoted["written"], longest),
        percent=(pl.col("unit") == "percent").fill_null(False),
        period=pl.concat_list(period_from, period_to),
        reference=pl.concat_list(reference_from, reference_to),
    )
    return beside.join(wanted, on=["at", "value", "percent"], how="inner")


def _covers(years: pl.Expr, year: pl.Expr) -> pl.Expr:
    return (years.list.first() <= year) & (year <= years.list.last())


def period_covers_quoted_year(frame: pl.DataFrame, context: Context) -> pl.Series:
    """A year a quote states beside the figure's number is in the figure's period or
    reference period (an unreadable period is not checked here)."""
    beside = _years_beside_value(frame, context)
    year = pl.col("year")
    unknown = pl.col("period").list.first().is_null()
    wrong = beside.filter(
        ~unknown
        & ~_covers(pl.col("period"), year)
        & ~_covers(pl.col("reference"), year).fill_null(False)
    )
    return pl.Series(~pl.int_range(frame.height, eager=True).is_in(wrong["row"].implode()))


def explain_period(row: dict, context: Context) -> str:
    figure = _figure(context, row["figure_id"])
    one = pl.DataFrame({"figure_id": [row["figure_id"]], "text": [row["text"]]})
    beside = _years_beside_value(one.cast(pl.String), context)
    years = ", ".join(str(y) for y in beside["year"].unique(maintain_order=True).to_list())
    quote = f"quote {row[QUOTE_AT]}" if row.get(QUOTE_AT) else "the quote"
    reference = figure["reference_period"] or "none"
    return (
        f"figure {row['figure_id']} has period {figure['period']} (reference period "
        f"{reference}), but {quote} states {years} beside its number {figure['written']}; "
        f"expected a period or reference period covering {years}"
    )


SEMANTIC_CHECKS: tuple[SemanticCheck, ...] = (
    SemanticCheck(
        "language_is_iso_639_1", "sources", "language", language_is_iso_639_1, explain_language
    ),
    SemanticCheck(
        "published_basis_with_date",
        "sources",
        "published_basis",
        published_basis_with_date,
        explain_published_basis,
    ),
    SemanticCheck(
        "published_is_calendar_date", "sources", "published", *is_calendar_date("published")
    ),
    *(
        SemanticCheck(f"{name}_null_has_note", "sources", name, *null_has_note(name))
        for name in NOTED_FIELDS
    ),
    SemanticCheck("share_within_0_100", "figures", "value", share_within_0_100, explain_share),
    SemanticCheck(
        "figure_has_quote",
        "figures",
        "figure_id",
        figure_has_quote,
        explain_figure_quote,
        across=True,
        uses={"figures": ("figure_id",), "quotes": ("figure_id",)},
    ),
    SemanticCheck(
        "figure_qualifier_is_quoted",
        "figures",
        "qualifier",
        figure_qualifier_is_quoted,
        explain_figure_qualifier,
        across=True,
        uses={"figures": ("figure_id", "qualifier"), "quotes": ("figure_id", "qualifier")},
    ),
    SemanticCheck(
        "statement_has_quote",
        "statements",
        "statement_id",
        statement_has_quote,
        explain_statement_quote,
        across=True,
        uses={"statements": ("statement_id",), "quotes": ("statement_id",)},
    ),
    SemanticCheck(
        "supports_one_claim", "quotes", "figure_id", supports_one_claim, explain_one_claim
    ),
    SemanticCheck("end_after_start", "quotes", "end", end_after_start, explain_offsets_order),
    SemanticCheck(
        "quote_matches_snapshot",
        "quotes",
        "text",
        quote_matches_snapshot,
        explain_quote_offsets,
        needs_snapshots=True,
    ),
    SemanticCheck(
        "quote_keeps_characters_whole",
        "quotes",
        "start",
        quote_keeps_characters_whole,
        explain_split_character,
        needs_snapshots=True,
    ),
    SemanticCheck(
        "direct_quote_in_quotation_marks",
        "quotes",
        "attribution",
        direct_quote_in_quotation_marks,
        explain_direct_quote,
        needs_snapshots=True,
    ),
    SemanticCheck(
        "figure_value_in_quote",
        "quotes",
        "value",
        figure_value_in_quote,
        explain_value,
        at_figure=True,
    ),
    SemanticCheck(
        "period_covers_quoted_year",
        "quotes",
        "period",
        period_covers_quoted_year,
        explain_period,
        at_figure=True,
    ),
    SemanticCheck(
        "qualifier_matches_quote", "quotes", "qualifier", qualifier_matches_quote, explain_qualifier
    ),
    SemanticCheck(
        "qualifier_words_match_quote",
        "quotes",
        "qualifier_words",
        qualifier_words_match_quote,
        explain_qualifier_words,
    ),
    SemanticCheck(
        "change_direction_matches_quote",
        "quotes",
        "text",
        change_direction_matches_quote,
        explain_direction,
    ),
    SemanticCheck(
        "set_aside_is_a_number_mention",
        "mentions",
        "start",
        coverage.set_aside_is_a_mention,
        coverage.explain_set_aside_mention,
        across=True,
        uses={"mentions": (*coverage.SPAN, "text")},
    ),
    SemanticCheck(
        "set_aside_not_quoted",
        "mentions",
        "start",
        coverage.set_aside_not_quoted,
        coverage.explain_set_aside_quoted,
        across=True,
        uses={
            "mentions": (*coverage.SPAN, "text", "reason"),
            "quotes": ("quote_id", *coverage.SPAN, "figure_id"),
        },
    ),
)


@cache
def all_checks() -> tuple[SemanticCheck, ...]:
    """The checks of rules here and of the modules beside it (areas, measures), which
    build on this one."""
    from pipeline.check import areas, measures, pages

    return SEMANTIC_CHECKS + areas.CHECKS + measures.CHECKS + pages.CHECKS


def checks_for(resource: str) -> list[SemanticCheck]:
    return [c for c in all_checks() if c.resource == resource]
