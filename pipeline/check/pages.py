"""The page a quote stands on, worked out from its offsets and its snapshot alone.

A snapshot made from a paged original (a PDF) ends each page with U+000C FORM FEED,
as pdftotext and pdfminer.six write pages (pipeline.load.extract.pdf). A quote's page
is 1 + the form feeds before its start; one that crosses a page break has its first
and last page joined by an en dash ("3–4"). A snapshot without a form feed has no
pages: its quotes' page is null. `locate` fills the page in; the check
`quote_page_matches_offsets` holds the quotes.csv's `page` to it.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from pipeline.check.rules import Context, SemanticCheck

PAGE_BREAK = "\f"
PAGE_RANGE = "\u2013"  # the en dash of "3–4"


def page_of(snapshot: str, start: int, end: int) -> str | None:
    """The page of snapshot[start:end], as the quotes' `page` holds it."""
    if PAGE_BREAK not in snapshot:
        return None
    first = snapshot.count(PAGE_BREAK, 0, start) + 1
    last = first + snapshot.count(PAGE_BREAK, start, end)
    return str(first) if last == first else f"{first}{PAGE_RANGE}{last}"


def page_expression(snapshot: pl.Expr, start: pl.Expr, end: pl.Expr) -> pl.Expr:
    """page_of as a column expression (null where the snapshot has no page break)."""
    first = snapshot.str.slice(0, start.clip(0)).str.count_matches(PAGE_BREAK, literal=True) + 1
    crossed = snapshot.str.slice(start.clip(0), (end - start).clip(0)).str.count_matches(
        PAGE_BREAK, literal=True
    )
    single = first.cast(pl.String)
    spanned = pl.concat_str(single, pl.lit(PAGE_RANGE), (first + crossed).cast(pl.String))
    return (
        pl.when(snapshot.str.contains(PAGE_BREAK, literal=True))
        .then(pl.when(crossed == 0).then(single).otherwise(spanned))
        .otherwise(pl.lit(None, dtype=pl.String))
    )


def expected_pages(frame: pl.DataFrame, snapshots: Mapping[str, str]) -> pl.Series:
    """For each quote row of frame (source_id, start, end): its page as its snapshot
    says (null where the snapshot has no pages, is not known, or the offsets are
    missing). Only the paged snapshots are joined to the rows."""
    ids = frame["source_id"].drop_nulls().unique().to_list()
    paged = [s for s in ids if s in snapshots and PAGE_BREAK in snapshots[s]]
    texts = pl.DataFrame(
        {"source_id": paged, "snapshot": [snapshots[s] for s in paged]},
        schema={"source_id": pl.String, "snapshot": pl.String},
    )
    rows = frame.select("source_id", "start", "end").with_row_index("row")
    found = rows.join(texts, on="source_id", how="left").sort("row")
    return found.select(
        page_expression(pl.col("snapshot"), pl.col("start"), pl.col("end")).alias("page")
    ).to_series()


def quote_page_matches_offsets(frame: pl.DataFrame, context: Context) -> pl.Series:
    """The page recorded is the page the offsets are on (both null for a snapshot
    without pages). A quote whose snapshot or offsets are not known passes: their own
    checks say why. A package from before quotes had pages (1.3.0) has no `page` to check."""
    if "page" not in frame.columns:
        return pl.repeat(True, frame.height, eager=True).alias("passed")
    snapshots = context.snapshots or {}
    expected = expected_pages(frame, snapshots)
    known = frame["source_id"].is_in(pl.Series(list(snapshots), dtype=pl.String).implode())
    placed = known.fill_null(False) & frame["start"].is_not_null() & frame["end"].is_not_null()
    recorded = frame["page"]
    same = (recorded == expected) | (recorded.is_null() & expected.is_null())
    return (~placed | same.fill_null(False)).alias("passed")


def explain_page(row: dict, context: Context) -> str:
    snapshot = (context.snapshots or {})[row["source_id"]]
    start, end = int(row["start"]), int(row["end"])
    expected = page_of(snapshot, start, end)
    recorded = "empty" if row["page"] is None else repr(row["page"])
    if expected is None:
        return (
            f"page is {recorded}, but snapshot {row['source_id']} has no pages (no form feed, "
            "U+000C); expected it empty"
        )
    return (
        f"page is {recorded}, but offsets {start}:{end} stand on page {expected} of snapshot "
        f"{row['source_id']} (1 + the form feeds before the start); expected {expected!r} "
        "(pipeline locate fills it in)"
    )


CHECKS: tuple[SemanticCheck, ...] = (
    SemanticCheck(
        "quote_page_matches_offsets",
        "quotes",
        "page",
        quote_page_matches_offsets,
        explain_page,
        needs_snapshots=True,
    ),
)
