"""Text cells that spreadsheets will not run as formulas.

A spreadsheet treats a cell that begins with =, +, -, @, a tab or a carriage
return as a formula (CSV injection). In the built CSV files, a text cell that
begins with one of those, or with the guard ' itself, is written with one ' in
front (as OWASP recommends); readers of the package remove one leading ' from a
text cell. Numbers are typed, not text, so a value of -78 stays -78. Raw files
are never guarded: a transcriber writes the words as the source prints them.
"""

from __future__ import annotations

import polars as pl

from pipeline.contract.model import Resource
from pipeline.errors import Problem
from pipeline.load.tables import Table

GUARD = "'"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
RULE = (
    "a text cell that begins with =, +, -, @, a tab, a carriage return or ' has one ' "
    "put in front, so that spreadsheets do not run it as a formula; remove one leading ' "
    "from a text cell to get its value"
)


def guard_cell(text: str) -> str:
    return GUARD + text if text.startswith((*FORMULA_STARTS, GUARD)) else text


def text_fields(resource: Resource) -> list[str]:
    return [f.name for f in resource.fields if f.type == "string"]


def guard_frame(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """The frame with every text cell in columns guarded (missing cells stay missing):
    guard_cell, as one expression per column."""
    return frame.with_columns(_guarded(pl.col(name)).alias(name) for name in columns)


def _guarded(column: pl.Expr) -> pl.Expr:
    needs = column.str.slice(0, 1).is_in([*FORMULA_STARTS, GUARD])
    return pl.when(needs).then(GUARD + column).otherwise(column)


def unguard_table(table: Table, resource: Resource) -> list[Problem]:
    """Remove the guard from a built table's text cells (table.frame becomes the frame
    without it); a cell that begins with a formula character without the guard is a
    problem."""
    names = text_fields(resource)
    problems = []
    for name in names:
        column = table.frame.get_column(name)
        unguarded = column.to_frame().select(
            pl.any_horizontal(pl.col(name).str.starts_with(start) for start in FORMULA_STARTS)
            .fill_null(False)
            .arg_true()
        )
        for row in unguarded.to_series().to_list():
            value = column[row]
            problems.append(
                Problem(
                    "formula-unguarded",
                    f"{name}: {value[:20]!r} begins with {value[0]!r}, which spreadsheets run "
                    f"as a formula; expected a ' in front ({RULE})",
                    **table.locate(row, name),
                )
            )
    table.frame = table.frame.with_columns(pl.col(name).str.strip_prefix(GUARD) for name in names)
    return problems
