"""DCAT in the DCAT-AP 3 shape, as JSON-LD, for EU-style catalogue harvesters: a
catalogue holding the dataset, its creator as the publishing agent, and one
distribution per file with licence, rights, media type, file type, size and SHA-256
checksum; every node typed as the DCAT-AP 3.0.1 range shapes expect.

The context is inline, so no processor fetches anything. With a base URL (`build
--base-url`, or the contract's homepage) every IRI is absolute; without one, the
files and the catalogue are relative IRIs, which a consumer resolves against the
address it read this file from (a harvester that parses without a base gets
`file:///` paths: docs/outputs.md). The dataset's own IRI is its `id` as
`urn:uuid:…`, which does not depend on where it is published. No theme is asserted:
the contract names none.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from pipeline.assemble.package import write_json
from pipeline.outputs import facts
from pipeline.outputs.source import PackageFile, PackageSource
from pipeline.project import DESCRIPTOR_NAME

FORMAT = "dcat"
PATH = "dcat-ap.jsonld"
TITLE = "DCAT-AP 3 catalogue record (JSON-LD)"  # as the metadata lists the file
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "prov": "http://www.w3.org/ns/prov#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "spdx": "http://spdx.org/rdf/terms#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
# The EU Publications Office's authority tables DCAT-AP recommends.
FILE_TYPES = "http://publications.europa.eu/resource/authority/file-type/"
COUNTRIES = "http://publications.europa.eu/resource/authority/country/"
LANGUAGES = "http://publications.europa.eu/resource/authority/language/"
SHA256 = "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"
# Our short format names -> the file-type table's codes (SQLite has no entry there).
FILE_TYPE_CODES = {
    "csv": "CSV",
    "parquet": "PARQUET",
    "json": "JSON",
    "jsonld": "JSON_LD",
    "html": "HTML",
}
# Files not tied to one resource that reproduce the quotes' text: the page shows each
# quote in its sentence, PROV and the Web Annotations carry it (the database holds
# every table, so it is found by its format).
QUOTING_FILES = frozenset({"index.html", "prov.json", "annotations.jsonld"})
# pipeline.outputs.html's FORMAT and PATH (not imported: it loads the templates)
PAGE_FORMAT, PAGE = "html", "index.html"
PERIOD_TYPES = {4: "xsd:gYear", 7: "xsd:gYearMonth", 10: "xsd:date"}  # by length of the text


NO_BASE_URL = (
    "base URL not known (no --base-url, and the contract has no homepage): the metadata "
    "names the files by relative IRIs, which resolve only against the address a consumer "
    "reads the metadata from; a harvester that parses without one (ckanext-dcat's) gets "
    "file:/// paths, and ckan-package.json has no url. Build with --base-url "
    "URL-OF-THE-PUBLISHED-FOLDER/ before publishing."
)


def write(source: PackageSource, folder: Path) -> list[PackageFile]:
    write_json(folder, PATH, catalog(source))
    return [
        PackageFile(
            path=PATH,
            format="jsonld",
            mediatype="application/ld+json",
            title=TITLE,
            consumer="DCAT harvesters (data.europa.eu-style portals, ckanext-dcat)",
        )
    ]


def catalog(source: PackageSource) -> dict:
    """The catalogue (whose publisher is the package's creator, who builds and publishes
    it), the dataset inside it, and the agents both refer to."""
    descriptor = source.descriptor
    agents = [agent(c, index) for index, c in enumerate(facts.creators(source), start=1)]
    node: dict = {"@id": f"{source.iri(PATH)}#catalog", "@type": "dcat:Catalog"}
    node["dct:title"] = f"Catalogue of the data package {descriptor['name']}"
    node["dct:description"] = (
        f"The data package {descriptor['name']} and its files, as built by "
        f"{descriptor['provenance']['pipeline']['name']}."
    )
    if agents:
        node["dct:publisher"] = {"@id": agents[0]["@id"]}
    node["dct:issued"] = node["dct:modified"] = release_date(source)
    page = landing_page(source)
    if page:
        node["foaf:homepage"] = page
    node["dcat:dataset"] = dataset(source, agents)
    return {"@context": CONTEXT, "@graph": [node, *agents]}


def agent(contributor: dict, index: int) -> dict:
    kind = ["foaf:Agent", "foaf:Person"] if facts.is_person(contributor) else "foaf:Agent"
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
    item["dct:issued"] = item["dct:modified"] = release_date(source)
    page = landing_page(source)
    if page:
        item["dcat:landingPage"] = page
    if agents:
        item["dct:creator"] = [{"@id": a["@id"]} for a in agents]
        item["dct:publisher"] = {"@id": agents[0]["@id"]}
    languages = [language_node(code) for code in languages_of(source)]
    if languages:
        item["dct:language"] = languages
    item["dct:spatial"] = spatial(facts.areas(source))
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


def release_date(source: PackageSource) -> dict:
    """When this version was made: the descriptor's `created`, which the build takes
    from its inputs (never the wall clock)."""
    return {"@value": source.descriptor["created"], "@type": "xsd:dateTime"}


def landing_page(source: PackageSource) -> dict | None:
    """The package's own page, when the build knows where it is published."""
    url = page_url(source)
    return {"@id": url, "@type": "foaf:Document"} if url else None


def page_url(source: PackageSource) -> str | None:
    """The address of the package's page (html.PATH, written last, so not yet among
    source.files), or None when where the package is published is not known or the
    build writes no page (`--formats` without html)."""
    return source.iri(PAGE) if source.base_url and PAGE_FORMAT in source.formats else None


def languages_of(source: PackageSource) -> list[str]:
    """The ISO 639-1 codes of the sources' language (the language of the quoted text)."""
    return sorted({code.lower() for code in source.distinct("sources", "language")})


def language_node(code: str) -> dict:
    return {"@id": LANGUAGES + alpha_3("639-3", code), "@type": "dct:LinguisticSystem"}


def spatial(areas: list[facts.Area]) -> list[dict]:
    """Each area with its ISO code, and the country it lies in as the EU country
    authority's IRI (an area that is a country is that IRI, labelled and coded)."""
    nodes, countries = [], {}
    for area in areas:
        country = {
            "@id": COUNTRIES + alpha_3("3166-1", area.country_code),
            "@type": "dct:Location",
            "skos:prefLabel": area.country,
        }
        if area.scheme == "ISO 3166-1 alpha-2":
            countries[area.country_code] = {**country, "skos:notation": area.code}
        else:
            countries.setdefault(area.country_code, country)
            nodes.append(location(area))
    return [*countries.values(), *nodes]


def location(area: facts.Area) -> dict:
    return {
        "@type": "dct:Location",
        "skos:prefLabel": area.label,
        "skos:notation": area.code,
    }


@cache
def _alpha_3_codes(standard: str) -> dict[str, str]:
    from pipeline.check.rules import iso_records

    return {
        record["alpha_2"].lower(): record["alpha_3"].upper()
        for record in iso_records(standard)
        if record.get("alpha_2")
    }


def alpha_3(standard: str, alpha_2: str) -> str:
    """A country (ISO 3166-1) or language (ISO 639) by its three-letter code, as the EU
    authority tables name them: KH -> KHM, en -> ENG."""
    return _alpha_3_codes(standard)[alpha_2.lower()]


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
    rights = rights_statement(source)
    return [
        distribution(source, file, rights if quotes_source_text(source, file) else None)
        for file in [descriptor_file, *source.files]
    ]


def distribution_iri(source: PackageSource, path: str) -> str:
    """The distribution of the file at path: a fragment of this file's IRI (absolute
    under the base URL; relative without one). ckan-package.json names it too."""
    return f"{source.iri(PATH)}#{path}"


def distribution(source: PackageSource, file: PackageFile, rights: dict | None) -> dict:
    item: dict = {
        "@id": distribution_iri(source, file.path),
        "@type": "dcat:Distribution",
        "dct:title": file.title,
        "dct:description": file_description(source, file),
        "dcat:accessURL": {"@id": source.iri(file.path)},
        "dcat:downloadURL": {"@id": source.iri(file.path)},
        "dcat:mediaType": {"@id": MEDIA_TYPES + file.mediatype, "@type": "dct:MediaType"},
    }
    if file.format in FILE_TYPE_CODES:
        item["dct:format"] = {
            "@id": FILE_TYPES + FILE_TYPE_CODES[file.format],
            "@type": "dct:MediaTypeOrExtent",
        }
    licence = license_node(source)
    if licence:
        item["dct:license"] = licence
    if rights:
        item["dct:rights"] = rights
    if file.bytes is not None:
        item["dcat:byteSize"] = {"@value": str(file.bytes), "@type": "xsd:nonNegativeInteger"}
    if file.sha256:
        item["spdx:checksum"] = {
            "@type": "spdx:Checksum",
            "spdx:algorithm": {"@id": SHA256, "@type": "spdx:ChecksumAlgorithm"},
            "spdx:checksumValue": {"@value": file.sha256, "@type": "xsd:hexBinary"},
        }
    return item


def file_description(source: PackageSource, file: PackageFile) -> str:
    """What the file holds (a resource's description from the contract) and who reads it."""
    if file.resource is not None:
        described = {r["name"]: r.get("description") for r in source.descriptor["resources"]}
        held = described.get(file.resource)
        if held:
            return f"{held} Read by: {file.consumer}."
    return f"{file.title}. Read by: {file.consumer}."


def source_text_resources(source: PackageSource) -> list[str]:
    """The resources that hold the sources' own words: a text with its start and end
    offsets in a snapshot (the quotes, the number mentions)."""
    return [
        resource.name
        for resource in source.contract.resources
        if {"text", "start", "end"} <= set(resource.field_names)
    ]


def quotes_source_text(source: PackageSource, file: PackageFile) -> bool:
    if file.resource is not None:
        return file.resource in source_text_resources(source)
    return file.format == "sqlite" or file.path in QUOTING_FILES


def rights_statement(source: PackageSource) -> dict | None:
    """Whose words the quoted text is (the publishers', under the rights each source
    records), and under which licence the rest, the transcription, is published."""
    held = source_text_resources(source)
    if not held:
        return None
    names = [item.get("name") or item.get("path") for item in facts.licenses(source)]
    licence = f"licensed {', '.join(map(str, names))}" if names else "under no stated licence"
    recorded = [
        f"{resource.path}, column rights"
        for resource in source.contract.resources
        if "rights" in resource.field_names
    ]
    label = (
        f"The text of the {' and '.join(held)} in this file is quoted from the sources: it "
        "remains the words of their publishers, reproduced in short quotations for "
        "verification"
        + (f", under the rights each source records ({'; '.join(recorded)})" if recorded else "")
        + f". The transcription (every other value) is {licence}."
    )
    return {"@type": "dct:RightsStatement", "rdfs:label": label}
