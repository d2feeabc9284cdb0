"""Conversions at the check stage's borders with the stages still on pandas.

TRANSITION(r17): removed when the areas are merged.
"""

from __future__ import annotations

import polars as pl


def transition_text_frame(frame) -> pl.DataFrame:
    """A table's cells (pandas "string" columns) as a frame of pl.String columns.

    TRANSITION(r17): removed when the areas are merged."""
    if isinstance(frame, pl.DataFrame):
        return frame
    return pl.from_pandas(frame).cast(pl.String)
