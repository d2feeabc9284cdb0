"""Pandera schemas derived from the contract: one per resource, on pandera's Polars backend.

Table Schema types become Polars dtypes; constraints become named pandera checks;
primary and unique keys become frame-level checks; the semantic checks of rules.py
are added with the context they need. A schema checks one batch of rows (a build
reads raw/ a batch of source folders at a time): what needs every batch's rows,
foreign keys, keys repeated across batches and the rules marked `across`, is
checked at the end on the key columns kept (pipeline.check.keys).
`pandera.io.from_frictionless_schema` is not used: it drops titles and formats.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

from pipeline.check.rules import Context, SemanticCheck, checks_for
from pipeline.contract.model import Field, Resource
from pipeline.contract.patterns import matches_pattern

DTYPES = {"string": pl.String, "integer": pl.Int64, "number": pl.Float64, "date": pl.String}
DATE_PATTERN = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
DATE_SHAPE = r"^-?[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$"  # what pandas read as %Y-%m-%d
ASCII = r"^[\x00-\x7f]*$"


def column_checks(field: Field) -> list[pa.Check]:
    """The pandera checks that a field's type and constraints call for."""
    constraints = field.constraints
    checks = []
    if "enum" in constraints:
        allowed = constraints["enum"]
        checks.append(
            pa.Check.isin(
                allowed, name="enum", error=f"expected one of: {', '.join(map(str, allowed))}"
            )
        )
    patterns = [constraints["pattern"]] if "pattern" in constraints else []
    if field.type == "date":
        patterns.append(DATE_PATTERN)
    for pattern in patterns:
        checks.append(
            pa.Check(
                partial(_column_test, test=partial(matches_pattern, pattern=pattern)),
                name="pattern",
                error=f"expected the pattern {pattern}",
                statistics={"pattern": f"^(?:{pattern})$"},
            )
        )
    if field.type == "date":
        checks.append(
            pa.Check(
                _real_dates,
                name="calendar_date",
                error="expected a real date YYYY-MM-DD",
            )
        )
    if "minimum" in constraints:
        minimum = constraints["minimum"]
        checks.append(pa.Check.ge(minimum, name="minimum", error=f"expected at least {minimum}"))
    if "maximum" in constraints:
        maximum = constraints["maximum"]
        checks.append(pa.Check.le(maximum, name="maximum", error=f"expected at most {maximum}"))
    if "minLength" in constraints:
        length = constraints["minLength"]
        checks.append(
            pa.Check.str_length(
                min_value=length, name="min_length", error=f"expected at least {length} characters"
            )
        )
    if "maxLength" in constraints:
        length = constraints["maxLength"]
        checks.append(
            pa.Check.str_length(
                max_value=length, name="max_length", error=f"expected at most {length} characters"
            )
        )
    return checks


def _column_test(data: PolarsData, test) -> pl.LazyFrame:
    """A check of one column as an expression on it: True where a cell passes."""
    return data.lazyframe.select(test(pl.col(data.key)))


def _real_dates(data: PolarsData) -> pl.LazyFrame:
    """True where a cell is a real calendar date YYYY-MM-DD (and where it is missing)."""
    cells = pl.col(data.key)
    others = data.lazyframe.select(cells.filter(~cells.str.contains(ASCII)).unique()).collect()
    return data.lazyframe.select(real_dates(cells, others.to_series().to_list()))


def real_dates(cells: pl.Expr, others: list[str] = ()) -> pl.Expr:
    """True where a cell is a real calendar date YYYY-MM-DD, as pandas read one (month
    and day of one or two digits; digits of other scripts too), or is missing. others:
    the distinct cells with characters beyond ASCII, which Polars does not read as
    digits: read once each by Python."""
    parsed = cells.str.to_date("%Y-%m-%d", strict=False).is_not_null()
    real = [cell for cell in others if _is_real_date(cell)]
    return cells.is_null() | (cells.str.contains(DATE_SHAPE) & parsed) | cells.is_in(real)


def _is_real_date(cell: str) -> bool:
    try:
        datetime.strptime(cell, "%Y-%m-%d")
    except ValueError:
        return False
    return True


def column(field: Field) -> pa.Column:
    return pa.Column(
        DTYPES[field.type],
        checks=column_checks(field),
        nullable=not field.required,
        unique=bool(field.constraints.get("unique")),
        required=True,
        name=field.name,
        title=field.title or None,
        description=field.description or None,
    )


def dataframe_schema(resource: Resource, context: Context) -> pa.DataFrameSchema:
    """The schema of a batch of a resource's rows: columns, keys and the semantic checks
    of one batch (the foreign keys and the `across` rules are pipeline.check.keys')."""
    frame_checks = [unique_key_check(key) for key in resource.unique_keys]
    for semantic in checks_for(resource.name):
        if semantic.across or (semantic.needs_snapshots and context.snapshots is None):
            continue
        frame_checks.append(
            pa.Check(partial(_semantic_test, check=semantic, context=context), name=semantic.name)
        )
    return pa.DataFrameSchema(
        {f.name: column(f) for f in resource.fields},
        checks=frame_checks,
        unique=list(resource.primary_key) or None,
        report_duplicates="all",
        strict=True,
        ordered=True,
        name=resource.name,
    )


def _semantic_test(data: PolarsData, check: SemanticCheck, context: Context) -> pl.LazyFrame:
    """A semantic check's answer, a full-length boolean column, as pandera takes it."""
    passed = check.test(context.frames[check.resource], context)  # the frame validated
    return pl.LazyFrame({check.name: passed})


def unique_key_name(key: tuple[str, ...]) -> str:
    return f"unique_key({','.join(key)})"


def unique_key_check(key: tuple[str, ...]) -> pa.Check:
    """No two rows share the key's values (rows with a missing value among them are
    compared too, a missing value equal to a missing value)."""

    def no_duplicates(data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(~pl.struct(list(key)).is_duplicated())

    return pa.Check(no_duplicates, name=unique_key_name(key))
