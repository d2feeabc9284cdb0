"""The data model for real articles, on two made-up articles written for the tests (not
real reporting): a national figure, two sources that disagree, an absolute difference,
shares of a named whole (one naming the figure of its whole), a rate per 100,000, a
target, a period that is not a calendar year (an interval, a holiday inferred from
context), a place below ISO 3166-2. Each kind builds and validates; each rule that
guards it fails through the CLI, located at the cell to edit.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.cli.test_cli_errors import column_of, located
from tests.conftest import REPO

A, B = "roads-a-2023", "roads-b-2023"
# Made up for the tests: nothing here is a real report.
ARTICLE_A = (
    "Cambodia recorded 2,994 traffic accidents nationwide in 2022, an increase of 324 "
    "compared with 2021, the road safety committee said.\n\n"
    "Of the people killed, 79 per cent were riding motorcycles, and 74 per cent of them wore "
    "no helmet. Road deaths stood at 9.7 per 100,000 people.\n\n"
    "The committee aims to cut road deaths by 10 per cent in 2023. In the first nine months "
    "of 2022, police fined drivers 12,500 times. During the three-day Khmer New Year, Ta "
    "Khmau recorded 14 accidents. Road crashes cost the country about 466 million US dollars "
    "a year.\n"
)
ARTICLE_B = "Police reported 2,976 traffic accidents across Cambodia last year.\n"
SOURCES = {
    A: (ARTICLE_A, "Example Daily", "2023-01-10"),
    B: (ARTICLE_B, "Example Weekly", "2023-01-12"),
}
SHARED_ROWS = {
    "actors.csv": [
        "example-road-safety-committee,Road safety committee,organisation,"
        "The national road safety committee (made up for the tests),KH,",
        "example-police,Police,organisation,The police (made up for the tests),KH,",
    ],
    "indicators.csv": [
        "road_deaths,Road deaths,People killed in road crashes in the area during the period.,",
        "road_deaths_on_motorcycles,Road deaths on motorcycles,"
        "People killed in road crashes while riding a motorcycle.,",
        "motorcycle_deaths_without_helmet,Motorcycle deaths without a helmet,"
        "People killed while riding a motorcycle without a helmet.,",
        "population,Population,People living in the area.,",
        "road_crash_cost,Cost of road crashes,What road crashes cost the area's economy.,",
        "traffic_fines,Traffic fines,Fines the police gave drivers in the area during the period.,",
    ],
    "units.csv": [
        "accidents,accidents,count,",
        "deaths,deaths,count,",
        "fines,fines,count,",
        "USD,US dollars,currency,",
    ],
    "areas.csv": [
        "KH-8.ta-khmau,Ta Khmau,city,KH-8,The provincial capital of Kandal (krong Ta Khmau).",
    ],
}
FIGURES = ",".join(
    [
        "figure_id,source_id,indicator_id,area_code,period,reference_period,measure,value,unit",
        "qualifier,status,period_basis,period_note,rate_base,whole_indicator_id,whole_figure_id",
        "note",
    ]
)
# figure_id: (its row in figures.csv after figure_id and source_id, the words of its quote)
FIGURE_ROWS = {
    A: {
        "a-accidents-2022": (
            "traffic_accidents,KH,2022,,level,2994,accidents,,measured,stated,,,,,",
            "Cambodia recorded 2,994 traffic accidents nationwide in 2022",
        ),
        "a-accidents-difference-2022": (
            "traffic_accidents,KH,2022,2021,difference,324,accidents,,measured,stated,,,,,",
            "an increase of 324 compared with 2021",
        ),
        "a-motorcycle-share-2022": (
            "road_deaths_on_motorcycles,KH,2022,,share,79,percent,,measured,context,"
            "The paragraph follows the one on 2022.,,road_deaths,,",
            "Of the people killed, 79 per cent were riding motorcycles",
        ),
        "a-no-helmet-share-2022": (
            "motorcycle_deaths_without_helmet,KH,2022,,share,74,percent,,measured,context,"
            "The paragraph follows the one on 2022.,,road_deaths_on_motorcycles,"
            "a-motorcycle-share-2022,",
            "74 per cent of them wore no helmet",
        ),
        "a-road-death-rate-2022": (
            "road_deaths,KH,2022,,rate,9.7,deaths,,measured,context,"
            "The paragraph follows the one on 2022.,100000,population,,",
            "Road deaths stood at 9.7 per 100,000 people",
        ),
        "a-road-deaths-target-2023": (
            "road_deaths,KH,2023,2022,change,-10,percent,,target,context,"
            "2023 is stated; the comparison with 2022 is inferred: the article reports on "
            "2022.,,,,",
            "aims to cut road deaths by 10 per cent in 2023",
        ),
        "a-fines-2022-01-09": (
            "traffic_fines,KH,2022-01/2022-09,,level,12500,fines,,measured,stated,,,,,",
            "In the first nine months of 2022, police fined drivers 12,500 times",
        ),
        "a-khmer-new-year-accidents-2022": (
            "traffic_accidents,KH-8.ta-khmau,2022-04-14/2022-04-16,,level,14,accidents,,"
            "measured,context,Khmer New Year 2022 fell on 14 to 16 April; the article reports "
            "on 2022.,,,,",
            "During the three-day Khmer New Year, Ta Khmau recorded 14 accidents",
        ),
        "a-road-crash-cost": (
            "road_crash_cost,KH,P1Y,,level,466000000,USD,approximately,measured,context,"
            "A yearly cost; the article does not say which year.,,,,",
            "Road crashes cost the country about 466 million US dollars a year",
        ),
    },
    B: {
        "b-accidents-2022": (
            "traffic_accidents,KH,2022,,level,2976,accidents,,measured,dateline,"
            '"""last year"" in an article dated 2023-01-12",,,,',
            "Police reported 2,976 traffic accidents across Cambodia last year",
        ),
    },
}
SPEAKER = {A: "example-road-safety-committee", B: "example-police"}
# what each figure shows, as the transcriber's guide names it
KINDS = {
    "a-accidents-2022": 'A national level (area `KH`, named "Cambodia")',
    "a-accidents-difference-2022": "An absolute difference, in the indicator's unit",
    "a-motorcycle-share-2022": "A share of a named whole (an indicator the source gives no "
    "figure for)",
    "a-no-helmet-share-2022": "A share of a share: its whole is the figure before",
    "a-road-death-rate-2022": "A rate per 100,000 people",
    "a-road-deaths-target-2023": "A target: a relative change the committee aims for",
    "a-fines-2022-01-09": "A period that is not a calendar year: the first nine months",
    "a-khmer-new-year-accidents-2022": "A place below ISO 3166-2, over a holiday inferred "
    "from context",
    "a-road-crash-cost": "A scaled currency amount, a yearly cost the source does not date",
    "b-accidents-2022": "The same fact from another source, with another value; its year "
    "inferred from the dateline",
}


def add_articles(run, project: Path, tmp_path: Path) -> None:
    """Both articles added as a transcriber adds them: add-source, the shared rows,
    figures, and each quote where locate finds it."""
    for name, rows in SHARED_ROWS.items():
        with (project / "raw" / name).open("a", encoding="utf-8") as file:
            file.write("".join(f"{row}\n" for row in rows))
    for source, (text, publisher, published) in SOURCES.items():
        article = tmp_path / f"{source}.txt"
        article.write_text(text, encoding="utf-8")
        added = run(
            project, "add-source", str(article), "--id", source, "--publisher", publisher,
            "--language", "en", "--received", "2026-12-01", "--set", f"published={published}",
            "--set", "published_basis=stated", "--set", "rights=Made up for the tests.",
            "--set", "headline_note=Not known.", "--set", "byline_note=Not known.",
            "--set", "accessed_note=Not read at a URL.",
        )  # fmt: skip
        assert added.exit_code == 0, added.output
        folder = project / "raw/sources" / source
        figures = [FIGURES] + [f"{f},{source},{row}" for f, (row, _) in FIGURE_ROWS[source].items()]
        (folder / "figures.csv").write_text("\n".join(figures) + "\n", encoding="utf-8")
        quotes = folder / "quotes.csv"
        header = quotes.read_text(encoding="utf-8").splitlines()[0].split(",")
        for number, (figure_id, (row, words)) in enumerate(FIGURE_ROWS[source].items(), 1):
            start = text.index(words)
            hedge = "about" if ",approximately," in row else None
            cells = {
                "quote_id": f"{source}-q{number:02d}", "source_id": source,
                "figure_id": figure_id, "speaker_id": SPEAKER[source],
                "attribution": "paraphrase", "text": words, "start": start,
                "end": start + len(words), "qualifier": hedge and "approximately",
                "qualifier_words": hedge,
            }  # fmt: skip
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerow(cells.get(n) for n in header)
            with quotes.open("a", encoding="utf-8") as file:
                file.write(buffer.getvalue())


@pytest.fixture
def articles(project: Path, run, tmp_path: Path) -> Path:
    add_articles(run, project, tmp_path)
    return project


def test_every_kind_of_figure_checks_builds_and_validates(articles, run):
    checked = run(articles, "check", "--json")
    assert checked.exit_code == 0, checked.output
    assert json.loads(checked.stdout)["rows"]["figures"] == 3 + 10

    built = run(articles, "build")
    assert built.exit_code == 0, built.output
    validated = run(articles, "validate", "--json")
    assert validated.exit_code == 0, validated.output
    figures = (articles / "build/data/figures.csv").read_text(encoding="utf-8")
    for figure_id, (row, _) in {**FIGURE_ROWS[A], **FIGURE_ROWS[B]}.items():
        source = A if figure_id.startswith("a-") else B
        assert f"{figure_id},{source},{row}" in figures  # every kind, as transcribed
    page = (articles / "build/index.html").read_text(encoding="utf-8")
    assert "Ta Khmau (city), Cambodia" in page and "Cambodia (ISO 3166-1 alpha-2" in page
    assert "9.7 deaths per 100,000 Population" in page  # a rate names what it is per
    assert "74 % of Road deaths on motorcycles" in page  # a share, its whole
    assert "+324 accidents" in page and "change (target), 2023 compared with 2022" in page
    side_by_side = page[
        page.index('<section id="conflicts">') : page.index('<section id="figures">')
    ]
    assert "<caption>traffic_accidents in KH, 2022 (level, accidents)</caption>" in side_by_side
    for publisher, value, words in [
        ("Example Daily", "2994", "Cambodia recorded 2,994 traffic accidents nationwide in 2022"),
        ("Example Weekly", "2976", "Police reported 2,976 traffic accidents across Cambodia"),
    ]:
        assert publisher in side_by_side and f">{value}</a>" in side_by_side
        assert words in side_by_side


def test_two_sources_that_disagree_are_both_kept_and_listed_side_by_side(articles, run):
    result = run(articles, "conflicts", "--json")

    assert result.exit_code == 0, result.output
    [conflict] = json.loads(result.stdout)["conflicts"]
    assert conflict["fact"]["indicator_id"] == "traffic_accidents"
    assert conflict["fact"]["area_code"] == "KH"
    stated = [
        (f["source_id"], f["value"], [q["text"] for q in f["quotes"]]) for f in conflict["figures"]
    ]
    assert stated == [
        (A, "2994", ["Cambodia recorded 2,994 traffic accidents nationwide in 2022"]),
        (B, "2976", ["Police reported 2,976 traffic accidents across Cambodia last year"]),
    ]
    human = run(articles, "conflicts")
    guide = (REPO / "docs/transcribers-guide.md").read_text(encoding="utf-8")
    assert f"```\n{human.stdout}```" in guide  # the guide shows what it prints
    assert "1 fact on which sources differ:" in human.stdout
    assert f"  {A}: 2994, figure a-accidents-2022 (raw/sources/{A}/figures.csv:2)" in human.stdout
    assert f"    raw/sources/{B}/quotes.csv:2: " in human.stdout


def test_the_guide_shows_these_examples_as_they_are_tested():
    guide = (REPO / "docs/transcribers-guide.md").read_text(encoding="utf-8")
    section = guide[guide.index("## Kinds of figures: worked examples") :]
    assert ARTICLE_A.rstrip("\n") in section and ARTICLE_B.rstrip("\n") in section
    for rows in SHARED_ROWS.values():
        for row in rows:
            assert f"\n{row}\n" in section, row
    for source, figures in FIGURE_ROWS.items():
        for figure_id, (row, words) in figures.items():
            assert f'- {KINDS[figure_id]}: "{words}"' in section
            assert f"\n  {figure_id},{source},{row}\n" in section, figure_id


def edit_figure(project: Path, source: str, figure_id: str, old: str, new: str) -> int:
    """Replace old by new in one figure's row; return its line."""
    path = project / "raw/sources" / source / "figures.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    [line] = [n for n, text in enumerate(lines) if text.startswith(f"{figure_id},")]
    assert lines[line].count(old) == 1, lines[line]
    lines[line] = lines[line].replace(old, new)
    path.write_text("\n".join(lines), encoding="utf-8")
    return line + 1


BROKEN = [
    pytest.param("a-accidents-difference-2022", ",324,accidents,", ",324,percent,",
                 "unit", "measure-in-its-unit", id="difference-in-percent"),
    pytest.param("a-motorcycle-share-2022", ",,road_deaths,,", ",,,,",
                 "whole_indicator_id", "names-its-whole", id="share-without-whole"),
    pytest.param("a-road-death-rate-2022", ",100000,population,", ",,population,",
                 "rate_base", "rate-has-base", id="rate-without-base"),
    pytest.param("a-no-helmet-share-2022", ",road_deaths_on_motorcycles,a-motorcycle",
                 ",road_deaths,a-motorcycle", "whole_figure_id", "whole-figure-is-of-whole",
                 id="whole-figure-of-another-indicator"),
    pytest.param("a-road-deaths-target-2023", ",target,", ",measured,",
                 "status", "status-fits-publication", id="goal-recorded-as-measured"),
    pytest.param("a-accidents-2022", ",measured,stated,", ",forecast,stated,",
                 "status", "status-fits-publication", id="past-recorded-as-forecast"),
    pytest.param("a-fines-2022-01-09", ",2022-01/2022-09,", ",2022-09/2022-01,",
                 "period", "period-is-iso-8601", id="interval-backwards"),
    pytest.param("b-accidents-2022", ',dateline,"""last', ',dateline,,"""last',
                 "period_note", "period-basis-has-note", id="inferred-period-without-note"),
    pytest.param("a-accidents-difference-2022", ",2021,difference,", ",,difference,",
                 "reference_period", "change-has-reference-period", id="difference-no-reference"),
    pytest.param("a-accidents-2022", ",KH,2022,", ",KH-8,2022,",
                 "area_code", "area-named-in-source", id="real-area-not-named"),
]  # fmt: skip


@pytest.mark.parametrize(("figure_id", "old", "new", "field", "code"), BROKEN)
def test_each_rule_of_the_model_fails_at_the_cell_to_edit(
    articles, run, figure_id, old, new, field, code
):
    source = A if figure_id.startswith("a-") else B
    if code == "period-basis-has-note":  # the note's cell emptied, the row as long as before
        new, old = ",dateline,,", ',dateline,"""last year"" in an article dated 2023-01-12",'
    line = edit_figure(articles, source, figure_id, old, new)
    path = f"raw/sources/{source}/figures.csv"
    column = column_of(articles / path, line, field)

    result = run(articles, "check")

    assert (path, line, column, code) in located(result), result.output
    assert result.exit_code == 1


def test_a_figure_quoted_from_another_source_fails_at_its_source(articles, run):
    quotes = articles / "raw/sources" / B / "quotes.csv"
    text = quotes.read_text(encoding="utf-8")
    quotes.write_text(text.replace(",b-accidents-2022,", ",a-accidents-2022,"), encoding="utf-8")

    result = run(articles, "check")

    assert result.exit_code == 1
    assert ("raw/sources/" + A + "/figures.csv", 2, 18, "figure-quotes-its-source") in located(
        result
    ), result.output


@pytest.mark.parametrize(
    ("row", "code"),
    [
        ("KH-99,Nowhere,subdivision,KH,", "area-code-is-known"),
        ("KH-1,Banteay Mean Chey,subdivision,KH-8,", "area-parent-is-iso-parent"),
        ("KH-8.ta-khmau-2,Ta Khmau,city,KH,", "area-code-is-known"),
    ],
    ids=["not-iso", "wrong-parent", "place-not-below-its-parent"],
)
def test_areas_are_iso_or_below_their_parent(project, run, row, code):
    areas = project / "raw/areas.csv"
    with areas.open("a", encoding="utf-8") as file:
        file.write(row + "\n")
    line = len(areas.read_text(encoding="utf-8").splitlines())

    result = run(project, "check")

    assert result.exit_code == 1
    assert [p[:2] + p[3:] for p in located(result)] == [("raw/areas.csv", line, code)]


def test_a_currency_unit_is_an_iso_4217_code(project, run):
    with (project / "raw/units.csv").open("a", encoding="utf-8") as file:
        file.write("USD,US dollars,currency,\nXYZ,?,currency,\nKHR,riels,count,\n")

    result = run(project, "check")

    assert result.exit_code == 1
    assert located(result) == [
        ("raw/units.csv", 4, 7, "unit-kind-matches-id"),
        ("raw/units.csv", 5, 11, "unit-kind-matches-id"),
    ]
    assert "'XYZ' is not an ISO 4217 currency code" in result.stderr
    assert "'KHR' is an ISO 4217 currency code; expected kind currency" in result.stderr
