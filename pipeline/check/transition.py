"""Conversions at the check stage's borders with the stages still on pandas.

TRANSITION(r17): removed when the areas are merged.
"""

from __future__ import annotations

import polars as pl

PANDAS_DTYPES = {pl.String: "string", pl.Int64: "Int64", pl.Float64: "Float64"}


def transition_text_frame(frame) -> pl.DataFrame:
    """A table's cells (pandas "string" columns) as a frame of pl.String columns.

    TRANSITION(r17): removed when the areas are merged."""
    if isinstance(frame, pl.DataFrame):
        return frame
    return pl.from_pandas(frame).cast(pl.String)


def transition_pandas_frame(frame: pl.DataFrame):
    """One typed frame as pandas ("string", "Int64", "Float64").

    TRANSITION(r17): removed when the areas are merged."""
    dtypes = {name: PANDAS_DTYPES[dtype] for name, dtype in frame.schema.items()}
    return frame.to_pandas(use_pyarrow_extension_array=True).astype(dtypes)


def transition_cast_table(resource, table):
    """cast_table, with the typed frame as pandas, for outputs.source.read_back.

    TRANSITION(r17): removed when the areas are merged."""
    from pipeline.check.tables import cast_table

    frame, problems = cast_table(resource, table)
    return transition_pandas_frame(frame), problems


def transition_string_values(strings):
    """assemble.csv's helper, moved from the deleted check/columns.py: the values of a
    large string Arrow array without nulls, end to end (not copied).

    TRANSITION(r17): removed when the areas are merged."""
    import numpy as np

    _, offsets, data = strings.buffers()
    if data is None:
        return memoryview(b"")
    ends = np.frombuffer(offsets, dtype=np.int64)
    return memoryview(data)[ends[strings.offset] : ends[strings.offset + len(strings)]]
