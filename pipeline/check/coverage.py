"""Completeness: every number mention in a source's snapshot (pipeline.check.numbers.
number_mentions) is inside a quote of a figure, or set aside in the mentions resource
with its reason; a set-aside row marks a mention, and one that no quote holds.

The mentions of each batch's snapshots are found with the batch (found_mentions) and
kept with the key columns (pipeline.check.keys), since a source's quotes and set-aside
rows may be filed in any batch (raw/quotes.csv, raw/mentions.csv); what each mention
is (accounted) is worked out once every batch is in. Where a mention stands in its
snapshot (line, column, the words around it) is read again only for those reported.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from pipeline.check import numbers
from pipeline.errors import Problem
from pipeline.project import SNAPSHOT_NAME

if TYPE_CHECKING:  # rules imports this module for its checks
    from pipeline.check.rules import Context

MENTIONS = "mentions"
# the context's frames beyond the resources: the mentions found in the snapshots read,
# and the sources whose snapshot was read (only their set-aside rows are checked)
FOUND, READ = "_mentions_found", "_snapshots_read"
SPAN = ("source_id", "start", "end")
FOUND_SCHEMA = {"source_id": pl.String, "start": pl.Int64, "end": pl.Int64, "text": pl.String}
OPEN_CHECK = "number_mention_accounted_for"
AROUND = 30  # characters of context shown on each side of a mention


def found_mentions(snapshots: Mapping[str, str], ids: list[str]) -> pl.DataFrame:
    """The number mentions in the snapshots of the sources ids: source_id, start, end
    (code point offsets, end exclusive) and text."""
    if not ids:
        return pl.DataFrame(schema=FOUND_SCHEMA)
    texts = pl.Series([snapshots[source_id] for source_id in ids], dtype=pl.String)
    found = numbers.number_mentions(texts)
    sources = pl.Series(ids, dtype=pl.String).gather(found["at"])
    return found.select(pl.lit(sources).alias("source_id"), "start", "end", "text")


def quoted(spans: pl.LazyFrame, quotes: pl.LazyFrame) -> pl.LazyFrame:
    """spans (source_id, start, end and any other columns) with `quoted`: the quote_id of
    a quote of a figure that holds the span whole, or null. A span is held when a quote
    starting at or before it ends at or after it: the quotes of each source are sorted by
    their start, each with the furthest end of those starting at or before it."""
    reach = (
        quotes.drop_nulls(["figure_id", *SPAN])
        .select("source_id", "quote_id", q_start="start", q_end="end")
        .sort("source_id", "q_start", "q_end")
        .with_columns(reach=pl.col("q_end").cum_max().over("source_id"))
        # the quote reaching furthest so far (each source's first quote sets its own)
        .with_columns(
            quote=pl.when(pl.col("q_end") == pl.col("reach")).then("quote_id").forward_fill()
        )
        .select("source_id", "q_start", "reach", "quote")
    )
    joined = spans.sort("source_id", "start").join_asof(
        reach,
        left_on="start",
        right_on="q_start",
        by="source_id",
        strategy="backward",
        check_sortedness=False,
    )
    held = pl.col("reach").is_not_null() & (pl.col("reach") >= pl.col("end"))
    return joined.with_columns(quoted=pl.when(held).then("quote")).drop("q_start", "reach", "quote")


def accounted(found: pl.LazyFrame, quotes: pl.LazyFrame, mentions: pl.LazyFrame) -> pl.LazyFrame:
    """Each mention found, with `quoted` (the quote holding it), `listed` (a set-aside
    row is at its offsets), `reason` (that row's) and `status`: quoted, set_aside (with
    a reason) or open (a row without its reason yet is open too)."""
    set_aside = mentions.select(*SPAN, "reason").unique(SPAN, keep="first")
    marked = quoted(found, quotes).join(
        set_aside.with_columns(listed=pl.lit(True)), on=SPAN, how="left"
    )
    status = (
        pl.when(pl.col("quoted").is_not_null())
        .then(pl.lit("quoted"))
        .when(pl.col("reason").is_not_null())
        .then(pl.lit("set_aside"))
        .otherwise(pl.lit("open"))
    )
    listed = pl.col("listed").fill_null(False)
    return marked.with_columns(status=status, listed=listed).sort("source_id", "start")


# ---- the checks of set-aside rows (across batches: SEMANTIC_CHECKS in rules) ----------


def _read(frame: pl.LazyFrame, context: Context) -> pl.LazyFrame:
    """The rows of frame whose source's snapshot was read."""
    return frame.join(context.frames[READ], on="source_id", how="semi")


def set_aside_is_a_mention(frame: pl.LazyFrame, context: Context) -> pl.LazyFrame:
    """A set-aside row marks a number mention of its snapshot, with its text."""
    found = context.frames[FOUND].select(*SPAN, "text")
    rows = _read(frame, context).drop_nulls([*SPAN, "text"])
    return rows.join(found, on=[*SPAN, "text"], how="anti")


def explain_set_aside_mention(row: dict, context: Context) -> str:
    source_id, start, end, text = (row[name] for name in (*SPAN, "text"))
    found = (
        context.frames[FOUND]
        .filter(pl.col("source_id") == source_id)
        .select("start", "end", "text")
        .collect()
    )
    same = found.filter((pl.col("start") == start) & (pl.col("end") == end))
    if same.height:
        return (
            f"text {text!r} is not what snapshot {source_id} has at {start}:{end} "
            f"({same['text'][0]!r}); expected the mention exactly as written"
        )
    near = found.filter((pl.col("start") < end) & (pl.col("end") > start))
    if near.height == 0:
        near = found.filter(pl.col("text") == text)
    said = ", ".join(f"{t!r} at {s}:{e}" for s, e, t in near.head(3).iter_rows())
    hint = f"; the mention{'s' * (near.height > 1)} nearest: {said}" if said else ""
    return (
        f"{start}:{end} ({text!r}) is not a number mention of snapshot {source_id}{hint}; "
        f"expected the offsets of a whole mention (pipeline coverage {source_id} --open lists "
        "the open ones)"
    )


def set_aside_not_quoted(frame: pl.LazyFrame, context: Context) -> pl.LazyFrame:
    """A mention held by a quote of a figure is accounted for: it is not set aside too."""
    held = quoted(frame.drop_nulls(SPAN), context.frames["quotes"])
    return held.filter(pl.col("quoted").is_not_null()).drop("quoted")


def explain_set_aside_quoted(row: dict, context: Context) -> str:
    held = quoted(pl.LazyFrame([row]).select(SPAN), context.frames["quotes"]).collect()
    return (
        f"the mention {row['text']!r} at {row['start']}:{row['end']} is inside quote "
        f"{held['quoted'][0]} of a figure, which accounts for it; expected it in the quote or "
        "in mentions, not both (remove this row)"
    )


# ---- open mentions, reported at their place in the snapshot --------------------------


@dataclass(frozen=True)
class Place:
    """Where a mention stands in its snapshot: line and column (1-based, in code
    points), and the words before and after it."""

    line: int
    column: int
    before: str
    after: str


def place_of(text: str, start: int, end: int) -> Place:
    line_start = text.rfind("\n", 0, start) + 1
    before = text[max(line_start, start - AROUND) : start]
    line_end = text.find("\n", end)
    after = text[end : min(end + AROUND, len(text) if line_end < 0 else line_end)]
    return Place(text.count("\n", 0, start) + 1, start - line_start + 1, before, after)


def places(
    mentions: pl.DataFrame, read_snapshot: Callable[[str], str | None] | None
) -> list[Place | None]:
    """The place of each mention (source_id, start, end), each snapshot read once; None
    where its snapshot cannot be read again."""
    texts: dict[str, str | None] = {}
    found = []
    for source_id, start, end in mentions.select(SPAN).iter_rows():
        if source_id not in texts:
            texts[source_id] = read_snapshot(source_id) if read_snapshot else None
        text = texts[source_id]
        found.append(None if text is None else place_of(text, start, end))
    return found


def open_problems(
    context: Context, read_snapshot: Callable[[str], str | None] | None, root: str
) -> list[Problem]:
    """A problem for each mention that is neither quoted nor set aside, at its line and
    column in root/<source_id>/snapshot.txt; one whose set-aside row lacks its reason is
    reported at that row's reason cell instead. A source with a quote of a figure whose
    offsets are missing (its own problem says why) is left out: which of its mentions
    that quote holds is not known."""
    quotes = context.frames["quotes"]
    unsure = quotes.filter(
        pl.col("figure_id").is_not_null() & (pl.col("start").is_null() | pl.col("end").is_null())
    ).select("source_id")
    found = accounted(
        context.frames[FOUND].join(unsure, on="source_id", how="anti"),
        quotes,
        context.frames[MENTIONS],
    ).filter((pl.col("status") == "open") & ~pl.col("listed"))
    left = found.collect(engine="streaming")
    return [
        open_problem(values, place, f"{root}/{values['source_id']}/{SNAPSHOT_NAME}")
        for values, place in zip(
            left.iter_rows(named=True), places(left, read_snapshot), strict=True
        )
    ]


def open_problem(values: dict, place: Place | None, file: str) -> Problem:
    source_id, text = values["source_id"], values["text"]
    around = f" in “{flat(place.before)}[[{flat(text)}]]{flat(place.after)}”" if place else ""
    return Problem(
        OPEN_CHECK.replace("_", "-"),
        f"number mention {text!r} ({values['start']}:{values['end']}){around} is neither in "
        "a quote of a figure nor set aside; expected a quote for its figure, or a row in "
        f"mentions.csv with its reason (pipeline coverage {source_id} --open --rows prints "
        "the row)",
        file=file,
        line=place.line if place else None,
        column=place.column if place else None,
    )


def flat(text: str) -> str:
    """Context on one line: each line break shown as ⏎ (as pipeline locate shows it)."""
    return text.replace("\r\n", "⏎").replace("\n", "⏎").replace("\r", "⏎")
