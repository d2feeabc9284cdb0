"""Broken built packages through `pipeline validate`, as portals run it on packages
other people wrote, and through `pipeline diff`, which reads a package (from a folder
or a git revision) by the same rules: any change to the descriptor or the data files
ends with exit 0 or 1 and problems that name their file, never a traceback, and
nothing outside the package is read."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.git_helpers import commit_all, init_repository
from tests.robustness.conftest import (
    assert_human_report,
    assert_reported,
    examples,
    invoke,
    scratch,
)
from tests.robustness.mutations import break_bytes, break_csv, break_json

DATA_FILES = [
    "build/data/sources.csv",
    "build/data/actors.csv",
    "build/data/indicators.csv",
    "build/data/figures.csv",
    "build/data/statements.csv",
    "build/data/quotes.csv",
]
DESCRIPTOR = "build/datapackage.json"
UNPARSEABLE = (ValueError, RecursionError, TypeError, KeyError, IndexError, csv.Error)


def rehash(project) -> None:
    """Record every data file's size and hash again, as a careful forger would, so
    that validation goes past the integrity check to the content."""
    path = project / DESCRIPTOR
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
        resources = descriptor["resources"]
        for resource in resources:
            data = (project / "build" / resource["path"]).read_bytes()
            resource["bytes"] = len(data)
            resource["hash"] = f"sha256:{hashlib.sha256(data).hexdigest()}"
    except (*UNPARSEABLE, OSError, AttributeError):
        return
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")


def break_package(project, data) -> None:
    name = data.draw(st.sampled_from([*DATA_FILES, *DATA_FILES, DESCRIPTOR]))
    path = project / name
    how = data.draw(st.sampled_from(["bytes", "structure", "structure", "gone"]))
    try:
        if how == "gone":
            path.unlink()
        elif how == "structure" and name == DESCRIPTOR:
            break_json(path, data.draw)
        elif how == "structure":
            break_csv(path, data.draw)
        else:
            raise ValueError
    except (*UNPARSEABLE, FileNotFoundError):
        if path.is_file():
            path.write_bytes(break_bytes(path.read_bytes(), data.draw))


@settings(max_examples=examples(220))
@given(data=st.data())
def test_validate_on_a_broken_package_reports_located_problems(data, built_package):
    with scratch() as folder:
        project = folder / "project"
        shutil.copytree(built_package, project)
        for _ in range(data.draw(st.integers(1, 2))):
            break_package(project, data)
        if data.draw(st.booleans()):
            rehash(project)
        assert_reported(project, "validate")
        if data.draw(st.integers(0, 9)) == 0:
            assert_human_report(project, "validate")


@settings(max_examples=examples(100))
@given(data=st.data())
def test_diff_against_a_broken_package_reports_located_problems(data, built_package):
    with scratch() as folder:
        project = folder / "project"
        shutil.copytree(built_package, project)
        shutil.copytree(project / "build", project / "old")
        for _ in range(data.draw(st.integers(1, 2))):
            break_package(project, data)
        if data.draw(st.booleans()):
            rehash(project)
        assert_reported(project, "diff", "old", "build")
        if data.draw(st.integers(0, 9)) == 0:
            assert_human_report(project, "diff", "old", "build")


# ---- pipeline diff reads a package as validate does --------------------------------------

OUTSIDE_LINE = "outside-the-package,a line diff must never print"
CELL_LIMIT = 131_072  # the csv module's default field limit, which diff reads under
JSON_LIMIT = 16 * 1024 * 1024  # a descriptor this large is refused beside small data


@pytest.fixture
def old_and_new(tmp_path, built_package) -> Path:
    """A built project with a copy of its build in new/, to break; and outside.csv,
    beside the project (outside every package), holding OUTSIDE_LINE."""
    project = tmp_path / "project"
    shutil.copytree(built_package, project)
    shutil.copytree(project / "build", project / "new")
    (tmp_path / "outside.csv").write_text(f"source_id,note\n{OUTSIDE_LINE}\n", encoding="utf-8")
    return project


def edit_descriptor(folder: Path, change) -> None:
    path = folder / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    change(descriptor)
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")


def set_path(path: str):
    return lambda descriptor: descriptor["resources"][0].update(path=path)


def refused(project: Path, *args: str, secret: str = OUTSIDE_LINE) -> list[dict]:
    """Run diff as text and as JSON: each exits 1 without printing secret; the JSON
    report's problems."""
    text = invoke(project, "diff", *args)
    machine = invoke(project, "diff", *args, "--json")
    for result in (text, machine):
        assert result.exit_code == 1, result.output
        assert "this is a bug" not in result.output
        assert secret not in result.stdout + result.stderr
    report = json.loads(machine.stdout)
    assert report["valid"] is False and report["errors"]
    return report["errors"]


def validate_errors(project: Path, folder: str) -> list[dict]:
    result = invoke(project, "validate", folder, "--json")
    assert result.exit_code == 1, result.output
    return json.loads(result.stdout)["errors"]


@pytest.mark.parametrize(
    ("path", "secret"),
    [
        ("/etc/passwd", "root:x:0:0:"),
        ("../../outside.csv", OUTSIDE_LINE),
        ("data/../../../outside.csv", OUTSIDE_LINE),
        ("/proc/self/environ", "PATH="),
    ],
)
def test_diff_refuses_a_resource_path_outside_the_package_as_validate_does(
    old_and_new, path, secret
):
    edit_descriptor(old_and_new / "new", set_path(path))

    found = refused(old_and_new, "build", "new", secret=secret)

    assert [(e["code"], e["file"]) for e in found] == [("unsafe-path", "new/datapackage.json")]
    assert found[0]["line"] is not None and found[0]["column"] is not None
    assert repr(path) in found[0]["message"] and "expected a relative path" in found[0]["message"]
    assert found == validate_errors(old_and_new, "new")


def test_diff_refuses_a_data_file_that_is_a_symlink_out_of_the_package(old_and_new):
    sources = old_and_new / "new/data/sources.csv"
    sources.unlink()
    sources.symlink_to(old_and_new.parent / "outside.csv")

    found = refused(old_and_new, "build", "new")

    assert [(e["code"], e["file"]) for e in found] == [("outside-folder", "new/data/sources.csv")]
    assert "expected a file inside it" in found[0]["message"]
    assert found == validate_errors(old_and_new, "new")


@pytest.mark.parametrize(
    ("change", "code"),
    [
        pytest.param(lambda d: d["resources"][0].pop("name"), "contract-resource", id="no-name"),
        pytest.param(
            lambda d: d["resources"][0].update(name=["sources"]), "contract-resource", id="list"
        ),
        pytest.param(
            lambda d: d["resources"][0]["schema"].update(fields="source_id"),
            "contract-schema",
            id="fields-text",
        ),
        pytest.param(
            lambda d: d["resources"][0].update(schema="schema.json"),
            "contract-schema",
            id="schema-text",
        ),
    ],
)
def test_diff_of_a_malformed_descriptor_is_a_located_problem(old_and_new, change, code):
    edit_descriptor(old_and_new / "new", change)

    found = refused(old_and_new, "build", "new")

    [problem] = [e for e in found if e["code"] == code]
    assert "must be an object with a name" in problem["message"] or (
        "must have a schema with fields" in problem["message"]
    )
    for error in found:
        assert error["file"] == "new/datapackage.json"
        assert error["line"] is not None and error["column"] is not None


def add_long_cell(folder: Path) -> int:
    """A note of CELL_LIMIT + 1 characters in the first row of data/quotes.csv; the
    row's line."""
    path = folder / "data/quotes.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    rows[0]["note"] = "x" * (CELL_LIMIT + 1)
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return 2


def test_diff_of_a_cell_over_the_field_limit_is_a_located_problem(old_and_new):
    line = add_long_cell(old_and_new / "new")

    found = refused(old_and_new, "build", "new", secret="x" * 1000)

    assert [(e["code"], e["file"], e["line"]) for e in found] == [
        ("field-too-large", "new/data/quotes.csv", line)
    ]
    assert f"longer than {CELL_LIMIT} characters" in found[0]["message"]


def test_diff_of_a_row_with_too_few_cells_is_a_located_problem(old_and_new):
    path = old_and_new / "new/data/figures.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = "kandal-short-row,only-two\n"
    path.write_text("".join(lines), encoding="utf-8")

    found = refused(old_and_new, "build", "new")

    assert [(e["code"], e["file"], e["line"]) for e in found] == [
        ("field-count", "new/data/figures.csv", 3)
    ]
    assert "row has 2 fields; expected" in found[0]["message"]


def test_diff_of_a_file_without_a_column_both_schemas_declare_is_a_located_problem(old_and_new):
    path = old_and_new / "new/data/sources.csv"
    records = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    with path.open("w", encoding="utf-8", newline="") as file:
        kept = [name for name in records[0] if name != "publisher"]
        writer = csv.DictWriter(file, fieldnames=kept, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)

    found = refused(old_and_new, "build", "new")

    assert [(e["code"], e["file"], e["line"], e["field"]) for e in found] == [
        ("missing-column", "new/data/sources.csv", 1, "publisher")
    ]
    assert "column 'publisher' is missing; expected every column" in found[0]["message"]


# ---- the same through a git revision -------------------------------------------------


@pytest.fixture
def repository(old_and_new) -> Path:
    """The project in git with its build committed (HEAD~1); HEAD commits a changed
    build, and secret.csv, a committed file outside build/ holding OUTSIDE_LINE."""
    project = old_and_new
    shutil.rmtree(project / "new")
    (project / "secret.csv").write_text(f"source_id,note\n{OUTSIDE_LINE}\n", encoding="utf-8")
    init_repository(project)
    return project


@pytest.mark.parametrize(
    ("change", "code"),
    [
        pytest.param(set_path("/etc/passwd"), "unsafe-path", id="absolute"),
        pytest.param(set_path("../secret.csv"), "unsafe-path", id="out-of-build"),
        pytest.param(set_path("data/../../secret.csv"), "unsafe-path", id="dot-dot"),
        pytest.param(lambda d: d["resources"][0].pop("name"), "contract-resource", id="no-name"),
        pytest.param(
            lambda d: d["resources"][0]["schema"].update(fields="source_id"),
            "contract-schema",
            id="fields-text",
        ),
    ],
)
def test_diff_of_a_revision_reads_its_build_by_the_same_rules(repository, change, code):
    edit_descriptor(repository / "build", change)
    commit_all(repository, "A hostile build")

    found = refused(repository, "HEAD~1", "HEAD")

    assert code in {e["code"] for e in found}
    for error in found:
        assert error["file"] == "HEAD:build/datapackage.json"
        assert error["line"] is not None and error["column"] is not None


def test_diff_of_a_revision_refuses_a_committed_symlink(repository):
    sources = repository / "build/data/sources.csv"
    sources.unlink()
    sources.symlink_to("../../secret.csv")
    commit_all(repository, "A symlink for a data file")

    found = refused(repository, "HEAD~1", "HEAD")

    assert [(e["code"], e["file"]) for e in found] == [
        ("not-a-file", "HEAD:build/data/sources.csv")
    ]
    assert "expected a file" in found[0]["message"]


def pad_descriptor(folder: Path) -> None:
    """A description that makes the descriptor larger than JSON_LIMIT (and than all
    the package's other files)."""
    edit_descriptor(folder, lambda d: d.update(description="x" * (JSON_LIMIT + 1)))


def test_diff_refuses_a_descriptor_over_the_size_limit(old_and_new):
    pad_descriptor(old_and_new / "new")

    found = refused(old_and_new, "build", "new", secret="x" * 1000)

    assert [(e["code"], e["file"]) for e in found] == [("file-too-large", "new/datapackage.json")]


def test_diff_of_a_revision_refuses_a_descriptor_over_the_size_limit(repository):
    pad_descriptor(repository / "build")
    commit_all(repository, "A large descriptor")

    found = refused(repository, "HEAD~1", "HEAD", secret="x" * 1000)

    assert [(e["code"], e["file"]) for e in found] == [
        ("file-too-large", "HEAD:build/datapackage.json")
    ]
    assert f"expected at most {JSON_LIMIT} bytes" in found[0]["message"]


def test_diff_of_a_revision_with_a_cell_over_the_field_limit_is_located(repository):
    line = add_long_cell(repository / "build")
    commit_all(repository, "A long cell")

    found = refused(repository, "HEAD~1", "HEAD", secret="x" * 1000)

    assert [(e["code"], e["file"], e["line"]) for e in found] == [
        ("field-too-large", "HEAD:build/data/quotes.csv", line)
    ]
