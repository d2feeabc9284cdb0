"""Pandera schemas derived from the contract: one per resource.

Table Schema types become pandas nullable dtypes; constraints become named
pandera checks; primary, unique and foreign keys become frame-level checks; the
semantic checks of checks.py are added with the context they need.
`pandera.io.from_frictionless_schema` is not used: it drops titles, formats and
foreign keys.
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import pandera.pandas as pa

from pipeline.check.columns import all_distinct, is_in
from pipeline.check.rules import Context, checks_for
from pipeline.contract.model import Field, ForeignKey, Resource
from pipeline.contract.patterns import matches_pattern

DTYPES = {"string": "string", "integer": "Int64", "number": "Float64", "date": "string"}
DATE_PATTERN = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"


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
                partial(matches_pattern, pattern=pattern),
                name="pattern",
                error=f"expected the pattern {pattern}",
                statistics={"pattern": f"^(?:{pattern})$"},
            )
        )
    if field.type == "date":
        checks.append(
            pa.Check(_real_dates, name="calendar_date", error="expected a real date YYYY-MM-DD")
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


def _real_dates(series: pd.Series) -> pd.Series:
    parsed = pd.to_datetime(series, format="%Y-%m-%d", errors="coerce")
    return parsed.notna() | series.isna()


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


def types_schema(resource: Resource) -> pa.DataFrameSchema:
    """Only the dtypes, coerced from strings: the first pass over a table."""
    return pa.DataFrameSchema(
        {f.name: pa.Column(DTYPES[f.type], nullable=True, coerce=True) for f in resource.fields},
        name=resource.name,
    )


def dataframe_schema(resource: Resource, context: Context) -> pa.DataFrameSchema:
    """The full schema of a resource: columns, keys and semantic checks."""
    frame_checks = [unique_key_check(key) for key in resource.unique_keys]
    frame_checks += [foreign_key_check(resource.name, fk, context) for fk in resource.foreign_keys]
    for semantic in checks_for(resource.name):
        if semantic.needs_snapshots and context.snapshots is None:
            continue
        frame_checks.append(pa.Check(partial(semantic.test, context=context), name=semantic.name))
    return pa.DataFrameSchema(
        {f.name: column(f) for f in resource.fields},
        checks=frame_checks,
        unique=list(resource.primary_key) or None,
        report_duplicates="all",
        strict=True,
        ordered=True,
        name=resource.name,
    )


def unique_key_name(key: tuple[str, ...]) -> str:
    return f"unique_key({','.join(key)})"


def foreign_key_name(fk: ForeignKey) -> str:
    return f"foreign_key({','.join(fk.fields)}->{fk.resource}.{','.join(fk.reference_fields)})"


def unique_key_check(key: tuple[str, ...]) -> pa.Check:
    def no_duplicates(frame: pd.DataFrame) -> pd.Series:
        if len(key) == 1 and all_distinct(frame[key[0]]):
            return pd.Series(True, index=frame.index)
        return ~frame.duplicated(subset=list(key), keep=False)

    return pa.Check(no_duplicates, name=unique_key_name(key))


def foreign_key_check(resource: str, fk: ForeignKey, context: Context) -> pa.Check:
    def resolves(frame: pd.DataFrame) -> pd.Series:
        target = context.frames[fk.resource][list(fk.reference_fields)].dropna()
        values = frame[list(fk.fields)]
        has_null = values.isna().any(axis=1)
        return has_null | known_rows(values, target)

    return pa.Check(resolves, name=foreign_key_name(fk))


def known_rows(values: pd.DataFrame, known: pd.DataFrame) -> pd.Series:
    """True where a row of values is a row of known (compared as Python tuples are)."""
    columns = [*values.dtypes, *known.dtypes]
    if all(isinstance(dtype, pd.StringDtype) for dtype in columns):  # text equals only text
        if len(values.columns) == 1:
            found = is_in(values.iloc[:, 0], known.iloc[:, 0])
        else:
            found = pd.MultiIndex.from_frame(values).isin(pd.MultiIndex.from_frame(known))
        return pd.Series(found, index=values.index, dtype=bool)
    rows = set(known.itertuples(index=False, name=None))
    found = [row in rows for row in values.itertuples(index=False, name=None)]
    return pd.Series(found, index=values.index, dtype=bool)
