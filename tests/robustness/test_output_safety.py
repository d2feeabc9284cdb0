"""Output that cannot hurt its readers: text cells that spreadsheets would run as
formulas are guarded with a leading ' (and read back exactly), every JSON the
pipeline writes is valid UTF-8 for any string it can hold, no file is written
outside the folder being written (pipeline.files.path_inside), and a build
replaces only a folder that a build wrote (its marker), never a user's."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import frictionless
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from pipeline.assemble.csv import write_csv
from pipeline.assemble.package import write_json
from pipeline.assemble.spreadsheet import (
    FORMULA_STARTS,
    GUARD,
    guard_cell,
    guard_frame,
    unguard_table,
)
from pipeline.contract.model import load_contract
from pipeline.errors import InvalidInput, Problem
from pipeline.files import LONE_SURROGATE, decode_utf8, parse_json, write_inside
from pipeline.load.tables import parse_csv_table
from tests.robustness.conftest import REPO, SOURCE, copy_project, examples, invoke, scratch

BIN = Path(sys.executable).parent
CONTRACT = load_contract(REPO / "datapackage.json", "datapackage.json")
ACTORS = CONTRACT.resource("actors")
FORMULAS = ["=1+1", '=HYPERLINK("http://example.org","x")', "+1", "-1", "@SUM(A1)", "\tx", "\rx"]


@settings(max_examples=examples(1000))
@given(text=st.text())
def test_guarded_cell_never_starts_a_formula_and_unguards_to_itself(text):
    guarded = guard_cell(text)
    assert not guarded.startswith(FORMULA_STARTS)
    assert (guarded[1:] if guarded.startswith(GUARD) else guarded) == text


@settings(max_examples=examples(300))
@given(
    rows=st.lists(
        st.lists(
            st.one_of(
                st.none(),
                st.sampled_from(FORMULAS + ["'", "''x", "a,b", '"', "\r\n"]),
                st.text(
                    st.characters(exclude_categories=["Cs"], exclude_characters="\0"), min_size=1
                ),
            ),
            min_size=len(ACTORS.fields),
            max_size=len(ACTORS.fields),
        ),
        max_size=5,
    )
)
def test_any_text_cells_survive_write_guard_read_unguard_exactly(rows):
    names = ACTORS.field_names
    frame = pl.DataFrame(
        {n: [r[i] for r in rows] for i, n in enumerate(names)},
        schema=dict.fromkeys(names, pl.String),
    )
    with scratch() as folder:
        path = folder / "actors.csv"
        write_csv(guard_frame(frame, names), names, path)
        for row in csv.reader(path.open(encoding="utf-8", newline="")):
            assert not any(cell.startswith(FORMULA_STARTS) for cell in row), row
        table = parse_csv_table(path.read_bytes(), "actors.csv", ACTORS)
    assert unguard_table(table, ACTORS) == []
    read = [list(row) for row in table.frame.iter_rows()]
    assert read == [list(r) for r in rows]


def put_quote_starting_with_a_minus(project: Path) -> str:
    """Point a statement's quote at new words in the snapshot that begin with "-"."""
    snapshot = project / SOURCE / "snapshot.txt"
    text = snapshot.read_bytes().decode("utf-8")
    words = "-almost nothing changed said nobody"
    snapshot.write_bytes((text + "\n" + words).encode("utf-8"))
    record_path = project / SOURCE / "source.json"
    record = json.loads(record_path.read_text(encoding="utf-8"))
    data = snapshot.read_bytes()
    record["bytes"], record["sha256"] = len(data), hashlib.sha256(data).hexdigest()
    record_path.write_text(json.dumps(record, indent=2, ensure_ascii=False), encoding="utf-8")
    quotes = project / SOURCE / "quotes.csv"
    with quotes.open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    header = rows[0]
    row = next(r for r in rows[1:] if r[header.index("statement_id")])
    start = len(text) + 1
    row[header.index("text")] = words
    row[header.index("start")], row[header.index("end")] = str(start), str(start + len(words))
    with quotes.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file, lineterminator="\n").writerows(rows)
    return words


def put_formula_notes(project: Path) -> list[str]:
    actors = project / "raw/actors.csv"
    with actors.open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    notes = [FORMULAS[0], "'already quoted"]
    for row, note in zip(rows[1:], notes, strict=False):
        row[rows[0].index("note")] = note
    with actors.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(rows)
    return notes


def test_formula_text_is_guarded_in_the_build_and_validates_round_trip(tmp_path):
    project = copy_project(tmp_path)
    words = put_quote_starting_with_a_minus(project)
    notes = put_formula_notes(project)

    built = invoke(project, "build")
    validated = invoke(project, "validate")

    assert built.exit_code == 0, built.output
    assert validated.exit_code == 0, validated.output
    assert "note:" not in validated.stderr  # the quotes were checked against the snapshot
    quotes = (project / "build/data/quotes.csv").read_text(encoding="utf-8")
    assert f",'{words}," in quotes
    actors = (project / "build/data/actors.csv").read_text(encoding="utf-8")
    assert f"'{notes[0]}" in actors and ",''already quoted" in actors
    figures = (project / "build/data/figures.csv").read_text(encoding="utf-8")
    assert ",change,-78,percent," in figures  # a number is not text: no guard
    report = frictionless.validate(str(project / "build/datapackage.json"))
    assert report.valid, report.flatten(["type", "message"])


def test_writers_get_the_tables_exactly_as_the_built_csvs_hold_them(tmp_path, monkeypatch):
    """A build hands its checked tables to the writers instead of reading its CSVs back:
    with guarded formula cells among them, they equal what reading the CSVs back gives."""
    from pipeline import outputs
    from pipeline.outputs import ckan
    from pipeline.outputs.source import read_back

    project = copy_project(tmp_path)
    put_quote_starting_with_a_minus(project)
    put_formula_notes(project)
    handed = []
    real = outputs.load_source

    def spy(folder, contract, descriptor, snapshots, frames=None, base_url=None):
        handed.append((folder, contract, frames))
        return real(folder, contract, descriptor, snapshots, frames, base_url)

    monkeypatch.setattr(outputs, "load_source", spy)
    written = {}

    def keep_copy(source, folder):  # the staging folder is gone after the build
        written.update(read_back(folder, source.contract))
        return []

    monkeypatch.setattr(ckan, "write", keep_copy)

    result = invoke(project, "build")

    assert result.exit_code == 0, result.output
    [(_, contract, frames)] = handed
    assert frames is not None
    assert frames["actors"]["note"].str.starts_with("'").any()  # guarded, as written
    for resource in contract.resources:
        assert_frame_equal(frames[resource.name], written[resource.name])


def test_validate_refuses_a_text_cell_that_would_run_as_a_formula(tmp_path, built_package):
    package = tmp_path / "project"
    shutil.copytree(built_package, package)
    actors = package / "build/data/actors.csv"
    text = actors.read_text(encoding="utf-8")
    assert "Provincial governor of Kandal,KH-8," in text
    actors.write_text(text.replace("Provincial governor of Kandal,", "=1+1,"), encoding="utf-8")
    descriptor = json.loads((package / "build/datapackage.json").read_text(encoding="utf-8"))
    data = actors.read_bytes()
    [resource] = [r for r in descriptor["resources"] if r["name"] == "actors"]
    resource["bytes"], resource["hash"] = len(data), f"sha256:{hashlib.sha256(data).hexdigest()}"
    (package / "build/datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")

    result = invoke(package, "validate", "--json")

    assert result.exit_code == 1
    [error] = json.loads(result.stdout)["errors"]
    assert (error["code"], error["file"], error["field"]) == (
        "formula-unguarded",
        "build/data/actors.csv",
        "role",
    )
    assert error["line"] == 3 and error["column"] is not None


# ---- JSON ------------------------------------------------------------------------------------


@settings(max_examples=examples(500))
@given(data=st.binary(max_size=200))
def test_text_decoded_from_any_file_holds_no_lone_surrogate(data):
    """Why output encoding cannot fail on data: strict UTF-8 never yields a lone
    surrogate, and JSON's \\ud800 escapes are refused (next test)."""
    try:
        text = decode_utf8(data, "x")
    except InvalidInput:
        return
    assert not LONE_SURROGATE.search(text)
    text.encode("utf-8")


@settings(max_examples=examples(300))
@given(
    surrogate=st.characters(categories=["Cs"]),
    before=st.text(max_size=5),
    as_key=st.booleans(),
)
def test_json_with_a_lone_surrogate_escape_is_refused_at_its_line(surrogate, before, as_key):
    escaped = json.dumps(before + surrogate)  # ensure_ascii: the surrogate as \\udXXX
    text = "{\n  " + (f"{escaped}: 1" if as_key else f'"a": {escaped}') + "\n}"
    with pytest.raises(InvalidInput) as caught:
        parse_json(text, "x.json")
    [problem] = caught.value.problems
    assert (problem.code, problem.line) == ("json-value", 2)


@settings(max_examples=examples(300))
@given(
    value=st.recursive(
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(),
            st.text(),
            st.floats(allow_nan=False, allow_infinity=False),
        ),
        lambda children: (
            st.lists(children, max_size=3) | st.dictionaries(st.text(), children, max_size=3)
        ),
        max_leaves=10,
    )
)
def test_descriptor_json_is_valid_utf8_json_for_any_value(value):
    with scratch() as folder:
        write_json(folder, "d.json", {"value": value})
        assert json.loads((folder / "d.json").read_bytes().decode("utf-8")) == {"value": value}


def test_json_report_is_valid_utf8_for_a_file_name_that_is_not_utf8(tmp_path):
    """A folder name with a byte that is not UTF-8 comes back as a lone surrogate in
    Python; the --json report and the human report still print as UTF-8."""
    project = copy_project(tmp_path)
    bad = os.fsencode(project / "raw/sources") + b"/bad\xff"
    shutil.copytree(project / SOURCE, os.fsdecode(bad))

    machine = subprocess.run(
        [str(BIN / "pipeline"), "check", "--json"], cwd=project, capture_output=True, timeout=300
    )
    human = subprocess.run(
        [str(BIN / "pipeline"), "check"], cwd=project, capture_output=True, timeout=300
    )

    assert machine.returncode == human.returncode == 1, human.stderr
    report = json.loads(machine.stdout.decode("utf-8"))
    shown = {e["file"] for e in report["errors"]}
    # the folder is named: a source id must be a plain name (pipeline.contract.names)
    assert "raw/sources/bad\\udcff" in shown
    assert "raw/sources/bad\\udcff: " in human.stderr.decode("utf-8")
    assert b"Traceback" not in human.stderr + machine.stderr


def test_problem_with_a_lone_surrogate_prints_as_utf8():
    problem = Problem("x", "bad \udcff name", file="a\ud800.csv")
    assert str(problem).encode("utf-8")
    assert json.dumps(problem.to_dict(), ensure_ascii=False).encode("utf-8")


def test_the_contract_states_the_formula_guard_rule():
    from pipeline.assemble.spreadsheet import RULE

    assert RULE in CONTRACT.descriptor["description"]


# ---- the write fence: nothing written outside the folder being written ---------------


@pytest.mark.parametrize("name", ["../../escaped", "ABSOLUTE/escaped"])
def test_a_package_name_that_leads_outside_writes_nothing_outside(tmp_path, name):
    (tmp_path / "work").mkdir()
    project = copy_project(tmp_path / "work")
    name = name.replace("ABSOLUTE", str(tmp_path))
    contract = json.loads((project / "datapackage.json").read_text(encoding="utf-8"))
    contract["name"] = name
    (project / "datapackage.json").write_text(json.dumps(contract, indent=2), encoding="utf-8")
    outside = {p for p in tmp_path.rglob("*") if project not in p.parents}

    result = invoke(project, "build")

    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.stderr.startswith("datapackage.json"), result.stderr
    assert {p for p in tmp_path.rglob("*") if project not in p.parents} == outside
    assert not list(tmp_path.rglob("escaped*"))
    assert sorted(p.name for p in project.iterdir()) == ["datapackage.json", "raw"]


@pytest.mark.parametrize(
    ("relative", "says"),
    [
        ("/etc/x.db", "is an absolute path"),
        ("../x.db", "goes up out of the folder with '..'"),
        ("data/../../x.csv", "goes up out of the folder with '..'"),
        ("out/x.csv", "leads out of the folder through a symlink"),
        ("aux.db", "reserved for a device on Windows"),
        ("data/NUL", "reserved for a device on Windows"),
        ("a:b.db", "has the character ':'"),
        ("a\\b.db", "has the character '\\\\'"),
        ("x.db.", "without its last character"),
        ("", "is empty"),
        ("x" * 256, "longer than 255 bytes"),
    ],
)
def test_the_write_fence_refuses_a_path_that_leaves_the_folder_or_is_not_portable(
    tmp_path, relative, says
):
    root, elsewhere = tmp_path / "staging", tmp_path / "elsewhere"
    root.mkdir(), elsewhere.mkdir()
    (root / "out").symlink_to(elsewhere)

    with pytest.raises(InvalidInput) as refused:
        write_inside(root, relative, b"x", "datapackage.json")

    [problem] = refused.value.problems
    assert (problem.code, problem.file) == ("write-outside", "datapackage.json")
    assert says in problem.message and "expected a relative path" in problem.message
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["elsewhere", "out", "staging"]


def test_the_write_fence_takes_a_plain_path_and_a_symlink_that_stays_inside(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "here").symlink_to(tmp_path / "data")

    assert write_inside(tmp_path, "parquet/x.parquet", b"1") == tmp_path / "parquet/x.parquet"
    assert write_inside(tmp_path, "here/.x.csv", b"2") == tmp_path / "here/.x.csv"
    assert (tmp_path / "data/.x.csv").read_bytes() == b"2"


def test_add_source_refuses_a_source_folder_that_is_a_symlink_out_of_raw(tmp_path):
    project = copy_project(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / "raw/sources/thefts-2023").symlink_to(elsewhere)
    article = tmp_path / "thefts-2023.txt"
    article.write_text("Thefts rose by 12 per cent.\n", encoding="utf-8")

    result = invoke(project, "add-source", str(article), "--url", "https://example.org/t")

    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.stderr.startswith("raw/sources/thefts-2023/snapshot.txt: would write"), (
        result.stderr
    )
    assert "through a symlink" in result.stderr
    assert list(elsewhere.iterdir()) == []


# ---- the output folder: a build replaces only a folder that a build wrote ---------------


def everything_in(folder: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder (None) under folder, dotfiles included."""
    return {
        p.relative_to(folder).as_posix(): None if p.is_dir() else p.read_bytes()
        for p in sorted(folder.rglob("*"))
    }


def another_project(into: Path) -> Path:
    """Another pipeline project under git, with a file of the user's not yet committed."""
    victim = copy_project(into)
    subprocess.run(["git", "init", "-q", str(victim)], check=True, timeout=60)
    (victim / "NOTES.txt").write_text("notes\n", encoding="utf-8")
    return victim


def assert_refused_and_kept(project: Path, out: Path, *expected_names: str) -> None:
    before = everything_in(out.parent)

    result = invoke(project, "build", "--out", str(out))

    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.stderr.startswith(f"{out}: "), result.stderr
    for name in expected_names:
        assert name in result.stderr, result.stderr
    assert "expected" in result.stderr
    assert everything_in(out.parent) == before


def test_build_refuses_to_replace_another_project_and_keeps_its_git_and_raw(tmp_path):
    project = copy_project(tmp_path)
    (tmp_path / "victim").mkdir()
    victim = another_project(tmp_path / "victim")

    assert_refused_and_kept(project, victim, ".git", "NOTES.txt", "raw")
    assert (victim / ".git").is_dir() and (victim / "raw").is_dir()


def test_build_refuses_to_replace_a_hand_made_data_package_folder(tmp_path):
    project = copy_project(tmp_path)
    package = tmp_path / "my-package"
    (package / "data").mkdir(parents=True)
    (package / "datapackage.json").write_text('{"name": "mine", "resources": []}\n')
    (package / "data" / "table.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (package / "README.md").write_text("my own words\n", encoding="utf-8")

    assert_refused_and_kept(project, package, "README.md", "data", "datapackage.json")


def test_a_build_replaces_the_folder_an_earlier_build_wrote(tmp_path):
    project = copy_project(tmp_path)
    out = tmp_path / "out"
    assert invoke(project, "build", "--out", str(out), "--formats", "csv").exit_code == 0

    result = invoke(project, "build", "--out", str(out))

    assert result.exit_code == 0, result.output
    assert (out / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "project"]


def test_lookalike_staging_and_old_folders_of_a_user_survive_builds(tmp_path):
    project = copy_project(tmp_path)
    mine = {}
    for name in (".build-old-x", ".build-staging-x", ".build-old-99999999"):
        (project / name).mkdir()
        (project / name / "mine.txt").write_text(f"{name} is mine\n", encoding="utf-8")
        mine[name] = everything_in(project / name)

    for _ in range(2):  # a first build (no build/ yet), then one that replaces it
        result = invoke(project, "build", "--formats", "csv")
        assert result.exit_code == 0, result.output
        assert (project / "build" / "datapackage.json").is_file()
        assert not (project / "build" / "mine.txt").exists()
        for name, files in mine.items():
            assert everything_in(project / name) == files, name


def test_out_inside_an_earlier_build_is_refused(tmp_path):
    project = copy_project(tmp_path)
    assert invoke(project, "build", "--formats", "csv").exit_code == 0
    before = everything_in(project / "build")

    result = invoke(project, "build", "--out", "build/sub")

    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("build/sub: "), result.stderr
    assert "inside build" in result.stderr and "expected" in result.stderr
    assert everything_in(project / "build") == before
