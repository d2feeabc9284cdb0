"""Fixtures: small projects built in tmp_path; nothing writes into the repository."""

from __future__ import annotations

import shutil
from pathlib import Path

# The suite builds and validates in this one process: with frictionless loaded here
# once, each of them checks its descriptor's Data Package profile at once rather than
# in a worker started for it (pipeline.check.profile.loaded_here), as a library
# caller's would; tests/test_descriptor_profile.py runs the check in a worker too.
import frictionless
import pytest
from click.testing import CliRunner

from pipeline.cli import cli

REPO = Path(__file__).resolve().parents[1]
SOURCE_ID = "kandal-crime-2022"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the repository's contract and raw/ tree in a fresh folder."""
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy2(REPO / "datapackage.json", root / "datapackage.json")
    shutil.copytree(REPO / "raw", root / "raw")
    return root


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


@pytest.fixture
def built(project: Path, run) -> Path:
    """The project, built into project/build."""
    result = run(project, "build")
    assert result.exit_code == 0, result.output
    return project / "build"


@pytest.fixture(scope="session")
def portal_build(tmp_path_factory) -> Path:
    """The repository's inputs built once with every output, for the tests that load
    the outputs in their consumers; those tests only read it."""
    from pipeline.build import build_package
    from pipeline.project import Project

    root = tmp_path_factory.mktemp("portal") / "project"
    root.mkdir()
    shutil.copy2(REPO / "datapackage.json", root / "datapackage.json")
    shutil.copytree(REPO / "raw", root / "raw")
    build_package(Project(root), root / "build")
    return root / "build"


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
