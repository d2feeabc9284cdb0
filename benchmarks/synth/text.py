"""The words of synthetic articles: indicators, the clauses that state a figure or
a claim, and the filler sentences between them.

Every clause that states a figure says its number once, with the qualifier
word right before it and, for a change, a word of its direction, so that the
pipeline's semantic checks (pipeline/check/numbers.py) read back what was written.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from pipeline.check.numbers import QUALIFIER_WORDS

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
SPELLED = dict(
    enumerate(
        [
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ],
        start=3,
    )
)
PERCENT_STYLES = (" per cent", " per cent", "%", " percent")


@dataclass(frozen=True)
class Indicator:
    indicator_id: str
    title: str
    definition: str
    kind: str  # "count": stated as a level or a change; "share": a percentage of a whole
    subject: str  # how prose names it: "the number of reported crimes"
    stated: str  # a clause around {n}: "{n} crimes were reported to the police"
    unit: str = "percent"  # the count noun of a level


def _count(indicator_id, title, definition, subject, stated, unit) -> Indicator:
    return Indicator(indicator_id, title, definition, "count", subject, stated, unit)


def _share(indicator_id, title, definition, stated) -> Indicator:
    return Indicator(indicator_id, title, definition, "share", title.lower(), stated)


INDICATORS: tuple[Indicator, ...] = (
    _count(
        "reported_crimes",
        "Reported crimes",
        "Crimes reported to the police in the area during the period.",
        "the number of reported crimes",
        "{n} crimes were reported to the police",
        "crimes",
    ),
    _count(
        "traffic_accidents",
        "Traffic accidents",
        "Traffic accidents recorded by the police in the area during the period.",
        "the number of traffic accidents",
        "police recorded {n} traffic accidents",
        "accidents",
    ),
    _count(
        "road_deaths",
        "Road deaths",
        "People killed in traffic accidents in the area during the period.",
        "the number of road deaths",
        "{n} people were killed on the roads",
        "deaths",
    ),
    _count(
        "drug_arrests",
        "Drug arrests",
        "Arrests for drug offences in the area during the period.",
        "the number of drug arrests",
        "officers made {n} arrests for drug offences",
        "arrests",
    ),
    _count(
        "burglaries",
        "Burglaries",
        "Burglaries reported in the area during the period.",
        "the number of burglaries",
        "residents reported {n} burglaries",
        "burglaries",
    ),
    _count(
        "fires_attended",
        "Fires attended",
        "Fires that the fire service attended in the area during the period.",
        "the number of fires attended",
        "firefighters attended {n} fires",
        "fires",
    ),
    _count(
        "hospital_admissions",
        "Hospital admissions",
        "Admissions to public hospitals in the area during the period.",
        "the number of hospital admissions",
        "public hospitals admitted {n} patients",
        "admissions",
    ),
    _count(
        "births_registered",
        "Births registered",
        "Births registered with the civil registry in the area during the period.",
        "the number of registered births",
        "{n} births were registered",
        "births",
    ),
    _count(
        "tourist_arrivals",
        "Tourist arrivals",
        "Visitors staying at least one night in the area during the period.",
        "the number of tourist arrivals",
        "the area welcomed {n} visitors",
        "visitors",
    ),
    _count(
        "new_businesses",
        "New businesses",
        "Businesses newly registered in the area during the period.",
        "the number of new businesses",
        "{n} new businesses were registered",
        "businesses",
    ),
    _count(
        "rice_harvest",
        "Rice harvest",
        "Paddy rice harvested in the area during the period, in tonnes.",
        "the rice harvest",
        "farmers harvested {n} tonnes of rice",
        "tonnes",
    ),
    _count(
        "dengue_cases",
        "Dengue cases",
        "Cases of dengue fever reported by health centres in the area during the period.",
        "the number of dengue cases",
        "health centres reported {n} cases of dengue fever",
        "cases",
    ),
    _count(
        "school_enrolment",
        "School enrolment",
        "Pupils enrolled in public schools in the area during the period.",
        "school enrolment",
        "public schools enrolled {n} pupils",
        "pupils",
    ),
    _count(
        "land_disputes",
        "Land disputes",
        "Land disputes filed with the authorities in the area during the period.",
        "the number of land disputes",
        "the authorities received {n} land disputes",
        "disputes",
    ),
    _count(
        "illegal_logging_cases",
        "Illegal logging cases",
        "Cases of illegal logging that rangers recorded in the area during the period.",
        "the number of illegal logging cases",
        "rangers recorded {n} cases of illegal logging",
        "cases",
    ),
    _count(
        "migrant_workers_returned",
        "Migrant workers returned",
        "Migrant workers who returned to the area from abroad during the period.",
        "the number of returning migrant workers",
        "{n} migrant workers returned from abroad",
        "workers",
    ),
    _share(
        "crimes_solved",
        "Crimes solved",
        "Reported crimes that the police solved, as a share of all reported crimes.",
        "the police solved {n} of reported crimes",
    ),
    _share(
        "households_with_electricity",
        "Households with electricity",
        "Households connected to the electricity grid, as a share of all households.",
        "{n} of households were connected to the grid",
    ),
    _share(
        "children_vaccinated",
        "Children vaccinated",
        "Children vaccinated against measles, as a share of all children of that age.",
        "{n} of young children had been vaccinated against measles",
    ),
    _share(
        "primary_completion",
        "Primary completion",
        "Pupils who completed primary school, as a share of those who started it.",
        "{n} of pupils completed primary school",
    ),
    _share(
        "households_with_clean_water",
        "Households with clean water",
        "Households with access to clean water, as a share of all households.",
        "{n} of households had access to clean water",
    ),
    _share(
        "forest_cover",
        "Forest cover",
        "Land covered by forest, as a share of the area's land.",
        "forest covered {n} of the land area",
    ),
)

DECLINE = {
    "verb": ("fell", "declined", "dropped", "decreased"),
    "noun": ("decline", "drop", "fall", "decrease"),
    "comparative": "lower",
    "adverb": "down",
}
RISE = {
    "verb": ("rose", "increased", "climbed", "jumped"),
    "noun": ("increase", "rise", "jump"),
    "comparative": "higher",
    "adverb": "up",
}


def period_words(period: str) -> str:
    """'2019' or 'March 2019'."""
    if len(period) == 4:
        return period
    return f"{MONTHS[int(period[5:7]) - 1]} {period[:4]}"


def number_words(value: float, unit: str, qualifier: str | None, rng: random.Random) -> str:
    """The value as prose states it, with a word for its qualifier in front."""
    if unit == "percent":
        style = rng.choice(PERCENT_STYLES)
        if (
            value == int(value)
            and int(value) in SPELLED
            and "%" not in style
            and rng.random() < 0.2
        ):
            text = f"{SPELLED[int(value)]}{style}"
        else:
            text = f"{value:g}{style}"
    else:
        text = f"{int(value):,}"
    if qualifier is not None:
        text = f"{rng.choice(QUALIFIER_WORDS[qualifier])} {text}"
    return text


def figure_clause(indicator: Indicator, measure: str, value: float, reference: str, n: str, rng):
    """A clause stating a figure; n is the number with its qualifier word, and the sign
    of value gives a change its direction."""
    if measure != "change":
        return indicator.stated.format(n=n)
    words = DECLINE if value < 0 else RISE
    compared = period_words(reference)
    choice = rng.randrange(4)
    if choice == 0 or (choice == 3 and not n[0].isdigit()):  # not "a nearly 5%" nor "a some"
        return f"{indicator.subject} {rng.choice(words['verb'])} by {n} compared with {compared}"
    if choice == 1:
        return f"{indicator.subject} was {n} {words['comparative']} than in {compared}"
    if choice == 2:
        return f"{indicator.subject} was {words['adverb']} by {n} on {compared}"
    noun = rng.choice(words["noun"])
    return f"there was {indefinite_article(n)} {n} {noun} in {indicator.subject} on {compared}"


@dataclass(frozen=True)
class ClaimTemplate:
    kind: str
    summary: str  # our words, with {area} and {when}
    clause: str  # the source's words


CLAIMS: tuple[ClaimTemplate, ...] = (
    ClaimTemplate(
        "cause",
        "Gambling is named as a main driver of crime in {area} in {when}.",
        "gambling appeared to be the main driver of crime",
    ),
    ClaimTemplate(
        "cause",
        "Drug use is named as a main driver of crime in {area} in {when}.",
        "drug use remained a major cause of crime in the area",
    ),
    ClaimTemplate(
        "attribution",
        "The results in {area} in {when} are credited to cooperation with residents.",
        "these results were largely thanks to the cooperation of residents",
    ),
    ClaimTemplate(
        "attribution",
        "The results in {area} in {when} are credited to more patrols.",
        "the improvement was the result of more frequent patrols",
    ),
    ClaimTemplate(
        "policy",
        "The authorities of {area} stepped up checks on the roads in {when}.",
        "the authorities had stepped up checks on the main roads",
    ),
    ClaimTemplate(
        "policy",
        "A village safety programme was carried out across {area} in {when}.",
        "the village safety programme was carried out in every commune",
    ),
    ClaimTemplate(
        "commitment",
        "The authorities of {area} will redouble their efforts after {when}.",
        "the authorities would redouble their efforts in the coming year",
    ),
    ClaimTemplate(
        "target",
        "The authorities of {area} aim to keep the figures of {when} next year.",
        "the aim was to achieve similar figures next year",
    ),
    ClaimTemplate(
        "admission",
        "Not every case in {area} in {when} was closed.",
        "not all cases had been closed, and more work was needed",
    ),
    ClaimTemplate(
        "trend",
        "Conditions in {area} improved during {when}.",
        "conditions in the area improved steadily during the period",
    ),
    ClaimTemplate(
        "claim",
        "The figures of {area} for {when} are said to attract investors.",
        "the figures were likely to attract investors to the area",
    ),
)

OPENERS = (
    "",
    "",
    "",
    "According to officials, ",
    "Last week, ",
    "Meanwhile, ",
    "As in previous years, ",
    "In a separate statement, ",
    "Separately, ",
    "By contrast, ",
    "At the same meeting, ",
    "Speaking to reporters, a spokesperson said ",
)
FILLER: tuple[str, ...] = (
    "the figures were presented at a press conference in the provincial capital",
    "officials did not say how the data had been collected",
    "residents interviewed by this newspaper gave mixed views of the report",
    "the report covers the whole of {area}, including its rural districts",
    "the report was released at the end of the month and runs to several dozen pages",
    "civil society groups called for the underlying data to be published in full",
    "the administration’s spokesperson declined to comment further",
    "comparable figures for neighbouring areas were not given",
    "{governor} has held the post for several years",
    "the report also lists road works, school repairs and health campaigns",
    "some of the measures were announced at the start of the year",
    "observers cautioned that recorded figures depend on how many cases are reported",
    "the meeting was attended by district governors and police chiefs",
    "local media have reported extensively on the issue in recent months",
    "farmers in the area said the rains came late – but not too late",
    "the administration said it would publish a fuller account later in the year",
    "the national government has set similar goals for every province",
    "market traders in {area} complained about the cost of fuel",
    "a new bridge on the main road is due to open before the rainy season",
    "teachers in remote villages asked for better housing",
    "the provincial hospital opened a new wing for mothers and children",
    "the opposition questioned whether the figures were complete",
    "donors have funded part of the programme since it began",
    "villagers said they now report more incidents to the commune police",
    "the governor thanked the armed forces and the police for their work",
    "the authorities have also set up a hotline for complaints",
    "the figures have not been checked by an independent body",
    "{governor} urged residents to keep working with the authorities",
    "the report does not break the figures down by district",
    "journalists were given a summary but not the full report",
    "the administration plans to hire more staff for its statistics office",
    "heavy flooding in the autumn damaged roads and crops in several districts",
    "the price of rice at the farm gate rose during the harvest",
    "a delegation from the capital visited {area} in the same week",
    "the provincial council approved the budget without changes",
    "road safety campaigns were held in schools and markets",
)


def filler_sentence(rng: random.Random, area: str, governor: str) -> str:
    opener = rng.choice(OPENERS)
    body = rng.choice(FILLER).format(area=area, governor=governor)
    sentence = opener + body
    return sentence[0].upper() + sentence[1:] + "."


def indefinite_article(words: str) -> str:
    """'an' before a number read with a vowel sound (8, 11, 18, 80...), else 'a'."""
    return "an" if re.match(r"(8|11\b|18\b|eight|eleven|eighteen)", words) else "a"


def person_name(rng: random.Random) -> str:
    syllables = ("so", "kha", "chan", "dara", "vi", "bo", "ra", "thy", "na", "mey", "pov", "lin")
    given = "".join(rng.choice(syllables) for _ in range(2)).capitalize()
    family = "".join(rng.choice(syllables) for _ in range(rng.choice((1, 2)))).capitalize()
    return f"{given} {family}"
