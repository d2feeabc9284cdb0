"""The check stage: cast each table to its contract types, then run its pandera schema.

All problems from every resource are collected in one pass (pandera's lazy
validation) and located at the file, line and column of the offending cell.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

import pandera.polars as pa
import polars as pl

from pipeline.check.keys import (
    Keys,
    duplicate_id,
    duplicate_key,
    duplicate_value,
    figure_problem,
    rule_problem,
)
from pipeline.check.rules import Context, SemanticCheck, checks_for
from pipeline.check.schema import DTYPES, dataframe_schema, unique_key_name
from pipeline.contract.model import Contract, Resource
from pipeline.errors import Problem
from pipeline.load.tables import Table

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

    frames: dict[str, pl.DataFrame]
    problems: list[Problem]


def check_batch(
    contract: Contract,
    tables: dict[str, Table],
    snapshots: Mapping[str, str] | None,
    keys: Keys,
) -> Checked:
    """The checks of one batch of rows (pipeline.check.schema) of the resources in
    tables (all, or some: a package validated a piece of a file at a time); what needs
    every batch's rows is added to keys, for keys.problems() once the last batch is in.
    Quotes without their figures in the batch are checked against the figures of the
    batches before (keys.lend_figures)."""
    resources = [resource for resource in contract.resources if resource.name in tables]
    problems: list[Problem] = []
    frames: dict[str, pl.DataFrame] = {}
    cells: dict[str, pl.DataFrame] = {}
    failed_cells: set[tuple[str, int, str]] = set()
    for resource in resources:
        table = tables[resource.name]
        cells[resource.name] = table.frame  # numbers as written
        frame, cast_problems = cast_table(resource, table)
        frames[resource.name] = frame
        problems += cast_problems
        failed_cells |= {(resource.name, p.row - 1, p.field) for p in cast_problems}
    checked = Checked(dict(frames), problems)
    context = Context(frames=frames, snapshots=snapshots, cells=cells)
    keys.lend_figures(context)

    def figures(figure_id: str, field_name: str) -> dict | None:
        return keys.figure_cell(figure_id, field_name, tables, frames)

    for resource in resources:
        schema = dataframe_schema(resource, context)
        try:
            # pandera collects a query per check; the frames are in memory, and Polars'
            # default engine ("auto") took 0.3 ms a collect here, in-memory 0.09 ms
            with pl.Config(engine_affinity="in-memory"):
                schema.validate(frames[resource.name], lazy=True)
        except pa.errors.SchemaErrors as errors:
            table = tables[resource.name]
            found = translate(errors.failure_cases, resource, table, context, figures)
            problems += [
                p for p in found if (resource.name, p.row - 1, p.field) not in failed_cells
            ]
    keys.add(tables, context)
    return checked  # what the checks shared goes with the context


def cast_table(resource: Resource, table: Table) -> tuple[pl.DataFrame, list[Problem]]:
    """The table with contract dtypes; cells that do not cast become problems (and null)."""
    problems, columns = [], []
    for field in resource.fields:
        column = table.frame[field.name]
        if field.type in NUMBER_FORMS:
            failing = number_problems(field.type, column)
            for row, message in failing:
                where = table.locate(row, field.name)
                problems.append(
                    Problem("type-error", f"{field.name}: {column[row]!r} {message}", **where)
                )
            column = _without(column, [row for row, _ in failing])
        columns.append(column.cast(DTYPES[field.type], strict=False))
    return pl.DataFrame(columns), problems


def _without(column: pl.Series, rows: list[int]) -> pl.Series:
    """The column with the cells at rows missing."""
    if not rows:
        return column
    return column.scatter(rows, None)


def number_problem(kind: str, cell: str | None) -> str | None:
    """What is wrong with an integer or number cell, or None (also for other types)."""
    if kind not in NUMBER_FORMS or cell is None:
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


def number_problems(kind: str, cells: pl.Series) -> list[tuple[int, str]]:
    """(row position, number_problem) of each cell of an integer or number column that
    has one, in row order: the form is matched over the whole column at once; only the
    cells that might be out of range are looked at one by one."""
    form, _ = NUMBER_FORMS[kind]
    text = pl.col("cell")
    if kind == "integer":  # below 19 digits every whole number fits in 64 bits
        suspect = text.str.len_chars() >= 19
    else:  # a number overflows only with an exponent or more than 308 digits
        suspect = text.str.contains("[eE]") | (text.str.len_chars() > 308)
    looked_at = (
        pl.DataFrame({"cell": cells})
        .with_row_index("row")
        .filter(text.is_not_null() & (~text.str.contains(f"^(?:{form.pattern})$") | suspect))
    )
    found = [
        (row, number_problem(kind, cell))
        for row, cell in zip(looked_at["row"].to_list(), looked_at["cell"].to_list(), strict=True)
    ]
    return [(row, message) for row, message in found if message]


def translate(
    cases: pl.DataFrame, resource: Resource, table: Table, context: Context, figures=None
):
    """Pandera failure cases as located problems, one per failing cell or row; figures
    (figure_id, field -> where, or None) places the rules reported at their figure."""
    semantic = {c.name: c for c in checks_for(resource.name)}
    keys = {unique_key_name(k): k for k in resource.unique_keys}
    frame = context.frames[resource.name]
    seen = set()
    for check, column, index, value in cases.select(
        "check", "column", "index", "failure_case"
    ).iter_rows():
        if index is None:
            yield Problem("check-error", f"{check} could not run: {value}", resource=resource.name)
            continue
        row = int(index)
        if check in semantic:
            key = (check, row)
            if key not in seen:
                seen.add(key)
                yield semantic_problem(semantic[check], frame, row, table, context, figures)
        elif check in keys:
            if (check, row) not in seen:
                seen.add((check, row))
                fields = keys[check]
                yield duplicate_key(fields, {}, table.locate(row, fields[0]))
        elif check == "multiple_fields_uniqueness" or (
            check == "field_uniqueness" and column in resource.primary_key
        ):
            if ("primary-key", row) not in seen:
                seen.add(("primary-key", row))
                name = resource.primary_key[0]
                yield duplicate_id((name,), {name: frame[name][row]}, table.locate(row, name))
        else:
            yield column_problem(check, column, row, frame[column][row], table)


def semantic_problem(
    check: SemanticCheck, frame, row: int, table: Table, context, figures=None
) -> Problem:
    values = frame.row(row, named=True)
    if check.at_figure:
        figure = figures(values["figure_id"], check.field) if figures is not None else None
        return figure_problem(check, values, context, table, row, figure)
    return rule_problem(check, values, context, table.locate(row, check.field))


def column_problem(check: str, column: str, row: int, value, table: Table) -> Problem:
    if check == "not_nullable":
        code, message = "required", f"{column}: missing value; expected a value (required field)"
    elif check == "field_uniqueness":
        return duplicate_value((column,), {column: value}, table.locate(row, column))
    else:
        code, message = "constraint", f"{column}: {value!r}: {check}"
    return Problem(code, message, **table.locate(row, column))
