"""Semantic checks a Table Schema cannot express, one named function each.

Each check takes a resource's typed frame and the check context, and returns a
boolean Series (True where the row passes). `explain_*` functions say, for a
failing row, what is wrong and what was expected. schema.py wraps the checks
as pandera Checks.
"""

from __future__ import annotations

import unicodedata
import weakref
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.check import numbers
from pipeline.check.columns import arrow_text, is_in
from pipeline.check.stated_numbers import exact_numbers, stated_directions, stated_numbers


@dataclass
class Context:
    """What checks may look at beyond their own frame."""

    frames: dict[str, pd.DataFrame]
    snapshots: Mapping[str, str] | None = None  # source_id -> text; None when not available
    # each resource's cells as read (text, rows as in frames), for the checks that compare
    # a number as written; None gives the typed values' shortest decimals instead
    cells: Mapping[str, pd.DataFrame] | None = None
    # what several checks of one frame share, by name: (the frame, what was worked out);
    # the frame is held weakly, as pandera's frames must not outlive their validation
    shared: dict[str, tuple] = field(default_factory=dict, repr=False, compare=False)

    def share(self, name: str, frame: pd.DataFrame, work: Callable[[], object]):
        """work(), done once for the frame that several checks are given."""
        if name not in self.shared or self.shared[name][0]() is not frame:
            self.shared[name] = (weakref.ref(frame), work())
        return self.shared[name][1]


@dataclass(frozen=True)
class SemanticCheck:
    name: str
    resource: str
    field: str  # where a failure is reported
    test: Callable[[pd.DataFrame, Context], pd.Series]
    explain: Callable[[dict, Context], str]
    needs_snapshots: bool = False


# ---- helpers -----------------------------------------------------------------


def _is_calendar_date(value) -> bool:
    if pd.isna(value):
        return True
    parts = str(value).split("-")
    try:
        numbers_ = [int(p) for p in parts]
        date(numbers_[0], *(numbers_[1:] + [1] * (3 - len(numbers_))))
    except (ValueError, TypeError, IndexError):
        return False
    return len(parts) <= 3


def _figures_by_id(context: Context) -> pd.DataFrame:
    figures = context.frames["figures"]
    return context.share(
        "figures_by_id",
        figures,
        lambda: figures.drop_duplicates("figure_id").set_index("figure_id"),
    )


def _written_values(context: Context) -> pd.Series:
    """Each figure's value as its cell was written (such as "-78" or "2.5e3"), by
    figure_id, the first row of each as _figures_by_id: the digits a quote must state
    exactly, which the typed value (a float) may have rounded."""
    figures = context.frames["figures"]

    def find() -> pd.Series:
        if context.cells is not None:
            written = context.cells["figures"]["value"]
        else:  # typed frames alone (a library caller's): each value's shortest decimal
            written = figures["value"].astype(object).map(repr, na_action="ignore")
        first = ~figures["figure_id"].duplicated().to_numpy(dtype=bool)
        values = pd.Series(written.to_numpy(dtype=object)[first], dtype="string")
        return values.set_axis(figures["figure_id"][first])

    return context.share("written_values", figures, find)


def _quote_figures(frame: pd.DataFrame, context: Context) -> pd.DataFrame:
    """Each quote row with its figure's value (typed, and as written), measure, unit and
    qualifier (NA if none)."""

    def join() -> pd.DataFrame:
        figures = _figures_by_id(context)[["value", "measure", "unit", "qualifier"]]
        figures = figures.assign(written=_written_values(context).to_numpy())
        figures = figures.rename(columns={"qualifier": "qualifier_figure"})
        joined = frame[["figure_id", "text", "qualifier"]].join(figures, on="figure_id")
        joined.index = frame.index
        return joined

    return context.share("quote_figures", frame, join)


@dataclass
class _ValueQuotes:
    """The quotes of figures with a value and a text (the rows `checked`), with each
    one's text as a code into `texts`, the distinct texts."""

    checked: np.ndarray
    codes: np.ndarray
    texts: pd.Series


def _value_quotes(frame: pd.DataFrame, context: Context) -> _ValueQuotes:
    def find() -> _ValueQuotes:
        joined = _quote_figures(frame, context)
        checked = joined["figure_id"].notna() & joined["value"].notna() & joined["text"].notna()
        checked = checked.to_numpy(dtype=bool)
        codes, texts = pd.factorize(joined["text"][checked])
        return _ValueQuotes(checked, codes, pd.Series(texts, dtype="string"))

    return context.share("value_quotes", frame, find)


# ---- dates and codes -----------------------------------------------------------


def is_calendar_date(column: str):
    def test(frame: pd.DataFrame, context: Context) -> pd.Series:
        values = frame[column]
        wrong = [v for v in values.dropna().unique().tolist() if not _is_calendar_date(v)]
        return ~values.isin(wrong).astype(bool)

    def explain(row: dict, context: Context) -> str:
        return f"{row[column]!r} is not a real calendar date; expected YYYY, YYYY-MM or YYYY-MM-DD"

    return test, explain


def is_iso_3166_2(column: str):
    def test(frame: pd.DataFrame, context: Context) -> pd.Series:
        import pycountry

        codes = frame[column]
        unknown = [
            c
            for c in codes.dropna().unique().tolist()
            if pycountry.subdivisions.get(code=c) is None
        ]
        return ~codes.isin(unknown).astype(bool)

    def explain(row: dict, context: Context) -> str:
        return (
            f"{row[column]!r} is not an ISO 3166-2 subdivision code; expected a code such as "
            "KH-8 (Kandal, Cambodia)"
        )

    return test, explain


def language_is_iso_639_1(frame: pd.DataFrame, context: Context) -> pd.Series:
    import pycountry

    codes = frame["language"]
    unknown = [
        c for c in codes.dropna().unique().tolist() if pycountry.languages.get(alpha_2=c) is None
    ]
    return ~codes.isin(unknown).astype(bool)


def explain_language(row: dict, context: Context) -> str:
    return f"{row['language']!r} is not an ISO 639-1 language code; expected e.g. en, km, fr"


def published_basis_with_date(frame: pd.DataFrame, context: Context) -> pd.Series:
    return frame["published"].isna() == frame["published_basis"].isna()


def explain_published_basis(row: dict, context: Context) -> str:
    if pd.isna(row["published"]):
        return "published_basis is set but published is null; expected both null"
    return "published is set but published_basis is null; expected stated or inferred"


# ---- figures -------------------------------------------------------------------


def change_has_reference_period(frame: pd.DataFrame, context: Context) -> pd.Series:
    is_change = frame["measure"] == "change"
    return (is_change == frame["reference_period"].notna()).fillna(True).astype(bool)


def explain_reference_period(row: dict, context: Context) -> str:
    if row["measure"] == "change":
        return "a change needs the reference_period it is compared with; expected e.g. 2021"
    return f"reference_period is only for changes; this figure's measure is {row['measure']}"


def reference_period_before_period(frame: pd.DataFrame, context: Context) -> pd.Series:
    has_both = frame["reference_period"].notna() & frame["period"].notna()
    earlier = frame["reference_period"].astype(str) < frame["period"].astype(str)
    return (~has_both | earlier).astype(bool)


def explain_reference_order(row: dict, context: Context) -> str:
    return (
        f"reference_period {row['reference_period']} is not before period {row['period']}; "
        "expected the earlier period a change is measured from"
    )


def share_within_0_100(frame: pd.DataFrame, context: Context) -> pd.Series:
    is_percent_share = (frame["measure"] == "share") & (frame["unit"] == "percent")
    inside = frame["value"].between(0, 100)
    return (~is_percent_share | inside).fillna(True).astype(bool)


def explain_share(row: dict, context: Context) -> str:
    return f"a percentage share must lie in [0, 100]; found {row['value']}"


def _quoted_figures(frame: pd.DataFrame, context: Context) -> np.ndarray:
    """True where a figure has a quote."""
    quotes = context.frames["quotes"]
    return context.share(
        "quoted_figures", frame, lambda: is_in(frame["figure_id"], quotes["figure_id"])
    )


def figure_has_quote(frame: pd.DataFrame, context: Context) -> pd.Series:
    return pd.Series(_quoted_figures(frame, context), index=frame.index, dtype=bool)


def explain_figure_quote(row: dict, context: Context) -> str:
    return f"figure {row['figure_id']} has no quote; expected at least one row in quotes stating it"


def figure_qualifier_is_quoted(frame: pd.DataFrame, context: Context) -> pd.Series:
    quotes = context.frames["quotes"]
    quoted = _quoted_figures(frame, context)  # an unquoted figure is figure_has_quote's
    stated = _pairs(quotes["figure_id"], quotes["qualifier"])  # null for a statement's
    found = pc.is_in(_pairs(frame["figure_id"], frame["qualifier"]), value_set=stated)
    ok = ~quoted | found.to_numpy(zero_copy_only=False)  # is_in gives no null: null pairs match
    return pd.Series(ok, index=frame.index, dtype=bool)


def _pairs(ids: pd.Series, qualifiers: pd.Series) -> pa.Array:
    """Each (id, qualifier) pair as one text, no two pairs alike: the id's length, ":",
    the id, then "-" for a missing qualifier or "+" and the qualifier (null where
    the id is missing)."""
    ids = arrow_text(ids).cast(pa.large_string())
    qualifiers = arrow_text(qualifiers).cast(pa.large_string())
    empty = pa.scalar("", pa.large_string())
    length = pc.utf8_length(ids).cast(pa.large_string())
    stated = pc.binary_join_element_wise(pa.scalar("+", pa.large_string()), qualifiers, empty)
    tag = pc.if_else(pc.is_null(qualifiers), pa.scalar("-", pa.large_string()), stated)
    return pc.binary_join_element_wise(length, pa.scalar(":", pa.large_string()), ids, tag, empty)


def explain_figure_qualifier(row: dict, context: Context) -> str:
    qualifier = "no qualifier" if pd.isna(row["qualifier"]) else f"qualifier {row['qualifier']}"
    return f"{qualifier} is not what any of the figure's quotes states; expected one of theirs"


# ---- statements ------------------------------------------------------------------


def statement_has_quote(frame: pd.DataFrame, context: Context) -> pd.Series:
    quoted = is_in(frame["statement_id"], context.frames["quotes"]["statement_id"])
    return pd.Series(quoted, index=frame.index, dtype=bool)


def explain_statement_quote(row: dict, context: Context) -> str:
    return (
        f"statement {row['statement_id']} has no quote; expected at least one row in quotes "
        "supporting it"
    )


# ---- quotes ----------------------------------------------------------------------


def supports_one_claim(frame: pd.DataFrame, context: Context) -> pd.Series:
    return frame["figure_id"].isna() != frame["statement_id"].isna()


def explain_one_claim(row: dict, context: Context) -> str:
    return (
        "a quote supports exactly one figure or one statement; expected one of figure_id or "
        "statement_id, not both or neither"
    )


def end_after_start(frame: pd.DataFrame, context: Context) -> pd.Series:
    return (frame["end"] > frame["start"]).fillna(True).astype(bool)


def explain_offsets_order(row: dict, context: Context) -> str:
    return f"end {row['end']} is not after start {row['start']}; expected start < end"


def _with_snapshots(
    frame: pd.DataFrame, context: Context, columns: list[str], optional: tuple[str, ...] = ()
):
    """The rows of frame whose source has a snapshot and whose columns are all set (the
    others pass: a missing snapshot or cell is reported by its own check), as their
    positions (a source's rows together), their snapshots' texts (an iterator: one text
    per row, each snapshot asked for once) and their cells (a list per column, then per
    optional column, None where it is missing)."""
    snapshots = context.snapshots or {}
    source_ids = arrow_text(frame["source_id"])
    ids = pa.array(list(snapshots), type=source_ids.type)
    known = pc.index_in(source_ids, value_set=ids)
    known = known.to_numpy(zero_copy_only=False)  # NaN where the source has no snapshot
    present = ~np.isnan(known) & frame[columns].notna().all(axis=1).to_numpy(dtype=bool)
    rows = np.flatnonzero(present)
    rows = rows[np.argsort(known[rows], kind="stable")]  # each source's rows together
    cells = [frame[c].iloc[rows].tolist() for c in columns]
    cells += [frame[c].iloc[rows].to_numpy(dtype=object, na_value=None).tolist() for c in optional]
    return rows, _texts_of(snapshots, frame["source_id"].iloc[rows].tolist()), cells


def _texts_of(snapshots: Mapping[str, str], source_ids: list[str]) -> Iterator[str]:
    """The snapshot text of each source_id, asked for once for each run of one source
    (pipeline.load.snapshots.SnapshotTexts decodes a text each time it is asked for it)."""
    previous, text = None, ""
    for source_id in source_ids:
        if source_id != previous:
            previous, text = source_id, snapshots[source_id]
        yield text


def _passes(frame: pd.DataFrame, rows: np.ndarray, passed: np.ndarray) -> pd.Series:
    ok = np.ones(len(frame), dtype=bool)
    ok[rows] = passed
    return pd.Series(ok, index=frame.index, dtype=bool)


def _in_snapshots(frame: pd.DataFrame, context: Context):
    """One pass over the quotes whose source has a snapshot and whose offsets are set:
    their positions in frame; whether each text is what the snapshot has at its offsets
    (true where the text is missing: its own check reports that); whether each quote
    keeps its characters whole (neither offset is on a combining mark, which would cut
    a letter from its accent)."""
    rows, snapshots, (starts, ends, texts) = _with_snapshots(
        frame, context, ["start", "end"], ("text",)
    )
    matched, at_start, at_end = [], [], []  # at_*: the character at each offset, or ""
    for snapshot, start, end, text in zip(snapshots, starts, ends, texts, strict=True):
        size = len(snapshot)
        matched.append(  # snapshot[start:end] == text, without making the slice
            text is None
            or (
                0 <= start <= end <= size
                and end - start == len(text)
                and snapshot.startswith(text, start)
            )
        )
        at_start.append(snapshot[start] if 0 < start < size else "")
        at_end.append(snapshot[end] if 0 < end < size else "")
    whole = np.ones(len(rows), dtype=bool)
    for chars in (at_start, at_end):
        late = pc.greater_equal(pa.array(chars, type=pa.string()), "\u0300")  # no mark before
        for i in np.flatnonzero(late.to_numpy(zero_copy_only=False)).tolist():
            if unicodedata.category(chars[i]).startswith("M"):
                whole[i] = False
    return rows, np.array(matched, dtype=bool), whole


def quote_matches_snapshot(frame: pd.DataFrame, context: Context) -> pd.Series:
    rows, matched, _ = context.share("in_snapshots", frame, lambda: _in_snapshots(frame, context))
    return _passes(frame, rows, matched)


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


def quote_keeps_characters_whole(frame: pd.DataFrame, context: Context) -> pd.Series:
    """A quote neither starts on nor ends before a combining mark, which would cut
    a letter from its accent."""
    rows, _, whole = context.share("in_snapshots", frame, lambda: _in_snapshots(frame, context))
    return _passes(frame, rows, whole)


def _combines(snapshot: str, offset: int) -> bool:
    """True when the character at offset attaches to the one before it."""
    if not 0 < offset < len(snapshot):
        return False
    char = snapshot[offset]  # no combining mark comes before U+0300
    return char >= "\u0300" and unicodedata.category(char).startswith("M")


def explain_split_character(row: dict, context: Context) -> str:
    snapshot = (context.snapshots or {})[row["source_id"]]
    offset = int(row["start"]) if _combines(snapshot, int(row["start"])) else int(row["end"])
    pair = snapshot[offset - 1 : offset + 1]
    return (
        f"offset {offset} splits {pair!r} (a letter and its combining mark "
        f"U+{ord(snapshot[offset]):04X}); expected the quote to start and end at whole characters"
    )


def _stated_values(frame: pd.DataFrame, context: Context) -> pd.DataFrame:
    """For each quote of a figure with a value and a text: whether the text states the
    value (numbers.matching_number finds it) and the qualifier stated with it."""
    joined = _quote_figures(frame, context)
    quotes = _value_quotes(frame, context)
    checked = quotes.checked
    stated = stated_numbers(quotes.texts)
    longest = pc.max(pc.utf8_length(_arrow(stated.found["value"]))).as_py() or 0
    number = _first_stated(
        stated.found,
        quotes.codes,
        exact_numbers(_arrow(joined["written"][checked]), longest),
        (joined["unit"][checked] == "percent").fillna(False).to_numpy(dtype=bool),
    )
    matched = number >= 0
    qualifiers = np.full(len(number), None, dtype=object)
    qualifiers[matched] = stated.qualifiers(number[matched])
    result = pd.DataFrame(
        {"checked": checked, "matched": True, "qualifier": None}, index=frame.index
    )
    result.loc[checked, "matched"] = matched
    result.loc[checked, "qualifier"] = qualifiers
    return result


def _first_stated(
    found: pd.DataFrame, texts: np.ndarray, values, percents: np.ndarray
) -> np.ndarray:
    """For each (text, value, percent) wanted, the row of found (StatedNumbers.found) of
    the first number that text states with that value and percent sign, or -1. Values
    are equal when they are the same (exact_numbers' forms are equal exactly when their
    numbers are). Each triple is one 64-bit key (text, then the value's code among all
    values, then the sign), which holds up to about two billion rows."""
    rows = len(found)
    stated = _arrow(found["value"])
    every = pc.dictionary_encode(pa.concat_arrays([stated, _arrow(values).cast(stated.type)]))
    distinct = len(every.dictionary)
    codes = every.indices.to_numpy(zero_copy_only=False).astype(np.int64)

    def keys(texts, codes, percents) -> np.ndarray:
        return (texts.astype(np.int64) * distinct + codes) * 2 + percents

    stated = keys(found["text"].to_numpy(), codes[:rows], found["percent"].to_numpy(dtype=bool))
    unique, first = np.unique(stated, return_index=True)  # a stable sort: the first of each
    if not len(unique):
        return np.full(len(texts), -1, dtype=np.int64)
    wanted = keys(texts, codes[rows:], percents)
    at = np.searchsorted(unique, wanted).clip(max=len(unique) - 1)
    return np.where(unique[at] == wanted, first[at], -1).astype(np.int64)


def _arrow(values) -> pa.Array:
    """A column (a Series, NumPy or Arrow array) as one Arrow array."""
    if isinstance(values, pd.Series):
        values = values.array
    if not isinstance(values, pa.Array | pa.ChunkedArray):
        values = pa.array(values)
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def figure_value_in_quote(frame: pd.DataFrame, context: Context) -> pd.Series:
    stated = context.share("stated_values", frame, lambda: _stated_values(frame, context))
    return ~stated["checked"] | stated["matched"]


def explain_value(row: dict, context: Context) -> str:
    figure = _figures_by_id(context).loc[row["figure_id"]]
    value = _written_values(context).loc[row["figure_id"]]
    stated = ", ".join(n.words for n in numbers.find_numbers(row["text"])) or "none"
    unit = " per cent" if figure["unit"] == "percent" else ""
    return (
        f"figure {row['figure_id']} has value {value}{unit}, which the quote does not state "
        f"exactly; numbers in the quote: {stated}"
    )


def qualifier_matches_quote(frame: pd.DataFrame, context: Context) -> pd.Series:
    stated = context.share("stated_values", frame, lambda: _stated_values(frame, context))
    recorded = frame["qualifier"].to_numpy(dtype=object, na_value=None)
    same = recorded == stated["qualifier"].to_numpy(dtype=object)
    figure_quote = frame["figure_id"].notna().to_numpy(dtype=bool)
    ok = np.where(figure_quote, ~stated["checked"] | ~stated["matched"] | same, pd.isna(recorded))
    return pd.Series(ok, index=frame.index, dtype=bool)


def explain_qualifier(row: dict, context: Context) -> str:
    recorded = "empty" if pd.isna(row["qualifier"]) else repr(row["qualifier"])
    if pd.isna(row["figure_id"]):
        return f"a quote supporting a statement has qualifier {recorded}; expected it empty"
    figure = _figures_by_id(context).loc[row["figure_id"]]
    value = _written_values(context).loc[row["figure_id"]]
    number = numbers.matching_number(row["text"], value, figure["unit"] == "percent")
    said = "no qualifier" if number.qualifier is None else repr(number.qualifier)
    return f"qualifier is {recorded}, but the quote's words ({number.words!r}) say {said}"


def change_direction_matches_quote(frame: pd.DataFrame, context: Context) -> pd.Series:
    ok = context.share("directions", frame, lambda: _directions(frame, context))
    return pd.Series(ok, index=frame.index, dtype=bool)


def _directions(frame: pd.DataFrame, context: Context) -> np.ndarray:
    """True where a quote of a change states its direction (or is not checked)."""
    joined = _quote_figures(frame, context)
    quotes = _value_quotes(frame, context)  # a change's quotes are among them
    value = joined["value"]
    checked = (joined["measure"] == "change") & value.notna() & joined["text"].notna()
    checked = (checked & (value != 0)).fillna(False).to_numpy(dtype=bool)
    text_codes = np.full(len(frame), -1, dtype=np.int64)
    text_codes[quotes.checked] = quotes.codes
    used, codes = np.unique(text_codes[checked], return_inverse=True)
    declines, rises = stated_directions(quotes.texts.iloc[used].tolist())
    rising = (value[checked] > 0).to_numpy(dtype=bool)
    ok = np.ones(len(frame), dtype=bool)
    ok[checked] = np.where(rising, rises[codes], declines[codes])
    return ok


def explain_direction(row: dict, context: Context) -> str:
    figure = _figures_by_id(context).loc[row["figure_id"]]
    expected = "a decline" if figure["value"] < 0 else "a rise"
    return (
        f"figure {row['figure_id']} is a change of {figure['value']:g}, {expected}, but the "
        "quote's words do not state that direction (a decline is negative, a rise positive)"
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
    SemanticCheck(
        "actor_area_code_is_iso_3166_2", "actors", "area_code", *is_iso_3166_2("area_code")
    ),
    SemanticCheck(
        "figure_area_code_is_iso_3166_2", "figures", "area_code", *is_iso_3166_2("area_code")
    ),
    SemanticCheck("period_is_calendar_date", "figures", "period", *is_calendar_date("period")),
    SemanticCheck(
        "reference_period_is_calendar_date",
        "figures",
        "reference_period",
        *is_calendar_date("reference_period"),
    ),
    SemanticCheck(
        "change_has_reference_period",
        "figures",
        "reference_period",
        change_has_reference_period,
        explain_reference_period,
    ),
    SemanticCheck(
        "reference_period_before_period",
        "figures",
        "reference_period",
        reference_period_before_period,
        explain_reference_order,
    ),
    SemanticCheck("share_within_0_100", "figures", "value", share_within_0_100, explain_share),
    SemanticCheck(
        "figure_has_quote", "figures", "figure_id", figure_has_quote, explain_figure_quote
    ),
    SemanticCheck(
        "figure_qualifier_is_quoted",
        "figures",
        "qualifier",
        figure_qualifier_is_quoted,
        explain_figure_qualifier,
    ),
    SemanticCheck(
        "statement_area_code_is_iso_3166_2", "statements", "area_code", *is_iso_3166_2("area_code")
    ),
    SemanticCheck(
        "statement_period_is_calendar_date", "statements", "period", *is_calendar_date("period")
    ),
    SemanticCheck(
        "statement_has_quote",
        "statements",
        "statement_id",
        statement_has_quote,
        explain_statement_quote,
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
    SemanticCheck("figure_value_in_quote", "quotes", "text", figure_value_in_quote, explain_value),
    SemanticCheck(
        "qualifier_matches_quote", "quotes", "qualifier", qualifier_matches_quote, explain_qualifier
    ),
    SemanticCheck(
        "change_direction_matches_quote",
        "quotes",
        "text",
        change_direction_matches_quote,
        explain_direction,
    ),
)


def checks_for(resource: str) -> list[SemanticCheck]:
    return [c for c in SEMANTIC_CHECKS if c.resource == resource]
