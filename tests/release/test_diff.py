"""`pipeline diff`: rows matched by primary key, schema and metadata changes, the
version bump due, and the same diff as text, Markdown and JSON; packages read from
folders or from the build/ committed at a git revision.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from tests.git_helpers import init_repository, set_version, versions

CRIME_CHANGE = "kandal-reported-crimes-change-2022"
VERSION = versions()


@pytest.fixture
def old_and_new(built: Path) -> tuple[Path, Path]:
    """Two copies of a fresh build, to edit the second of."""
    old, new = built.parent / "old", built.parent / "new"
    shutil.copytree(built, old)
    shutil.copytree(built, new)
    return old, new


def rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def write_rows(path: Path, records: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(records[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)


def figures_of(descriptor: dict) -> dict:
    return next(r for r in descriptor["resources"] if r["name"] == "figures")


def edit_descriptor(folder: Path, change) -> None:
    path = folder / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    change(descriptor)
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")


def diff_json(run, folder: Path, *args: str) -> dict:
    result = run(folder, "diff", *args, "--json")
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)["diff"]


def resource(report: dict, name: str) -> dict:
    return next(r for r in report["resources"] if r["name"] == name)


def test_identical_packages_show_every_resource_unchanged_and_exit_0(old_and_new, run):
    old, new = old_and_new

    result = run(old.parent, "diff", "old", "new", "--exit-code")

    assert result.exit_code == 0, result.output
    for name, count in [("figures", 3), ("statements", 19), ("quotes", 28)]:
        assert f"{name:<10}  unchanged  {count} rows" in result.stdout
    assert f"version {VERSION.current} -> {VERSION.current}: nothing changed; no bump is due" in (
        result.stdout
    )


def test_an_edited_value_is_one_changed_row_with_old_and_new_value(old_and_new, run):
    old, new = old_and_new
    figures = rows(new / "data/figures.csv")
    figures[0]["value"] = "-79"
    write_rows(new / "data/figures.csv", figures)

    report = diff_json(run, old.parent, "old", "new")

    assert resource(report, "figures")["changed"] == [
        {"key": CRIME_CHANGE, "old": {"value": "-78"}, "new": {"value": "-79"}}
    ]
    assert resource(report, "figures")["unchanged"] == 2
    assert resource(report, "quotes")["status"] == "unchanged"
    assert (report["version"]["due"], report["version"]["expected"]) == ("patch", VERSION.patch)
    text = run(old.parent, "diff", "old", "new").stdout
    assert f"changed {CRIME_CHANGE}: value -78 -> -79" in text


def test_added_and_removed_rows_are_listed_and_reordering_is_no_change(old_and_new, run):
    old, new = old_and_new
    figures = rows(new / "data/figures.csv")
    added = {**figures[2], "figure_id": "kandal-traffic-accidents-change-2023", "period": "2023"}
    removed = figures[1]
    write_rows(new / "data/figures.csv", [added, figures[2], figures[0]])

    report = diff_json(run, old.parent, "old", "new")

    figures_diff = resource(report, "figures")
    assert [r["key"] for r in figures_diff["added"]] == ["kandal-traffic-accidents-change-2023"]
    assert figures_diff["added"][0]["row"]["period"] == "2023"
    assert [r["key"] for r in figures_diff["removed"]] == [removed["figure_id"]]
    assert (figures_diff["changed"], figures_diff["unchanged"]) == ([], 2)
    assert report["version"]["due"] == "minor"


def test_the_same_number_written_differently_is_no_change(old_and_new, run):
    old, new = old_and_new
    figures = rows(new / "data/figures.csv")
    figures[0]["value"] = "-78.0"
    write_rows(new / "data/figures.csv", figures)

    assert resource(diff_json(run, old.parent, "old", "new"), "figures")["status"] == "unchanged"


@pytest.mark.parametrize(
    ("change", "what", "how", "due"),
    [
        pytest.param(
            lambda d: figures_of(d)["schema"]["fields"][7].update(type="string"),
            "field-type",
            "changed",
            "major",
            id="type",
        ),
        pytest.param(
            lambda d: figures_of(d)["schema"]["fields"].append({"name": "page", "type": "integer"}),
            "field",
            "added",
            "minor",
            id="field-added",
        ),
        pytest.param(
            lambda d: figures_of(d)["schema"]["fields"][7]["constraints"].update(minimum=-100),
            "field-constraints",
            "changed",
            "minor",
            id="constraint",
        ),
        pytest.param(
            lambda d: figures_of(d)["schema"]["fields"][7].update(title="Value stated"),
            "field-docs",
            "changed",
            "patch",
            id="title",
        ),
        pytest.param(
            lambda d: figures_of(d).update(path="data/numbers.csv"),
            "resource-path",
            "changed",
            "major",
            id="path",
        ),
        pytest.param(lambda d: d.update(title="Another title"), "metadata", "changed", "patch"),
    ],
)
def test_schema_and_metadata_changes_are_named_with_the_bump_they_call_for(
    old_and_new, run, change, what, how, due
):
    old, new = old_and_new
    edit_descriptor(new, change)
    if what == "resource-path":
        (new / "data/figures.csv").rename(new / "data/numbers.csv")

    report = diff_json(run, old.parent, "old", "new")

    found = [(c["what"], c["how"]) for c in report["schema"] + report["metadata"]]
    assert found == [(what, how)]
    assert report["version"]["due"] == due


def test_a_removed_column_is_a_major_change(old_and_new, run):
    old, new = old_and_new
    edit_descriptor(new, lambda d: figures_of(d)["schema"]["fields"].pop())  # figures.note
    write_rows(
        new / "data/figures.csv",
        [{k: v for k, v in r.items() if k != "note"} for r in rows(new / "data/figures.csv")],
    )

    report = diff_json(run, old.parent, "old", "new")

    assert report["schema"] == [
        {
            "what": "field",
            "how": "removed",
            "resource": "figures",
            "name": "note",
            "old": None,
            "new": None,
        }
    ]
    assert resource(report, "figures")["status"] == "unchanged"  # rows compared on shared columns
    assert (report["version"]["due"], report["version"]["expected"]) == ("major", VERSION.major)


def test_a_primary_key_written_as_one_name_matches_rows_by_it(old_and_new, run):
    old, new = old_and_new
    edit_descriptor(new, lambda d: figures_of(d)["schema"].update(primaryKey="figure_id"))
    figures = rows(new / "data/figures.csv")
    figures[0]["value"] = "-79"
    write_rows(new / "data/figures.csv", figures)

    report = diff_json(run, old.parent, "old", "new")

    assert report["schema"] == []  # "figure_id" and ["figure_id"] are the same key
    assert resource(report, "figures")["key"] == ["figure_id"]
    assert resource(report, "figures")["changed"] == [
        {"key": CRIME_CHANGE, "old": {"value": "-78"}, "new": {"value": "-79"}}
    ]


def test_exit_code_is_1_when_anything_differs(old_and_new, run):
    old, new = old_and_new
    edit_descriptor(new, lambda d: d.update(version=VERSION.patch))

    assert run(old.parent, "diff", "old", "new").exit_code == 0
    assert run(old.parent, "diff", "old", "new", "--exit-code").exit_code == 1


def test_check_version_fails_when_the_bump_is_too_small(old_and_new, run):
    old, new = old_and_new
    figures = rows(new / "data/figures.csv")
    write_rows(new / "data/figures.csv", figures[:2])
    edit_descriptor(new, lambda d: d.update(version=VERSION.patch))

    result = run(old.parent, "diff", "old", "new", "--check-version")

    assert result.exit_code == 1
    assert (
        f"version: a minor bump is due since {VERSION.current}, so expected version "
        f"{VERSION.minor} (or higher); found {VERSION.patch} [version-not-bumped]" in result.stderr
    )
    machine = run(old.parent, "diff", "old", "new", "--check-version", "--json")
    assert machine.exit_code == 1
    report = json.loads(machine.stdout)
    assert (report["valid"], [e["code"] for e in report["errors"]]) == (
        False,
        ["version-not-bumped"],
    )
    assert report["diff"]["version"]["expected"] == VERSION.minor
    edit_descriptor(new, lambda d: d.update(version=VERSION.minor))
    assert run(old.parent, "diff", "old", "new", "--check-version").exit_code == 0


def test_markdown_folds_details_and_stays_short_for_a_big_change(old_and_new, run):
    old, new = old_and_new
    quotes = rows(new / "data/quotes.csv")
    many = [{**quotes[0], "quote_id": f"extra-{n:04d}", "note": "x" * 500} for n in range(2000)]
    write_rows(new / "data/quotes.csv", quotes + many)

    result = run(old.parent, "diff", "old", "new", "--markdown")

    markdown = result.stdout
    assert markdown.startswith(
        f"### Data diff: `kandal-crime-2022` {VERSION.current} → {VERSION.current}"
    )
    assert "| `quotes` | changed | 2000 | 0 | 0 | 28 |" in markdown
    assert "<details><summary>quotes: 2000 added, 0 removed, 0 changed, 28 unchanged</summary>" in (
        markdown
    )
    assert "... and 1985 more added (see --json)" in markdown
    assert len(markdown) < 10_000  # a pull-request comment may hold 65,536 characters
    assert "**Version:** NOT OK: a minor bump is due" in markdown


def test_json_and_text_say_the_same(old_and_new, run):
    old, new = old_and_new
    figures = rows(new / "data/figures.csv")
    figures[0]["value"] = "-79"
    write_rows(new / "data/figures.csv", figures)

    report = diff_json(run, old.parent, "old", "new")
    text = run(old.parent, "diff", "old", "new").stdout

    for item in report["resources"]:
        assert f"{item['name']:<10}  {item['status']}" in text
    assert report["version"]["message"] in text


def test_markdown_and_json_together_is_a_usage_error(old_and_new, run):
    old, _ = old_and_new
    result = run(old.parent, "diff", "old", "new", "--markdown", "--json")
    assert result.exit_code == 2


# ---- git revisions ------------------------------------------------------------------


@pytest.fixture
def repository(built: Path, run) -> Path:
    """The project in git, with its inputs and build/ committed (the current version, released)."""
    project = built.parent
    init_repository(project)
    return project


def test_a_revision_is_read_from_its_committed_build(repository, run):
    figures = rows(repository / "build/data/figures.csv")
    figures[0]["value"] = "-79"
    write_rows(repository / "build/data/figures.csv", figures)

    report = diff_json(run, repository, "HEAD", "build")

    assert report["old"]["label"].startswith("HEAD:build (")
    assert resource(report, "figures")["changed"][0]["new"] == {"value": "-79"}


def test_without_new_the_working_trees_inputs_are_built_afresh(repository, run):
    before = (repository / "build/datapackage.json").read_bytes()
    set_version(repository, VERSION.current, VERSION.patch)
    contract = repository / "datapackage.json"
    contract.write_text(
        contract.read_text(encoding="utf-8").replace('"title": "Value"', '"title": "Stated value"'),
        encoding="utf-8",
    )

    report = diff_json(run, repository)  # OLD defaults to HEAD

    assert report["new"]["label"].startswith("working tree")
    assert [c["name"] for c in report["schema"]] == ["value"]
    assert report["version"] | {"reasons": None} == {
        "old": VERSION.current,
        "new": VERSION.patch,
        "due": "patch",
        "expected": VERSION.patch,
        "ok": True,
        "message": f"a patch bump is due and {VERSION.current} -> {VERSION.patch} is one",
        "reasons": None,
    }
    assert (repository / "build/datapackage.json").read_bytes() == before  # built elsewhere


def test_a_revision_without_a_committed_build_is_an_error(project, run):
    init_repository(project)  # inputs only

    result = run(project, "diff", "HEAD", "--exit-code")

    assert result.exit_code == 1
    assert "HEAD:build/datapackage.json: HEAD has no committed build/datapackage.json" in (
        result.stderr
    )


def test_neither_folder_nor_revision_is_a_usage_error(repository, run):
    result = run(repository, "diff", "no-such-branch")

    assert result.exit_code == 2
    assert "'no-such-branch' is neither a folder holding a built package nor a git revision" in (
        result.stderr
    )


def test_changelog_section_is_written_and_checked(repository, run):
    figures = rows(repository / "build/data/figures.csv")
    write_rows(repository / "build/data/figures.csv", figures[:2])
    edit_descriptor(repository / "build", lambda d: d.update(version=VERSION.minor))
    changelog = repository / "CHANGELOG.md"

    missing = run(repository, "diff", "HEAD", "build", "--check-changelog", "CHANGELOG.md")
    written = run(repository, "diff", "HEAD", "build", "--update-changelog", "CHANGELOG.md")
    again = run(repository, "diff", "HEAD", "build", "--update-changelog", "CHANGELOG.md")
    checked = run(repository, "diff", "HEAD", "build", "--check-changelog", "CHANGELOG.md")

    assert missing.exit_code == 1 and "[no-changelog]" in missing.stderr
    assert written.exit_code == again.exit_code == checked.exit_code == 0
    text = changelog.read_text(encoding="utf-8")
    assert text.count(f"## {VERSION.minor}") == 1  # written twice, kept once
    assert "- figures: 1 removed (`kandal-traffic-accidents-change-2022`)" in text
    assert f"A minor release since {VERSION.current}: data withdrawn (row removed)." in text
