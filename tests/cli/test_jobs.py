"""`--jobs N` caps the columnar engine's threads (POLARS_MAX_THREADS, Arrow's CPU and
I/O pools) and changes nothing else: the same bytes built, the same problems found."""

from __future__ import annotations

import json
import os

import pyarrow
import pytest

from tests.package_helpers import rehash


@pytest.fixture
def arrow_threads():
    """Arrow's thread counts as they were before the test, put back after it."""
    before = pyarrow.cpu_count(), pyarrow.io_thread_count()
    yield
    pyarrow.set_cpu_count(before[0])
    pyarrow.set_io_thread_count(before[1])


def files_under(folder) -> dict:
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_jobs_sets_the_engine_thread_counts(project, run, monkeypatch, arrow_threads):
    monkeypatch.delenv("POLARS_MAX_THREADS", raising=False)

    result = run(project, "check", "--jobs", "3")

    assert result.exit_code == 0, result.output
    assert (pyarrow.cpu_count(), pyarrow.io_thread_count()) == (3, 3)
    assert os.environ["POLARS_MAX_THREADS"] == "3"


def test_jobs_must_be_a_positive_whole_number(project, run):
    result = run(project, "build", "--jobs", "0")

    assert result.exit_code == 2
    assert "--jobs" in result.output


def test_build_writes_the_same_bytes_whatever_jobs(
    project, run, tmp_path, monkeypatch, arrow_threads
):
    monkeypatch.delenv("POLARS_MAX_THREADS", raising=False)
    outs = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"build-{jobs}"
        result = run(
            project, "build", "--formats", "csv,parquet", "--jobs", jobs, "--out", str(out)
        )
        assert result.exit_code == 0, result.output
        outs[jobs] = files_under(out)

    assert outs["1"] == outs["2"]
    assert any(path.name == "figures.parquet" for path in outs["1"])


def test_validate_finds_the_same_whatever_jobs(built, run, monkeypatch, arrow_threads):
    monkeypatch.delenv("POLARS_MAX_THREADS", raising=False)
    figures = built / "data" / "figures.csv"  # a value its quotes do not state, a bad period
    text = figures.read_text("utf-8").replace(",change,-78,", ",change,-77,", 1)
    figures.write_text(text.replace(",KH-8,2022,", ",KH-8,20x2,", 1), "utf-8")
    rehash(built)

    reports = [run(built.parent, "validate", "build", "--json", "--jobs", jobs) for jobs in "12"]

    assert [r.exit_code for r in reports] == [1, 1]
    found = [json.loads(r.output)["errors"] for r in reports]
    assert found[0] == found[1]
    assert {"figure-value-in-quote", "period-is-iso-8601"} <= {p["code"] for p in found[0]}
