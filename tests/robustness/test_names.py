"""Names that become paths: the package name (<name>.db), resource names
(raw/<name>.csv) and source ids (raw/sources/<source_id>/) are refused by `check`,
`build` and `add-source` when they are not plain, portable names, before anything
is written, at the place the name is written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.robustness.conftest import SOURCE, copy_project, invoke

NOT_PLAIN = ["../../x", "a/b", ".", "..", ".hidden", "", "Kandal", "x y", "-x"]
DEVICE_NAMES = ["aux", "con", "nul", "prn", "com1", "lpt9", "aux.db", "nul.tar.gz"]


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(tmp_path)


def edit_json(path: Path, change) -> str:
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    text = json.dumps(document, indent=2, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return text


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def files_outside(tmp_path: Path, project: Path) -> set[Path]:
    return {p for p in tmp_path.rglob("*") if not p.is_relative_to(project)}


def refused(project: Path, *args: str) -> list[dict]:
    result = invoke(project, *args, "--json")
    assert result.exit_code == 1, result.output
    return json.loads(result.stdout)["errors"]


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize("name", ["/ABSOLUTE/victim-app", *NOT_PLAIN, *DEVICE_NAMES, "CON", 5])
def test_package_name_that_is_not_a_plain_portable_name_is_refused_before_any_write(
    tmp_path, project, command, name
):
    if name == "/ABSOLUTE/victim-app":
        name = str(tmp_path / "victim-app")  # the SQLite file would be victim-app.db here
    text = edit_json(project / "datapackage.json", lambda d: d.update(name=name))
    before = files_outside(tmp_path, project)

    [error] = refused(project, command)

    assert error["code"] == "contract-package-name"
    assert error["file"] == "datapackage.json"
    assert error["line"] == line_of(text, '"name"') and error["column"] == 3
    assert repr(name) in error["message"] and "expected" in error["message"]
    assert not (project / "build").exists()
    assert files_outside(tmp_path, project) == before


def test_package_without_a_name_is_refused_at_line_1(project):
    edit_json(project / "datapackage.json", lambda d: d.pop("name"))

    [error] = refused(project, "build")

    assert (error["code"], error["file"], error["line"]) == (
        "contract-package-name",
        "datapackage.json",
        1,
    )
    assert "no name" in error["message"] and "expected" in error["message"]
    assert not (project / "build").exists()


@pytest.mark.parametrize("name", ["aux", "con.x", "nul", "com9"])
def test_resource_name_that_is_a_device_name_is_refused(project, name):
    extra = {"name": name, "path": "data/extra.csv", "schema": {"fields": [{"name": "id"}]}}
    text = edit_json(project / "datapackage.json", lambda d: d["resources"].append(extra))

    [error] = refused(project, "check")

    assert error["code"] == "contract-resource-name"
    assert error["line"] == line_of(text, json.dumps(name))
    assert repr(name) in error["message"] and "Windows" in error["message"]


@pytest.mark.parametrize("source_id", ["aux", "con", "nul", "lpt1"])
def test_source_id_that_is_a_device_name_is_refused_at_its_key(project, source_id):
    record = project / SOURCE / "source.json"
    text = edit_json(record, lambda d: d.update(source_id=source_id))

    found = refused(project, "check")

    [error] = [e for e in found if e["code"] == "unsafe-path"]
    assert error["file"] == f"{SOURCE}/source.json"
    assert error["line"] == line_of(text, '"source_id"')
    assert repr(source_id) in error["message"] and "Windows" in error["message"]


@pytest.mark.parametrize("folder", ["aux", "CON", ".hidden", "x y"])
def test_source_folder_whose_name_cannot_be_a_source_id_is_refused(project, folder):
    shutil.move(project / SOURCE, project / "raw" / "sources" / folder)

    found = refused(project, "build")

    assert [(e["code"], e["file"]) for e in found] == [("unsafe-path", f"raw/sources/{folder}")]
    assert repr(folder) in found[0]["message"] and "expected" in found[0]["message"]
    assert not (project / "build").exists()


@pytest.mark.parametrize("source_id", ["aux", "nul", "com1"])
def test_add_source_refuses_a_device_name_as_id_and_writes_nothing(tmp_path, project, source_id):
    article = tmp_path / "article.txt"
    article.write_text("Thefts rose by 12 per cent.", encoding="utf-8")

    result = invoke(project, "add-source", str(article), "--id", source_id)

    assert result.exit_code == 2, result.output
    assert repr(source_id) in result.stderr and "Windows" in result.stderr
    assert not (project / "raw" / "sources" / source_id).exists()


def test_add_source_refuses_a_file_named_as_a_device(tmp_path, project):
    article = tmp_path / "con.txt"
    article.write_text("Thefts rose by 12 per cent.", encoding="utf-8")

    result = invoke(project, "add-source", str(article))

    assert result.exit_code == 2, result.output
    assert "'con'" in result.stderr and "--id" in result.stderr
    assert not (project / "raw" / "sources" / "con").exists()
