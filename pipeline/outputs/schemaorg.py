"""The schema.org `Dataset` as JSON-LD, for search engines and portals that read
schema.org; the HTML page embeds the same document (`dataset` describes the files
written before this one, whenever it is called).

The context is inline (`@vocab` schema.org), so a JSON-LD processor expands it
without fetching anything. The sources are what the dataset `isBasedOn`. With a
base URL (`build --base-url`, or the contract's homepage) each file's
`contentUrl` is its absolute IRI; without one it is its path relative to the
package folder, as text (a relative IRI would be resolved against wherever the
document is read from).
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
TITLE = "schema.org Dataset (JSON-LD)"  # as the metadata lists the file
CONTEXT = {"@vocab": "https://schema.org/"}
# contentUrl as an IRI, when the files have absolute IRIs (a base URL is known)
CONTEXT_WITH_BASE = {**CONTEXT, "contentUrl": {"@type": "@id"}}
MEASUREMENT_TECHNIQUE = (
    "Transcription by hand of the figures and claims the sources state, each with the "
    "verbatim quotes that state it; every quote is checked against the archived text of "
    "its source (the words at their code point offsets, each number within its quote), "
    "and every number in that text is accounted for."
)


def write(source: PackageSource, folder: Path) -> list[PackageFile]:
    write_json(folder, PATH, dataset(source))
    return [
        PackageFile(
            path=PATH,
            format="jsonld",
            mediatype="application/ld+json",
            title=TITLE,
            consumer="search engines and schema.org readers (also embedded in index.html)",
        )
    ]


def dataset(source: PackageSource) -> dict:
    descriptor = source.descriptor
    context = CONTEXT_WITH_BASE if source.base_url else CONTEXT
    document: dict = {"@context": context, "@type": "Dataset"}
    iri = facts.package_iri(source)
    if iri:
        document["@id"] = iri
        document["identifier"] = iri
    if source.base_url:
        document["url"] = source.base_url
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
    document["isBasedOn"] = [based_on(row) for row in facts.cited_sources(source)]
    document["measurementTechnique"] = MEASUREMENT_TECHNIQUE
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


def based_on(row: dict) -> dict:
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


def described_files(source: PackageSource) -> list[PackageFile]:
    """The files written before this document: the same list whether the standalone
    file is being written or the page embeds the document afterwards."""
    paths = [file.path for file in source.files]
    return source.files[: paths.index(PATH)] if PATH in paths else list(source.files)


def distribution_id(source: PackageSource, path: str) -> str:
    """A file's node: its IRI under the base URL, or with none, under the package's id
    (so that the page and the standalone file name it alike wherever they are read)."""
    if source.base_url:
        return source.iri(path)
    return f"{facts.package_iri(source)}#file/{path}" if facts.package_iri(source) else path


def distributions(source: PackageSource) -> list[dict]:
    """Every file written so far, and the descriptor (whose size is not yet known)."""
    items = [
        {
            "@type": "DataDownload",
            "@id": distribution_id(source, DESCRIPTOR_NAME),
            "name": DESCRIPTOR_NAME,
            "description": "Frictionless Data Package descriptor (v2): every resource, "
            "field, type, key, licence and hash",
            "contentUrl": source.iri(DESCRIPTOR_NAME),
            "encodingFormat": "application/json",
        }
    ]
    for file in described_files(source):
        item = {
            "@type": "DataDownload",
            "@id": distribution_id(source, file.path),
            "name": file.path,
            "description": file.title,
            "contentUrl": source.iri(file.path),
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
