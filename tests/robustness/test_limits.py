"""Limits instead of exhaustion: a file, a field, a JSON document or a contract out of
any sane size is refused early, with a clear message, before it is read into memory;
a named pipe is refused without waiting on it."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from pipeline.contract.model import MAX_RESOURCES
from pipeline.files import MAX_FILE_BYTES, MAX_JSON_BYTES
from pipeline.load.tables import MAX_FIELD_CHARS
from tests.git_helpers import commit_all, init_repository
from tests.robustness.conftest import SOURCE, copy_project, invoke

BIN = Path(sys.executable).parent


def sparse(path: Path, size: int) -> None:
    """A file that claims size bytes without using the disk (all zeros)."""
    path.unlink(missing_ok=True)
    with path.open("wb") as file:
        file.truncate(size)


def errors_of(result) -> list[tuple]:
    assert result.exit_code == 1, result.output
    return [(e["file"], e["code"]) for e in json.loads(result.stdout)["errors"]]


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(tmp_path)


@pytest.mark.parametrize(
    ("name", "size"),
    [
        ("raw/actors.csv", 1024**3),  # a 1 GiB field, or line, is a 1 GiB file
        (f"{SOURCE}/snapshot.txt", MAX_FILE_BYTES + 1),
        (f"{SOURCE}/source.json", MAX_JSON_BYTES + 1),
        ("datapackage.json", MAX_JSON_BYTES + 1),
    ],
)
def test_file_over_the_limit_is_refused_before_it_is_read(project, name, size):
    sparse(project / name, size)

    tracemalloc.start()
    try:
        result = invoke(project, "check", "--json")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert (name, "file-too-large") in errors_of(result)
    assert peak < 64 * 1024**2, f"{peak} bytes allocated to refuse a {size}-byte file"


def test_field_longer_than_the_limit_is_refused_at_its_line(project):
    actors = project / "raw/actors.csv"
    lines = actors.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2] + "x" * (MAX_FIELD_CHARS + 1)
    actors.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = invoke(project, "check", "--json")

    [error] = json.loads(result.stdout)["errors"]
    assert (error["file"], error["line"], error["code"]) == (
        "raw/actors.csv",
        3,
        "field-too-large",
    )
    assert f"longer than {MAX_FIELD_CHARS} characters" in error["message"]


def set_note(project: Path, value: str) -> str:
    record = project / SOURCE / "source.json"
    document = json.loads(record.read_text(encoding="utf-8"))
    document["note"] = value
    text = json.dumps(document, indent=2, ensure_ascii=False)
    record.write_text(text, encoding="utf-8")
    return text


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize(
    "note",
    ["x" * (MAX_FIELD_CHARS + 1), "=" + "x" * (MAX_FIELD_CHARS - 1)],
    ids=["long", "guarded"],
)
def test_source_json_string_longer_than_a_package_cell_is_refused_at_its_key(
    project, command, note
):
    text = set_note(project, note)

    result = invoke(project, command, "--json")

    [error] = json.loads(result.stdout)["errors"]
    line = text[: text.index('"note"')].count("\n") + 1
    assert (error["file"], error["line"], error["code"]) == (
        f"{SOURCE}/source.json",
        line,
        "field-too-large",
    )
    assert f"expected at most {MAX_FIELD_CHARS}" in error["message"]
    assert not (project / "build").exists()


def test_source_json_string_as_long_as_a_package_cell_builds_again_past_the_version_check(
    project,
):
    set_note(project, "x" * MAX_FIELD_CHARS)
    init_repository(project)
    assert invoke(project, "build").exit_code == 0
    commit_all(project, "Build")

    result = invoke(project, "build")  # the version check reads the committed build

    assert result.exit_code == 0, result.output


def test_committed_build_with_a_cell_over_the_limit_is_a_located_problem_of_the_version_check(
    project,
):
    init_repository(project)
    assert invoke(project, "build").exit_code == 0
    sources = project / "build/data/sources.csv"
    header, row = sources.read_text(encoding="utf-8").splitlines()
    sources.write_text(f'{header}\n{row[:-1]}{"x" * MAX_FIELD_CHARS}"\n', encoding="utf-8")
    commit_all(project, "A build made before cells were limited")

    result = invoke(project, "build", "--json")

    [error] = json.loads(result.stdout)["errors"]
    assert (error["file"], error["code"]) == ("HEAD:build/data/sources.csv", "field-too-large")
    assert f"longer than {MAX_FIELD_CHARS} characters" in error["message"]


def test_descriptor_of_a_million_resources_is_refused_with_bounded_memory(tmp_path, built_package):
    package = tmp_path / "project"
    shutil.copytree(built_package, package)
    resource = '{"name":"r","path":"r.csv","schema":{"fields":[]}}'
    text = '{"resources":[' + ",".join([resource] * 1_000_000) + "]}"
    (package / "build/datapackage.json").write_text(text, encoding="utf-8")
    del text

    tracemalloc.start()
    try:
        result = invoke(package, "validate", "--json")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert errors_of(result) == [("build/datapackage.json", "file-too-large")]
    assert peak < 64 * 1024**2


def test_descriptor_over_the_resource_limit_is_refused_at_its_resources(tmp_path, built_package):
    package = tmp_path / "project"
    shutil.copytree(built_package, package)
    path = package / "build/datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["resources"] *= MAX_RESOURCES // len(descriptor["resources"]) + 1
    path.write_text(json.dumps(descriptor), encoding="utf-8")

    result = invoke(package, "validate", "--json")

    [error] = json.loads(result.stdout)["errors"]
    assert error["code"] == "contract-too-large"
    assert f"expected at most {MAX_RESOURCES}" in error["message"]


def test_named_pipe_in_place_of_a_data_file_is_refused_without_waiting(tmp_path, built_package):
    package = tmp_path / "project"
    shutil.copytree(built_package, package)
    quotes = package / "build/data/quotes.csv"
    quotes.unlink()
    os.mkfifo(quotes)

    done = subprocess.run(
        [str(BIN / "pipeline"), "validate", "--json"],
        cwd=package,
        capture_output=True,
        text=True,
        timeout=120,  # a read that waited for a writer would hang here
    )

    assert done.returncode == 1, done.stderr
    errors = json.loads(done.stdout)["errors"]
    assert [(e["file"], e["code"]) for e in errors] == [("build/data/quotes.csv", "not-a-file")]
    assert "found a pipe or device" in errors[0]["message"]


def test_pattern_that_backtracks_exponentially_does_not_hang_validate(tmp_path, built_package):
    """(a+)+$ takes Python's re about 2**40 steps on 40 a's and a b; patterns are
    matched by RE2, in linear time, so validate reports the cell instead of hanging."""
    package = tmp_path / "project"
    shutil.copytree(built_package, package)
    path = package / "build/datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    [actors] = [r for r in descriptor["resources"] if r["name"] == "actors"]
    [note] = [f for f in actors["schema"]["fields"] if f["name"] == "note"]
    note["constraints"] = {"pattern": "(a+)+$"}
    data = (package / "build/data/actors.csv").read_bytes()
    data = data.replace(
        b"Provincial governor of Kandal,KH-8,",
        b"Provincial governor of Kandal,KH-8," + b"a" * 40 + b"b",
    )
    (package / "build/data/actors.csv").write_bytes(data)
    actors["bytes"], actors["hash"] = len(data), f"sha256:{hashlib.sha256(data).hexdigest()}"
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")

    done = subprocess.run(
        [str(BIN / "pipeline"), "validate", "--json"],
        cwd=package,
        capture_output=True,
        text=True,
        timeout=120,  # a backtracking match would run for hours
    )

    assert done.returncode == 1, done.stderr
    found = {(e["code"], e["field"], e["line"]) for e in json.loads(done.stdout)["errors"]}
    assert ("constraint", "note", 3) in found  # and line 2's note, which is no a's either


def test_pattern_that_re2_cannot_run_is_a_contract_problem(project):
    path = project / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    field = descriptor["resources"][1]["schema"]["fields"][1]
    field["constraints"] = {"pattern": "(a)\\1"}
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")

    result = invoke(project, "check", "--json")

    [error] = json.loads(result.stdout)["errors"]
    assert error["code"] == "contract-constraint" and error["line"] is not None
    assert "no backreferences" in error["message"]
    assert result.stderr == ""


@pytest.mark.parametrize("change", [-1, +1])
def test_a_file_that_grows_or_shrinks_while_read_is_refused(tmp_path, monkeypatch, change):
    """read_bytes reads one byte more than the size it saw: a file longer or shorter
    than that size changed while it was read."""
    import pipeline.files
    from pipeline.errors import InvalidInput
    from pipeline.files import read_bytes

    path = tmp_path / "a.csv"
    path.write_bytes(b"a,b\n1,2\n")
    real_fstat = os.fstat

    class Seen:
        def __init__(self, result):
            self.st_mode, self.st_size = result.st_mode, result.st_size + change

    monkeypatch.setattr(pipeline.files.os, "fstat", lambda fd: Seen(real_fstat(fd)))
    with pytest.raises(InvalidInput) as caught:
        read_bytes(path, "raw/a.csv")
    [problem] = caught.value.problems
    assert (problem.code, problem.file) == ("unreadable-file", "raw/a.csv")
    assert "changed while it was read" in problem.message


def widen_header(path: Path, unknown: int, repeated: int) -> str:
    """Add unknown columns (x00000, x00001, ...) and then repeats of `note` to a CSV file's
    header line (its rows keep their width); returns the new header line."""
    data = path.read_text(encoding="utf-8")
    first, rest = data.split("\n", 1)
    header = ",".join([first] + [f"x{i:05d}" for i in range(unknown)] + ["note"] * repeated)
    path.write_text(header + "\n" + rest, encoding="utf-8")
    return header


def assert_wide_header_reported(errors: list[dict], display: str, header: str) -> None:
    """Every kind of problem named, each at line 1 and the column where its name starts,
    the first ones one by one and the rest counted, not listed."""
    kinds = {e["code"] for e in errors}
    assert kinds == {"extra-column", "duplicate-header"}
    for error in errors:
        assert (error["file"], error["line"]) == (display, 1)
        name = header[error["column"] - 1 :].split(",", 1)[0]
        assert f"{name!r}" in error["message"]
    assert len(errors) < 100
    unknown = [e["message"] for e in errors if e["code"] == "extra-column"]
    assert unknown[0].startswith("unknown column 'x00000'; expected only: figure_id, ")
    assert sum("more unknown columns after it (not listed)" in m for m in unknown) == 1
    repeated = [e["message"] for e in errors if e["code"] == "duplicate-header"]
    assert any("more repeated columns after it (not listed)" in m for m in repeated)


def test_header_of_twenty_thousand_unknown_and_repeated_columns_is_reported_briefly(project):
    figures = project / SOURCE / "figures.csv"
    before = figures.read_bytes()
    header = widen_header(figures, unknown=10_000, repeated=10_000)
    changed = figures.read_bytes()

    result = invoke(project, "build", "--json")

    assert result.exit_code == 1, result.output
    errors = json.loads(result.stdout)["errors"]
    assert_wide_header_reported(errors, f"{SOURCE}/figures.csv", header)
    assert [e for e in errors if "more unknown" in e["message"]][0]["message"].endswith(
        "and 9979 more unknown columns after it (not listed)"
    )
    assert figures.read_bytes() == changed != before  # nothing lost, nothing rewritten
    assert not (project / "build").exists()


def test_validate_reports_a_built_file_with_twenty_thousand_extra_columns_briefly(
    tmp_path, built_package
):
    from tests.robustness.test_broken_package import rehash

    package = tmp_path / "project"
    shutil.copytree(built_package, package)
    header = widen_header(package / "build/data/figures.csv", unknown=10_000, repeated=10_000)
    rehash(package)

    result = invoke(package, "validate", "--json")

    assert result.exit_code == 1, result.output
    assert_wide_header_reported(
        json.loads(result.stdout)["errors"], "build/data/figures.csv", header
    )


def pipeline_lines_run(action) -> int:
    """How many lines of the pipeline package's code action() runs: a count of work
    that, unlike a clock, does not depend on the machine or on what else runs."""
    package = str(Path(__file__).resolve().parents[2] / "pipeline")
    count = 0

    def lines(frame, event, arg):
        nonlocal count
        count += event == "line"
        return lines

    def calls(frame, event, arg):
        return lines if frame.f_code.co_filename.startswith(package) else None

    previous = sys.gettrace()  # a coverage tool's, say: put back afterwards
    sys.settrace(calls)
    try:
        action()
    finally:
        sys.settrace(previous)
    return count


def test_header_check_work_grows_linearly_with_the_number_of_columns(tmp_path):
    """Doubling the columns of a header adds twice the work, not four times (checking
    each column by searching the whole header again made 16,000 columns take 100 s)."""
    work = []
    invoke(copy_project(tmp_path), "check")  # modules imported: only checking is counted
    for columns in (500, 1000, 2000):
        (tmp_path / str(columns)).mkdir()
        project = copy_project(tmp_path / str(columns))
        widen_header(project / SOURCE / "figures.csv", columns // 2, columns - columns // 2)
        results = []
        work.append(pipeline_lines_run(lambda p=project, r=results: r.append(invoke(p, "check"))))
        assert results[0].exit_code == 1, results[0].output
    assert work[2] - work[1] < 2.5 * (work[1] - work[0]), work
