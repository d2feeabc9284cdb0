"""What the benchmark's `pipeline validate` is compared on, proved at a small size:
errors planted in a built package are found by `pipeline validate` wherever
`frictionless validate` finds them (same file and row), and the quote errors
that only a snapshot can show are found by `pipeline validate` alone."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import frictionless
import pytest

from tests.package_helpers import rehash, synth_corpus

REPO = Path(__file__).resolve().parents[1]


def edit_rows(path: Path, edit) -> None:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    edit(rows[0], rows[1:])
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


@pytest.fixture
def planted(run, tmp_path):
    """A built synthetic package with four errors planted in its CSVs: a value that is
    not a number, a repeated figure id, a quote of an unknown figure, and a quote whose
    text is not what its snapshot has at its offsets. Returns the build and the
    (file, line) of each."""
    corpus = tmp_path / "corpus"
    made = synth_corpus(tmp_path, str(corpus), "--figures", "80", "--seed", "5", "--project", REPO)
    assert made.exit_code == 0, made.output
    assert run(corpus, "build", "--formats", "csv").exit_code == 0
    build = corpus / "build"
    places = {}

    def figures(header, rows):
        value, figure_id = header.index("value"), header.index("figure_id")
        rows[10][value] = "about ten"
        rows[20][figure_id] = rows[19][figure_id]
        places["type"] = ("data/figures.csv", 12)
        places["duplicate"] = ("data/figures.csv", 22)

    def quotes(header, rows):
        figure_id, text = header.index("figure_id"), header.index("text")
        with_figure = [i for i, row in enumerate(rows) if row[figure_id]]
        rows[with_figure[5]][figure_id] = "no-such-figure"
        rows[with_figure[30]][text] = rows[with_figure[30]][text].replace(" ", "  ", 1)
        places["foreign"] = ("data/quotes.csv", with_figure[5] + 2)
        places["quote"] = ("data/quotes.csv", with_figure[30] + 2)

    edit_rows(build / "data/figures.csv", figures)
    edit_rows(build / "data/quotes.csv", quotes)
    rehash(build)
    return corpus, places


def frictionless_places(build: Path) -> set[tuple[str, int]]:
    report = frictionless.validate(str(build / "datapackage.json"))
    found = set()
    for task in report.tasks:
        for error in task.errors:
            if getattr(error, "row_number", None):
                found.add((task.place, error.row_number))  # the path as the descriptor has it
    return found


def test_pipeline_validate_finds_every_planted_error_frictionless_finds_and_the_quote(planted, run):
    corpus, places = planted

    result = run(corpus, "validate", "--json")
    theirs = frictionless_places(corpus / "build")

    assert result.exit_code == 1
    errors = json.loads(result.stdout)["errors"]
    ours = {(e["file"].removeprefix("build/"), e["line"]) for e in errors}
    assert {places["type"], places["duplicate"], places["foreign"]} <= theirs
    assert theirs <= ours  # everything frictionless finds, at the same file and row
    assert places["quote"] in ours and places["quote"] not in theirs  # only we read snapshots
    codes = {(e["file"].removeprefix("build/"), e["line"]): e["code"] for e in errors}
    assert codes[places["type"]] == "type-error"
    assert codes[places["foreign"]] == "foreign-key"
    assert codes[places["quote"]] == "quote-matches-snapshot"


def test_validating_a_piece_of_each_file_at_a_time_finds_the_same(planted):
    """A package is validated a piece of each file at a time; with pieces of a few
    rows, problems that need rows of other pieces (a repeated id, a quote of a figure
    read pieces before) are found at the same places as in one piece."""
    from pipeline.errors import sorted_problems
    from pipeline.validate import validate_package

    corpus = planted[0]
    build, snapshots = corpus / "build", corpus / "raw" / "sources"
    whole = validate_package(build, snapshots, piece_bytes=1 << 30)
    pieces = validate_package(build, snapshots, piece_bytes=700)  # a few rows a piece

    assert {p.code for p in whole.problems} >= {"type-error", "duplicate-id", "foreign-key"}
    assert sorted_problems(pieces.problems) == sorted_problems(whole.problems)
    assert pieces.rows == whole.rows
