"""Facts on which sources differ: the same indicator, area, period, reference period,
measure, status, whole and unit, stated by two or more sources with different values.

A figure is what one source states, so two outlets giving 2,994 and 2,976 accidents
for the same year are two figures, both kept: nothing is merged or averaged. This
module lists them side by side, each value with its quotes, for `pipeline conflicts`
(on raw/, after the checks) and for the package's page.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

# what makes two figures statements of the same fact
FACT = (
    "indicator_id",
    "area_code",
    "period",
    "reference_period",
    "measure",
    "status",
    "whole_indicator_id",
    "unit",
)


def disagreeing(figures: pl.DataFrame) -> pl.DataFrame:
    """The figures of each fact that two or more sources state with different values,
    sorted by fact, then source: the fact's columns, `fact` (1, 2, ... in that order),
    source_id, figure_id, value and qualifier (and `written`, `where`, when figures
    has them)."""
    extra = [name for name in ("written", "where") if name in figures.columns]
    rows = figures.select(*FACT, "source_id", "figure_id", "value", "qualifier", *extra)
    differing = (
        rows.group_by(FACT)
        .agg(sources=pl.col("source_id").n_unique(), values=pl.col("value").n_unique())
        .filter((pl.col("sources") > 1) & (pl.col("values") > 1))
        .select(FACT)
    )
    found = rows.join(differing, on=list(FACT), how="semi", nulls_equal=True)
    found = found.sort([*FACT, "source_id", "figure_id"], nulls_last=False)
    fact = pl.struct(FACT).rle_id() + 1
    return found.with_columns(fact=fact)


def conflicts(
    figures: pl.DataFrame,
    quotes: pl.DataFrame,
    text_of: Callable[[dict], str | None],
) -> list[dict]:
    """Each fact sources differ on: its columns, and each source's figure with its
    value (as written, when known), qualifier and quotes (quote_id, text by
    text_of(quote row), and where the quote is when quotes has `where`)."""
    found = disagreeing(figures)
    if found.is_empty():
        return []
    wanted = quotes.join(found.select("figure_id"), on="figure_id", how="semi")
    by_figure: dict[str, list[dict]] = {}
    for quote in wanted.sort("quote_id").iter_rows(named=True):
        entry = {"quote_id": quote["quote_id"], "text": text_of(quote)}
        if "where" in quote:
            entry["where"] = quote["where"]
        by_figure.setdefault(quote["figure_id"], []).append(entry)
    listed: list[dict] = []
    for (_,), group in found.group_by("fact", maintain_order=True):
        first = group.row(0, named=True)
        stated = []
        for row in group.iter_rows(named=True):
            item = {
                "source_id": row["source_id"],
                "figure_id": row["figure_id"],
                "value": row.get("written") or _shortest(row["value"]),
                "qualifier": row["qualifier"],
            }
            if row.get("where"):
                item["where"] = row["where"]
            item["quotes"] = by_figure.get(row["figure_id"], [])
            stated.append(item)
        listed.append({"fact": {name: first[name] for name in FACT}, "figures": stated})
    return listed


def _shortest(value: float) -> str:
    """A typed value as its shortest decimal (78.0 is 78)."""
    return repr(value) if value != int(value) else str(int(value))


def describe(fact: dict) -> str:
    """A fact in one line: "traffic_accidents in KH, 2022 (level, count)"."""
    period = fact["period"]
    if fact["reference_period"]:
        period += f" compared with {fact['reference_period']}"
    whole = f" of {fact['whole_indicator_id']}" if fact["whole_indicator_id"] else ""
    status = "" if fact["status"] == "measured" else f", {fact['status']}"
    return (
        f"{fact['indicator_id']} in {fact['area_code']}, {period} "
        f"({fact['measure']}{whole}, {fact['unit']}{status})"
    )
