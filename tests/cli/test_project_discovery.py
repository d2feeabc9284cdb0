"""Commands run outside the project's root folder find the project upwards, as git
finds its repository, or say to use --project."""

from __future__ import annotations

import json

import pytest

SOURCE = "kandal-crime-2022"


@pytest.mark.parametrize("below", ["raw", f"raw/sources/{SOURCE}"])
def test_check_in_a_folder_of_the_project_finds_the_project_above(project, run, below):
    result = run(project / below, "check")

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("raw/ is valid: 1 source, ")


def test_check_in_a_built_package_folder_finds_the_project_above_it(project, run):
    (project / "build").mkdir()
    (project / "build" / "datapackage.json").write_text("{}", encoding="utf-8")

    result = run(project / "build", "check")

    assert result.exit_code == 0, result.output


def test_locate_and_dictionary_in_a_source_folder_work_on_the_project(project, run):
    folder = project / "raw" / "sources" / SOURCE

    located = run(folder, "locate", SOURCE, "Kandal province declined by 78 per cent")
    dictionary = run(folder, "dictionary")

    assert located.exit_code == 0, located.output
    assert "snapshot.txt: 1 hit (exact)" in located.stdout
    assert dictionary.exit_code == 0 and "### `sources`" in dictionary.stdout


@pytest.mark.parametrize(
    "command",
    [("check",), ("build",), ("dictionary",), ("locate", SOURCE, "crime"), ("diff",)],
    ids=lambda command: command[0],
)
def test_outside_any_project_says_to_use_project(tmp_path, run, command):
    (tmp_path / "elsewhere").mkdir()

    result = run(tmp_path / "elsewhere", *command, "--json")

    assert result.exit_code == 2, result.output
    [error] = json.loads(result.stdout)["errors"]
    assert error["code"] == "no-project"
    assert "--project DIR" in error["message"]
    assert str(tmp_path / "elsewhere") in error["message"]


def test_project_given_is_used_as_it_is(project, run, tmp_path):
    result = run(tmp_path, "check", "--project", str(project))

    assert result.exit_code == 0, result.output


def test_diff_of_two_folders_needs_no_project(tmp_path, run, session_project):
    import shutil

    shutil.copytree(session_project / "build", tmp_path / "old")
    shutil.copytree(session_project / "build", tmp_path / "new")

    result = run(tmp_path, "diff", "old", "new", "--exit-code")

    assert result.exit_code == 0, result.output
