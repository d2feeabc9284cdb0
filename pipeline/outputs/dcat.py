"""DCAT in the DCAT-AP 3 shape, as JSON-LD, for EU-style catalogue harvesters: a
catalogue holding the dataset, its creator as the publishing agent, and one
distribution per file with licence, media type, size and SHA-256 checksum.

The context is inline, so no processor fetches anything. Distribution URLs are
relative IRIs (resolved against wherever this file is published): the package
has no known landing page. No theme is asserted: the contract names none.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.assemble.package import write_json
from pipeline.outputs import facts
from pipeline.outputs.source import PackageFile, PackageSource
from pipeline.project import DESCRIPTOR_NAME

FORMAT = "dcat"
PATH = "dcat-ap.jsonld"
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "prov": "http://www.w3.org/ns/prov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "spdx": "http://spdx.org/rdf/terms#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
PERIOD_TYPES = {4: "xsd:gYear", 7: "xsd:gYearMonth", 10: "xsd:date"}  # by length of the text


def write(source: PackageSource, folder: Path) -> list[PackageFile]:
    write_json(folder, PATH, catalog(source))
    return [
        PackageFile(
            path=PATH,
            format="jsonld",
            mediatype="application/ld+json",
            title="DCAT-AP 3 catalogue record (JSON-LD)",
            consumer="DCAT harvesters (data.europa.eu-style portals, ckanext-dcat)",
        )
    ]


def catalog(source: PackageSource) -> dict:
    """The catalogue (whose publisher is the package's creator, who builds and publishes
    it), the dataset inside it, and the agents both refer to."""
    descriptor = source.descriptor
    agents = [agent(c, index) for index, c in enumerate(facts.creators(source), start=1)]
    node: dict = {"@type": "dcat:Catalog"}
    node["dct:title"] = f"Catalogue of the data package {descriptor['name']}"
    node["dct:description"] = (
        f"The data package {descriptor['name']} and its files, as built by "
        f"{descriptor['provenance']['pipeline']['name']}."
    )
    if agents:
        node["dct:publisher"] = {"@id": agents[0]["@id"]}
    node["dcat:dataset"] = dataset(source, agents)
    return {"@context": CONTEXT, "@graph": [node, *agents]}


def agent(contributor: dict, index: int) -> dict:
    kind = "foaf:Person" if facts.is_person(contributor) else "foaf:Agent"
    name = contributor.get("title") or " ".join(
        part for part in (contributor.get("givenName"), contributor.get("familyName")) if part
    )
    return {"@id": f"_:creator-{index}", "@type": kind, "foaf:name": name}


def dataset(source: PackageSource, agents: list[dict]) -> dict:
    descriptor = source.descriptor
    item: dict = {"@type": "dcat:Dataset"}
    iri = facts.package_iri(source)
    if iri:
        item["@id"] = iri
    if descriptor.get("id"):
        item["dct:identifier"] = descriptor["id"]
    item["dct:title"] = descriptor.get("title") or descriptor["name"]
    if descriptor.get("description"):
        item["dct:description"] = descriptor["description"]
    if descriptor.get("keywords"):
        item["dcat:keyword"] = descriptor["keywords"]
    if descriptor.get("version"):
        item["dcat:version"] = descriptor["version"]
    if agents:
        item["dct:creator"] = [{"@id": a["@id"]} for a in agents]
        item["dct:publisher"] = {"@id": agents[0]["@id"]}
    item["dct:spatial"] = [location(area) for area in facts.areas(source)]
    bounds = facts.coverage_bounds(source)
    if bounds:
        item["dct:temporal"] = {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": period_literal(bounds[0]),
            "dcat:endDate": period_literal(bounds[1]),
        }
    derived = [{"@id": row["url"]} for row in facts.cited_sources(source) if row.get("url")]
    if derived:
        item["prov:wasDerivedFrom"] = derived
    item["dcat:distribution"] = distributions(source)
    return item


def location(area: facts.Area) -> dict:
    return {
        "@type": "dct:Location",
        "skos:prefLabel": area.label,
        "skos:notation": area.code,
    }


def period_literal(period: str) -> dict:
    if not re.fullmatch(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?", period):
        raise ValueError(f"not a period: {period!r}")
    return {"@value": period, "@type": PERIOD_TYPES[len(period)]}


def license_node(source: PackageSource) -> dict | None:
    paths = [item["path"] for item in facts.licenses(source) if item.get("path")]
    return {"@id": paths[0], "@type": "dct:LicenseDocument"} if len(paths) == 1 else None


def distributions(source: PackageSource) -> list[dict]:
    descriptor_file = PackageFile(
        path=DESCRIPTOR_NAME,
        format="json",
        mediatype="application/json",
        title="Frictionless Data Package descriptor (v2)",
        consumer="Frictionless tools",
    )
    return [distribution(source, file) for file in [descriptor_file, *source.files]]


def distribution(source: PackageSource, file: PackageFile) -> dict:
    item: dict = {
        "@type": "dcat:Distribution",
        "dct:title": file.title,
        "dcat:accessURL": {"@id": file.path},
        "dcat:downloadURL": {"@id": file.path},
        "dcat:mediaType": {"@id": MEDIA_TYPES + file.mediatype},
    }
    licence = license_node(source)
    if licence:
        item["dct:license"] = licence
    if file.bytes is not None:
        item["dcat:byteSize"] = {"@value": str(file.bytes), "@type": "xsd:nonNegativeInteger"}
    if file.sha256:
        item["spdx:checksum"] = {
            "@type": "spdx:Checksum",
            "spdx:algorithm": {"@id": "spdx:checksumAlgorithm_sha256"},
            "spdx:checksumValue": {"@value": file.sha256, "@type": "xsd:hexBinary"},
        }
    return item
