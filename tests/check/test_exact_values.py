"""A figure's value must be exactly the number its quote states, as decimals: not a
float that rounds to it (50.00000000000000001 is not 50, 9007199254740992 is not
9,007,199,254,740,993, though as floats both pairs are equal)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.package_helpers import append_to_snapshot, rehash

SOURCE = "raw/sources/kandal-crime-2022"
FIGURES = f"{SOURCE}/figures.csv"
QUOTES = f"{SOURCE}/quotes.csv"
# Two sentences added at the end of the Kandal snapshot (the other quotes keep their
# offsets), each the quote of a figure added for it.
ADDED = "\n\nOf the cases, 50 per cent were closed. The archive holds 9,007,199,254,740,993 pages."
STATED = {
    "exact-share-2021": ("reported_crimes_solved,KH-8,2021,,share", "percent", "50 per cent"),
    "exact-pages-2020": ("reported_crimes,KH-8,2020,,level", "pages", "9,007,199,254,740,993"),
}
NEAR = [
    pytest.param("exact-share-2021", "50", "50.00000000000000001", "per cent", id="50-per-cent"),
    pytest.param("exact-pages-2020", "9007199254740993", "9007199254740992", "", id="2-to-the-53"),
]


def add_figure(project: Path, figure_id: str, value: str) -> int:
    """The figure and its quote added to the Kandal source; the quote's line."""
    snapshot = (project / SOURCE / "snapshot.txt").read_text(encoding="utf-8")
    key, unit, text = STATED[figure_id]
    indicator, area, period, reference, measure = key.split(",")
    start = snapshot.index(text)
    with (project / FIGURES).open("a", encoding="utf-8") as figures:
        whole = "reported_crimes" if measure == "share" else ""
        row = f"{figure_id},kandal-crime-2022,{key},{value},{unit},,measured,stated,,,{whole},,"
        figures.write(f"{row}Added by a test.\n")
    if unit != "percent":
        with (project / "raw/units.csv").open("a", encoding="utf-8") as units:
            units.write(f"{unit},{unit},count,Added by a test.\n")
    quotes = project / QUOTES
    with quotes.open("a", encoding="utf-8") as file:
        file.write(
            f"{figure_id}-q01,kandal-crime-2022,{figure_id},,kandal-provincial-administration-"
            f'report,paraphrase,"{text}",{start},{start + len(text)},,,,\n'
        )
    return len(quotes.read_text(encoding="utf-8").splitlines())


def set_aside_the_other(project: Path, figure_id: str) -> None:
    """The number of the added sentence that no figure is added for, set aside (every
    number mention is a figure's or set aside: pipeline.check.coverage)."""
    snapshot = (project / SOURCE / "snapshot.txt").read_text(encoding="utf-8")
    [(_, _, text)] = [stated for other, stated in STATED.items() if other != figure_id]
    start = snapshot.index(text)
    with (project / SOURCE / "mentions.csv").open("a", encoding="utf-8") as mentions:
        mentions.write(
            f'kandal-crime-2022,{start},{start + len(text)},"{text}",out_of_scope,A test.\n'
        )


@pytest.fixture
def extended(project: Path) -> Path:
    """The project with ADDED at the end of the snapshot and its record updated."""
    append_to_snapshot(project / SOURCE, ADDED)
    return project


def value_problems(result) -> list[tuple]:
    assert result.exit_code == 1, result.output
    errors = json.loads(result.stdout)["errors"]
    return [(e["file"], e["line"], e["column"], e["code"], e["message"]) for e in errors]


def test_values_stated_exactly_pass_check_and_build(extended, run):
    for figure_id, value in [
        ("exact-share-2021", "50.0"),
        ("exact-pages-2020", "9007199254740993"),
    ]:
        add_figure(extended, figure_id, value)

    assert run(extended, "check").exit_code == 0
    result = run(extended, "build")
    assert result.exit_code == 0, result.output
    assert run(extended, "validate").exit_code == 0


@pytest.mark.parametrize(("figure_id", "exact", "near", "unit"), NEAR)
def test_value_a_float_rounds_to_the_quotes_number_fails_check_at_the_figure(
    extended, run, figure_id, exact, near, unit
):
    line = add_figure(extended, figure_id, near)
    set_aside_the_other(extended, figure_id)
    _, _, stated = STATED[figure_id]
    figures = (extended / FIGURES).read_bytes()
    lines = figures.decode("utf-8").splitlines()
    figure_line = len(lines)

    for command in ("check", "build"):
        result = run(extended, command, "--json")

        says = (
            f"value: figure {figure_id} has value {near}{' ' * bool(unit)}{unit}, which quote "
            f"{QUOTES}:{line} does not state exactly; numbers it states: {stated}"
        )
        column = lines[figure_line - 1].index(f",{near},") + 2
        found = value_problems(result)
        assert found == [(FIGURES, figure_line, column, "figure-value-in-quote", says)]
    assert not (extended / "build").exists()  # nothing published
    assert (extended / FIGURES).read_bytes() == figures


@pytest.mark.parametrize(("figure_id", "exact", "near", "unit"), NEAR)
def test_value_a_float_rounds_to_the_quotes_number_fails_validate(
    extended, run, tmp_path, figure_id, exact, near, unit
):
    add_figure(extended, figure_id, exact)
    set_aside_the_other(extended, figure_id)
    assert run(extended, "build").exit_code == 0
    package = tmp_path / "package"
    shutil.copytree(extended, package)
    figures = package / "build/data/figures.csv"
    data = figures.read_text(encoding="utf-8")
    written = f",{exact},{'percent' if unit else 'pages'},"
    assert data.count(written) == 1
    figures.write_text(data.replace(written, written.replace(exact, near)), encoding="utf-8")
    rehash(package / "build")

    result = run(package, "validate", "--json")

    [(file, line, _, code, message)] = value_problems(result)
    assert (file, code) == ("build/data/figures.csv", "figure-value-in-quote")
    rows = (package / file).read_text(encoding="utf-8").splitlines()
    assert rows[line - 1].startswith(f"{figure_id},")
    assert f"has value {near}" in message
    quotes = (package / "build/data/quotes.csv").read_text(encoding="utf-8").splitlines()
    quote_line = next(n for n, row in enumerate(quotes, 1) if row.startswith(f"{figure_id}-q01,"))
    assert f"quote build/data/quotes.csv:{quote_line} does not state" in message
