"""Periods as ISO 8601 writes them, read once for every check and output that needs
them: a year (2022), a month (2022-04), a day (2022-04-14), an interval of two of them
(2022-01/2022-09), or a duration alone (P1Y), whose dates are not known.

A dated period's first and last day are written YYYY-MM-DD (a month ending on day 31
as far as ordering days goes), so that periods compare as text; its first and last
year are the first four digits of those.
"""

from __future__ import annotations

import polars as pl

from pipeline.check.rules import _is_calendar_date

# a year, month or day, or an interval of two of them (not a duration)
DATED = r"^\d{4}(?:-\d\d){0,2}(?:/\d{4}(?:-\d\d){0,2})?$"


def first_day(date: str) -> str:
    """The first day of a year, month or day (YYYY-MM-DD)."""
    return date + "-01-01"[len(date) - 4 :]


def last_day(date: str) -> str:
    """A day no earlier than the last of a year, month or day, in text order."""
    return date + "-12-31"[len(date) - 4 :]


def is_iso_period(value: str) -> bool:
    """A year, month or day, an interval of two of them in order, or a duration."""
    if value.startswith("P"):
        return True  # its form is the contract's pattern
    parts = value.split("/")
    if len(parts) > 2 or not all(_is_calendar_date(part) for part in parts):
        return False
    return len(parts) == 1 or first_day(parts[0]) <= last_day(parts[1])


def bounds(periods: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """The first and last day of each dated period, as first_day and last_day write
    them; null for a duration, a missing period or one of another form."""
    parts = periods.str.split("/")
    dated = pl.when(periods.str.contains(DATED))

    def padded(part: pl.Expr, tail: str) -> pl.Expr:
        return pl.concat_str(part, pl.lit(tail).str.slice(part.str.len_chars() - 4))

    return (
        dated.then(padded(parts.list.first(), "-01-01")),
        dated.then(padded(parts.list.last(), "-12-31")),
    )


def period_years(periods: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """The first and last year a period covers (null where bounds are)."""
    first, last = bounds(periods)
    return first.str.slice(0, 4).cast(pl.Int32), last.str.slice(0, 4).cast(pl.Int32)
