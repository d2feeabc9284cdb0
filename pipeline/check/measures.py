"""The rules of a figure's measure, period, status and unit (issue: a data model for
real articles), one named check each, as column expressions.

A figure is one of five measures, each with what it needs: a level; a relative
change (percent, from a reference period); an absolute difference (the indicator's
unit, from a reference period); a share (percent, of a named whole); a rate (per
rate_base of a named whole). Its status says whether it is measured, or a target or
forecast (a stated goal is not a measurement). Its period is ISO 8601: a year,
month or day, an interval of them, or a duration alone; how it is known is its
period_basis, with a note when it was inferred.
"""

from __future__ import annotations

from functools import cache

import polars as pl

from pipeline.check.periods import bounds, is_iso_period
from pipeline.check.rules import Context, SemanticCheck, _among, _passes

PERCENT_MEASURES = ("change", "share")  # in percent; every other measure is not
COMPARISONS = ("change", "difference")  # from a reference period
WITH_WHOLE = ("share", "rate")  # of or per a named whole


# ---- periods -----------------------------------------------------------------------


def iso_period_check(column: str):
    def test(frame: pl.DataFrame, context: Context) -> pl.Series:
        distinct = frame[column].drop_nulls().unique().to_list()
        wrong = pl.Series([v for v in distinct if not is_iso_period(v)], dtype=pl.String)
        return _passes(frame, ~_among(pl.col(column), wrong))

    def explain(row: dict, context: Context) -> str:
        return (
            f"{row[column]!r} is not a real ISO 8601 period; expected a year (2022), month "
            "(2022-04) or day (2022-04-14) of the calendar, an interval of two of them in order "
            "(2022-01/2022-09), or a duration alone (P1Y)"
        )

    return test, explain


def reference_period_before_period(frame: pl.DataFrame, context: Context) -> pl.Series:
    _, reference_end = bounds(pl.col("reference_period"))
    period_start, _ = bounds(pl.col("period"))
    return _passes(frame, reference_end < period_start)


def explain_reference_order(row: dict, context: Context) -> str:
    return (
        f"reference_period {row['reference_period']} does not end before period "
        f"{row['period']} starts; expected the earlier period a change or difference is "
        "measured from"
    )


def period_basis_has_note(frame: pl.DataFrame, context: Context) -> pl.Series:
    inferred = pl.col("period_basis") != "stated"
    return _passes(frame, ~inferred | pl.col("period_note").is_not_null())


def explain_period_note(row: dict, context: Context) -> str:
    return (
        f"the period was inferred ({row['period_basis']}) but period_note is empty; expected "
        'a note saying how (for example: the article, dated 2022-05-03, says "this year")'
    )


# ---- measures ----------------------------------------------------------------------


def has_reference_period(frame: pl.DataFrame, context: Context) -> pl.Series:
    compares = pl.col("measure").is_in(COMPARISONS)
    return _passes(frame, compares == pl.col("reference_period").is_not_null())


def explain_reference_period(row: dict, context: Context) -> str:
    if row["measure"] in COMPARISONS:
        return (
            f"a {row['measure']} needs the reference_period it is compared with; expected e.g. 2021"
        )
    return (
        "reference_period is only for a change or a difference; this figure's measure is "
        f"{row['measure']}"
    )


def measure_in_its_unit(frame: pl.DataFrame, context: Context) -> pl.Series:
    in_percent = pl.col("measure").is_in(PERCENT_MEASURES)
    return _passes(frame, in_percent == (pl.col("unit") == "percent"))


def explain_measure_unit(row: dict, context: Context) -> str:
    measure, unit = row["measure"], row["unit"]
    if measure in PERCENT_MEASURES:
        return f"a {measure} is in percent; found unit {unit}"
    return (
        f"a {measure} is in the indicator's own unit (a count, a currency...), not percent; "
        "a percentage is a share (of a named whole) or a change (from a reference period), "
        "and an absolute difference is in the unit of the quantity"
    )


def names_its_whole(frame: pl.DataFrame, context: Context) -> pl.Series:
    with_whole = pl.col("measure").is_in(WITH_WHOLE)
    named = pl.col("whole_indicator_id").is_not_null()
    return _passes(frame, (with_whole == named) & (named | pl.col("whole_figure_id").is_null()))


def explain_whole(row: dict, context: Context) -> str:
    if row["measure"] == "share":
        return (
            "a share names its whole: expected whole_indicator_id, the indicator it is a share "
            "of (and whole_figure_id, that figure, when the source states it)"
        )
    if row["measure"] == "rate":
        return (
            "a rate names what it is per: expected whole_indicator_id (such as population) "
            "and rate_base (100000 for per 100,000)"
        )
    return (
        f"whole_indicator_id and whole_figure_id are only for a share or a rate; this "
        f"figure's measure is {row['measure']}"
    )


def rate_has_base(frame: pl.DataFrame, context: Context) -> pl.Series:
    return _passes(frame, (pl.col("measure") == "rate") == pl.col("rate_base").is_not_null())


def explain_rate_base(row: dict, context: Context) -> str:
    if row["measure"] == "rate":
        return "a rate needs its rate_base, the N of per N; expected e.g. 100000"
    return f"rate_base is only for a rate; this figure's measure is {row['measure']}"


def whole_figure_is_of_whole(frame: pl.LazyFrame, context: Context) -> pl.LazyFrame:
    """A share's or rate's whole figure is a figure of its whole indicator."""
    wholes = context.frames["figures"].select(whole_figure_id="figure_id", whole_of="indicator_id")
    named = frame.filter(pl.col("whole_figure_id").is_not_null())
    joined = named.join(wholes.unique("whole_figure_id"), on="whole_figure_id", how="inner")
    return joined.filter(
        (pl.col("whole_of") != pl.col("whole_indicator_id"))
        | (pl.col("whole_figure_id") == pl.col("figure_id"))
    ).drop("whole_of")


def explain_whole_figure(row: dict, context: Context) -> str:
    if row["whole_figure_id"] == row["figure_id"]:
        return "a figure is not its own whole; expected the figure of the whole it is part of"
    return (
        f"figure {row['whole_figure_id']} is not a figure of {row['whole_indicator_id']}; "
        "expected whole_figure_id to be a figure of the whole_indicator_id"
    )


# ---- sources and status ------------------------------------------------------------


def figure_quotes_its_source(frame: pl.LazyFrame, context: Context) -> pl.LazyFrame:
    """Every quote of a figure is from the figure's source."""
    quotes = context.frames["quotes"].select("figure_id", quoted_from="source_id")
    elsewhere = quotes.drop_nulls().unique()
    joined = frame.join(elsewhere, on="figure_id", how="inner")
    return joined.filter(pl.col("quoted_from") != pl.col("source_id")).unique(
        "figure_id", keep="first", maintain_order=True
    )


def explain_figure_source(row: dict, context: Context) -> str:
    return (
        f"figure {row['figure_id']} is stated by source {row['source_id']}, but a quote of it "
        f"is from {row['quoted_from']}; a figure is what one source states: expected a figure "
        "of its own for what the other source states (pipeline conflicts lists them if "
        "they differ)"
    )


def status_fits_publication(frame: pl.LazyFrame, context: Context) -> pl.LazyFrame:
    """A measured figure is about a period that was over when its source was published;
    a target or forecast is about one that was not (where the source's date is known,
    to its precision: a period of 2023 in a source of 2023 passes either way)."""
    sources = context.frames["sources"].select("source_id", "published").drop_nulls()
    _, end = bounds(pl.col("period"))
    published_first, published_last = bounds(pl.col("published"))
    joined = frame.join(sources.unique("source_id"), on="source_id", how="inner")
    measured = pl.col("status") == "measured"
    wrong = pl.when(measured).then(end > published_last).otherwise(end < published_first)
    return joined.filter(wrong.fill_null(False))


def explain_status(row: dict, context: Context) -> str:
    if row["status"] == "measured":
        return (
            f"period {row['period']} was not over when the source was published "
            f"({row['published']}); a figure for a period to come is a target or a forecast "
            "(a stated goal is not a measurement): expected status target or forecast, or "
            "the period the figure measures"
        )
    return (
        f"a {row['status']} for period {row['period']}, which ended before the source was "
        f"published ({row['published']}); expected status measured for a past period"
    )


# ---- units -------------------------------------------------------------------------


@cache
def _currency_codes() -> pl.Series:
    from pipeline.check.rules import iso_records

    return pl.Series([record["alpha_3"] for record in iso_records("4217")], dtype=pl.String)


def unit_kind_matches_id(frame: pl.DataFrame, context: Context) -> pl.Series:
    unit, kind = pl.col("unit_id"), pl.col("kind")
    currency = _among(unit, _currency_codes())
    return _passes(
        frame,
        ((kind == "currency") == currency) & ((kind == "percent") == (unit == "percent")),
    )


def explain_unit_kind(row: dict, context: Context) -> str:
    unit, kind = row["unit_id"], row["kind"]
    if kind == "currency":
        return f"{unit!r} is not an ISO 4217 currency code; expected a code such as USD or KHR"
    if kind == "percent" or unit == "percent":
        return "the unit percent is of kind percent, and no other unit is"
    return f"{unit!r} is an ISO 4217 currency code; expected kind currency, found {kind}"


CHECKS: tuple[SemanticCheck, ...] = (
    SemanticCheck("period_is_iso_8601", "figures", "period", *iso_period_check("period")),
    SemanticCheck(
        "period_basis_has_note",
        "figures",
        "period_note",
        period_basis_has_note,
        explain_period_note,
    ),
    SemanticCheck(
        "reference_period_is_iso_8601",
        "figures",
        "reference_period",
        *iso_period_check("reference_period"),
    ),
    SemanticCheck(
        "change_has_reference_period",
        "figures",
        "reference_period",
        has_reference_period,
        explain_reference_period,
    ),
    SemanticCheck(
        "reference_period_before_period",
        "figures",
        "reference_period",
        reference_period_before_period,
        explain_reference_order,
    ),
    SemanticCheck(
        "measure_in_its_unit", "figures", "unit", measure_in_its_unit, explain_measure_unit
    ),
    SemanticCheck(
        "names_its_whole", "figures", "whole_indicator_id", names_its_whole, explain_whole
    ),
    SemanticCheck("rate_has_base", "figures", "rate_base", rate_has_base, explain_rate_base),
    SemanticCheck(
        "whole_figure_is_of_whole",
        "figures",
        "whole_figure_id",
        whole_figure_is_of_whole,
        explain_whole_figure,
        across=True,
        uses={"figures": ("figure_id", "indicator_id", "whole_indicator_id", "whole_figure_id")},
    ),
    SemanticCheck(
        "figure_quotes_its_source",
        "figures",
        "source_id",
        figure_quotes_its_source,
        explain_figure_source,
        across=True,
        uses={"figures": ("figure_id", "source_id"), "quotes": ("figure_id", "source_id")},
    ),
    SemanticCheck(
        "status_fits_publication",
        "figures",
        "status",
        status_fits_publication,
        explain_status,
        across=True,
        uses={
            "figures": ("figure_id", "source_id", "period", "status"),
            "sources": ("source_id", "published"),
        },
    ),
    SemanticCheck(
        "statement_period_is_iso_8601", "statements", "period", *iso_period_check("period")
    ),
    SemanticCheck("unit_kind_matches_id", "units", "kind", unit_kind_matches_id, explain_unit_kind),
)
