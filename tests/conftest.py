"""Fixtures: small projects built in tmp_path; nothing writes into the repository.

The default run (the README's test command) is the quick one a newcomer runs: property
tests try a tenth of their examples and the tests marked `slow` are deselected. CI
(`.ci/run`, with CI=true) runs the full battery: every example (the `ci` hypothesis
profile), the `slow` tests (`pytest -m slow`), and the tests that need a program outside
Python (Chromium, /usr/bin/time), which fail there when it is missing instead of being
skipped.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import frictionless
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir

from pipeline.cli import cli

REPO = Path(__file__).resolve().parents[1]
SOURCE_ID = "kandal-crime-2022"

IN_CI = os.environ.get("CI", "").strip().lower() == "true"  # GitHub Actions sets CI=true

# ---- hypothesis: a light profile by default, the full one in CI ---------------------------

# Hypothesis caches (Unicode tables, constants) go to the system's temporary folder,
# not .hypothesis/ in the repository.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "figures-pipeline-hypothesis")

_COMMON = {
    "deadline": None,  # timing varies on shared machines; tests assert behaviour, not speed
    "database": None,  # never write .hypothesis/ into the repository
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    "print_blob": True,
}
# Each profile's share of the examples a test asks for with examples(count).
_SHARE = {"default": 0.1, "ci": 1.0, "explore": 1.0}
settings.register_profile("default", derandomize=True, **_COMMON)
settings.register_profile("ci", derandomize=True, **_COMMON)
settings.register_profile("explore", derandomize=False, **_COMMON)  # new random inputs
PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if IN_CI else "default")
if PROFILE not in _SHARE:
    raise pytest.UsageError(f"HYPOTHESIS_PROFILE={PROFILE}: expected one of {', '.join(_SHARE)}")
settings.load_profile(PROFILE)
SCALE = _SHARE[PROFILE] * float(os.environ.get("ROBUSTNESS_SCALE", "1"))


def examples(count: int) -> int:
    """How many of a property test's count examples this run tries: all in CI (the `ci`
    profile), a tenth by default, ROBUSTNESS_SCALE times that when it is set."""
    return max(1, int(count * SCALE))


def without_a_tool(found: str | None, in_ci: bool) -> str | None:
    """What a test that needs a program outside Python does where it is (not) found:
    None to run it; "skip" (the reason printed by -ra) on a machine without it; "fail"
    in CI, which must run every test."""
    if found:
        return None
    return "fail" if in_ci else "skip"


def require_tool(found: str | None, missing: str) -> str:
    """The program found, or the test skipped (failed under CI=true) saying missing."""
    outcome = without_a_tool(found, IN_CI)
    if outcome == "fail":
        pytest.fail(f"{missing} (CI=true: this test must run)", pytrace=False)
    if outcome == "skip":
        pytest.skip(f"{missing}; CI=true makes this a failure")
    return found


def first_then_slow(values: list) -> list:
    """Parametrize values for a test whose every case runs in a process of its own: the
    first case in the default run, the others marked slow (CI runs them all)."""
    return values[:1] + [pytest.param(value, marks=pytest.mark.slow) for value in values[1:]]


# ---- projects --------------------------------------------------------------------------


def copy_inputs(root: Path) -> Path:
    """The repository's contract and raw/ tree copied into root (created)."""
    root.mkdir()
    shutil.copy2(REPO / "datapackage.json", root / "datapackage.json")
    shutil.copytree(REPO / "raw", root / "raw")
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the repository's contract and raw/ tree in a fresh folder."""
    return copy_inputs(tmp_path / "project")


@pytest.fixture
def source_dir(project: Path) -> Path:
    return project / "raw" / "sources" / SOURCE_ID


@pytest.fixture
def run(monkeypatch):
    """Run the CLI in a folder, like a user typing `pipeline ...` there."""

    def invoke(folder: Path, *args: str):
        monkeypatch.chdir(folder)
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)

    return invoke


@pytest.fixture(scope="session")
def session_project(tmp_path_factory) -> Path:
    """The repository's inputs built once per session with every output, as `pipeline
    build` builds them in the project folder. Read-only: a test that changes a build
    works on a copy (the `built` fixture, or shutil.copytree)."""
    root = copy_inputs(tmp_path_factory.mktemp("session") / "project")
    before = os.getcwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(cli, ["build"], catch_exceptions=False)
    finally:
        os.chdir(before)
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def built(project: Path, session_project: Path, monkeypatch) -> Path:
    """The project, built into project/build: a copy of the session's build (and of
    whatever else the build left in its project folder), in the project folder, which
    is then the working folder as after `pipeline build` there."""
    shutil.copytree(session_project, project, symlinks=True, dirs_exist_ok=True)
    monkeypatch.chdir(project)
    return project / "build"


@pytest.fixture(scope="session")
def portal_build(session_project: Path) -> Path:
    """The session's build with every output, for the tests that load the outputs in
    their consumers; those tests only read it."""
    return session_project / "build"


@pytest.fixture(scope="session")
def csv_rows(portal_build):
    """Each resource's rows as frictionless reads the built CSVs through the descriptor:
    an independent typed reading (numbers as float, dates as datetime.date, None)."""
    from decimal import Decimal

    package = frictionless.Package(str(portal_build / "datapackage.json"))

    def rows(name: str) -> list[dict]:
        with package.get_resource(name) as resource:
            return [
                {k: float(v) if isinstance(v, Decimal) else v for k, v in row.to_dict().items()}
                for row in resource.read_rows()
            ]

    return rows
