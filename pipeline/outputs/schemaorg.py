"""The schema.org `Dataset` as JSON-LD, for search engines and portals that read
schema.org (the HTML page embeds the same document).

The context is inline (`@vocab` schema.org), so a JSON-LD processor expands it
without fetching anything. Files are named by their path relative to the
package folder: no landing-page URL is known.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.assemble.json_text import indented
from pipeline.assemble.package import write_json
from pipeline.outputs import facts
from pipeline.outputs.source import PackageFile, PackageSource
from pipeline.project import DESCRIPTOR_NAME

FORMAT = "schemaorg"
PATH = "schema-org.jsonld"
CONTEXT = {"@vocab": "https://schema.org/"}


def write(source: PackageSource, folder: Path) -> list[PackageFile]:
    write_json(folder, PATH, dataset(source))
    return [
        PackageFile(
            path=PATH,
            format="jsonld",
            mediatype="application/ld+json",
            title="schema.org Dataset (JSON-LD)",
            consumer="search engines and schema.org readers (also embedded in index.html)",
        )
    ]


def dataset(source: PackageSource) -> dict:
    descriptor = source.descriptor
    document: dict = {"@context": CONTEXT, "@type": "Dataset"}
    iri = facts.package_iri(source)
    if iri:
        document["@id"] = iri
        document["identifier"] = iri
    document["name"] = descriptor.get("title") or descriptor["name"]
    document["alternateName"] = descriptor["name"]
    if descriptor.get("description"):
        document["description"] = descriptor["description"]
    if descriptor.get("version"):
        document["version"] = descriptor["version"]
    if descriptor.get("keywords"):
        document["keywords"] = descriptor["keywords"]
    licenses = [item["path"] for item in facts.licenses(source) if item.get("path")]
    if licenses:
        document["license"] = licenses[0] if len(licenses) == 1 else licenses
    document["creator"] = [agent(c) for c in facts.creators(source)]
    document["dateCreated"] = descriptor["created"]
    document["citation"] = [citation(row) for row in facts.cited_sources(source)]
    document["spatialCoverage"] = [place(area) for area in facts.areas(source)]
    coverage = facts.temporal_coverage(source)
    if coverage:
        document["temporalCoverage"] = coverage
    document["variableMeasured"] = [variable(row) for row in facts.measured_indicators(source)]
    document["distribution"] = distributions(source)
    return document


def agent(contributor: dict) -> dict:
    item = {"@type": "Person" if facts.is_person(contributor) else "Organization"}
    item["name"] = contributor.get("title") or " ".join(
        part for part in (contributor.get("givenName"), contributor.get("familyName")) if part
    )
    if contributor.get("path"):
        item["url"] = contributor["path"]
    return item


def citation(row: dict) -> dict:
    """The source as a CreativeWork: only what its record knows (no headline or byline
    when they are null), with a note on how its date is known."""
    item: dict = {"@type": "CreativeWork"}
    if row.get("url"):
        item["@id"] = row["url"]
        item["url"] = row["url"]
    if row.get("headline"):
        item["headline"] = row["headline"]
    if row.get("byline"):
        item["creditText"] = row["byline"]
    item["publisher"] = {"@type": "Organization", "name": row["publisher"]}
    if row.get("published"):
        item["datePublished"] = row["published"]
    item["inLanguage"] = row["language"]
    item["description"] = facts.publication_note(row)
    return item


def place(area: facts.Area) -> dict:
    scheme = area.scheme or "area_code"  # a place ISO does not code: the package's own code
    identifier = {"@type": "PropertyValue", "propertyID": scheme, "value": area.code}
    if area.scheme == "ISO 3166-1 alpha-2":
        return {"@type": "Country", "name": area.name, "identifier": identifier}
    return {
        "@type": "Place",
        "name": area.label,
        "identifier": identifier,
        "containedInPlace": {
            "@type": "Country",
            "name": area.country,
            "identifier": {
                "@type": "PropertyValue",
                "propertyID": "ISO 3166-1 alpha-2",
                "value": area.country_code,
            },
        },
    }


def variable(indicator: dict) -> dict:
    item = {
        "@type": "PropertyValue",
        "propertyID": indicator["indicator_id"],
        "name": indicator["title"],
        "description": indicator["definition"],
    }
    if indicator["units"]:
        item["unitText"] = ", ".join(indicator["units"])
    return item


def distributions(source: PackageSource) -> list[dict]:
    """Every file written so far, and the descriptor (whose size is not yet known)."""
    items = [
        {
            "@type": "DataDownload",
            "name": DESCRIPTOR_NAME,
            "description": "Frictionless Data Package descriptor (v2): every resource, "
            "field, type, key, licence and hash",
            "contentUrl": DESCRIPTOR_NAME,
            "encodingFormat": "application/json",
        }
    ]
    for file in source.files:
        item = {
            "@type": "DataDownload",
            "name": file.path,
            "description": file.title,
            "contentUrl": file.path,
            "encodingFormat": file.mediatype,
        }
        if file.bytes is not None:
            item["contentSize"] = f"{file.bytes} bytes"
        if file.sha256:
            item["sha256"] = file.sha256
        items.append(item)
    return items


def script_json(document: dict) -> str:
    """The document as JSON that is safe inside <script>: <, > and & are escaped."""
    text = indented(document)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
