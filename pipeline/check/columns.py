"""Operations on whole text columns, done by pyarrow in one call each.

pandas hands a string column to pyarrow for most work already; membership is the
exception (it turns every value it looks for into a Python object first), so the
checks that look one column up in another use `is_in` here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def arrow_text(series: pd.Series) -> pa.Array | pa.ChunkedArray:
    """A text column as pyarrow holds it (missing cells as nulls)."""
    array = series.array
    if isinstance(series.dtype, pd.StringDtype) and hasattr(array, "__arrow_array__"):
        return array.__arrow_array__()
    return pa.array(series.to_numpy(dtype=object, na_value=None), type=pa.large_string())


def string_values(strings: pa.Array) -> memoryview:
    """The values of a large string array without nulls, end to end, as the array
    holds them (not copied)."""
    _, offsets, data = strings.buffers()
    if data is None:
        return memoryview(b"")
    ends = np.frombuffer(offsets, dtype=np.int64)
    return memoryview(data)[ends[strings.offset] : ends[strings.offset + len(strings)]]


def is_in(series: pd.Series, values: pd.Series) -> np.ndarray:
    """True where a cell of a text column is one of the values (never where it is missing)."""
    cells = arrow_text(series)
    wanted = arrow_text(values).drop_null()  # is_in looks each value up once, repeated or not
    if isinstance(wanted, pa.ChunkedArray):
        wanted = wanted.combine_chunks()
    found = pc.is_in(cells, value_set=wanted.cast(cells.type), skip_nulls=True)
    return found.to_numpy(zero_copy_only=False).astype(bool)


def all_distinct(series: pd.Series) -> bool:
    """True when no two cells of a column are equal (two missing cells count as equal,
    as pandas' duplicated counts them): one hash pass in Arrow, where pandas would
    first factorize the column."""
    if not isinstance(series.dtype, pd.StringDtype):
        return not series.duplicated().any()
    return len(pc.unique(arrow_text(series))) == len(series)
