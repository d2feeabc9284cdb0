"""Checking raw/ a batch of source folders at a time finds exactly the problems that
checking it whole finds, at the same places: also those that need rows of several
batches (an id repeated in another folder, a quote filed apart from its figure or
its snapshot, a reference to a row of another folder)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from benchmarks.synth import synthesize
from pipeline.build import check_batches, raw_keys
from pipeline.contract.model import load_contract
from pipeline.errors import InvalidInput
from pipeline.progress import Progress
from pipeline.project import Project
from tests.package_helpers import record_snapshot

REPO = Path(__file__).resolve().parents[2]


def rows_of(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def write_rows(path: Path, rows: list[dict], fields: list[str]) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """A synthetic corpus with errors planted within folders, and rows that refer to
    rows of other folders, right and wrong."""
    root = tmp_path_factory.mktemp("batches") / "corpus"
    plants = {"quote-offset": 2, "value-not-in-quote": 2, "foreign-key": 2, "duplicate-id": 1}
    synthesize(REPO, root, figures=150, seed=5, plants=plants)
    folders = sorted((root / "raw" / "sources").iterdir())
    first, second, last = folders[0], folders[1], folders[-1]
    figure_fields = list(rows_of(first / "figures.csv")[0])
    quote_fields = list(rows_of(first / "quotes.csv")[0])
    # a figure of the first folder repeated in the last (its id and its key)
    figures = rows_of(last / "figures.csv")
    write_rows(last / "figures.csv", [*figures, rows_of(first / "figures.csv")[0]], figure_fields)
    # quotes of the second folder filed in the last: one right, one whose figure's
    # value it does not state; and one in raw/quotes.csv, of the first folder
    moved = rows_of(second / "quotes.csv")
    kept, away = moved[2:], moved[:2]
    away = [{**q, "quote_id": q["quote_id"] + "-away"} for q in away]
    away[1]["figure_id"] = rows_of(second / "figures.csv")[-1]["figure_id"]
    write_rows(second / "quotes.csv", kept, quote_fields)
    # ... and the snapshot they quote changed: not what its source's row says
    snapshot = second / "snapshot.txt"
    snapshot.write_text(snapshot.read_text(encoding="utf-8").replace(" ", "  ", 1), "utf-8")
    write_rows(last / "quotes.csv", [*rows_of(last / "quotes.csv"), *away], quote_fields)
    shared = {**rows_of(first / "quotes.csv")[0], "quote_id": "shared-quote"}
    write_rows(root / "raw" / "quotes.csv", [shared], quote_fields)
    # a quote that refers to a statement of another folder that does not exist
    broken = {**rows_of(first / "quotes.csv")[-1], "quote_id": "lost", "statement_id": "none"}
    broken["figure_id"] = ""
    write_rows(first / "quotes.csv", [*rows_of(first / "quotes.csv"), broken], quote_fields)
    return root


def problems(root: Path, batch_folders: int | None, spill: Path | None = None) -> list:
    project = Project(root)
    contract = load_contract(project.contract, "datapackage.json", root)
    keys = raw_keys(project, contract, spill)
    with pytest.raises(InvalidInput) as failed:
        check_batches(project, contract, keys, Progress(), batch_folders=batch_folders)
    return failed.value.problems


def test_a_folder_a_batch_finds_what_one_batch_finds(corpus, tmp_path):
    whole = problems(corpus, None)
    codes = {p.code for p in whole}
    # planted within folders, and across them
    assert {"quote-matches-snapshot", "figure-value-in-quote", "foreign-key"} <= codes
    assert {"duplicate-id", "duplicate-key", "snapshot-hash"} <= codes
    assert any(p.file.endswith("/raw/quotes.csv") for p in whole)
    assert problems(corpus, 1) == whole
    assert problems(corpus, 3) == whole
    assert problems(corpus, 1, tmp_path / "keys") == whole  # keys on disk, files read again


def test_a_quote_away_from_its_figure_is_checked_against_it_and_reported_at_the_figure(corpus):
    found = problems(corpus, 1)
    folders = sorted((corpus / "raw" / "sources").iterdir())
    second, last = folders[1].name, folders[-1].name
    away = [p for p in found if p.code == "figure-value-in-quote" and last in p.message]
    assert away
    assert all(second in p.file and p.file.endswith("figures.csv") for p in away)
    assert all(f"{last}/quotes.csv:" in p.message for p in away)


def test_a_quote_is_not_checked_against_a_snapshot_that_is_not_its_record(corpus):
    """The second folder's snapshot was changed: reported once, at its record, and
    its quotes (those filed in another folder too) are not checked against it."""
    second = sorted((corpus / "raw" / "sources").iterdir())[1].name
    for found in (problems(corpus, 1), problems(corpus, None)):
        assert [p.code for p in found if second in p.file].count("snapshot-hash") == 1
        against = [p for p in found if p.code == "quote-matches-snapshot" and second in p.message]
        assert against == []


def test_a_figures_area_is_looked_for_in_its_source_whatever_the_batch(tmp_path):
    """A later batch's figure is checked with the area names of raw/areas.csv (read
    with the first batch), and a figure filed apart from its source (raw/figures.csv)
    against its source's snapshot, wherever that is read."""
    root = tmp_path / "corpus"
    synthesize(REPO, root, figures=60, seed=9, plants={})
    folders = sorted((root / "raw" / "sources").iterdir())
    middle, last = folders[len(folders) // 2], folders[-1]
    areas = rows_of(root / "raw" / "areas.csv")
    area_fields = list(areas[0])
    # the middle source names its area only as raw/areas.csv does (not as ISO does)
    code = rows_of(middle / "figures.csv")[0]["area_code"]
    [area] = [a for a in areas if a["area_code"] == code]
    other_name = "Z" * len(area["name"])  # the same length: every offset holds
    snapshot = middle / "snapshot.txt"
    snapshot.write_text(snapshot.read_text("utf-8").replace(area["name"], other_name), "utf-8")
    record_snapshot(middle)
    area["name"] = other_name
    write_rows(root / "raw" / "areas.csv", areas, area_fields)
    # the last source's first figure filed in raw/figures.csv, for an area it never names
    figures = rows_of(last / "figures.csv")
    text = (last / "snapshot.txt").read_text("utf-8")
    stranger = next(a for a in areas if a["name"] not in text and a["kind"] == "subdivision")
    moved = {**figures[0], "area_code": stranger["area_code"]}
    write_rows(last / "figures.csv", figures[1:], list(figures[0]))
    write_rows(root / "raw" / "figures.csv", [moved], list(figures[0]))

    for batch_folders in (None, 1):
        found = problems(root, batch_folders)
        named = [p for p in found if p.code == "area-named-in-source"]
        assert [(p.file.endswith("/raw/figures.csv"), p.line) for p in named] == [(True, 2)], (
            batch_folders,
            [p.message for p in named],
        )
