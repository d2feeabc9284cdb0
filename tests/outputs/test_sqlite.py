"""The SQLite output: its tables agree with the contract field by field (types,
NOT NULL, keys), hold the CSV's rows, and Datasette, started on loopback against
the built file and its metadata, serves a table, follows a foreign key and shows
the descriptions, licence and source.
"""

from __future__ import annotations

import json
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
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


# ---- Datasette ------------------------------------------------------------------

NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with NO_PROXY.open(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


@pytest.fixture(scope="module")
def datasette(portal_build, tmp_path_factory):
    """Datasette serving a copy of the built database and metadata on 127.0.0.1 (the
    documented command); stopped after the module's tests, whatever happens."""
    folder = tmp_path_factory.mktemp("datasette")
    for name in (f"{DATABASE}.db", "datasette-metadata.json"):
        shutil.copy(portal_build / name, folder / name)
    port = free_port()
    log = open(folder / "datasette.log", "wb")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [str(BIN / "datasette"), "serve", f"{DATABASE}.db", "--metadata", "datasette-metadata.json",
         "--host", "127.0.0.1", "--port", str(port)],
        cwd=folder, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (folder / "datasette.log").read_text()
            try:
                if fetch(f"{base}/-/versions.json")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "datasette did not start within 60 s"
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


def test_datasette_serves_the_figures_with_their_values(datasette):
    status, body = fetch(f"{datasette}/{DATABASE}/figures.json?_shape=objects")
    assert status == 200
    values = {row["figure_id"]: row["value"] for row in json.loads(body)["rows"]}
    assert values == {
        "kandal-reported-crimes-change-2022": -78.0,
        "kandal-reported-crimes-solved-share-2022": 96.0,
        "kandal-traffic-accidents-change-2022": 10.0,
    }


def test_datasette_follows_a_foreign_key_to_its_row(datasette):
    status, body = fetch(f"{datasette}/{DATABASE}/figures.json?_shape=objects&_labels=on")
    assert status == 200
    first = json.loads(body)["rows"][0]
    assert first["indicator_id"] == {"value": "reported_crimes", "label": "Reported crimes"}
    status, page = fetch(f"{datasette}/{DATABASE}/figures")
    link = f'<a href="/{DATABASE}/indicators/reported_crimes">Reported crimes</a>'
    assert link in page
    status, row_page = fetch(
        f"{datasette}/{DATABASE}/indicators/reported_crimes.json?_shape=objects"
    )
    assert status == 200
    assert (
        json.loads(row_page)["rows"][0]["definition"]
        == "Crimes reported in the area during the period."
    )


def test_datasette_shows_the_metadata_it_was_given(datasette, portal_build):
    descriptor = json.loads((portal_build / "datapackage.json").read_text(encoding="utf-8"))
    status, body = fetch(f"{datasette}/-/metadata.json")
    assert status == 200
    metadata = json.loads(body)
    assert metadata["title"] == descriptor["title"]
    assert list(metadata["databases"]) == [DATABASE]
    status, page = fetch(f"{datasette}/{DATABASE}/quotes")
    assert status == 200
    quotes = next(r for r in descriptor["resources"] if r["name"] == "quotes")
    # Shown, not merely loaded: a wrong database key would leave these out of the page.
    assert quotes["description"].replace("'", "&#39;") in page
    assert "<dt>start</dt><dd>Start offset. Offset of the quote&#39;s first character" in page
    assert '<a href="https://creativecommons.org/licenses/by/4.0/">CC-BY-4.0</a>' in page
    assert (
        'href="https://phnompenhpost.com/national/kandal-crime-rate-plummets-thanks-safe-village-policy"'
        in page
    )
