"""What the metadata formats say about the package, worked out once from the
descriptor and the tables: who made it, its licence, the places and periods it
covers, the indicators it measures and the sources it cites. schema.org, DCAT,
CKAN, PROV and the HTML page each map these to their own vocabulary.

Only what the package records is said: a null headline, byline or date stays out,
and there is no landing-page URL (none is known), so files are named by their
path relative to the package folder.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import cache

from pipeline.check.rules import iso_records
from pipeline.outputs.source import PackageSource

CREATOR_ROLE = "creator"


@dataclass(frozen=True)
class Area:
    code: str  # ISO 3166-2
    name: str  # the ISO 3166-2 subdivision name
    kind: str  # province, region, ...
    country_code: str  # ISO 3166-1 alpha-2
    country: str


def package_iri(source: PackageSource) -> str | None:
    """The package's id as an IRI: urn:uuid:… when it is a UUID, None when there is none."""
    identifier = source.descriptor.get("id")
    if not identifier:
        return None
    try:
        return uuid.UUID(identifier).urn
    except ValueError:
        return identifier if ":" in identifier else None


def creators(source: PackageSource) -> list[dict]:
    """Contributors with the creator role (Data Package v2 `contributors`)."""
    return [
        c
        for c in source.descriptor.get("contributors", [])
        if CREATOR_ROLE in c.get("roles", []) or c.get("role") == CREATOR_ROLE
    ]


def is_person(contributor: dict) -> bool:
    """Data Package v2 gives a person's givenName/familyName; anything else is a body."""
    return bool(contributor.get("givenName") or contributor.get("familyName"))


def licenses(source: PackageSource) -> list[dict]:
    return source.descriptor.get("licenses", [])


def areas(source: PackageSource) -> list[Area]:
    """The ISO 3166-2 areas the figures and statements are about."""
    codes = sorted(
        {code for name in ("figures", "statements") for code in source.distinct(name, "area_code")}
    )
    subdivisions, countries = _iso_3166() if codes else ({}, {})
    found = []
    for code in codes:
        subdivision = subdivisions[code.lower()]
        country = countries[subdivision["code"].split("-")[0].lower()]
        found.append(
            Area(
                code,
                subdivision["name"],
                subdivision["type"].lower(),
                country["alpha_2"],
                country["name"],
            )
        )
    return found


@cache
def _iso_3166() -> tuple[dict[str, dict], dict[str, dict]]:
    """pycountry's subdivision and country records by lower-cased code, as pycountry
    looks codes up, without building its lookup objects for 13,000 records (0.15 s, a
    tenth of a small build)."""
    subdivisions = {record["code"].lower(): record for record in iso_records("3166-2")}
    countries = {record["alpha_2"].lower(): record for record in iso_records("3166-1")}
    return subdivisions, countries


def figure_periods(source: PackageSource) -> list[str]:
    """The periods the figures are about, sorted (YYYY, YYYY-MM or YYYY-MM-DD)."""
    return sorted(source.distinct("figures", "period"))


def temporal_coverage(source: PackageSource) -> str | None:
    """ISO 8601: one period, or the first/last as an interval."""
    periods = figure_periods(source)
    if not periods:
        return None
    return periods[0] if len(periods) == 1 else f"{periods[0]}/{periods[-1]}"


def units_by_indicator(source: PackageSource) -> dict[str, list[str]]:
    units: dict[str, set[str]] = {}
    for indicator, unit in source.distinct("figures", "indicator_id", "unit"):
        units.setdefault(indicator, set()).add(unit)
    return {key: sorted(value) for key, value in units.items()}


def measured_indicators(source: PackageSource) -> list[dict]:
    """Indicators with at least one figure, each with `units`: the units its figures use."""
    units = units_by_indicator(source)
    return [
        {**row, "units": units[row["indicator_id"]]}
        for row in source.rows("indicators")
        if row["indicator_id"] in units
    ]


def cited_sources(source: PackageSource) -> list[dict]:
    return list(source.rows("sources"))


def publication_note(row: dict) -> str:
    """How the source's date is known, in the source record's own terms."""
    if row.get("published") is None:
        return row.get("published_note") or "Publication date not known."
    basis = row.get("published_basis") or "stated"
    note = f"Published {row['published']} ({basis})."
    if row.get("published_note"):
        note += " " + row["published_note"]
    return note
