"""Table Schema patterns, matched in time linear in the length of the text.

A package written by someone else may carry a pattern such as (a+)+$ that takes a
backtracking engine (Python's re) exponential time on a cell of 40 characters;
RE2 and Polars' regex engine (Rust's regex) cannot be made to. Neither has
backreferences or lookaround, and nor have the XML Schema patterns that Table
Schema specifies. RE2 is the reference: its \\d, \\s and \\w are ASCII, so they are
spelled out as ASCII classes for Polars.
"""

from __future__ import annotations

from functools import cache

import polars as pl
import re2

# RE2's ASCII meaning of the Perl classes (Rust's are Unicode)
ASCII_CLASSES = {
    "d": "[0-9]",
    "D": "[^0-9]",
    "s": "[\\t\\n\\f\\r ]",
    "S": "[^\\t\\n\\f\\r ]",
    "w": "[0-9A-Za-z_]",
    "W": "[^0-9A-Za-z_]",
}


def compile_pattern(pattern: str):
    """The pattern compiled to match a whole cell, or None when RE2 cannot compile it."""
    options = re2.Options()
    options.log_errors = False  # a bad pattern is a contract problem, not a line on stderr
    try:
        return re2.compile(f"^(?:{pattern})$", options)
    except re2.error:
        return None


def matches_pattern(cells: pl.Expr, pattern: str) -> pl.Expr:
    """True where a cell matches the whole pattern (and where it is missing).

    Polars matches the column in one call; a pattern that its engine will not
    compile is matched once per distinct cell by the re2 module.
    """
    rust = rust_pattern(pattern)
    if rust is not None:
        return cells.str.contains(rust).fill_null(True)
    compiled = compile_pattern(pattern)

    def fullmatch(column: pl.Series) -> pl.Series:
        distinct = column.drop_nulls().unique()
        matched = [cell for cell in distinct.to_list() if compiled.fullmatch(cell) is not None]
        return column.is_in(pl.Series(matched, dtype=pl.String).implode()) | column.is_null()

    return cells.map_batches(fullmatch, return_dtype=pl.Boolean)


@cache
def rust_pattern(pattern: str) -> str | None:
    """The whole-cell pattern as Polars reads it with RE2's meaning, or None when
    Polars' engine will not compile it."""
    spelled, escaped = [], False
    for char in pattern:
        if escaped:
            spelled.append(ASCII_CLASSES.get(char, "\\" + char))
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            spelled.append(char)
    if escaped:
        return None
    anchored = f"^(?:{''.join(spelled)})$"
    try:
        pl.select(pl.lit("").str.contains(anchored))
    except pl.exceptions.PolarsError:
        return None
    return anchored
