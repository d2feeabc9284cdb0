"""The version rule: each kind of change calls for a bump, and `pipeline build`
refuses a package whose data changed since the build committed at HEAD unless its
version is bumped that far. The rule is data (pipeline/release/versioning.py RULES) and the
README documents exactly that data.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from pipeline.release.versioning import BUMPS, RULES, judge
from tests.conftest import REPO
from tests.git_helpers import commit_all, init_repository, set_version, versions

FIGURES = "raw/sources/kandal-crime-2022/figures.csv"
NOTE = "Stated once with a number, in the report's own words"
VERSION = versions()


@pytest.mark.parametrize(
    ("old", "new", "kinds", "ok", "expected"),
    [
        ("1.0.0", "1.0.0", set(), True, "1.0.0"),
        ("1.0.0", "1.0.0", {("row", "changed")}, False, "1.0.1"),
        ("1.0.0", "1.0.1", {("row", "changed")}, True, "1.0.1"),
        ("1.0.0", "1.0.1", {("row", "changed"), ("row", "added")}, False, "1.1.0"),
        ("1.2.3", "1.3.0", {("row", "added")}, True, "1.3.0"),
        ("1.2.3", "2.0.0", {("row", "added")}, True, "1.3.0"),  # more than due is allowed
        ("1.2.3", "1.9.0", {("field", "removed"), ("row", "added")}, False, "2.0.0"),
        ("1.2.3", "2.0.0", {("field-type", "changed")}, True, "2.0.0"),
        ("1.2.3", "1.2.2", set(), False, "1.2.3"),  # going down is never right
        ("1.0.0", "1.1", {("row", "added")}, False, None),  # not MAJOR.MINOR.PATCH
    ],
)
def test_judge_wants_at_least_the_largest_bump_any_change_calls_for(old, new, kinds, ok, expected):
    verdict = judge(old, new, kinds)
    assert (verdict.ok, verdict.expected) == (ok, expected), verdict.message


def test_every_rule_is_documented_in_the_versioning_page_with_its_bump():
    readme = (REPO / "docs/versioning.md").read_text(encoding="utf-8")
    table = re.findall(r"^\| `([a-z-]+)` \| (added|removed|changed) \| (\w+) \|", readme, re.M)
    assert sorted(table) == sorted((what, how, bump) for (what, how), (bump, _) in RULES.items())
    assert all(bump in BUMPS for bump, _ in RULES.values())


# ---- the build ------------------------------------------------------------------------


@pytest.fixture
def repository(built: Path) -> Path:
    """The project in git with its inputs and build/ committed: the current version is
    released."""
    init_repository(built.parent)
    return built.parent


def correct_a_note(project: Path) -> None:
    """A correction: the traffic figure's note is reworded (a patch change)."""
    path = project / FIGURES
    text = path.read_text(encoding="utf-8")
    assert text.count(NOTE) == 1
    path.write_text(text.replace(NOTE, NOTE.replace("Stated once", "Stated only once")))


def add_a_figure(project: Path) -> None:
    """New data: a second quote row states the 10 per cent rise... as a new figure (minor)."""
    figures = project / FIGURES
    with figures.open(encoding="utf-8", newline="") as file:
        records = list(csv.DictReader(file))
    records.append({**records[2], "figure_id": "kandal-traffic-accidents-change-2022-copy"})
    records[-1]["period"], records[-1]["reference_period"] = "2022-12", "2021-12"
    with figures.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(records[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
    quotes = project / "raw/sources/kandal-crime-2022/quotes.csv"
    text = quotes.read_text(encoding="utf-8")
    line = next(
        line for line in text.splitlines() if "kandal-traffic-accidents-change-2022,," in line
    )
    extra = line.replace("-q", "-copy-q", 1).replace(
        "kandal-traffic-accidents-change-2022", "kandal-traffic-accidents-change-2022-copy"
    )
    quotes.write_text(text + extra + "\n", encoding="utf-8")


def test_a_changed_build_without_a_version_bump_is_refused_at_the_version(repository, run):
    before = (repository / "build/datapackage.json").read_bytes()
    correct_a_note(repository)

    result = run(repository, "build")

    assert result.exit_code == 1
    [line, summary] = result.stderr.splitlines()
    assert line.startswith("datapackage.json:7:3: version: the package changed since the build ")
    assert f"version {VERSION.current} (figures: 1 changed)" in line
    assert (
        f"a patch bump is due since {VERSION.current}, so expected version {VERSION.patch} "
        f"(or higher); found {VERSION.current}" in line
    )
    assert f'Set "version" to {VERSION.patch} in datapackage.json' in line
    assert line.endswith("[version-not-bumped]")
    assert (repository / "build/datapackage.json").read_bytes() == before


def test_new_data_needs_a_minor_bump_and_builds_with_one(repository, run):
    add_a_figure(repository)
    set_version(repository, VERSION.current, VERSION.patch)

    refused = run(repository, "build")
    set_version(repository, VERSION.patch, VERSION.minor)
    built = run(repository, "build")

    assert refused.exit_code == 1
    assert (
        f"a minor bump is due since {VERSION.current}, so expected version {VERSION.minor}"
        in refused.stderr
    )
    assert built.exit_code == 0, built.output
    assert f"kandal-crime-2022 {VERSION.minor}" in built.stdout


def test_the_baseline_is_the_committed_build_not_the_last_local_one(repository, run):
    correct_a_note(repository)
    set_version(repository, VERSION.current, VERSION.patch)
    assert run(repository, "build").exit_code == 0  # build/ is now the patch, not committed
    add_a_figure(repository)

    # Still the patch against the committed current version: new data since then needs
    # the next minor version ...
    assert f"expected version {VERSION.minor}" in run(repository, "build").stderr
    set_version(repository, VERSION.patch, VERSION.minor)
    # ... and a second local build of the same unreleased version is fine.
    assert run(repository, "build").exit_code == 0
    assert run(repository, "build").exit_code == 0


def test_unchanged_data_builds_and_checks_without_a_bump(repository, run):
    assert run(repository, "build").exit_code == 0
    assert run(repository, "build", "--check").exit_code == 0


def test_build_check_reports_a_missing_bump_too(repository, run):
    correct_a_note(repository)

    result = run(repository, "build", "--check")

    assert result.exit_code == 1
    assert "[version-not-bumped]" in result.stderr


def test_a_first_build_in_git_has_nothing_to_compare_with(project, run):
    init_repository(project)  # inputs committed, no build/ yet

    result = run(project, "build")

    assert result.exit_code == 0, result.output


def test_a_release_committed_becomes_the_new_baseline(repository, run):
    correct_a_note(repository)
    set_version(repository, VERSION.current, VERSION.patch)
    commit_all(repository, "Correct a note")
    assert run(repository, "build").exit_code == 0
    commit_all(repository, f"Build {VERSION.patch}")

    add_a_figure(repository)
    result = run(repository, "build")

    # The minor bump after the patch release is the same next minor version.
    assert f"since {VERSION.patch}, so expected version {VERSION.minor}" in result.stderr
