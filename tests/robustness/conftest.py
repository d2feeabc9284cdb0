"""Shared pieces of the robustness suite: fresh copies of the project and of a built
package, and the one property every run must have: it ends with exit 0, 1 or 2 and,
on failure, problems that name their file.

The hypothesis profiles are tests/conftest.py's: reproducible, a tenth of the examples
by default and all of them in CI (CI=true, or HYPOTHESIS_PROFILE=ci). Explore with new
random inputs and more of them:
    HYPOTHESIS_PROFILE=explore ROBUSTNESS_SCALE=10 .venv/bin/python -m pytest tests/robustness
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from tests.conftest import copy_inputs
from tests.conftest import examples as examples  # the property tests import it from here

REPO = Path(__file__).resolve().parents[2]
SOURCE = "raw/sources/kandal-crime-2022"

# Problems about a whole file (no line to point at) rather than a place in it.
FILE_LEVEL = {
    "missing-file",
    "not-a-file",
    "file-too-large",
    "unreadable-file",
    "unreadable-folder",
    "outside-folder",
    "bytes-mismatch",
    "hash-mismatch",
    "json-too-deep",
    "missing-column",
    "empty-file",
}
PROBLEM_LINE = re.compile(r"\S.*?: .+ \[[a-z0-9-]+\]")


def copy_project(into: Path) -> Path:
    return copy_inputs(into / "project")


@contextmanager
def scratch():
    """A fresh temporary folder per hypothesis example (tmp_path is per test)."""
    with tempfile.TemporaryDirectory(prefix="robustness-") as folder:
        yield Path(folder)


@contextmanager
def working_folder(folder: Path):
    before = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def invoke(folder: Path, *args: str):
    """Run the CLI in folder; a Python exception escapes (and fails the test)."""
    with working_folder(folder):
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def files_under(folder: Path, leave_out=()) -> dict[str, bytes]:
    """Every file below folder and its bytes (a symlink's target for a symlink, which
    is not followed), but for the folders in leave_out: to compare before and after."""
    found = {}
    for root, folders, names in os.walk(folder):
        folders[:] = [f for f in folders if Path(root, f) not in leave_out]
        for name in names + [f for f in folders if Path(root, f).is_symlink()]:
            path = Path(root, name)
            found[os.fsdecode(path.relative_to(folder))] = (
                os.fsencode(os.readlink(path)) if path.is_symlink() else path.read_bytes()
            )
    return found


def assert_unchanged(before: dict, after: dict, where: str) -> None:
    """Two files_under of one folder hold the same files with the same bytes."""
    added = sorted(set(after) - set(before))
    lost = sorted(set(before) - set(after))
    changed = sorted(k for k in set(before) & set(after) if before[k] != after[k])
    assert not (added or lost or changed), f"{where}: added {added}, lost {lost}, changed {changed}"


def count_lines(path: Path) -> int:
    text = path.read_bytes().decode("utf-8", "replace")
    return len(re.split(r"\r\n|\r|\n", text))


def assert_reported(folder: Path, *args: str) -> dict:
    """Run a command with --json and check the property every run must have; returns
    the report. On failure every problem names a file, and one in a CSV file names its
    line (within the file) unless it is about the whole file."""
    result = invoke(folder, *args, "--json")
    assert result.exit_code in (0, 1, 2), result.output
    if result.exit_code == 2:
        assert "Error" in result.stderr or result.stdout, result.output
        return {}
    report = json.loads(result.stdout)
    assert report["valid"] is (result.exit_code == 0)
    if result.exit_code == 1:
        assert report["errors"], "exit 1 with no problem"
    for error in report["errors"]:
        assert error["file"], f"a problem that names no file: {error}"
        assert error["message"] and error["code"]
        path = folder / error["file"]
        if error["file"].endswith(".csv") and error["code"] not in FILE_LEVEL:
            assert error["line"] is not None, f"a problem in a CSV file with no line: {error}"
        if error["line"] is not None and path.is_file():
            assert 1 <= error["line"] <= count_lines(path), f"line outside the file: {error}"
    return report


def assert_human_report(folder: Path, *args: str) -> None:
    """The human report: exit 0, 1 or 2; each stderr line a problem, a note or the summary."""
    result = invoke(folder, *args)
    assert result.exit_code in (0, 1, 2), result.output
    if result.exit_code == 1:
        *problems, summary = result.stderr.splitlines()
        assert re.fullmatch(r"\d+ problems? in \d+ files?", summary), summary
        for line in problems:
            assert line.startswith("note: ") or PROBLEM_LINE.fullmatch(line), line


@pytest.fixture(scope="session")
def built_package(session_project) -> Path:
    """A project built once for the session (tests/conftest.py's); tests copy it before
    changing it."""
    return session_project
