"""Signposting (https://signposting.org/FAIR/) for the landing page: the typed links
in the <head> of index.html that let a machine find, from the page alone, what it is
about (`type`), how to cite it (`cite-as`), under which licence (`license`), the
metadata that describes it (`describedby`) and every file it offers (`item`).

Every href comes from PackageSource.iri, so the links are absolute when the build knows
where the package is published and relative paths otherwise. `cite-as` names a
permanent address, which only a known base URL gives: without one it is left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.outputs import facts
from pipeline.outputs.source import PackageSource
from pipeline.project import DESCRIPTOR_NAME

# The metadata files of the package, by path: they are the page's `describedby` links;
# every other file of the package is an `item`. A new metadata output adds its path
# here. (Signposting may name each one's profile, but `profile` is no attribute of
# HTML's <link>: the Nu HTML Checker rejects it; the media type is given instead.)
METADATA_FILES = (
    DESCRIPTOR_NAME,
    "dcat-ap.jsonld",
    "schema-org.jsonld",
    "prov.json",
    "ckan-package.json",
    "CITATION.cff",
    "datacite.json",
)
DESCRIPTOR_TYPE = "application/json"
# What the page is about (schema.org Dataset, as its JSON-LD says) and what it is.
PAGE_TYPES = ("https://schema.org/Dataset", "https://schema.org/AboutPage")


@dataclass(frozen=True)
class Link:
    rel: str
    href: str
    type: str | None = None


def links(source: PackageSource) -> list[Link]:
    """The page's signposting links, in a fixed order: cite-as (when a base URL is
    known), type, license, describedby (the descriptor, then each metadata file written
    before the page), item (each other file)."""
    found = [Link("cite-as", source.iri(""))] if source.base_url else []
    found += [Link("type", iri) for iri in PAGE_TYPES]
    licences = [item["path"] for item in facts.licenses(source) if item.get("path")]
    found += [Link("license", path) for path in licences]
    described = [(DESCRIPTOR_NAME, DESCRIPTOR_TYPE)]
    described += [(f.path, f.mediatype) for f in source.files if f.path in METADATA_FILES]
    found += [
        Link("describedby", source.iri(path), essence(mediatype)) for path, mediatype in described
    ]
    found += [
        Link("item", source.iri(f.path), essence(f.mediatype))
        for f in source.files
        if f.path not in METADATA_FILES
    ]
    return found


def essence(mediatype: str) -> str:
    """The media type without its parameters (`application/ld+json`, not
    `application/ld+json;profile="…"`): Signposting's `type` is a bare media type
    (RFC 6838), and its clients drop a link whose type has parameters."""
    return mediatype.split(";", 1)[0].strip()
