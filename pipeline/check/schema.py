"""Pandera schemas derived from the contract: one per resource, on pandera's Polars backend.

Table Schema types become Polars dtypes; constraints become named pandera checks;
primary, unique and foreign keys become frame-level checks; the semantic checks of
rules.py are added with the context they need. `pandera.io.from_frictionless_schema`
is not used: it drops titles, formats and foreign keys.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

from pipeline.check.rules import Context, SemanticCheck, checks_for
from pipeline.contract.model import Field, ForeignKey, Resource
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
    """The full schema of a resource: columns, keys and semantic checks."""
    frame_checks = [unique_key_check(key) for key in resource.unique_keys]
    frame_checks += [foreign_key_check(fk, context) for fk in resource.foreign_keys]
    for semantic in checks_for(resource.name):
        if semantic.needs_snapshots and context.snapshots is None:
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


def foreign_key_name(fk: ForeignKey) -> str:
    return f"foreign_key({','.join(fk.fields)}->{fk.resource}.{','.join(fk.reference_fields)})"


def unique_key_check(key: tuple[str, ...]) -> pa.Check:
    """No two rows share the key's values (rows with a missing value among them are
    compared too, a missing value equal to a missing value)."""

    def no_duplicates(data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(~pl.struct(list(key)).is_duplicated())

    return pa.Check(no_duplicates, name=unique_key_name(key))


def foreign_key_check(fk: ForeignKey, context: Context) -> pa.Check:
    """Each row's key is a row of the referenced key (a key with a missing value passes)."""

    def resolves(data: PolarsData) -> pl.LazyFrame:
        target = context.frames[fk.resource].select(list(fk.reference_fields))
        return data.lazyframe.select(
            known_rows(data.lazyframe.collect().select(list(fk.fields)), target)
        )

    return pa.Check(resolves, name=foreign_key_name(fk))


def known_rows(values: pl.DataFrame, known: pl.DataFrame) -> pl.Series:
    """True where a row of values is a row of known (compared as Python tuples are:
    text equals only text), or where the row has a missing value (a join never
    matches a missing value, and a key with one refers to nothing)."""
    names = [f"key_{i}" for i in range(values.width)]
    values = values.rename(dict(zip(values.columns, names, strict=True)))
    known = known.rename(dict(zip(known.columns, names, strict=True)))
    if values.dtypes != known.dtypes:
        if all(d.is_numeric() for d in [*values.dtypes, *known.dtypes]):
            values, known = values.cast(pl.Float64), known.cast(pl.Float64)
        else:  # text equals only text: none of known is a row of values
            known = known.clear().cast(dict(zip(names, values.dtypes, strict=True)))
    unknown = (
        values.with_row_index("row")
        .drop_nulls(names)
        .join(known.drop_nulls().unique(), on=names, how="anti")["row"]
    )
    return values.select(~pl.int_range(pl.len()).is_in(unknown.implode())).to_series()
