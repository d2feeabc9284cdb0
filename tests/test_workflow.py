"""The GitHub Actions workflow for forks: valid against the workflow JSON schema
(check-jsonschema's vendored copy, offline), running the same scripts as .ci/run,
and those scripts working on a copy of the project.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO

BIN = Path(sys.executable).parent
WORKFLOW = REPO / ".github/workflows/ci.yml"


def load_workflow() -> dict:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    workflow["on"] = workflow.pop(True, workflow.get("on"))  # YAML 1.1 reads `on` as true
    return workflow


def steps(job: str) -> list[dict]:
    return load_workflow()["jobs"][job]["steps"]


def runs(job: str) -> str:
    return "\n".join(step.get("run", "") for step in steps(job))


def schema_check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_workflow_is_valid_against_the_github_workflow_schema():
    done = schema_check(WORKFLOW)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok -- validation done" in done.stdout


def test_schema_check_catches_a_misspelt_key(tmp_path):
    broken = tmp_path / "ci.yml"
    broken.write_text(WORKFLOW.read_text(encoding="utf-8").replace("runs-on:", "runs_on:", 1))
    assert schema_check(broken).returncode == 1


def test_it_runs_on_pushes_to_main_and_on_pull_requests():
    assert set(load_workflow()["on"]) == {"push", "pull_request"}


@pytest.mark.parametrize("job", ["checks", "diff"])
def test_every_job_checks_out_the_whole_history(job):
    checkout = next(s for s in steps(job) if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0


def test_checks_job_runs_check_build_check_validate_and_the_tests():
    commands = runs("checks")
    assert "bash .ci/checks" in commands
    assert ".venv/bin/python -m pytest" in commands
    assert "pip install -q -c constraints.txt -e '.[test]'" in commands
    checks = (REPO / ".ci/checks").read_text(encoding="utf-8")
    for command in ("check", "build --check", "validate"):
        assert f'"$pipeline" {command}\n' in checks


def test_pull_requests_get_the_markdown_diff_against_the_base_branch_as_a_comment():
    workflow = load_workflow()
    job = workflow["jobs"]["diff"]
    assert job["if"] == "github.event_name == 'pull_request'"
    assert job["permissions"]["pull-requests"] == "write"
    assert workflow["permissions"] == {"contents": "read"}  # only the diff job may comment
    commands = runs("diff")
    assert 'bash .ci/pr-diff "origin/$BASE_REF" > diff.md' in commands
    assert "gh pr comment" in commands and "--body-file diff.md" in commands
    script = (REPO / ".ci/pr-diff").read_text(encoding="utf-8")
    assert '"$pipeline" diff "$base" build --markdown --check-version --check-changelog' in script


def test_ci_run_runs_the_same_scripts_as_the_workflow():
    script = (REPO / ".ci/run").read_text(encoding="utf-8")
    assert "bash .ci/checks\n" in script
    assert "bash .ci/pr-diff HEAD\n" in script


@pytest.mark.parametrize("job", ["checks", "diff"])
def test_every_run_step_is_valid_bash(job):
    for step in steps(job):
        if "run" in step:
            done = subprocess.run(["bash", "-n", "-c", step["run"]], capture_output=True, text=True)
            assert done.returncode == 0, f"{step.get('name')}: {done.stderr}"


@pytest.mark.slow
def test_checks_script_passes_on_a_fresh_build_and_fails_on_a_stale_one(built):
    project = built.parent
    shutil.copytree(REPO / ".ci", project / ".ci")
    env = {**os.environ, "PIPELINE": str(BIN / "pipeline")}

    def checks() -> subprocess.CompletedProcess:
        return subprocess.run(
            ["bash", str(project / ".ci/checks")], capture_output=True, text=True, env=env
        )

    passed = checks()
    figures = built / "data/figures.csv"
    figures.write_bytes(figures.read_bytes().replace(b",-78,", b",-77,"))
    failed = checks()

    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "build is up to date with a fresh build" in passed.stdout
    assert "build is a valid package" in passed.stdout
    assert failed.returncode == 1
    assert "data/figures.csv: differs from a fresh build" in failed.stderr
