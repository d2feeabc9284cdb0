"""The SQLite output: its tables agree with the contract field by field (types,
NOT NULL, keys) and hold the CSV's rows. Datasette serving it: test_datasette.py.
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
from datetime import date
from pathlib import Path

import pytest

from pipeline.contract.model import load_contract

REPO = Path(__file__).resolve().parents[2]
CONTRACT = load_contract(REPO / "datapackage.json", "datapackage.json")
DATABASE = "kandal-crime-2022"
SQL_TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "date": "TEXT"}
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def database(portal_build):
    connection = sqlite3.connect(f"file:{portal_build / f'{DATABASE}.db'}?mode=ro", uri=True)
    yield connection
    connection.close()


@pytest.mark.parametrize("resource", CONTRACT.resources, ids=CONTRACT.resource_names)
def test_table_columns_have_the_contract_types_and_keys(database, resource):
    columns = {row[1]: row for row in database.execute(f'PRAGMA table_info("{resource.name}")')}
    assert list(columns) == resource.field_names
    for field in resource.fields:
        _, _, kind, not_null, _, key_position = columns[field.name]
        assert kind == SQL_TYPES[field.type], field.name
        assert bool(not_null) == field.required, field.name
        expected = (
            resource.primary_key.index(field.name) + 1 if field.name in resource.primary_key else 0
        )
        assert key_position == expected, field.name


@pytest.mark.parametrize("resource", CONTRACT.resources, ids=CONTRACT.resource_names)
def test_table_foreign_keys_are_the_contract_foreign_keys(database, resource):
    found = {
        (row[2], row[3], row[4])
        for row in database.execute(f'PRAGMA foreign_key_list("{resource.name}")')
    }
    expected = {
        (fk.resource, field, target)
        for fk in resource.foreign_keys
        for field, target in zip(fk.fields, fk.reference_fields, strict=True)
    }
    assert found == expected


@pytest.mark.parametrize("resource", CONTRACT.resources, ids=CONTRACT.resource_names)
def test_table_rows_are_the_csv_rows(database, csv_rows, resource):
    database.row_factory = sqlite3.Row
    try:
        stored = [
            dict(row) for row in database.execute(f'SELECT * FROM "{resource.name}" ORDER BY rowid')
        ]
    finally:
        database.row_factory = None
    expected = [
        {k: v.isoformat() if isinstance(v, date) else v for k, v in row.items()}
        for row in csv_rows(resource.name)
    ]
    assert stored == expected


def test_database_refuses_what_the_contract_forbids(portal_build, tmp_path):
    copy = tmp_path / "copy.db"
    shutil.copy(portal_build / f"{DATABASE}.db", copy)
    connection = sqlite3.connect(copy)
    connection.execute("PRAGMA foreign_keys = ON")
    row = dict(
        figure_id="x-2022", source_id="kandal-crime-2022", indicator_id="reported_crimes",
        area_code="KH-8", period="2023", reference_period=None, measure="change", value=1.0,
        unit="percent", qualifier=None, status="measured", period_basis="stated",
        note=None,
    )  # fmt: skip
    insert = f"INSERT INTO figures ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})"
    for change in ({"measure": "guess"}, {"indicator_id": "no_such"}, {"unit": None}):
        with pytest.raises(sqlite3.IntegrityError):
            connection.execute(insert, list({**row, **change}.values()))
    connection.execute(insert, list(row.values()))  # the same row, unchanged, is accepted
    connection.close()
