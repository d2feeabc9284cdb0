"""Generated names and paths in the places where they become file paths: the contract's
package name, resource names and paths, source ids (check and build), and a built
package's resource paths, names and schemas (diff, and validate on some). Whatever they
hold, the run ends with exit 0, 1 or 2 and located problems, writes nothing outside the
project, and prints nothing of a file outside the package.

Generated paths climb at most mutations.MAX_UP folders and are absolute only into a
watched folder (mutations.OUTSIDE), and the project is nested deeper than that in a
scratch folder: whatever a hole lets through lands in the scratch folder, where the
test sees it, and never elsewhere on the machine.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import shutil
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.robustness.conftest import (
    SOURCE,
    assert_reported,
    assert_unchanged,
    copy_project,
    examples,
    files_under,
    scratch,
)
from tests.robustness.mutations import (
    NESTING,
    folder_name,
    mutate_descriptor,
    path_values,
    place_outside,
    read_rows,
    write_rows,
)

PLACES = ["package-name", "resource-name", "resource-path", "source-id"]
NAME = re.compile(r"[a-z0-9._-]+")  # the Data Package name rule's characters


def nested(folder: Path) -> Path:
    """A folder NESTING levels below folder, holding outside/ (watched, with a secret)."""
    deep = folder.joinpath(*[f"n{level}" for level in range(NESTING)])
    (deep / "outside").mkdir(parents=True)
    return deep


def plant_secret(outside: Path, header: str) -> str:
    """A CSV outside the project with a resource's header and a row holding a token that
    must never be printed."""
    token = f"secret-{secrets.token_hex(8)}"
    cells = [token] + [""] * header.count(",")
    (outside / "secret.csv").write_text(f"{header}\n{','.join(cells)}\n", encoding="utf-8")
    return token


def build_outputs(project: Path) -> set[Path]:
    """What a build may write in the project: build/ and the folders beside it."""
    return {p for p in project.iterdir() if p.name == "build" or p.name.startswith(".build")}


def put_in_contract(project: Path, place: str, value, resource: int) -> None:
    path = project / "datapackage.json"
    contract = json.loads(path.read_text(encoding="utf-8"))
    if place == "package-name":
        contract["name"] = value
    else:
        contract["resources"][resource][place.removeprefix("resource-")] = value
    path.write_text(json.dumps(contract, indent=2, ensure_ascii=False), encoding="utf-8")


def put_source_id(project: Path, value: str) -> None:
    """The source's id in source.json and quotes.csv, and as its folder's name where a
    folder can be called that."""
    folder = project / SOURCE
    record = json.loads((folder / "source.json").read_text(encoding="utf-8"))
    record["source_id"] = value
    (folder / "source.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    rows = read_rows(folder / "quotes.csv")
    column = rows[0].index("source_id")
    for row in rows[1:]:
        row[column] = value
    write_rows(folder / "quotes.csv", rows)
    name = folder_name(value)
    if name is not None:
        folder.rename(folder.parent / name)


def must_be_refused(place: str, value: str) -> bool:
    """Whether value is, beyond doubt, no name or no safe path there: a name with a
    character outside the Data Package name rule's (lower-case letters, digits, "-",
    "_", "."), "." or "..", or a device name Windows reserves; a resource path that is
    absolute or climbs with "..". (Values in between, such as "a.", are left to the
    rules; either answer passes.)"""
    if place == "resource-path":
        return value.startswith("/") or ".." in value.split("/")
    stem = value.split(".")[0].lower()
    reserved = stem in {"con", "prn", "aux", "nul"} or re.fullmatch(r"(com|lpt)[1-9]", stem)
    return not NAME.fullmatch(value) or value in (".", "..") or bool(reserved)


def hostile_project(folder: Path, data) -> tuple[Path, Path, str, str, str]:
    """A project with one generated value where a name or path is expected; its folder,
    the watched outside folder, the token that must not be printed, where the value is
    and the value."""
    deep = nested(folder)
    outside = deep / "outside"
    project = copy_project(deep)
    header = (project / "raw/actors.csv").read_text(encoding="utf-8").splitlines()[0]
    token = plant_secret(outside, header)
    escapes = ["<outside>/secret.csv", "../../outside/secret.csv", "../outside/secret.csv"]
    value = data.draw(st.one_of(path_values(), st.sampled_from(escapes)))
    value = place_outside(value, outside)
    place = data.draw(st.sampled_from(PLACES))
    if place == "source-id":
        put_source_id(project, value)
    else:
        put_in_contract(project, place, value, data.draw(st.integers(0, 5)))
    return project, outside, token, place, value


def assert_run_is_safe(folder: Path, project: Path, command: str, token: str) -> dict:
    """Run command with --json: the robustness property, nothing changed around the
    project or in its inputs, and the secret not printed."""
    around = files_under(folder, {project})
    before = files_under(project, build_outputs(project))

    report = assert_reported(project, command)

    assert_unchanged(around, files_under(folder, {project}), "around the project")
    assert_unchanged(before, files_under(project, build_outputs(project)), "in the project")
    assert token not in json.dumps(report, ensure_ascii=False)
    return report


def assert_refused_where_written(report: dict, place: str, value: str) -> None:
    """A value that is no name (or no safe path) is refused, at the file that holds it."""
    if not must_be_refused(place, value):
        return
    assert report.get("valid") is False, f"{place} {value!r} was accepted"
    files = {e["file"] for e in report["errors"]}
    if place == "source-id":
        assert any(f.startswith("raw/sources/") for f in files), report["errors"]
    else:
        assert "datapackage.json" in files, report["errors"]


@settings(max_examples=examples(30))
@given(data=st.data())
def test_check_on_names_and_paths_that_become_paths_reports_located_problems(data):
    with scratch() as folder:
        project, _, token, place, value = hostile_project(folder, data)
        report = assert_run_is_safe(folder, project, "check", token)
        assert_refused_where_written(report, place, value)


@settings(max_examples=examples(8))
@given(data=st.data())
def test_build_on_names_and_paths_that_become_paths_writes_nothing_outside(data):
    with scratch() as folder:
        project, _, token, place, value = hostile_project(folder, data)
        report = assert_run_is_safe(folder, project, "build", token)
        assert_refused_where_written(report, place, value)


# ---- diff on a built package whose descriptor was changed --------------------------------


def rehash_where_possible(build: Path, descriptor: dict) -> None:
    """Each resource's size and hash as its path's file has them, where it has one (a
    careful forger's package), so that only the paths stand in the way."""
    for resource in descriptor.get("resources", []):
        if not isinstance(resource, dict) or not isinstance(resource.get("path"), str):
            continue
        try:
            data = (build / resource["path"]).read_bytes()
        except (OSError, ValueError):
            continue
        resource["bytes"], resource["hash"] = (
            len(data),
            f"sha256:{hashlib.sha256(data).digest().hex()}",
        )


@settings(max_examples=examples(25))
@given(data=st.data())
def test_diff_on_a_package_with_changed_paths_names_and_schemas_shows_nothing_outside(
    data, built_package
):
    with scratch() as folder:
        deep = nested(folder)
        outside = deep / "outside"
        project = deep / "project"
        shutil.copytree(built_package, project)
        old = deep / "old"
        shutil.copytree(project / "build", old)
        header = (old / "data/actors.csv").read_text(encoding="utf-8").splitlines()[0]
        token = plant_secret(outside, header)
        path = project / "build/datapackage.json"
        descriptor = json.loads(path.read_text(encoding="utf-8"))
        escapes = [str(outside / "secret.csv"), "../../outside/secret.csv", "/etc/passwd"]
        for _ in range(data.draw(st.integers(1, 2))):
            descriptor = mutate_descriptor(descriptor, data.draw, escapes)
        descriptor = json.loads(place_outside(json.dumps(descriptor), outside))
        if data.draw(st.booleans()):
            rehash_where_possible(project / "build", descriptor)
        path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False), encoding="utf-8")
        around = files_under(folder, {project})

        report = assert_reported(project, "diff", str(old), "build")

        assert_unchanged(around, files_under(folder, {project}), "around the project")
        shown = json.dumps(report, ensure_ascii=False)
        if data.draw(st.integers(0, 2)) == 0:  # validate reads packages the same way
            shown += json.dumps(assert_reported(project, "validate"), ensure_ascii=False)
        assert token not in shown
        assert "root:x:0:0" not in shown  # /etc/passwd's first line
