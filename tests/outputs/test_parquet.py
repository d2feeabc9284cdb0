"""The Parquet output, read back by two consumers: DuckDB and pandas each find
every resource with the contract's column types and the same values that
frictionless reads from the CSV.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline.contract.model import load_contract

REPO = Path(__file__).resolve().parents[2]
CONTRACT = load_contract(REPO / "datapackage.json", "datapackage.json")
DUCKDB_TYPES = {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE", "date": "DATE"}
PANDAS_ARROW_TYPES = {
    "string": "string[pyarrow]",
    "integer": "int64[pyarrow]",
    "number": "double[pyarrow]",
    "date": "date32[day][pyarrow]",
}
RESOURCES = pytest.mark.parametrize("resource", CONTRACT.resources, ids=CONTRACT.resource_names)


def parquet_file(build: Path, name: str) -> str:
    return str(build / "parquet" / f"{name}.parquet")


@RESOURCES
def test_duckdb_reads_the_contract_types(portal_build, resource):
    with duckdb.connect() as connection:
        described = connection.execute(
            "DESCRIBE SELECT * FROM read_parquet(?)", [parquet_file(portal_build, resource.name)]
        ).fetchall()
    assert [(name, kind) for name, kind, *_ in described] == [
        (f.name, DUCKDB_TYPES[f.type]) for f in resource.fields
    ]


@RESOURCES
def test_duckdb_reads_the_csv_values(portal_build, csv_rows, resource):
    with duckdb.connect() as connection:
        cursor = connection.execute(
            "SELECT * FROM read_parquet(?)", [parquet_file(portal_build, resource.name)]
        )
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    assert rows == csv_rows(resource.name)


@RESOURCES
def test_pandas_reads_the_contract_types_and_csv_values(portal_build, csv_rows, resource):
    frame = pd.read_parquet(parquet_file(portal_build, resource.name), dtype_backend="pyarrow")
    assert list(frame.columns) == resource.field_names
    assert {c: str(t) for c, t in frame.dtypes.items()} == {
        f.name: PANDAS_ARROW_TYPES[f.type] for f in resource.fields
    }
    rows = [
        {k: None if pd.isna(v) else v for k, v in row.items()}
        for row in frame.astype(object).to_dict("records")
    ]
    assert rows == csv_rows(resource.name)


def test_figures_hold_the_values_the_article_states(portal_build):
    with duckdb.connect() as connection:
        found = connection.execute(
            "SELECT figure_id, value, qualifier FROM read_parquet(?) ORDER BY figure_id",
            [parquet_file(portal_build, "figures")],
        ).fetchall()
    assert found == [
        ("kandal-reported-crimes-change-2022", -78.0, None),
        ("kandal-reported-crimes-solved-share-2022", 96.0, "almost"),
        ("kandal-traffic-accidents-change-2022", 10.0, None),
    ]


@RESOURCES
def test_fields_carry_their_titles_and_required_flag(portal_build, resource):
    schema = pq.read_schema(parquet_file(portal_build, resource.name))
    for field in resource.fields:
        stored = schema.field(field.name)
        assert stored.metadata[b"title"].decode() == field.title
        assert stored.nullable == (not field.required)
