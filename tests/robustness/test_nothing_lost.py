"""Nothing lost: a build that fails half way (an exception in any stage, a full disk,
SIGKILL at any step of the write) leaves the previous build/ byte-identical, the next
build clears what an interrupted one left behind, two builds at once both finish
with one whole build, and no --out can make a build replace its own inputs."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import pipeline.assemble.package
import pipeline.build
import pipeline.publish
from tests.robustness.conftest import copy_project, invoke

BIN = Path(sys.executable).parent

# Runs `pipeline ARGS` and SIGKILLs itself at the STEP-th file write, rename or removal
# (0: never), then prints how many steps there were: a kill at a chosen point with no
# test hook in the product.
KILLER = """
import os, pathlib, shutil, signal, sys
import pipeline.publish
target, steps = int(sys.argv[1]), [0]
def counted(function):
    def step(*args, **kwargs):
        steps[0] += 1
        if steps[0] == target:
            os.kill(os.getpid(), signal.SIGKILL)
        return function(*args, **kwargs)
    return step
pathlib.Path.write_bytes = counted(pathlib.Path.write_bytes)
os.replace = counted(os.replace)
shutil.rmtree = counted(shutil.rmtree)
pipeline.publish.exchange = counted(pipeline.publish.exchange)
sys.argv = ["pipeline", *sys.argv[2:]]
from pipeline.cli import main
try:
    main()
finally:
    print(f"steps={steps[0]}", file=sys.stderr)
"""


def files_in(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def names_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def change_inputs(project: Path) -> None:
    """An edit that changes the built package: an actor's note."""
    actors = project / "raw/actors.csv"
    text = actors.read_text(encoding="utf-8")
    assert "Provincial governor of Kandal,KH-8," in text
    actors.write_text(
        text.replace(
            "Provincial governor of Kandal,KH-8,", "Provincial governor of Kandal,KH-8,Edited. "
        ),
        encoding="utf-8",
    )


@pytest.fixture(scope="session")
def template(tmp_path_factory, built_package) -> tuple[Path, dict, dict]:
    """A project whose build/ (old) predates a change to its inputs, and the files
    that the changed inputs build (new)."""
    root = tmp_path_factory.mktemp("template") / "project"
    shutil.copytree(built_package, root, symlinks=True)
    old = files_in(root / "build")
    change_inputs(root)
    expected = root.parent / "expected-new"
    assert invoke(root, "build", "--out", str(expected)).exit_code == 0
    new = files_in(expected)
    assert new != old
    return root, old, new


@pytest.fixture
def project(tmp_path, template) -> Path:
    root = tmp_path / "project"
    shutil.copytree(template[0], root, symlinks=True)
    return root


@pytest.fixture
def versions(template) -> tuple[dict, dict]:
    return template[1], template[2]


def restore(project: Path, old: dict) -> None:
    shutil.rmtree(project / "build")
    for name, data in old.items():
        (project / "build" / name).parent.mkdir(parents=True, exist_ok=True)
        (project / "build" / name).write_bytes(data)


# ---- exceptions in each stage ------------------------------------------------------------

STAGES = [
    ("pipeline.build", "load_contract"),
    ("pipeline.build", "iter_raw"),
    ("pipeline.build", "check_batch"),
    ("pipeline.check.keys.Keys", "problems"),
    ("pipeline.build", "provenance_record"),
    ("pipeline.assemble.package", "PackageWriter"),
    ("pipeline.assemble.package", "CsvAppender"),
    ("pipeline.outputs.parquet", "ParquetOutput"),
    ("pipeline.assemble.package", "write_json"),
    ("pipeline.build", "check_descriptor"),
    ("pipeline.build", "swap_in"),
    ("pipeline.publish", "exchange"),
]


@pytest.mark.parametrize("error", [RuntimeError("injected"), KeyboardInterrupt()], ids=type)
@pytest.mark.parametrize(("module", "name"), STAGES, ids=[s[1] for s in STAGES])
def test_exception_in_any_stage_leaves_the_previous_build_byte_identical(
    project, versions, monkeypatch, module, name, error
):
    old, _ = versions
    calls = []

    def broken(*args, **kwargs):
        calls.append(name)
        raise error

    monkeypatch.setattr(f"{module}.{name}", broken)
    if isinstance(error, KeyboardInterrupt):  # click turns Ctrl-C into "Aborted!", exit 1
        assert invoke(project, "build").exit_code == 1
    else:
        with pytest.raises(RuntimeError):
            invoke(project, "build")

    assert calls, f"{name} was not reached"
    assert files_in(project / "build") == old
    assert names_in(project) == ["build", "datapackage.json", "raw"]


def test_second_rename_failing_without_an_atomic_exchange_puts_the_old_build_back(
    project, versions, monkeypatch
):
    old, _ = versions
    real_replace = os.replace
    monkeypatch.setattr(pipeline.publish, "exchange", lambda first, second: False)

    def replace(source, target):
        if ".build-staging-" in str(source):
            raise OSError(errno.EIO, "Input/output error")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    result = invoke(project, "build")

    assert result.exit_code == 1 and "write-failed" in result.stderr
    assert files_in(project / "build") == old
    assert names_in(project) == ["build", "datapackage.json", "raw"]


def test_build_without_an_atomic_exchange_still_replaces_the_build(project, versions, monkeypatch):
    _, new = versions
    monkeypatch.setattr(pipeline.publish, "exchange", lambda first, second: False)

    assert invoke(project, "build").exit_code == 0
    assert files_in(project / "build") == new
    assert names_in(project) == ["build", "datapackage.json", "raw"]


# ---- a full disk ------------------------------------------------------------------------------


@pytest.mark.parametrize("nth_write", [1, 4, 7])
def test_full_disk_fails_cleanly_and_leaves_the_previous_build(
    project, versions, monkeypatch, nth_write
):
    old, _ = versions
    real_write = Path.write_bytes
    writes = []

    def write_bytes(path, data):
        if ".build-staging-" in str(path):
            writes.append(path)
            if len(writes) == nth_write:
                real_write(path, data[: len(data) // 2])  # a partial file, then the error
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(path, data)

    monkeypatch.setattr(Path, "write_bytes", write_bytes)
    result = invoke(project, "build")

    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.stderr.startswith(
        ".: cannot write the build: No space left on device; nothing was replaced"
    )
    assert "[write-failed]" in result.stderr
    assert files_in(project / "build") == old
    assert names_in(project) == ["build", "datapackage.json", "raw"]


# ---- SIGKILL -------------------------------------------------------------------------------


def run_killer(project: Path, step: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", KILLER, str(step), "build", "--project", str(project)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=project.parent,
    )


@pytest.mark.slow
def test_sigkill_at_every_step_of_the_write_leaves_a_whole_build(project, versions):
    old, new = versions
    counting = run_killer(project, 0)
    assert counting.returncode == 0, counting.stderr
    steps = int(counting.stderr.rsplit("steps=", 1)[1])
    assert steps >= 8  # seven files, the swap and the removal of the old build
    restore(project, old)

    outcomes = []
    # A run after a kill first clears the killed run's staging folder: one step more.
    for step in range(1, steps + 2):
        killed = run_killer(project, step)
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        after = files_in(project / "build")
        assert after in (old, new), f"killed at step {step}: build/ is neither build"
        outcomes.append("new" if after == new else "old")
        if after == new:
            restore(project, old)
    assert "old" in outcomes and "new" in outcomes  # the kills straddled the swap

    assert invoke(project, "build").exit_code == 0
    assert files_in(project / "build") == new
    assert names_in(project) == ["build", "datapackage.json", "raw"]  # leftovers cleared


@pytest.mark.slow
def test_sigkill_of_the_installed_command_at_spread_delays_leaves_a_whole_build(project, versions):
    old, new = versions
    command = [str(BIN / "pipeline"), "build", "--project", str(project)]
    started = time.monotonic()
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    duration = time.monotonic() - started
    restore(project, old)

    for fraction in (0.5, 0.7, 0.8, 0.9, 0.95, 1.0):
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(duration * fraction)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        after = files_in(project / "build")
        assert after in (old, new), f"killed after {fraction:.0%} of a build: build/ is broken"
        if after == new:
            restore(project, old)

    assert invoke(project, "build").exit_code == 0
    assert names_in(project) == ["build", "datapackage.json", "raw"]


def test_leftovers_of_a_kill_between_two_renames_are_repaired(project, versions):
    """Where there is no atomic exchange, a kill between the two renames leaves the
    previous build as an old folder and no build/: the next build puts it back first."""
    old, new = versions
    (project / "build").rename(project / ".build-old-12345")  # a build: it has the marker
    (project / ".build-staging-abc").mkdir()
    (project / ".build-staging-abc" / "half.csv").write_text("half", encoding="utf-8")
    marker = pipeline.publish.MARKER_NAME
    (project / ".build-staging-abc" / marker).write_bytes(pipeline.publish.MARKER)
    (project / ".build-staging-empty").mkdir()  # killed before its marker was written

    pipeline.publish.clear_leftovers(project / "build")

    assert files_in(project / "build") == old
    assert names_in(project) == ["build", "datapackage.json", "raw"]


# ---- two builds at once -------------------------------------------------------------------------


@pytest.mark.slow
def test_two_builds_at_once_into_one_folder_both_finish_with_a_whole_build(tmp_path):
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    first, second = copy_project(tmp_path / "a"), copy_project(tmp_path / "b")
    change_inputs(second)
    shared = tmp_path / "shared" / "build"
    expected = []
    for project in (first, second):
        out = tmp_path / f"expected-{project.parent.name}"
        assert invoke(project, "build", "--out", str(out)).exit_code == 0
        expected.append(files_in(out))

    for _ in range(3):
        processes = [
            subprocess.Popen(
                [str(BIN / "pipeline"), "build", "--project", str(p), "--out", str(shared)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for p in (first, second)
        ]
        for process in processes:
            _, stderr = process.communicate(timeout=300)
            assert process.returncode == 0, stderr
        assert files_in(shared) in expected
        assert names_in(shared.parent) == ["build"]


# ---- --out that would replace the inputs -------------------------------------------------


@pytest.mark.parametrize("out", [".", "raw", "raw/sources", "..", "datapackage.json", "elsewhere"])
def test_out_that_holds_the_inputs_or_other_files_is_refused(project, out):
    (project / "elsewhere").mkdir()
    (project / "elsewhere" / "notes.txt").write_text("mine", encoding="utf-8")
    before = files_in(project.parent)

    result = invoke(project, "build", "--out", out)

    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert files_in(project.parent) == before
