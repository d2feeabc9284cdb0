"""Table Schema patterns, matched by RE2 in time linear in the length of the text.

A package written by someone else may carry a pattern such as (a+)+$ that takes a
backtracking engine (Python's re) exponential time on a cell of 40 characters;
RE2 cannot be made to. RE2 has no backreferences or lookaround, and neither have
the XML Schema patterns that Table Schema specifies.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import re2

from pipeline.check.columns import arrow_text


def compile_pattern(pattern: str):
    """The pattern compiled to match a whole cell, or None when RE2 cannot compile it."""
    options = re2.Options()
    options.log_errors = False  # a bad pattern is a contract problem, not a line on stderr
    try:
        return re2.compile(f"^(?:{pattern})$", options)
    except re2.error:
        return None


def matches_pattern(series: pd.Series, pattern: str) -> pd.Series:
    """True where a cell matches the whole pattern (and where it is missing).

    The column goes to pyarrow's RE2 in one call; a pattern that it will not compile
    is matched cell by cell by the re2 module, the same engine.
    """
    try:
        found = pc.match_substring_regex(arrow_text(series), f"^(?:{pattern})$").fill_null(True)
        return pd.Series(found.to_numpy(zero_copy_only=False), index=series.index, dtype=bool)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        compiled = compile_pattern(pattern)
        found = series.map(lambda cell: compiled.fullmatch(cell) is not None, na_action="ignore")
        return found.fillna(True).astype(bool)
