"""Fixtures: small projects built in tmp_path; nothing writes into the repository."""

from __future__ import annotations

import shutil
from pathlib import Path

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
