"""`pipeline diff` says when the figures reach beyond what the old release covered (new
areas, periods outside its years, new indicators) and names the metadata to review."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

FIGURES = "data/figures.csv"
ANOTHER_PROVINCE = (
    "kandal-thefts-2023,kandal-crime-2022,reported_crimes,KH-12,2023,,level,5,crimes,,measured,"
    "stated,,,,,\n"
)


@pytest.fixture
def old_and_new(built: Path) -> tuple[Path, Path]:
    old, new = built.parent / "old", built.parent / "new"
    shutil.copytree(built, old)
    shutil.copytree(built, new)
    return old, new


def add_figure(package: Path, line: str) -> None:
    with (package / FIGURES).open("a", encoding="utf-8", newline="") as file:
        file.write(line)


def test_a_figure_for_another_area_and_year_is_reported_with_the_metadata_to_review(
    old_and_new, run
):
    old, new = old_and_new
    add_figure(new, ANOTHER_PROVINCE)

    text = run(old.parent, "diff", "old", "new").stdout
    report = json.loads(run(old.parent, "diff", "old", "new", "--json").stdout)["diff"]
    markdown = run(old.parent, "diff", "old", "new", "--markdown").stdout

    lines = text.splitlines()
    assert "widening: the figures go beyond what OLD covered; review datapackage.json:" in lines
    assert "  new areas: KH-12 (OLD had KH-8)" in lines
    assert "  periods outside OLD's 2022: 2023" in lines
    assert "  review name: kandal-crime-2022" in lines
    assert "  review database file (named after name): kandal-crime-2022.db" in lines
    assert any(line.startswith("  review title: Crime in Kandal province") for line in lines)
    assert any(line.startswith("  review keywords: crime, ") for line in lines)
    widening = report["widening"]
    assert widening["widens"] is True
    assert (widening["areas"], widening["periods"], widening["indicators"]) == (
        ["KH-12"],
        ["2023"],
        [],
    )
    assert [item["metadata"] for item in widening["review"]] == [
        "title",
        "description",
        "keywords",
        "name",
        "database file (named after name)",
    ]
    assert "**Widening:** the figures go beyond what OLD covered" in markdown
    assert "- new areas: `KH-12` (OLD had `KH-8`)" in markdown


def test_a_new_indicator_is_reported(old_and_new, run):
    old, new = old_and_new
    add_figure(
        new,
        "kandal-thefts-2022,kandal-crime-2022,thefts,KH-8,2022,,level,5,thefts,,measured,stated,,,,,\n",
    )

    report = json.loads(run(old.parent, "diff", "old", "new", "--json").stdout)["diff"]

    assert report["widening"]["indicators"] == ["thefts"]
    assert report["widening"]["areas"] == report["widening"]["periods"] == []


def test_a_figure_within_the_old_areas_years_and_indicators_widens_nothing(old_and_new, run):
    old, new = old_and_new
    add_figure(
        new,
        "kandal-crimes-2022,kandal-crime-2022,reported_crimes,KH-8,2022,,level,5,crimes,,measured,"
        "stated,,,,,\n",
    )

    result = run(old.parent, "diff", "old", "new")
    report = json.loads(run(old.parent, "diff", "old", "new", "--json").stdout)["diff"]

    assert "widening" not in result.stdout
    assert report["widening"]["widens"] is False and report["widening"]["review"] == []
