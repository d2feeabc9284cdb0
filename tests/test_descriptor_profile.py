"""The Data Package profile check (frictionless, offline) finds the same problems
whether it runs here or in a worker started before the descriptor is known
(pipeline.descriptor_profile.ProfileCheck, with more than one CPU): in a build, in
`pipeline validate`, and when the worker fails."""

from __future__ import annotations

import json
import os

import pytest

import pipeline.descriptor_profile
import pipeline.load_worker
from pipeline.descriptor_profile import ProfileCheck, profile_problems
from pipeline.validate import as_profiled
from tests.conftest import REPO

# A descriptor property our own rules leave alone and the profile does not: keywords
# must be a list of strings.
KEYWORDS_PROBLEM = "'crime' is not of type 'array' at property 'keywords'"


@pytest.fixture(params=[1, 2], ids=["here", "in a worker"])
def jobs(request, monkeypatch) -> int:
    monkeypatch.setattr(pipeline.load_worker, "_jobs", request.param)  # on one CPU too
    in_a_worker(monkeypatch)
    return request.param


def in_a_worker(monkeypatch) -> None:
    """As in a command's fresh process, which has not loaded frictionless (the tests'
    has: tests/conftest.py)."""
    monkeypatch.setattr(pipeline.descriptor_profile, "loaded_here", lambda: False)


def _set_keywords(descriptor_path, value) -> None:
    descriptor = json.loads(descriptor_path.read_text("utf-8"))
    descriptor["keywords"] = value
    descriptor_path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")


def test_validate_reports_a_profile_problem_alone(built, run, jobs):
    """A built descriptor whose keywords are a string: the profile's problem is the
    report, even with a data file changed too (as when the profile check came first)."""
    _set_keywords(built / "datapackage.json", "crime")
    with open(built / "data" / "figures.csv", "a", encoding="utf-8") as file:
        file.write("\n")

    result = run(built.parent, "validate", "build", "--json")

    assert result.exit_code == 1, result.output
    problems = json.loads(result.output)["errors"]
    assert [p["code"] for p in problems] == ["descriptor-package-error"], problems
    assert KEYWORDS_PROBLEM in problems[0]["message"]
    assert problems[0]["file"] == "build/datapackage.json"


def test_validate_passes_a_descriptor_the_profile_accepts(built, run, jobs):
    _set_keywords(built / "datapackage.json", ["crime", "Cambodia"])

    result = run(built.parent, "validate", "build")

    assert result.exit_code == 0, result.output


def test_build_fails_on_a_profile_problem_and_keeps_the_previous_build(project, built, run, jobs):
    before = (built / "datapackage.json").read_bytes()
    _set_keywords(project / "datapackage.json", "crime")

    result = run(project, "build", "--formats", "csv")

    assert result.exit_code == 1, result.output
    assert "descriptor-package-error" in result.output
    assert KEYWORDS_PROBLEM in result.output
    assert (built / "datapackage.json").read_bytes() == before


def test_a_failed_worker_gives_way_to_the_check_here(monkeypatch, repo_descriptor):
    monkeypatch.setattr(pipeline.load_worker, "_jobs", 2)
    in_a_worker(monkeypatch)
    prepare = pipeline.load_worker.prepare
    monkeypatch.setattr(
        pipeline.load_worker,
        "prepare",
        lambda _: prepare("pipeline.descriptor_profile:no_such_preparation"),
    )
    repo_descriptor["keywords"] = "crime"

    with ProfileCheck() as check:
        assert check.worker is not None
        check.give(repo_descriptor, "datapackage.json")
        found = check.problems()

    assert found == profile_problems(repo_descriptor, "datapackage.json")
    assert [p.code for p in found] == ["descriptor-package-error"]


def test_a_check_stopped_before_it_is_given_a_descriptor_leaves_nothing(monkeypatch):
    monkeypatch.setattr(pipeline.load_worker, "_jobs", 2)
    in_a_worker(monkeypatch)

    with ProfileCheck() as check:
        worker = check.worker

    assert worker.process.poll() is not None  # ended, not left waiting
    assert not os.path.exists(worker.answer)


@pytest.fixture
def repo_descriptor() -> dict:
    """The committed build's descriptor, as the profile is checked on."""
    descriptor = json.loads((REPO / "build" / "datapackage.json").read_text("utf-8"))
    return as_profiled(descriptor)


def test_a_process_that_has_frictionless_checks_at_once(monkeypatch, repo_descriptor):
    """No worker where frictionless is loaded already (here, by tests/conftest.py), nor
    with one CPU: the check is done in this process."""
    for jobs, loaded, worker in [(2, True, False), (1, False, False), (2, False, True)]:
        monkeypatch.setattr(pipeline.load_worker, "_jobs", jobs)
        monkeypatch.setattr(pipeline.descriptor_profile, "loaded_here", lambda here=loaded: here)
        with ProfileCheck() as check:
            assert (check.worker is not None) == worker, (jobs, loaded)
            check.give(repo_descriptor, "datapackage.json")
            assert check.problems() == []
