"""Reading a large raw/ tree in several processes (load_raw's jobs, `--jobs`) gives
what one process gives: the same tables, row origins and lines, snapshots, hashes
and problems in the same order, with a problem's row counted in the whole table.
The size from which processes are used is lowered here to a small corpus."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import pipeline.raw
from pipeline.contract import load_contract
from pipeline.errors import InvalidInput
from pipeline.raw import load_raw
from tests.conftest import REPO

CONTRACT = load_contract(REPO / "datapackage.json", "datapackage.json")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    from click.testing import CliRunner

    from pipeline.cli import cli

    folder = tmp_path_factory.mktemp("parallel") / "corpus"
    result = CliRunner().invoke(
        cli, ["synth", str(folder), "--figures", "120", "--project", str(REPO)]
    )
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture
def copy(corpus, tmp_path) -> Path:
    shutil.copytree(corpus, tmp_path / "corpus")
    return tmp_path / "corpus"


@pytest.fixture(autouse=True)
def small_trees_in_processes(monkeypatch):
    monkeypatch.setattr(pipeline.raw, "PARALLEL_FILES", 0)
    monkeypatch.setattr(pipeline.raw, "START_FILES", 0)


def loaded(raw: Path, jobs: int):
    """Everything load_raw gives (or its problems), in a comparable form."""
    try:
        tree = load_raw(raw, CONTRACT, "raw", jobs=jobs)
    except InvalidInput as error:
        return ("problems", [vars(p) for p in error.problems])
    tables = {
        name: (
            table.frame.astype(object).where(table.frame.notna(), None).values.tolist(),
            list(table.row_origin),
            list(table.row_line),
            [(o.display, o.kind, o.header) for o in table.origins],
            [table.locate(row, table.frame.columns[-1]) for row in range(len(table.frame))],
        )
        for name, table in tree.tables.items()
    }
    problems = [vars(p) for p in tree.problems]
    return ("tree", tables, list(tree.snapshots.items()), tree.hashes, problems)


def folders(raw: Path) -> list[Path]:
    return sorted(p for p in (raw / "sources").iterdir() if p.is_dir())


def test_the_slices_cover_every_folder_in_order():
    listed = [(f"s{i:02}", {"source.json": True, "quotes.csv": True}) for i in range(30)]

    parts = pipeline.raw._slices(listed, 3)

    assert len(parts) == 3 and all(parts)
    assert [folder for part in parts for folder in part] == listed


def test_a_clean_tree_reads_the_same_in_three_processes_as_in_one(copy):
    one = loaded(copy / "raw", 1)

    assert one[0] == "tree" and len(one[1]["figures"][0]) == 120
    assert loaded(copy / "raw", 3) == one


def test_snapshot_problems_in_later_slices_keep_their_rows_in_the_whole_table(copy):
    sources = folders(copy / "raw")
    (sources[-1] / "snapshot.txt").write_bytes(b"changed since it was recorded\n")
    (sources[0] / "snapshot.txt").write_bytes(b"changed too, in the slice read first\n")
    (sources[len(sources) // 2] / "snapshot.txt").unlink()
    (sources[-2] / "notes.txt").write_text("kept for provenance\n")

    one = loaded(copy / "raw", 1)

    assert one[0] == "tree"
    codes = [(p["code"], p["row"]) for p in one[4]]
    assert ("snapshot-hash", len(sources)) in codes  # the last row of sources
    assert ("snapshot-hash", 1) in codes
    assert [code for code, _ in codes].count("missing-file") == 1
    assert loaded(copy / "raw", 3) == one


def test_broken_files_in_any_slice_give_the_same_problems_in_the_same_order(copy):
    sources = folders(copy / "raw")
    quotes = sources[0] / "quotes.csv"
    quotes.write_text(quotes.read_text().splitlines()[0] + '\n"broken,\n')
    (sources[-1] / "source.json").write_text('{"source_id": 1, "source_id": 2}')
    record = json.loads((sources[len(sources) // 2] / "source.json").read_text())
    record["surprise"] = True
    (sources[len(sources) // 2] / "source.json").write_text(json.dumps(record))

    one = loaded(copy / "raw", 1)

    assert one[0] == "problems"
    assert {p["code"] for p in one[1]} >= {"csv-syntax", "json-value", "extra-key"}
    assert loaded(copy / "raw", 3) == one


def test_build_with_jobs_writes_the_same_bytes(run, copy, tmp_path):
    outs = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"build-{jobs}"
        result = run(copy, "build", "--formats", "csv,parquet", "--jobs", jobs, "--out", str(out))
        assert result.exit_code == 0, result.output
        outs[jobs] = {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    assert outs["1"] == outs["2"] and "figures.csv" in outs["1"]


def test_a_failing_worker_is_an_error_not_a_silent_gap(copy, tmp_path, monkeypatch):
    import sys

    broken = tmp_path / "python"
    broken.write_text("#!/bin/sh\necho 'no module named pipeline' >&2\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(broken))

    with pytest.raises(RuntimeError, match="(?s)reading source folders failed.*no module"):
        load_raw(copy / "raw", CONTRACT, "raw", jobs=2)
