"""The check stage: cast each table to its contract types, then run its pandera schema.

All problems from every resource are collected in one pass (pandera's lazy
validation) and located at the file, line and column of the offending cell.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.pandas as pa

from pipeline.check.rules import Context, SemanticCheck, checks_for
from pipeline.check.schema import dataframe_schema, foreign_key_name, types_schema, unique_key_name
from pipeline.contract.model import Contract, Resource
from pipeline.errors import Problem
from pipeline.load.tables import Table, transition_pandas_frame

TYPE_NAMES = {"integer": "a whole number", "number": "a number", "string": "text", "date": "a date"}
# Numbers as the package publishes them (cells are written verbatim): no "+", no spaces,
# no "_", no digits of other scripts, no NaN or infinity, within 64 bits.
NUMBER_FORMS = {
    "integer": (re.compile(r"-?[0-9]+"), "digits with an optional leading -, such as 908"),
    "number": (
        re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?"),
        "digits with an optional leading -, decimal point and exponent, such as -78 or 2.5",
    ),
}
INTEGER_RANGE = (-(2**63), 2**63 - 1)


@dataclass
class Checked:
    """The typed frames of every resource, and what was wrong with them."""

    frames: dict[str, pd.DataFrame]
    problems: list[Problem]


def check_tables(
    contract: Contract,
    tables: dict[str, Table],
    snapshots: Mapping[str, str] | None,
) -> Checked:
    """snapshots: the snapshot texts by source_id; None without snapshots."""
    problems: list[Problem] = []
    frames: dict[str, pd.DataFrame] = {}
    failed_cells: set[tuple[str, int, str]] = set()
    for resource in contract.resources:
        frame, cast_problems = cast_table(resource, tables[resource.name])
        frames[resource.name] = frame
        problems += cast_problems
        failed_cells |= {(resource.name, p.row - 1, p.field) for p in cast_problems}
    cells = {name: transition_pandas_frame(table) for name, table in tables.items()}
    context = Context(frames=frames, snapshots=snapshots, cells=cells)
    for resource in contract.resources:
        schema = dataframe_schema(resource, context)
        try:
            schema.validate(frames[resource.name], lazy=True)
        except pa.errors.SchemaErrors as errors:
            found = translate(errors.failure_cases, resource, tables[resource.name], context)
            problems += [
                p for p in found if (resource.name, p.row - 1, p.field) not in failed_cells
            ]
    return Checked(frames, problems)  # what the checks shared goes with the context


def cast_table(resource: Resource, table: Table) -> tuple[pd.DataFrame, list[Problem]]:
    """The table with contract dtypes; cells that do not cast become problems (and NA)."""
    schema = types_schema(resource)
    frame = transition_pandas_frame(table)
    lax = []
    for field in resource.fields:
        if field.type not in NUMBER_FORMS:
            continue
        cells = frame[field.name]
        failing = number_problems(field.type, cells)
        for row, message in failing:
            where = table.locate(row, field.name)
            cell = cells.iloc[row]
            lax.append(Problem("type-error", f"{field.name}: {cell!r} {message}", **where))
        if failing:
            frame.loc[frame.index[[row for row, _ in failing]], field.name] = pd.NA
    try:
        return schema.validate(frame, lazy=True), lax
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        cases = cases[cases["check"].astype(str).str.startswith("coerce_dtype")]
        problems = []
        for name, index, value in zip(
            cases["column"], cases["index"], cases["failure_case"], strict=True
        ):
            field = resource.field(name)
            problems.append(
                Problem(
                    "type-error",
                    f"{field.name}: {value!r} is not {TYPE_NAMES[field.type]}; expected "
                    f"{TYPE_NAMES[field.type]} ({field.type})",
                    **table.locate(int(index), field.name),
                )
            )
            frame.loc[int(index), name] = pd.NA
        return schema.validate(frame, lazy=False), lax + problems


def number_problem(kind: str, cell) -> str | None:
    """What is wrong with an integer or number cell, or None (also for other types)."""
    if kind not in NUMBER_FORMS or pd.isna(cell):
        return None
    form, example = NUMBER_FORMS[kind]
    if not form.fullmatch(cell):
        return f"is not {TYPE_NAMES[kind]}; expected {example} ({kind})"
    if kind == "integer":
        digits = cell.lstrip("-")
        if len(digits) > 19 or not INTEGER_RANGE[0] <= int(cell) <= INTEGER_RANGE[1]:
            return f"is out of range; expected a whole number of at most 19 digits ({kind})"
    elif not math.isfinite(float(cell)):
        return f"is too large; expected a number below about 1.8e308 ({kind})"
    return None


def number_problems(kind: str, cells: pd.Series) -> list[tuple[int, str]]:
    """(row position, number_problem) of each cell of an integer or number column that
    has one, in row order: the form is matched over the whole column at once; only the
    cells that might be out of range are looked at one by one."""
    form, _ = NUMBER_FORMS[kind]
    present = cells.notna().to_numpy(dtype=bool)
    formed = cells.str.fullmatch(f"(?:{form.pattern})").fillna(False).to_numpy(dtype=bool)
    if kind == "integer":  # below 19 digits every whole number fits in 64 bits
        suspect = cells.str.len().fillna(0).to_numpy(dtype=np.int64) >= 19
    else:  # a number overflows only with an exponent or more than 308 digits
        suspect = cells.str.contains("[eE]", regex=True).fillna(False).to_numpy(dtype=bool)
        suspect |= cells.str.len().fillna(0).to_numpy(dtype=np.int64) > 308
    rows = np.flatnonzero(present & (~formed | suspect)).tolist()
    values = cells.iloc[rows].tolist()
    found = [(row, number_problem(kind, value)) for row, value in zip(rows, values, strict=True)]
    return [(row, message) for row, message in found if message]


def translate(cases: pd.DataFrame, resource: Resource, table: Table, context: Context):
    """Pandera failure cases as located problems, one per failing cell or row."""
    semantic = {c.name: c for c in checks_for(resource.name)}
    keys = {unique_key_name(k): k for k in resource.unique_keys}
    foreign = {foreign_key_name(fk): fk for fk in resource.foreign_keys}
    frame = context.frames[resource.name]
    seen = set()
    for check, column, index, value in zip(
        cases["check"].astype(str),
        cases["column"],
        cases["index"],
        cases["failure_case"],
        strict=True,
    ):
        if index is None or pd.isna(index):
            yield Problem("check-error", f"{check} could not run: {value}", resource=resource.name)
            continue
        row = int(index)
        if check in semantic:
            key = (check, row)
            if key not in seen:
                seen.add(key)
                yield semantic_problem(semantic[check], frame, row, table, context)
        elif check in keys:
            if (check, row) not in seen:
                seen.add((check, row))
                fields = keys[check]
                yield Problem(
                    "duplicate-key",
                    f"{fields[0]}: the combination {', '.join(fields)} repeats another "
                    "row's; expected each fact once",
                    **table.locate(row, fields[0]),
                )
        elif check in foreign:
            if (check, row) not in seen:
                seen.add((check, row))
                fk = foreign[check]
                values = ", ".join(str(frame.at[row, f]) for f in fk.fields)
                yield Problem(
                    "foreign-key",
                    f"{fk.fields[0]}: {values!r} is not a known "
                    f"{fk.resource}.{','.join(fk.reference_fields)}; "
                    f"expected the id of an existing row in {fk.resource}",
                    **table.locate(row, fk.fields[0]),
                )
        elif check == "multiple_fields_uniqueness" or (
            check == "field_uniqueness" and column in resource.primary_key
        ):
            if ("primary-key", row) not in seen:
                seen.add(("primary-key", row))
                name = resource.primary_key[0]
                yield Problem(
                    "duplicate-id",
                    f"{name}: {frame.at[row, name]!r} is used by more than one row; expected "
                    "each id once",
                    **table.locate(row, name),
                )
        else:
            yield column_problem(check, column, row, value, table)


def semantic_problem(check: SemanticCheck, frame, row: int, table: Table, context) -> Problem:
    values = frame.loc[row].to_dict()
    return Problem(
        check.name.replace("_", "-"),
        f"{check.field}: {check.explain(values, context)}",
        **table.locate(row, check.field),
    )


def column_problem(check: str, column: str, row: int, value, table: Table) -> Problem:
    if check == "not_nullable":
        code, message = "required", f"{column}: missing value; expected a value (required field)"
    elif check == "field_uniqueness":
        code, message = "duplicate-value", f"{column}: {value!r} repeats; expected unique values"
    else:
        code, message = "constraint", f"{column}: {value!r}: {check}"
    return Problem(code, message, **table.locate(row, column))
