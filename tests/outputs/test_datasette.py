"""Datasette serving the built database with the files the build writes for it, as
docs/outputs.md says to start it: Datasette 0.65 (the project's test tools) with
datasette-metadata.json, and Datasette 1.0 (its latest alpha, in a consumer
environment: .ci/consumers/datasette1.txt) with the same metadata and datasette.json,
its configuration. Each is started on 127.0.0.1 (a free port) and must show, on a
table's own page, the table's description, its columns' descriptions, the licence and
the source.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.consumers import consumer_python

DATABASE = "kandal-crime-2022"
METADATA = "datasette-metadata.json"
CONFIG = "datasette.json"
BIN = Path(sys.executable).parent
LICENCE_LINK = '<a href="https://creativecommons.org/licenses/by/4.0/">CC-BY-4.0</a>'
ARTICLE = "https://phnompenhpost.com/national/kandal-crime-rate-plummets-thanks-safe-village-policy"
COLUMN = "<dt>start</dt><dd>Start offset. Offset of the quote&#39;s first character"

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


@contextlib.contextmanager
def serving(datasette: Path, build: Path, folder: Path, *options: str):
    """`datasette serve DATABASE.db OPTIONS` on a copy of the built files in folder, on
    127.0.0.1; yields its base URL, and stops it whatever happens."""
    for name in (f"{DATABASE}.db", METADATA, CONFIG):
        shutil.copy(build / name, folder / name)
    port = free_port()
    log_path = folder / "datasette.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(datasette), "serve", f"{DATABASE}.db", *options,
             "--host", "127.0.0.1", "--port", str(port)],
            cwd=folder, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                assert process.poll() is None, log_path.read_text()
                with contextlib.suppress(OSError):
                    if fetch(f"{base}/-/versions.json")[0] == 200:
                        break
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


def version_of(base: str) -> str:
    return json.loads(fetch(f"{base}/-/versions.json")[1])["datasette"]["version"]


def assert_table_page_shows_its_metadata(base: str, descriptor: dict) -> None:
    status, page = fetch(f"{base}/{DATABASE}/quotes")
    assert status == 200
    quotes = next(r for r in descriptor["resources"] if r["name"] == "quotes")
    # Shown, not merely loaded: a wrong database key would leave these out of the page.
    assert quotes["description"].replace("'", "&#39;") in page
    assert COLUMN in page
    # the table's own licence and source, above its rows (not only the site's footer)
    assert page.count('<div class="metadata-description">') == 1
    about = page.split('<div class="metadata-description">')[1].split("</table>")[0]
    assert "Data license:" in about and LICENCE_LINK in about
    assert f'href="{ARTICLE}"' in about


# ---- Datasette 0.65 ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def datasette(portal_build, tmp_path_factory):
    """Datasette 0.65 as docs/outputs.md starts it: `--metadata datasette-metadata.json`."""
    folder = tmp_path_factory.mktemp("datasette")
    with serving(BIN / "datasette", portal_build, folder, "--metadata", METADATA) as base:
        yield base


@pytest.fixture(scope="module")
def descriptor(portal_build) -> dict:
    return json.loads((portal_build / "datapackage.json").read_text(encoding="utf-8"))


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


def test_datasette_065_shows_the_metadata_it_was_given(datasette, descriptor):
    assert version_of(datasette).startswith("0.65")
    status, body = fetch(f"{datasette}/-/metadata.json")
    assert status == 200
    metadata = json.loads(body)
    assert metadata["title"] == descriptor["title"]
    assert list(metadata["databases"]) == [DATABASE]
    assert_table_page_shows_its_metadata(datasette, descriptor)


# ---- Datasette 1.0 -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def datasette1(portal_build, tmp_path_factory):
    """Datasette 1.0 as docs/outputs.md starts it: `--metadata datasette-metadata.json
    --config datasette.json`."""
    python = Path(consumer_python("datasette1"))
    folder = tmp_path_factory.mktemp("datasette1")
    options = ("--metadata", METADATA, "--config", CONFIG)
    with serving(python.parent / "datasette", portal_build, folder, *options) as base:
        yield base


@pytest.mark.slow
def test_datasette_1_shows_licence_source_and_descriptions_on_a_table_page(datasette1, descriptor):
    assert version_of(datasette1).startswith("1.0")
    assert fetch(f"{datasette1}/-/metadata.json")[0] == 404  # gone in 1.0
    assert_table_page_shows_its_metadata(datasette1, descriptor)
    status, body = fetch(f"{datasette1}/{DATABASE}/quotes.json?_extra=metadata&_size=0")
    assert status == 200
    metadata = json.loads(body)["metadata"]
    assert metadata["license_url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert metadata["source_url"] == ARTICLE
    instance = json.loads(fetch(f"{datasette1}/.json")[1])["metadata"]
    assert instance["title"] == descriptor["title"]


@pytest.mark.slow
def test_datasette_1_reads_each_tables_facets_from_its_configuration(datasette1):
    status, body = fetch(f"{datasette1}/-/config.json")
    assert status == 200
    tables = json.loads(body)["databases"][DATABASE]["tables"]
    assert tables["figures"]["facets"] == ["measure", "qualifier", "status", "period_basis"]
    status, body = fetch(f"{datasette1}/{DATABASE}/figures.json?_extra=facet_results&_size=0")
    assert status == 200
    measure = json.loads(body)["facet_results"]["results"]["measure"]["results"]
    assert {item["value"]: item["count"] for item in measure} == {"change": 2, "share": 1}
