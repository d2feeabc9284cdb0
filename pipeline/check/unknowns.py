"""Unknown stays unknown, and says why: a source's metadata field left null (a headline,
byline or date the text does not give) has its `<field>_note` saying why it is unknown.
The fields are those the sources resource pairs with a note in the contract."""

from __future__ import annotations

import polars as pl

NOTED_FIELDS = ("headline", "byline", "published", "accessed")  # each with <field>_note


def note_of(column: str) -> str:
    return f"{column}_note"


def null_has_note(column: str):
    """A check that column, where null, has its note (text that is not only white space)."""
    note = pl.col(note_of(column))

    def test(frame: pl.DataFrame, context) -> pl.Series:
        said = note.str.strip_chars().str.len_chars() > 0
        passed = pl.col(column).is_not_null() | said.fill_null(False)
        return frame.select(passed.alias("passed")).to_series()

    def explain(row: dict, context) -> str:
        return (
            f"{column} is null and {note_of(column)} is "
            f"{'empty' if row[note_of(column)] is not None else 'null'}; expected a value, or null "
            f'with {note_of(column)} saying why it is not known (e.g. "Not in the snapshot '
            'text.")'
        )

    return test, explain
