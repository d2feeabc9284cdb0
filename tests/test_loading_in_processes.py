"""Reading a large raw/ tree in several processes (load_raw's jobs, `--jobs`) gives
what one process gives: the same tables, row origins and lines, snapshots, hashes
and problems in the same order, with a problem's row counted in the whole table.
The sizes from which processes are used (and the quote numbers worked out in a
forked copy) are lowered here to a small corpus."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pipeline.checks
import pipeline.raw
from pipeline.contract import load_contract
from pipeline.errors import InvalidInput
from pipeline.raw import load_raw
from tests.conftest import REPO
from tests.package_helpers import rehash

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
    import pipeline.load_worker

    monkeypatch.setattr(pipeline.raw, "PARALLEL_FILES", 0)
    monkeypatch.setattr(pipeline.raw, "START_FILES", 0)
    monkeypatch.setattr(pipeline.checks, "ASIDE_QUOTES", 0)  # the quote numbers in a fork
    monkeypatch.setattr(pipeline.load_worker, "_jobs", 2)  # on a machine of one CPU too


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

    with pytest.raises(RuntimeError, match="(?s)reading files for us failed.*no module"):
        load_raw(copy / "raw", CONTRACT, "raw", jobs=2)


def validated(package: Path, snapshots: Path, ahead: bool, monkeypatch) -> tuple:
    import pipeline.validate

    monkeypatch.setattr(pipeline.validate, "READ_AHEAD_SNAPSHOTS", 0 if ahead else 1 << 40)
    report = pipeline.validate.validate_package(package, snapshots)
    return [vars(p) for p in report.problems], report.skipped, report.rows


def test_validate_reading_snapshots_ahead_finds_the_same(run, copy, tmp_path, monkeypatch):
    package = tmp_path / "package"
    result = run(copy, "build", "--formats", "csv", "--out", str(package))
    assert result.exit_code == 0, result.output
    snapshots = copy / "raw" / "sources"
    clean = validated(package, snapshots, True, monkeypatch)
    assert clean[0] == [] and clean[2]["quotes"] > 0
    assert clean == validated(package, snapshots, False, monkeypatch)

    sources = folders(copy / "raw")
    (sources[0] / "snapshot.txt").write_bytes(b"\xef\xbb\xbfa byte order mark\n")
    (sources[1] / "snapshot.txt").unlink()
    (sources[2] / "snapshot.txt").write_bytes(b"changed\n")
    recorded = {}  # a snapshot that is not UTF-8, recorded with its true hash and size
    for folder, data in ((sources[0], None), (sources[-1], b"\xff not UTF-8\n")):
        if data is not None:
            (folder / "snapshot.txt").write_bytes(data)
        data = (folder / "snapshot.txt").read_bytes()
        recorded[folder.name] = (hashlib.sha256(data).hexdigest(), str(len(data)))
    table = pd.read_csv(package / "data" / "sources.csv", dtype=str, keep_default_na=False)
    for name, (digest, size) in recorded.items():
        table.loc[table["source_id"] == name, ["sha256", "bytes"]] = [digest, size]
    table.to_csv(package / "data" / "sources.csv", index=False, lineterminator="\n")
    rehash(package)

    damaged = validated(package, snapshots, True, monkeypatch)

    codes = [p["code"] for p in damaged[0]]
    assert {"snapshot-hash", "missing-file", "byte-order-mark", "encoding-error"} <= set(codes)
    assert damaged == validated(package, snapshots, False, monkeypatch)


def test_validate_whose_snapshot_reader_fails_is_an_error_not_a_check_problem(
    run, copy, tmp_path, monkeypatch
):
    """The snapshots are waited for while the checks run (the quote checks need them):
    a reader that failed stops validation, as it did when they were waited for first."""
    import sys

    import pipeline.validate

    package = tmp_path / "package"
    assert run(copy, "build", "--formats", "csv", "--out", str(package)).exit_code == 0
    broken = tmp_path / "python"
    broken.write_text("#!/bin/sh\necho 'no module named pipeline' >&2\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(broken))
    monkeypatch.setattr(pipeline.validate, "READ_AHEAD_SNAPSHOTS", 0)
    monkeypatch.setattr(pipeline.load_worker, "_jobs", 2)
    with pytest.raises(RuntimeError, match="(?s)reading files for us failed.*no module"):
        pipeline.validate.validate_package(package, copy / "raw" / "sources")


def test_numbers_of_many_texts_read_in_two_processes_are_those_read_in_one(monkeypatch):
    import pipeline.stated_numbers as stated

    texts = pd.Series(
        [
            "Crime fell 78 per cent, almost 96% were solved",
            "",
            "up by ten percent on 2021, about 1,200 cases",
            "nearly two hundred and five accidents, 3.5 %",
            "no number here",
            "more than 40 per cent and less than 7",
        ]
        * 7,
        dtype="string",
    )
    monkeypatch.setattr(stated, "PARALLEL_TEXTS", 1 << 40)
    one = stated.stated_numbers(texts)
    monkeypatch.setattr(stated, "PARALLEL_TEXTS", 0)

    two = stated.stated_numbers(texts)

    pd.testing.assert_frame_equal(two.found, one.found)
    assert "".join(two.parts) == "".join(one.parts) and len(two.parts) == 2
    rows = np.arange(len(one.found))
    assert two.qualifiers(rows) == one.qualifiers(rows)
    assert {"almost", "approximately"} <= set(one.qualifiers(rows))  # "about" reads so


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_build_whose_check_fails_while_it_writes_replaces_nothing(run, copy, tmp_path, jobs):
    """With more than one job the CSVs are written while the tables are checked: a
    failed check still leaves the previous build as it was, and no staging folder."""
    out = tmp_path / "build"
    assert run(copy, "build", "--formats", "csv", "--out", str(out)).exit_code == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    figures = folders(copy / "raw")[-1] / "figures.csv"
    lines = figures.read_text().splitlines()
    figures.write_text("\n".join([lines[0], lines[1].replace(",", ",x", 1), *lines[2:]]) + "\n")

    result = run(copy, "build", "--formats", "csv", "--out", str(out), "--jobs", jobs)

    assert result.exit_code == 1, result.output
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build", "corpus"]
