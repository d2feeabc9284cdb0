"""What each command touches on hostile inputs, watched by a Python audit hook in a
process of its own (tests/robustness/audit_driver.py): build, locate and add-source
write nothing outside the project, the output folder (and the staging and old
folders beside it) and the temporary folder; validate and diff read nothing outside
the package(s) and the snapshot folder, apart from Python's own installation and the
few system files listed in SYSTEM_READS.

Writes done inside C libraries (Arrow's Parquet, SQLite through apsw) raise no audit
event, so each case also compares the files around the project before and after.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

import pipeline
from tests.conftest import first_then_slow
from tests.git_helpers import commit_all, git
from tests.robustness.conftest import (
    REPO,
    SOURCE,
    assert_unchanged,
    copy_project,
    files_under,
)

DRIVER = Path(__file__).with_name("audit_driver.py")
PIPELINE_CODE = Path(pipeline.__file__).resolve().parent
WRITE_EVENTS = {
    "os.remove",
    "os.rmdir",
    "os.mkdir",
    "os.rename",
    "os.symlink",
    "shutil.rmtree",
    "sqlite3.connect",
}
# Events that act on the folder entry named, not on what a symlink there leads to.
ENTRY_EVENTS = {"os.remove", "os.rmdir", "os.rename", "os.symlink"}
# System files outside Python's installation that a read-only command may open, and why.
SYSTEM_READS = [
    Path("/etc/localtime"),  # the local time zone, for dates (zoneinfo, pandas)
    Path("/usr/share/zoneinfo"),  # the time-zone database, the same
]
# A pip editable install puts this placeholder on sys.path; the import system tries it as
# a file name relative to the current folder (a file that is never there).
EDITABLE_PLACEHOLDER = ("__editable__.", ".__path_hook__")


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    events: list[tuple[str, str, str | None, int | None]]
    temporary: Path
    processes: set[int]  # the Python processes the hook saw

    def writes(self) -> list[tuple[str, str]]:
        return [(e, p) for e, p, mode, flags in self.events if is_write(e, mode, flags)]

    def reads(self) -> list[str]:
        return [p for e, p, mode, flags in self.events if not is_write(e, mode, flags)]


def is_write(event: str, mode: str | None, flags: int | None) -> bool:
    if event in WRITE_EVENTS:
        return True
    if mode is not None and any(letter in mode for letter in "wax+"):
        return True
    flags = flags or 0
    return (flags & os.O_ACCMODE) != os.O_RDONLY or bool(flags & (os.O_CREAT | os.O_TRUNC))


def run_audited(folder: Path, *args: str) -> Run:
    """Run `pipeline ARGS` in folder, in a fresh interpreter under the audit hook, with a
    temporary folder of its own (so that "inside the temporary folder" means something)."""
    scratch = Path(tempfile.mkdtemp(prefix="audit-", dir=folder.parent))
    temporary, events = scratch / "tmp", scratch / "events.jsonl"
    temporary.mkdir()
    paths = [str(REPO), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    env = {
        **os.environ,
        "TMPDIR": str(temporary),
        "PYTHONDONTWRITEBYTECODE": "1",  # no __pycache__ written beside the code
        "PYTHONPATH": os.pathsep.join(paths),
    }
    done = subprocess.run(
        [sys.executable, "-P", str(DRIVER), str(events), *args],
        cwd=folder,
        env=env,
        capture_output=True,
        timeout=600,
    )
    lines = events.read_text(encoding="ascii").splitlines() if events.exists() else []
    recorded = [json.loads(line) for line in lines]
    stdout, stderr = (s.decode("utf-8", "replace") for s in (done.stdout, done.stderr))
    events = [tuple(event[:4]) for event in recorded]
    processes = {event[4] for event in recorded}
    return Run(done.returncode, stdout, stderr, events, temporary.resolve(), processes)


def resolved(event: str, path: str) -> Path:
    """Where the event acts: the entry itself for a removal or rename, the file a symlink
    leads to for an open."""
    if event in ENTRY_EVENTS:
        return Path(os.path.realpath(os.path.dirname(path))) / os.path.basename(path)
    return Path(os.path.realpath(path))


def within(path: Path, roots) -> bool:
    return any(path == root or path.is_relative_to(root) for root in roots)


def python_installation() -> list[Path]:
    import importlib.metadata
    import site
    import sysconfig

    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, *sysconfig.get_paths().values()}
    roots.update(site.getsitepackages())
    # the metadata folders of installed distributions (entry points, versions), which
    # importlib.metadata reads: an editable install keeps the pipeline's own
    # (figures_pipeline.egg-info) at the top of the checkout, outside site-packages
    roots.update(str(d._path) for d in importlib.metadata.distributions() if hasattr(d, "_path"))
    return [Path(os.path.realpath(r)) for r in roots if r]


def assert_ended_cleanly(run: Run) -> None:
    """Exit 0, 1 or 2, and a user's message rather than a bug's."""
    assert run.code in (0, 1, 2), (run.code, run.stderr)
    for output in (run.stdout, run.stderr):
        assert "Traceback" not in output, output
        assert "internal error" not in output, output


def assert_writes_inside(run: Run, project: Path, out: Path | None = None) -> None:
    """Every write, removal, rename and folder made is in the project, the temporary
    folder, or the output folder and the folders beside it named after it (.OUT-...)."""
    roots = [project.resolve(), run.temporary]
    beside = None
    if out is not None:
        out = Path(os.path.realpath(out))
        roots.append(out)
        beside = out.parent
    for event, path in run.writes():
        where = resolved(event, path)
        if within(where, roots):
            continue
        if beside is not None:
            if event == "os.mkdir" and out.is_relative_to(where):
                continue  # making the folders that lead to --out, as asked
            if where.parent == beside and where.name.startswith(f".{out.name}"):
                continue  # staging, old-build and lock beside the output
            if where.is_relative_to(beside) and where.relative_to(beside).parts[0].startswith(
                f".{out.name}"
            ):
                continue
        raise AssertionError(f"{event} {path} (that is {where}): outside what it may write")


def assert_reads_inside(run: Run, cwd: Path, *packages: Path) -> None:
    """Every file opened is in a package, the snapshot folder, the temporary folder,
    Python's installation, the pipeline's own code or SYSTEM_READS."""
    roots = [
        *(Path(os.path.realpath(p)) for p in packages),
        run.temporary,
        PIPELINE_CODE,
        DRIVER.parent,
        *python_installation(),
        *SYSTEM_READS,
    ]
    for event, path in [(e, p) for e, p, *_ in run.events if e == "open"]:
        where = resolved(event, path)
        if within(where, roots):
            continue
        placeholder = where.parent == cwd.resolve() and where.name.startswith(
            EDITABLE_PLACEHOLDER[0]
        )
        if placeholder and where.name.endswith(EDITABLE_PLACEHOLDER[1]) and not where.exists():
            continue
        raise AssertionError(f"opened {path} (that is {where}), outside the package")


# ---- the cases ---------------------------------------------------------------------------


@pytest.fixture
def case(tmp_path) -> Path:
    """A folder holding the project, and beside it what lies outside (outside/)."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "keep.txt").write_text("the user's", encoding="utf-8")
    return tmp_path


@pytest.fixture
def project(case) -> Path:
    return copy_project(case)


@pytest.fixture
def package(case, built_package) -> Path:
    """A copy of a built project (its package in build/)."""
    root = case / "project"
    shutil.copytree(built_package, root, symlinks=True)
    return root


def outside_snapshot(case: Path, *inside: Path) -> dict:
    return files_under(case, leave_out={p for p in inside} | {q for q in case.glob("audit-*")})


def test_normal_build_writes_only_in_the_project_and_temporary_folder(project, case):
    before = outside_snapshot(case, project)

    run = run_audited(project, "build")

    assert run.code == 0, run.stderr
    assert_ended_cleanly(run)
    assert_writes_inside(run, project)
    assert (project / "build" / "datapackage.json").is_file()
    assert any(event == "open" for event, *_ in run.writes()), "the hook saw no write"
    assert len(run.processes) == 1, "the build ran Python processes the hook may not see"
    assert_unchanged(before, outside_snapshot(case, project), "around the project")


def test_the_hook_sees_a_write_outside_the_project_that_the_user_asked_for(project, case):
    """The witness works: `dictionary --update` on a file outside the project writes it
    (as asked), and the audit sees that write and refuses it as outside the project."""
    page = case / "outside" / "data-dictionary.md"
    page.write_text(
        (REPO / "docs/data-dictionary.md").read_text(encoding="utf-8"),
        encoding="utf-8",
        newline="",
    )

    run = run_audited(project, "dictionary", "--update", str(page))

    assert run.code == 0, run.stderr
    with pytest.raises(AssertionError, match="outside what it may write"):
        assert_writes_inside(run, project)
    assert_writes_inside(run, project, out=case / "outside")


@pytest.mark.parametrize("name", first_then_slow(["../../x", "/OUTSIDE/victim-app", "../x"]))
def test_contract_name_that_leads_out_writes_nothing_outside(project, case, name):
    name = name.replace("/OUTSIDE", str(case / "outside"))
    contract = project / "datapackage.json"
    descriptor = json.loads(contract.read_text(encoding="utf-8"))
    descriptor["name"] = name
    contract.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False), encoding="utf-8")
    raw_before = files_under(project / "raw")
    before = outside_snapshot(case, project)

    run = run_audited(project, "build")

    assert_ended_cleanly(run)
    assert_writes_inside(run, project)
    assert_unchanged(before, outside_snapshot(case, project), "around the project")
    assert_unchanged(raw_before, files_under(project / "raw"), "raw/")
    assert run.code in (1, 2), run.stdout
    assert "datapackage.json" in run.stderr, run.stderr  # refused where the name is written


def make_victim(case: Path) -> Path:
    """Another project, cloned with git, with a file of the user's that is not committed."""
    (case / "origin").mkdir()
    origin = copy_project(case / "origin")
    git(origin, "init", "-q", "-b", "main")
    commit_all(origin, "Inputs")
    victim = case / "victim"
    subprocess.run(
        ["git", "clone", "-q", str(origin), str(victim)], check=True, capture_output=True
    )
    (victim / "NOTES.txt").write_text("my notes, never committed\n", encoding="utf-8")
    return victim


def test_build_out_at_another_projects_root_loses_nothing(project, case):
    victim = make_victim(case)
    victim_before = files_under(victim)
    before = outside_snapshot(case, project, victim)

    run = run_audited(project, "build", "--out", str(victim))

    assert_ended_cleanly(run)
    assert_writes_inside(run, project, out=victim)
    assert_unchanged(victim_before, files_under(victim), "the other project")
    assert_unchanged(before, outside_snapshot(case, project, victim), "around it")
    assert run.code == 2, (run.code, run.stderr)
    assert "victim" in run.stderr, run.stderr


# ---- validate and diff on a package whose resource leads out ------------------------------


def secret_table(case: Path, header: str) -> tuple[Path, str]:
    """A CSV outside every package, with the header of the resource pointed at it and a
    row holding a token that must never be printed."""
    token = f"secret-{secrets.token_hex(8)}"
    path = case / "outside" / "secret.csv"
    cells = [token] + [""] * (header.count(","))
    path.write_text(f"{header}\n{','.join(cells)}\n", encoding="utf-8")
    return path, token


def point_resource_out(package: Path, case: Path, how: str) -> tuple[str, Path]:
    """Point build/'s actors resource at a file outside it (with that file's size and
    hash, as a careful forger would); the distinctive text that must not be shown."""
    build = package / "build"
    header = (build / "data/actors.csv").read_text(encoding="utf-8").splitlines()[0]
    secret, token = secret_table(case, header)
    if how == "absolute":
        target, value = Path("/etc/passwd"), "/etc/passwd"
        token = Path("/etc/passwd").read_text(encoding="utf-8").splitlines()[0]
    elif how == "dot-dot":
        target, value = secret, os.path.relpath(secret, build)
        assert value.startswith("../../")
    else:
        target, value = secret, "data/actors.csv"
        (build / value).unlink()
        (build / value).symlink_to(secret)
    path = build / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    [resource] = [r for r in descriptor["resources"] if r["name"] == "actors"]
    data = target.read_bytes()
    resource["path"] = value
    resource["bytes"], resource["hash"] = len(data), f"sha256:{hashlib.sha256(data).hexdigest()}"
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False), encoding="utf-8")
    return token, target


HOW = ["absolute", "dot-dot", "symlink"]


@pytest.mark.parametrize("how", first_then_slow(HOW))
def test_validate_of_a_package_leading_out_reads_and_shows_nothing_outside(package, case, how):
    token, _ = point_resource_out(package, case, how)

    run = run_audited(package, "validate", "--json")

    assert_ended_cleanly(run)
    assert_reads_inside(run, package, package / "build", package / "raw/sources")
    assert token not in run.stdout + run.stderr
    assert_writes_inside(run, package)
    assert run.code == 1, run.stdout
    errors = json.loads(run.stdout)["errors"]
    assert any(e["file"].startswith("build/") for e in errors), errors


@pytest.mark.parametrize("output", first_then_slow(["--json", None]))
@pytest.mark.parametrize("how", first_then_slow(HOW))
def test_diff_of_a_package_leading_out_reads_and_shows_nothing_outside(package, case, how, output):
    old = case / "old"
    shutil.copytree(package / "build", old)
    token, _ = point_resource_out(package, case, how)

    run = run_audited(package, "diff", str(old), "build", *filter(None, [output]))

    assert_ended_cleanly(run)
    assert_reads_inside(run, package, package / "build", old)
    assert token not in run.stdout + run.stderr
    assert_writes_inside(run, package)
    assert run.code == 1, (run.code, run.stdout)
    if output == "--json":
        files = [e["file"] for e in json.loads(run.stdout)["errors"]]
    else:
        files = [line.partition(":")[0] for line in run.stderr.splitlines()]
    assert any(f.startswith("build/") for f in files), run.stdout + run.stderr


# ---- locate and add-source with hostile source ids -----------------------------------------

HOSTILE_IDS = ["../x", "../../../x", "/OUTSIDE/y", "aux"]


@pytest.mark.parametrize("source_id", first_then_slow(HOSTILE_IDS))
def test_locate_with_a_hostile_source_id_writes_nothing(project, case, source_id):
    source_id = source_id.replace("/OUTSIDE", str(case / "outside"))
    before = outside_snapshot(case, project)
    raw_before = files_under(project / "raw")

    run = run_audited(project, "locate", source_id, "Kandal")

    assert_ended_cleanly(run)
    assert run.code in (1, 2), run.stdout
    assert_writes_inside(run, project)
    assert_unchanged(before, outside_snapshot(case, project), "around the project")
    assert_unchanged(raw_before, files_under(project / "raw"), "raw/")


@pytest.mark.parametrize("source_id", first_then_slow(HOSTILE_IDS))
def test_add_source_with_a_hostile_source_id_writes_nothing_outside(project, case, source_id):
    source_id = source_id.replace("/OUTSIDE", str(case / "outside"))
    text = case / "outside" / "article.txt"
    text.write_text("Crime fell by 5 per cent in 2022, the governor said.\n", encoding="utf-8")
    before = outside_snapshot(case, project)

    run = run_audited(project, "add-source", str(text), "--id", source_id)

    assert_ended_cleanly(run)
    assert run.code in (1, 2), (run.code, run.stdout)
    assert source_id in run.stderr or "--id" in run.stderr, run.stderr
    assert_writes_inside(run, project)
    assert_unchanged(before, outside_snapshot(case, project), "around the project")
    assert not (project / "raw" / "x").exists()
    assert sorted(p.name for p in (project / "raw/sources").iterdir()) == [Path(SOURCE).name]
