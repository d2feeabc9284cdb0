"""docs/outputs.md's "Using the outputs": every command in its table runs as written,
from a folder laid out as the repository is after the README's build command (build/
and .venv/, the project's virtual environment, which holds the consumers extra), and
its output shows what the row says. The rows are read from the page itself, so a
command changed there is the command tested here.

Two commands need more than the folder, and the test gives it without changing the
command: Datasette is a server, so Datasette's own `--get PATH` option is appended (one
request, answered without opening a port); the CKAN row's CKAN_URL and API_KEY are
placeholders, given here as the address of a stand-in for CKAN's action API on
127.0.0.1 that records the call.
"""

from __future__ import annotations

import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.conftest import REPO, first_then_slow, require_tool

PAGE = REPO / "docs" / "outputs.md"
SECTION = "## Using the outputs"
ARTICLE = "https://phnompenhpost.com/national/kandal-crime-rate-plummets-thanks-safe-village-policy"
FIGURE_IDS = (
    "kandal-reported-crimes-change-2022",
    "kandal-reported-crimes-solved-share-2022",
    "kandal-traffic-accidents-change-2022",
)
# The rows whose command is something a person does rather than a line to run, and
# the test that does it instead.
NOT_RUN = {
    "A web browser": "tests/outputs/test_html_page.py",
}


def table_rows() -> dict[str, tuple[str, str]]:
    """consumer -> (command cell, proved-by cell), from the section's table."""
    section = PAGE.read_text(encoding="utf-8").split(SECTION, 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        if not line.startswith("| ") or line.startswith(("| consumer", "|---")):
            continue
        consumer, command, proved = (cell.strip() for cell in line.strip("|").split(" | "))
        rows[consumer] = (command, proved)
    return rows


ROWS = table_rows()


def command_of(cell: str) -> str:
    """The command of a cell that is one code span and nothing else."""
    match = re.fullmatch(r"`([^`]+)`", cell)
    assert match, f"not one command: {cell}"
    return match.group(1)


def shows_figures(output: str, _: Path) -> None:
    for figure_id in FIGURE_IDS:
        assert figure_id in output
    assert "-78.0" in output and "96.0" in output


def shows_datasette_table(output: str, _: Path) -> None:
    assert "Every place in a source that states a figure or a claim" in output
    assert '<a href="https://creativecommons.org/licenses/by/4.0/">CC-BY-4.0</a>' in output
    assert f'href="{ARTICLE}"' in output


def shows_schema_org(output: str, _: Path) -> None:
    assert "@prefix : <https://schema.org/> ." in output
    assert " a :Dataset ;" in output


def shows_dcat_downloads(output: str, build: Path) -> None:
    descriptor = json.loads((build / "datapackage.json").read_text(encoding="utf-8"))
    urls = output.split()
    for resource in descriptor["resources"]:
        assert any(url.endswith("/" + resource["path"]) for url in urls), resource["path"]


def shows_created_package(output: str, build: Path) -> None:
    dataset = json.loads((build / "ckan-package.json").read_text(encoding="utf-8"))
    assert json.loads(output)["name"] == dataset["name"]
    assert CkanStandIn.received == [("/api/action/package_create", dataset)]


def shows_provn(output: str, _: Path) -> None:
    assert output.startswith("document\n") and output.rstrip().endswith("endDocument")
    assert "kandal-crime-2022-q01" in output


def shows_valid_tables(output: str, build: Path) -> None:
    descriptor = json.loads((build / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        assert re.search(rf"│ {resource['name']} +│ table +│ \S+ +│ VALID +│", output)


# consumer -> what its command's output must show
SHOWS = {
    "Datasette": shows_datasette_table,
    "sqlite3": shows_figures,
    "DuckDB": shows_figures,
    "pandas": shows_figures,
    "JSON-LD / RDF tools": shows_schema_org,
    "DCAT harvesters": shows_dcat_downloads,
    "CKAN": shows_created_package,
    "PROV tools": shows_provn,
    "Frictionless": shows_valid_tables,
}
# What a command needs from outside the folder, given here as the test's own addition.
APPENDED = {"Datasette": " --get /kandal-crime-2022/quotes"}


def test_every_row_is_run_here_or_names_the_test_that_does_it():
    assert set(ROWS) == set(SHOWS) | set(NOT_RUN)
    for consumer, test_file in NOT_RUN.items():
        assert test_file in ROWS[consumer][1]
        assert (REPO / test_file).is_file()


class CkanStandIn(http.server.BaseHTTPRequestHandler):
    """CKAN's action API as ckanapi calls it: a POST of the action's JSON data, answered
    with {"success": true, "result": ...}; the calls are kept in `received`."""

    received: list[tuple[str, dict]] = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        CkanStandIn.received.append((self.path, body))
        answer = json.dumps({"success": True, "result": {**body, "id": "stand-in"}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


@pytest.fixture
def ckan_url():
    CkanStandIn.received = []
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), CkanStandIn) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}"
        finally:
            server.shutdown()
            thread.join(timeout=10)


@pytest.fixture
def checkout(portal_build, tmp_path) -> Path:
    """A folder as the repository root is after the README's build command: build/
    (a copy of the session's build) and .venv/ (the environment running the tests,
    which has the consumers extra)."""
    shutil.copytree(portal_build, tmp_path / "build")
    (tmp_path / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    return tmp_path


@pytest.mark.parametrize("consumer", first_then_slow(sorted(SHOWS, key=list(ROWS).index)))
def test_command_runs_as_written_and_shows_what_its_row_says(consumer, checkout, request):
    command = command_of(ROWS[consumer][0]) + APPENDED.get(consumer, "")
    if command.startswith("sqlite3 "):
        require_tool(shutil.which("sqlite3"), "sqlite3 not found: apt-get install -y sqlite3")
    if consumer == "CKAN":
        url = request.getfixturevalue("ckan_url")
        command = command.replace("CKAN_URL", url).replace("API_KEY", "test-key")
    env = {**os.environ, "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
    env.pop("PYTHONSAFEPATH", None)
    result = subprocess.run(
        ["bash", "-c", command], cwd=checkout, capture_output=True, text=True, env=env,
        timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    SHOWS[consumer](result.stdout, checkout / "build")
