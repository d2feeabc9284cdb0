"""When the figures reach beyond what the previous release covered (areas it had no figure
for, periods outside its years, indicators it had no figure of), the package's own
description (title, description, keywords, its name and the database file named after
it) may no longer say what it holds: `pipeline diff` names what to review. The hand-
written identity stays the maintainer's; nothing is rewritten here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.release.releases import BuiltPackage

FIGURES = "figures"
YEAR = re.compile(r"(?:^|/)([0-9]{4})")  # the year of a period, of each end of an interval
# What a maintainer writes by hand about the package as a whole, in datapackage.json.
TO_REVIEW = ("title", "description", "keywords", "name")
DERIVED = (
    "the spatial and temporal coverage in schema-org.jsonld, dcat-ap.jsonld, ckan-package.json "
    "and index.html follow the figures (check them)"
)


@dataclass
class Widening:
    """What the new figures cover that the old did not (all empty: nothing widened)."""

    areas: list[str] = field(default_factory=list)  # area codes new to the figures
    periods: list[str] = field(default_factory=list)  # periods outside the old years
    indicators: list[str] = field(default_factory=list)  # indicators new to the figures
    old_areas: list[str] = field(default_factory=list)
    old_years: tuple[int, int] | None = None
    review: list[tuple[str, str]] = field(default_factory=list)  # (metadata, its value now)

    def __bool__(self) -> bool:
        return bool(self.areas or self.periods or self.indicators)


def widening(old: BuiltPackage, new: BuiltPackage) -> Widening:
    """How new's figures widen old's; nothing when old has no figures to compare with."""
    before, after = old.tables.get(FIGURES) or [], new.tables.get(FIGURES) or []
    if not before:
        return Widening()
    old_years = sorted(_years(row) for row in before if _years(row))
    low = min(min(years) for years in old_years) if old_years else None
    high = max(max(years) for years in old_years) if old_years else None
    found = Widening(
        areas=_new(before, after, "area_code"),
        indicators=_new(before, after, "indicator_id"),
        periods=sorted(
            {
                row.get("period", "")
                for row in after
                if low is not None and any(not low <= year <= high for year in _years(row))
            }
        ),
        old_areas=sorted({row.get("area_code", "") for row in before} - {""}),
        old_years=(low, high) if low is not None else None,
    )
    if found:
        found.review = metadata_to_review(new.descriptor)
    return found


def _years(row: dict) -> list[int]:
    return [int(year) for year in YEAR.findall(row.get("period") or "")]


def _new(before: list[dict], after: list[dict], column: str) -> list[str]:
    known = {row.get(column, "") for row in before}
    return sorted({row.get(column, "") for row in after} - known - {""})


def metadata_to_review(descriptor: dict) -> list[tuple[str, str]]:
    """Each hand-written field of the package with its value now, and the database file."""
    review = [(key, _value(descriptor.get(key))) for key in TO_REVIEW]
    outputs = descriptor.get("outputs") or []
    databases = [str(o.get("path")) for o in outputs if o.get("format") == "sqlite"]
    if databases:
        review.append(("database file (named after name)", ", ".join(databases)))
    return review


def _value(value) -> str:
    if isinstance(value, list):
        return ", ".join(map(str, value))
    text = " ".join(str(value or "").split())
    return text if len(text) <= 80 else text[:79] + "…"
