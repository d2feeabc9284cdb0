"""The quote rules about numbers, through the CLI: direction words (a reviewed
vocabulary), numbers grouped by spaces, number words read as percentages (half,
doubled, halved), scale words ("466 million", "$1.2bn"), and where and how a value
that its quotes do not state is reported."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from pipeline.check import numbers
from tests.package_helpers import append_to_snapshot

SOURCE = "raw/sources/kandal-crime-2022"
FIGURES = f"{SOURCE}/figures.csv"
QUOTES = f"{SOURCE}/quotes.csv"
SPEAKER = "kandal-provincial-administration-report"


def add_stated(project: Path, sentence: str, figure: str, quote: str, qualifier: str = "") -> int:
    """sentence added at the end of the Kandal snapshot (its record updated), the
    figure row (figure_id first) added to figures.csv, and a quote of it (the words
    quote, in the sentence); the figure's line in figures.csv."""
    start = append_to_snapshot(project / SOURCE, f"\n\n{sentence}").rindex(quote)
    figure_id = figure.split(",")[0]
    with (project / FIGURES).open("a", encoding="utf-8") as file:
        file.write(figure_row(project, figure) + "\n")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(
        [f"{figure_id}-q01", "kandal-crime-2022", figure_id, "", SPEAKER, "paraphrase", quote]
        + [start, start + len(quote), "", qualifier, qualifier_words(quote, qualifier), ""]
    )
    with (project / QUOTES).open("a", encoding="utf-8") as file:
        file.write(out.getvalue())
    return len((project / FIGURES).read_text(encoding="utf-8").splitlines())


def figure_row(project: Path, figure: str) -> str:
    """A row of figures.csv from the tests' short form (figure_id, indicator_id,
    area_code, period, reference_period, measure, value, unit, qualifier, note): a
    measured figure of the Kandal source, its period stated, a share of all reported
    crimes; its unit added to raw/units.csv when new."""
    [cells] = csv.reader([figure])
    figure_id, *fact, unit, qualifier, note = cells
    whole = "reported_crimes" if fact[4] == "share" else ""
    units = project / "raw/units.csv"
    if f"\n{unit}," not in units.read_text(encoding="utf-8"):
        with units.open("a", encoding="utf-8") as file:
            file.write(f"{unit},{unit},count,Added by a test.\n")
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(
        [figure_id, "kandal-crime-2022", *fact, unit, qualifier, "measured", "stated", "", ""]
        + [whole, "", note]
    )
    return out.getvalue()


def qualifier_words(quote: str, qualifier: str) -> str:
    """The hedge's words as the quote writes them (the tests' quotes start with it)."""
    return quote.split()[0] if qualifier else ""


def errors(result) -> list[dict]:
    assert "Traceback" not in result.output
    return json.loads(result.stdout)["errors"] if result.stdout else []


def check(project: Path, run) -> list[dict]:
    result = run(project, "check", "--json")
    found = errors(result)
    assert result.exit_code == (1 if found else 0), result.output
    return found


# ---- directions --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "quote"),
    [
        ("Thefts were 12 per cent more than last year.", "12 per cent more than last year"),
        ("Thefts were 12 per cent more than in 2021.", "12 per cent more than in 2021"),
        ("Thefts were up 12 per cent.", "up 12 per cent"),
        ("Thefts jumped 12 per cent.", "jumped 12 per cent"),
    ],
)
def test_a_rise_in_the_vocabulary_passes(project, run, sentence, quote):
    add_stated(
        project,
        sentence,
        "kandal-thefts-2022,reported_crimes,KH-8,2023,2021,change,12,percent,,",
        quote,
    )
    assert check(project, run) == []


def test_words_that_are_not_a_direction_fail_and_the_message_lists_the_words(project, run):
    line = add_stated(
        project,
        "The police set up 12 per cent more patrols, up to 40 per cent in towns.",
        "kandal-patrols-2022,reported_crimes,KH-8,2023,2021,change,12,percent,,",
        "The police set up 12 per cent more patrols, up to 40 per cent",
    )
    found = check(project, run)
    assert [(e["code"], e["file"]) for e in found] == [("change-direction-matches-quote", QUOTES)]
    message = found[0]["message"]
    assert "do not state a rise" in message
    assert "rise words looked for: increas*, rise, rises" in message
    assert (
        "more than (last year | the previous year | a year earlier | a year ago | in <year>)"
        in (message)
    )
    assert "pipeline/check/vocabulary/directions.csv (columns words, direction, note)" in message
    assert line


@pytest.mark.parametrize(
    "path", [numbers.DIRECTIONS_FILE, numbers.NUMBER_WORDS_FILE, numbers.SCALES_FILE]
)
def test_vocabularies_are_reviewed_data_with_a_note_per_entry(path):
    rows = numbers.vocabulary(path)
    assert rows and all(row["words"].strip() and row["note"].strip() for row in rows)
    assert len({row["words"] for row in rows}) == len(rows)


def test_direction_vocabulary_has_rises_declines_and_words_that_are_none():
    rows = numbers.vocabulary(numbers.DIRECTIONS_FILE)
    assert {row["direction"] for row in rows} == {"rise", "decline", "none"}


@pytest.mark.parametrize(
    ("text", "directions"),
    [
        ("12 per cent more than last year", {1}),
        ("8 per cent fewer than the previous year", {-1}),
        ("less than in 2021", {-1}),
        ("more than 300 suspects", set()),
        ("more than 2000 people", set()),
        ("they set up a unit", set()),
        ("up to 40 per cent", set()),
        ("the road was cut off", set()),
        ("a crack down on crime", set()),
        ("thefts doubled", {1}),
        ("thefts halved", {-1}),
        ("cut by 5 per cent", {-1}),
        ("crime plunged", {-1}),
        ("the risk of crime", set()),
    ],
)
def test_direction_words_and_phrases(text, directions):
    assert numbers.direction(text) == directions


# ---- number forms ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("1 234 thefts", ["1234"]),
        ("1\u00a0234\u202f567 thefts", ["1234567"]),
        ("1\u2009234.5 km", ["1234.5"]),
        ("in 2022 123 thefts", ["2022", "123"]),
        ("1 2345 thefts", ["1", "2345"]),
        ("12 34 thefts", ["12", "34"]),
        ("half of them", ["50"]),
        ("crime halved", ["50"]),
        ("it doubled", ["100"]),
        ("about 466 million U.S. Dollars", ["466", "466000000"]),
        ("$1.2bn", ["1.2", "1200000000"]),
        ("1.5 billion", ["1.5", "1500000000"]),
        ("3 thousand", ["3", "3000"]),
        ("2.5k", ["2.5", "2500"]),
        ("466mn and 2tn", ["466", "466000000", "2", "2000000000000"]),
        ("5 men", ["5"]),
    ],
)
def test_numbers_in_groups_words_and_scales_are_read(text, values):
    assert [format(n.value, "f") for n in numbers.find_numbers(text)] == values


def test_half_is_a_percentage_and_keeps_its_qualifier():
    (number,) = numbers.find_numbers("almost half of all crimes")
    assert (number.value, number.percent, number.qualifier, number.words) == (
        50,
        True,
        "almost",
        "almost half",
    )


def test_a_scaled_number_is_read_as_written_and_scaled_exactly():
    plain, scaled = numbers.find_numbers("$1.2bn")
    assert (plain.value, plain.scaled) == (numbers.exact("1.2"), False)
    assert (scaled.value, scaled.scaled) == (numbers.exact("1200000000"), True)


@pytest.mark.parametrize(
    ("sentence", "figure", "quote"),
    [
        (
            "Police recorded 1\u00a0234 thefts.",
            "kandal-thefts-2022,reported_crimes,KH-8,2020,,level,1234,thefts,,",
            "recorded 1\u00a0234 thefts",
        ),
        (
            "Police solved half of all thefts.",
            "kandal-thefts-2022,reported_crimes_solved,KH-8,2020,,share,50,percent,,",
            "solved half of all thefts",
        ),
        (
            "Thefts halved.",
            "kandal-thefts-2022,reported_crimes,KH-8,2023,2021,change,-50,percent,,",
            "Thefts halved",
        ),
        (
            "Thefts doubled.",
            "kandal-thefts-2022,reported_crimes,KH-8,2023,2021,change,100,percent,,",
            "Thefts doubled",
        ),
        (
            "Crime cost about 466 million U.S. Dollars.",
            "kandal-cost-2022,reported_crimes,KH-8,2020,,level,466000000,us_dollars,approximately,",
            "about 466 million U.S. Dollars",
        ),
        (
            "Crime cost about 466 million U.S. Dollars.",
            "kandal-cost-2022,reported_crimes,KH-8,2020,,level,466,million_us_dollars,approximately,",
            "about 466 million U.S. Dollars",
        ),
        (
            "Crime cost $1.2bn.",
            "kandal-cost-2022,reported_crimes,KH-8,2020,,level,1200000000,us_dollars,,",
            "$1.2bn",
        ),
    ],
    ids=["no-break-space", "half", "halved", "doubled", "466-million", "466-alone", "1.2bn"],
)
def test_numbers_in_groups_words_and_scales_pass_the_value_check(
    project, run, sentence, figure, quote
):
    qualifier = "approximately" if "about" in quote else ""
    add_stated(project, sentence, figure, quote, qualifier)
    assert check(project, run) == []


@pytest.mark.parametrize(
    ("sentence", "figure", "quote"),
    [
        (
            "In 2022 123 thefts were recorded.",
            "kandal-thefts-2022,reported_crimes,KH-8,2020,,level,2022123,thefts,,",
            "In 2022 123 thefts",
        ),
        (
            "Crime cost about 466 million U.S. Dollars.",
            "kandal-cost-2022,reported_crimes,KH-8,2020,,level,466000001,us_dollars,approximately,",
            "about 466 million U.S. Dollars",
        ),
    ],
    ids=["year-then-number", "466-million-and-1"],
)
def test_a_value_not_stated_after_grouping_or_scaling_fails_at_the_figure(
    project, run, sentence, figure, quote
):
    qualifier = "approximately" if "about" in quote else ""
    line = add_stated(project, sentence, figure, quote, qualifier)
    found = check(project, run)
    assert [(e["code"], e["file"], e["line"]) for e in found] == [
        ("figure-value-in-quote", FIGURES, line)
    ]


# ---- where and how a value not stated is reported ------------------------------------


def test_a_percentage_recorded_as_a_count_says_so(project, run):
    line = add_stated(
        project,
        "Thefts made up 4.5 per cent of crimes.",
        "kandal-thefts-2022,reported_crimes,KH-8,2020,,level,4.5,thefts,,",
        "Thefts made up 4.5 per cent of crimes",
    )
    found = check(project, run)
    assert [(e["code"], e["file"], e["line"], e["field"]) for e in found] == [
        ("figure-value-in-quote", FIGURES, line, "value")
    ]
    quotes = len((project / QUOTES).read_text(encoding="utf-8").splitlines())
    assert found[0]["message"] == (
        f"value: quote {QUOTES}:{quotes} states a percentage (4.5 per cent) but figure "
        "kandal-thefts-2022's unit is thefts; a percentage is unit percent, measure share or "
        "change"
    )


def test_a_count_recorded_as_a_percentage_says_so(project, run):
    add_stated(
        project,
        "Police recorded 45 thefts.",
        "kandal-thefts-2022,reported_crimes_solved,KH-8,2020,,share,45,percent,,",
        "recorded 45 thefts",
    )
    (found,) = check(project, run)
    assert (
        "states 45, not a percentage, but figure kandal-thefts-2022's unit is percent"
        in (found["message"])
    )


def test_figure_qualifier_error_names_the_quotes_qualifiers(project, run):
    figures = project / FIGURES
    text = figures.read_text(encoding="utf-8")
    figures.write_text(text.replace(",share,96,percent,almost,", ",share,96,percent,at_least,"))
    found = check(project, run)
    assert [e["code"] for e in found] == ["figure-qualifier-is-quoted"]
    assert "(they state almost, no qualifier)" in found[0]["message"]


# ---- the year beside the number ------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "quote", "period", "reference"),
    [
        ("Police recorded 312 thefts in 2023.", "recorded 312 thefts in 2023", "2020", ""),
        ("In 2023, 312 thefts were recorded.", "In 2023, 312 thefts", "2020", ""),
        ("Thefts rose 12 per cent in 2023.", "rose 12 per cent in 2023", "2020", ""),
    ],
    ids=["number-then-year", "year-then-number", "percent-then-year"],
)
def test_a_year_beside_the_number_outside_the_period_fails_at_the_period(
    project, run, sentence, quote, period, reference
):
    measure, value, unit = (
        ("change", "12", "percent") if "per cent" in quote else ("level", "312", "thefts")
    )
    reference = "2019" if measure == "change" else reference
    figure = f"kandal-thefts-x,reported_crimes,KH-8,{period},{reference},{measure},{value},{unit},,"
    line = add_stated(project, sentence, figure, quote)
    found = check(project, run)
    assert [(e["code"], e["file"], e["line"], e["field"]) for e in found] == [
        ("period-covers-quoted-year", FIGURES, line, "period")
    ]
    quotes = len((project / QUOTES).read_text(encoding="utf-8").splitlines())
    assert found[0]["message"] == (
        f"period: figure kandal-thefts-x has period {period} (reference period "
        f"{reference or 'none'}), but quote {QUOTES}:{quotes} states 2023 beside its number "
        f"{value}; expected a period or reference period covering 2023"
    )


@pytest.mark.parametrize(
    ("sentence", "quote", "period", "reference"),
    [
        ("Police recorded 312 thefts in 2023.", "recorded 312 thefts in 2023", "2023", ""),
        ("In 2023, 312 thefts were recorded.", "In 2023, 312 thefts", "2023-05", ""),
        (
            "312 thefts in 2020, up from 250 in 2019.",
            "312 thefts in 2020, up from 250 in 2019",
            "2020",
            "",
        ),
        (
            "In 2023, the police in the whole province recorded 312 thefts.",
            "In 2023, the police in the whole province recorded 312 thefts",
            "2020",
            "",
        ),
    ],
    ids=["same-year", "month", "other-number-has-the-other-year", "year-far-away"],
)
def test_a_year_beside_the_number_within_the_period_passes(
    project, run, sentence, quote, period, reference
):
    figure = f"kandal-thefts-x,reported_crimes,KH-8,{period},{reference},level,312,thefts,,"
    add_stated(project, sentence, figure, quote)
    assert check(project, run) == []


def test_a_year_beside_a_change_may_be_its_reference_period(project, run):
    # Kandal: "In 2022, ... declined by 78 per cent compared to 2021": period 2022,
    # reference 2021; swapped, the figure fails.
    assert check(project, run) == []
    figures = project / FIGURES
    text = figures.read_text(encoding="utf-8")
    figures.write_text(text.replace(",KH-8,2022,2021,change,-78,", ",KH-8,2022,2020,change,-78,"))
    found = check(project, run)
    assert [e["code"] for e in found] == ["period-covers-quoted-year"]
    assert "states 2021 beside its number -78" in found[0]["message"]


def test_years_beside_a_number_are_the_nearest_in_the_sentence():
    import polars as pl

    texts = [
        "312 in 2023",
        "In 2023, 312 thefts",
        "312 in 2022, up from 250 in 2021",
        "In 2021 it was 5. In 2022, 7",
        "In 2022, the crime rate in Kandal province declined by 78 per cent compared to 2021",
        "2021-2022",
    ]
    found = numbers.years_beside(pl.Series(texts))
    assert found.select("at", "value", "year").rows() == [
        (0, "312", 2023),
        (1, "312", 2023),
        (2, "312", 2022),
        (2, "250", 2021),
        (3, "5", 2021),
        (3, "7", 2022),
        (4, "78", 2021),
    ]


@pytest.mark.parametrize(
    ("period", "years"),
    [
        ("2022", (2022, 2022)),
        ("2022-01", (2022, 2022)),
        ("2022-01-05", (2022, 2022)),
        ("2022-01/2023-09", (2022, 2023)),
        ("2022-01/P9M", (None, None)),
        (None, (None, None)),
    ],
)
def test_period_years_are_the_first_and_last_year_it_covers(period, years):
    import polars as pl

    from pipeline.check.periods import period_years

    first, last = period_years(pl.col("period"))
    frame = pl.DataFrame({"period": [period]}, schema={"period": pl.String})
    assert frame.select(first, last.alias("last")).row(0) == years


# ---- the hedge as written ------------------------------------------------------------


def test_kandal_keeps_the_sources_hedge_beside_the_qualifier(project):
    with (project / QUOTES).open(encoding="utf-8", newline="") as file:
        hedged = [
            (r["qualifier"], r["qualifier_words"]) for r in csv.DictReader(file) if r["qualifier"]
        ]
    assert hedged == [("almost", "almost")]


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        (
            "of all reported crimes,90,152,,almost,almost,",
            "of all reported crimes,90,152,,almost,,",
            "qualifier_words is empty, but the quote's words ('almost 96 per cent') put 'almost' "
            "before the number; expected 'almost'",
        ),
        (
            "of all reported crimes,90,152,,almost,almost,",
            "of all reported crimes,90,152,,almost,nearly,",
            "qualifier_words is 'nearly', but the quote's words",
        ),
        (
            "solved 96 per cent of them,908,947,,,,",
            "solved 96 per cent of them,908,947,,,about,",
            "qualifier_words is 'about' but qualifier is empty; expected it empty too",
        ),
    ],
    ids=["missing", "other-words", "without-a-qualifier"],
)
def test_qualifier_words_not_the_quotes_fail_at_the_cell(project, run, old, new, says):
    quotes = project / QUOTES
    text = quotes.read_text(encoding="utf-8")
    assert text.count(old) == 1
    quotes.write_text(text.replace(old, new), encoding="utf-8")
    found = check(project, run)
    assert [(e["code"], e["file"], e["field"]) for e in found] == [
        ("qualifier-words-match-quote", QUOTES, "qualifier_words")
    ]
    assert says in found[0]["message"]


def test_qualifier_words_compare_in_any_case_and_spacing(project, run):
    add_stated(
        project,
        "Police recorded Just  over 300 thefts.",
        "kandal-thefts-x,reported_crimes,KH-8,2020,,level,300,thefts,more_than,",
        "recorded Just  over 300 thefts",
        qualifier="more_than",
    )
    quotes = project / QUOTES
    text = quotes.read_text(encoding="utf-8")
    quotes.write_text(text.replace(",more_than,recorded,", ",more_than,just over,"), "utf-8")
    assert check(project, run) == []


def test_locate_fills_in_the_hedge_as_written(project, run):
    result = run(project, "locate", "kandal-crime-2022", "almost 96 per cent", "--json")
    [hit] = json.loads(result.stdout)["hits"]
    assert (hit["quote_row"]["qualifier"], hit["quote_row"]["qualifier_words"]) == (
        "almost",
        "almost",
    )
