"""The Data Package profile check (frictionless, offline) in a build and in
`pipeline validate`: its problems alone are the report, and a build that fails it
keeps the previous build."""

from __future__ import annotations

import json

from pipeline.check.profile import profile_problems
from pipeline.validate import as_profiled
from tests.conftest import REPO

# A descriptor property our own rules leave alone and the profile does not: keywords
# must be a list of strings.
KEYWORDS_PROBLEM = "'crime' is not of type 'array' at property 'keywords'"


def _set_keywords(descriptor_path, value) -> None:
    descriptor = json.loads(descriptor_path.read_text("utf-8"))
    descriptor["keywords"] = value
    descriptor_path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")


def test_validate_reports_a_profile_problem_alone(built, run):
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


def test_validate_passes_a_descriptor_the_profile_accepts(built, run):
    _set_keywords(built / "datapackage.json", ["crime", "Cambodia"])

    result = run(built.parent, "validate", "build")

    assert result.exit_code == 0, result.output


def test_build_fails_on_a_profile_problem_and_keeps_the_previous_build(project, built, run):
    before = (built / "datapackage.json").read_bytes()
    _set_keywords(project / "datapackage.json", "crime")

    result = run(project, "build", "--formats", "csv")

    assert result.exit_code == 1, result.output
    assert "descriptor-package-error" in result.output
    assert KEYWORDS_PROBLEM in result.output
    assert (built / "datapackage.json").read_bytes() == before


def test_the_committed_descriptor_passes_and_a_broken_one_is_located_at_its_file():
    descriptor = as_profiled(json.loads((REPO / "build" / "datapackage.json").read_text("utf-8")))
    assert profile_problems(descriptor, "datapackage.json") == []

    descriptor["keywords"] = "crime"
    found = profile_problems(descriptor, "build/datapackage.json")

    assert [(p.code, p.file) for p in found] == [
        ("descriptor-package-error", "build/datapackage.json")
    ]
    assert KEYWORDS_PROBLEM in found[0].message
