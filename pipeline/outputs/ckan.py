"""The CKAN dataset dict, in the shape CKAN's `package_create` action takes: name,
title, notes, version, licence as a CKAN licence id, tags, extras, and one
resource per file, under the names ckanext-dcat (the DCAT layer of most CKAN
portals) reads: `url` is the package's own page (ckanext-dcat's landing page),
absent when where it is published is not known; `hash` is bare hex with
`hash_algorithm` the SPDX algorithm IRI; coverage is `temporal_start`/`temporal_end`
and `spatial_text`/`spatial_uri`. Resource URLs are absolute under the base URL, or
paths relative to the package folder (a portal replaces them on upload).

A licence without a CKAN licence id is an error, not a guess.
"""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.assemble.package import write_json
from pipeline.errors import InvalidInput, Problem
from pipeline.outputs import dcat, facts
from pipeline.outputs.source import PackageFile, PackageSource
from pipeline.project import DESCRIPTOR_NAME

FORMAT = "ckan"
PATH = "ckan-package.json"
TITLE = "CKAN dataset dict (package_create)"  # as the metadata lists the file
# Data Package licence name (SPDX id) -> the id of the same licence in CKAN's default
# licence register (ckan/model/license.py).
CKAN_LICENSE_IDS = {
    "CC-BY-4.0": "cc-by",
    "CC-BY-SA-4.0": "cc-by-sa",
    "CC0-1.0": "cc-zero",
    "CC-BY-NC-4.0": "cc-nc",
    "ODbL-1.0": "odc-odbl",
    "ODC-By-1.0": "odc-by",
    "PDDL-1.0": "odc-pddl",
    "GFDL-1.3-or-later": "gfdl",
    "OGL-UK-3.0": "uk-ogl",
}


def write(source: PackageSource, folder: Path) -> list[PackageFile]:
    write_json(folder, PATH, package_dict(source))
    return [
        PackageFile(
            path=PATH,
            format="json",
            mediatype="application/json",
            title=TITLE,
            consumer="CKAN: the body of a package_create API call",
        )
    ]


def license_id(source: PackageSource) -> str | None:
    names = [item.get("name") for item in facts.licenses(source)]
    if not names:
        return None
    unknown = [name for name in names if name not in CKAN_LICENSE_IDS]
    if unknown or len(names) > 1:
        raise InvalidInput(
            [
                Problem(
                    "ckan-license",
                    f"licence {', '.join(map(str, names))} cannot be given as one CKAN licence "
                    f"id; expected exactly one of {', '.join(CKAN_LICENSE_IDS)}",
                    file=DESCRIPTOR_NAME,
                )
            ]
        )
    return CKAN_LICENSE_IDS[names[0]]


def package_dict(source: PackageSource) -> dict:
    descriptor = source.descriptor
    package: dict = {
        "name": descriptor["name"],
        "title": descriptor.get("title") or descriptor["name"],
    }
    if descriptor.get("description"):
        package["notes"] = descriptor["description"]
    if descriptor.get("version"):
        package["version"] = descriptor["version"]
    licence = license_id(source)
    if licence:
        package["license_id"] = licence
    page = dcat.page_url(source)
    if page:
        package["url"] = page  # ckanext-dcat: the dataset's dcat:landingPage
    package["tags"] = [{"name": keyword} for keyword in descriptor.get("keywords", [])]
    package["extras"] = extras(source)
    rights = dcat.rights_statement(source)
    package["resources"] = [
        resource(source, file, rights if dcat.quotes_source_text(source, file) else None)
        for file in source.files
    ]
    return package


def extras(source: PackageSource) -> list[dict]:
    """The dataset's extras under the keys ckanext-dcat's DCAT-AP profiles read (and
    two of our own it passes over: the ISO 3166 codes and `data_package_created`)."""
    descriptor = source.descriptor
    items = []
    iri = facts.package_iri(source)
    if iri:
        items.append({"key": "uri", "value": iri})  # the dataset IRI dcat-ap.jsonld gives
    if descriptor.get("id"):
        items.append({"key": "identifier", "value": descriptor["id"]})
    items += agent_extras(source)
    items.append({"key": "issued", "value": descriptor["created"]})
    items.append({"key": "modified", "value": descriptor["created"]})
    languages = [dcat.LANGUAGES + dcat.alpha_3("639-3", c) for c in dcat.languages_of(source)]
    if languages:
        items.append({"key": "language", "value": json.dumps(languages)})
    items += spatial_extras(facts.areas(source))
    bounds = facts.coverage_bounds(source)
    if bounds:
        items.append({"key": "temporal_start", "value": bounds[0]})
        items.append({"key": "temporal_end", "value": bounds[1]})
    provenance = provenance_statement(source)
    if provenance:
        items.append({"key": "provenance", "value": provenance})
    items.append({"key": "data_package_created", "value": descriptor["created"]})
    return items


def agent_extras(source: PackageSource) -> list[dict]:
    """The creator, who also publishes the package, as ckanext-dcat's `creator_name` and
    `publisher_name` (foaf:Agent). Not CKAN's `author`: ckanext-dcat makes that a
    vcard contact point, and the contract gives no way to contact anyone."""
    names = [c.get("title") for c in facts.creators(source) if c.get("title")]
    if not names:
        return []
    return [
        {"key": "creator_name", "value": "; ".join(names)},
        {"key": "publisher_name", "value": names[0]},
    ]


def spatial_extras(areas: list[facts.Area]) -> list[dict]:
    """ckanext-dcat makes one dct:Location of `spatial_uri` and `spatial_text`: the EU
    country IRI only when the areas are that one country (a province is not labelled
    with its country's IRI); the areas' names always; their ISO codes as our own key."""
    if not areas:
        return []
    items = [{"key": "spatial_text", "value": "; ".join(a.label for a in areas)}]
    if len(areas) == 1 and areas[0].scheme == "ISO 3166-1 alpha-2":
        uri = dcat.COUNTRIES + dcat.alpha_3("3166-1", areas[0].country_code)
        items.insert(0, {"key": "spatial_uri", "value": uri})
    items.append({"key": "spatial_iso_3166_2", "value": ", ".join(a.code for a in areas)})
    return items


def provenance_statement(source: PackageSource) -> str | None:
    """Where the figures come from (ckanext-dcat: dct:provenance). The articles are the
    sources, not the dataset's page, so they are not `url`."""
    urls = [row["url"] for row in facts.cited_sources(source) if row.get("url")]
    if not urls:
        return None
    named = f": {urls[0]}" if len(urls) == 1 else f" ({len(urls)} with a URL)"
    return (
        "Figures and claims transcribed by hand from the sources listed in "
        f"{source.resource('sources').path}{named}."
    )


def file_format(file: PackageFile) -> str:
    """The EU file-type IRI, or (SQLite has none) the IANA media type IRI, which
    ckanext-dcat then gives as dcat:mediaType alone: a label such as "CSV" would become
    an untyped dct:format literal, which DCAT-AP's range shapes refuse."""
    code = dcat.FILE_TYPE_CODES.get(file.format)
    return dcat.FILE_TYPES + code if code else dcat.MEDIA_TYPES + file.mediatype


def resource(source: PackageSource, file: PackageFile, rights: dict | None) -> dict:
    item = {
        "name": file.path,
        "description": dcat.file_description(source, file),
        "url": source.iri(file.path),
        "format": file_format(file),
        "mimetype": dcat.MEDIA_TYPES + file.mediatype,
    }
    if source.base_url:
        item["uri"] = dcat.distribution_iri(source, file.path)  # as in dcat-ap.jsonld
    if rights:
        item["rights"] = rights["rdfs:label"]
    if file.bytes is not None:
        item["size"] = file.bytes
    if file.sha256:
        item["hash"] = file.sha256
        item["hash_algorithm"] = dcat.SHA256
    return item
