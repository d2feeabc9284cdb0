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
    code: str  # areas.area_code: ISO 3166-1 alpha-2, ISO 3166-2, or a place below them
    name: str  # the name the package gives it (areas.name)
    kind: str  # country, the ISO 3166-2 subdivision type (province, ...), or areas.kind
    country_code: str  # ISO 3166-1 alpha-2
    country: str
    scheme: str | None  # "ISO 3166-1 alpha-2", "ISO 3166-2", or None (a place ISO does not code)

    @property
    def label(self) -> str:
        """The area as a reader names it: "Kandal (province), Cambodia"."""
        if self.scheme == "ISO 3166-1 alpha-2":
            return self.name
        return f"{self.name} ({self.kind}), {self.country}"


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
    """The areas the figures and statements are about, as the areas resource names
    them, with what ISO 3166 says of their kind and country."""
    codes = sorted(
        {code for name in ("figures", "statements") for code in source.distinct(name, "area_code")}
    )
    if not codes:
        return []
    named = {row["area_code"]: row for row in source.rows("areas")}
    subdivisions, countries = _iso_3166()
    found = []
    for code in codes:
        row = named.get(code, {"name": code, "kind": "other"})
        country = countries[code[:2].lower()]
        if code.lower() in subdivisions:
            kind, scheme = subdivisions[code.lower()]["type"].lower(), "ISO 3166-2"
        elif code.lower() in countries:
            kind, scheme = "country", "ISO 3166-1 alpha-2"
        else:
            kind, scheme = row["kind"], None
        found.append(Area(code, row["name"], kind, country["alpha_2"], country["name"], scheme))
    return found


@cache
def _iso_3166() -> tuple[dict[str, dict], dict[str, dict]]:
    """pycountry's subdivision and country records by lower-cased code, as pycountry
    looks codes up, without building its lookup objects for 13,000 records (0.15 s, a
    tenth of a small build)."""
    subdivisions = {record["code"].lower(): record for record in iso_records("3166-2")}
    countries = {record["alpha_2"].lower(): record for record in iso_records("3166-1")}
    return subdivisions, countries


def coverage_bounds(source: PackageSource) -> tuple[str, str] | None:
    """The first and last date the figures' periods cover, as written (YYYY, YYYY-MM or
    YYYY-MM-DD; an interval's ends count, a duration alone has no dates)."""
    from pipeline.check.periods import first_day, last_day

    dated = [p.split("/") for p in source.distinct("figures", "period") if not p.startswith("P")]
    if not dated:
        return None
    start = min((parts[0] for parts in dated), key=lambda d: (first_day(d), len(d)))
    end = max((parts[-1] for parts in dated), key=lambda d: (last_day(d), -len(d)))
    return start, end


def temporal_coverage(source: PackageSource) -> str | None:
    """ISO 8601: one period, or the first/last as an interval."""
    bounds = coverage_bounds(source)
    if bounds is None:
        return None
    return bounds[0] if bounds[0] == bounds[1] else f"{bounds[0]}/{bounds[1]}"


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
