"""The benchmark script cannot rot: a run at a tiny size (seconds), through
`benchmarks/run` as a user starts it, and its parsing of `/usr/bin/time -v`.

The benchmark itself (10k to 1M figures) stays out of the test run.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import require_tool

REPO = Path(__file__).resolve().parents[2]
STEPS = (
    "synthetic corpus",
    "pipeline build",
    "pipeline validate",
    "frictionless validate",
    "build, all formats",
)


@pytest.fixture
def time_command() -> str:
    """/usr/bin/time, which benchmarks/run measures every command with."""
    path = "/usr/bin/time"
    found = path if os.access(path, os.X_OK) else None
    return require_tool(found, f"{path} not found: install Debian's time (apt-get install -y time)")


def load_bench():
    spec = importlib.util.spec_from_file_location("bench", REPO / "benchmarks" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_benchmark(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess, dict]:
    """benchmarks/run with args, one start-up run, its corpora in tmp_path/work: the
    finished process (asserted to succeed) and the results it wrote."""
    out = tmp_path / "results.json"
    done = subprocess.run(
        [str(REPO / "benchmarks" / "run"), *args, "--startup-repeat", "1"]
        + ["--out", str(out), "--work", str(tmp_path / "work")],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHON": sys.executable},
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done, json.loads(out.read_text(encoding="utf-8"))


@pytest.mark.slow
def test_benchmark_runs_at_a_tiny_size_and_writes_its_table_and_json(tmp_path, time_command):
    work = tmp_path / "work"
    done, results = run_benchmark(tmp_path, "--sizes", "12,60")
    for figures in ("12", "60"):
        at = results["sizes"][figures]
        assert at["corpus"]["rows"]["figures"] == int(figures)
        for step in STEPS:
            measured = at["steps"][step]
            assert measured["exit"] == 0, (figures, step, measured)
            assert measured["wall_s"] > 0 and measured["peak_mb"] > 0
        frictionless = at["steps"]["frictionless validate"]["wall_s"]
        build = at["steps"]["pipeline build"]["wall_s"]
        assert at["ratios"]["build_vs_frictionless"] == round(build / frictionless, 3)
    assert [g["to"] for g in results["growth"]["pipeline build"]] == [60]
    assert results["startup"]["steps"]["pipeline --help"]["exit"] == 0
    assert results["kandal"]["steps"]["frictionless validate"]["exit"] == 0
    assert results["kandal"]["steps"]["build, csv only"]["exit"] == 0
    assert results["kandal"]["steps"]["pipeline check"]["exit"] == 0
    assert "check, planted errors" not in results["sizes"]["12"]["steps"]  # too small to plant
    planted = results["sizes"]["60"]["steps"]["check, planted errors"]
    assert planted["planted"] >= 6 and planted["missed"] == 0, planted
    assert results["targets"]["planted_errors_found"] == {
        "about": load_bench().TARGETS["planted_errors_found"][0],
        "limit": 0,
        "measured": 0,
        "at_figures": 60,
        "met": True,
    }
    assert set(results["targets"]) == set(load_bench().TARGETS)
    assert results["targets"]["build_peak_mb"]["at_figures"] == 60
    table = done.stdout.splitlines()
    assert table[0].split()[:2] == ["figures", "step"]
    assert any(line.split()[:3] == ["60", "frictionless", "validate"] for line in table)
    assert not (work / "corpus-12").exists()  # corpora are removed unless --keep


def test_a_step_that_runs_out_of_time_is_stopped_and_recorded(tmp_path, time_command):
    done, results = run_benchmark(tmp_path, "--sizes", "12", "--timeout", "0.01")
    synth = results["sizes"]["12"]["steps"]["synthetic corpus"]
    assert synth["timed_out"] is True and synth["timeout_s"] == 0.01
    assert "pipeline build" not in results["sizes"]["12"]["steps"]
    assert results["stopped"][0].startswith("synthetic corpus at 12 figures: stopped after 0.01 s")
    assert results["targets"]["build_vs_frictionless"]["met"] is None


def test_time_report_is_read_in_seconds_and_megabytes():
    bench = load_bench()
    report = """\tCommand being timed: "pipeline build"
\tUser time (seconds): 61.25
\tSystem time (seconds): 3.75
\tElapsed (wall clock) time (h:mm:ss or m:ss): 1:02:03.50
\tMaximum resident set size (kbytes): 1048576
\tExit status: 0
"""
    assert bench.parse_time_report(report) == {
        "wall_s": 3723.5,
        "cpu_s": 65.0,
        "user_s": 61.25,
        "system_s": 3.75,
        "peak_mb": 1024.0,
        "exit": 0,
    }
    killed = report.replace(
        "\tExit status: 0", "\tCommand terminated by signal 9\n\tExit status: 0"
    )
    assert bench.parse_time_report(killed)["exit"] == -9
