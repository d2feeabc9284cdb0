"""Citation and deposit metadata built from the contract: `CITATION.cff` (Citation File
Format 1.2.0, what GitHub, Zenodo and reference managers read) and `datacite.json`
(a DataCite Metadata Schema 4 record in DataCite's JSON, ready for a repository
that mints a DOI).

Only what the contract says is written. No DOI is known, so none is given (the
package's id is its identifier); the authors are the contract's creators as it
names them. What the formats require and the contract does not know is said in
each file's `note` (the descriptor's `outputs` list, and the build's output):
DataCite's own code for an unavailable value, `(:unav)`, stands for an unknown
publisher. Without a creator in the contract neither file is written (both require
an author, and none is invented); datacite.json also needs the contract's `id`.
"""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.assemble.json_text import indented
from pipeline.files import write_inside
from pipeline.outputs import facts
from pipeline.outputs.schemaorg import MEASUREMENT_TECHNIQUE
from pipeline.outputs.source import PackageFile, PackageSource

FORMAT = "citation"
CFF_PATH = "CITATION.cff"
DATACITE_PATH = "datacite.json"
CFF_VERSION = "1.2.0"
DATACITE_SCHEMA = "http://datacite.org/schema/kernel-4"
UNAVAILABLE = "(:unav)"  # DataCite's standard value for a value not available


def write(source: PackageSource, folder: Path) -> list[PackageFile]:
    files = []
    authors = cff_authors(source)
    if authors:
        cff = citation_file(source, authors)
        write_inside(folder, CFF_PATH, cff.encode("utf-8"))
        files.append(
            PackageFile(
                path=CFF_PATH,
                format="yaml",
                mediatype="application/yaml",
                title="How to cite the package (Citation File Format 1.2.0)",
                consumer="GitHub's 'Cite this repository', Zenodo, cffconvert, reference managers",
                note=cff_note(source),
            )
        )
    if facts.package_iri(source) and facts.creators(source):
        text = indented(datacite_record(source)) + "\n"
        write_inside(folder, DATACITE_PATH, text.encode("utf-8"))
        files.append(
            PackageFile(
                path=DATACITE_PATH,
                format="json",
                mediatype="application/vnd.datacite.datacite+json",
                title="DataCite metadata record (Metadata Schema 4, JSON), for a DOI deposit",
                consumer="DataCite and repositories that mint DOIs (Zenodo, InvenioRDM)",
                note=datacite_note(source),
            )
        )
    return files


def left_out(source: PackageSource) -> str:
    persons = [c for c in facts.creators(source) if facts.is_person(c)]
    unknown = ["no DOI (none is recorded)"]
    if not persons:
        names = ", ".join(repr(name(c)) for c in facts.creators(source))
        unknown.append(
            f"no named person: the authors are the contract's creators as titled ({names})"
        )
    if not source.base_url:
        unknown.append("no web address (no --base-url or homepage)")
    return "; ".join(unknown)


def cff_note(source: PackageSource) -> str:
    return (
        f"Left out as not known: {left_out(source)}; no date-released (no release date is "
        "recorded); no references (CFF requires each one's title and authors, and the "
        "sources' headlines and bylines are not all known)."
    )


def datacite_note(source: PackageSource) -> str:
    return (
        f"Left out as not known: {left_out(source)}. The publisher is required and "
        f"not known: it is DataCite's code for unavailable, {UNAVAILABLE}; publicationYear is "
        "the year of the package's created time, as the changelog dates a release."
    )


def name(contributor: dict) -> str:
    if facts.is_person(contributor):
        parts = (contributor.get("familyName"), contributor.get("givenName"))
        return ", ".join(part for part in parts if part)
    return contributor.get("title", "")


# ---- CITATION.cff ----------------------------------------------------------------


def cff_authors(source: PackageSource) -> list[dict]:
    authors = []
    for creator in facts.creators(source):
        if facts.is_person(creator):
            person = {
                "family-names": creator.get("familyName"),
                "given-names": creator.get("givenName"),
            }
            authors.append({key: value for key, value in person.items() if value})
        elif creator.get("title"):
            authors.append({"name": creator["title"]})
        if creator.get("path") and authors:
            authors[-1]["website"] = creator["path"]
    return authors


def citation_file(source: PackageSource, authors: list[dict]) -> str:
    descriptor = source.descriptor
    fields: dict = {
        "cff-version": CFF_VERSION,
        "message": "If you use this data package, please cite it as below.",
        "type": "dataset",
        "title": descriptor.get("title") or descriptor["name"],
        "authors": authors,
    }
    if descriptor.get("version"):
        fields["version"] = descriptor["version"]
    if descriptor.get("description"):
        fields["abstract"] = descriptor["description"]
    if facts.package_iri(source):
        fields["identifiers"] = [
            {"type": "other", "value": facts.package_iri(source), "description": "The package's id"}
        ]
    if source.base_url:
        fields["url"] = source.base_url
    licences = facts.licenses(source)
    if len(licences) == 1 and licences[0].get("name"):
        fields["license"] = licences[0]["name"]
    if len(licences) == 1 and licences[0].get("path"):
        fields["license-url"] = licences[0]["path"]
    if descriptor.get("keywords"):
        fields["keywords"] = descriptor["keywords"]
    return "# Written by `pipeline build` from datapackage.json.\n" + yaml_lines(fields)


def yaml_lines(fields: dict) -> str:
    """A mapping of text, lists of text and lists of flat mappings as YAML: every
    scalar double-quoted as JSON writes it (valid YAML), so nothing is read as another
    type."""
    lines = []
    for key, value in fields.items():
        if isinstance(value, str):
            lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
            continue
        lines.append(f"{key}:")
        for item in value:
            if isinstance(item, str):
                lines.append(f"  - {json.dumps(item, ensure_ascii=False)}")
                continue
            for index, (name_, text) in enumerate(item.items()):
                lead = "  - " if index == 0 else "    "
                lines.append(f"{lead}{name_}: {json.dumps(text, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


# ---- datacite.json -------------------------------------------------------------------


def datacite_record(source: PackageSource) -> dict:
    descriptor = source.descriptor
    record: dict = {
        "schemaVersion": DATACITE_SCHEMA,
        "types": {"resourceTypeGeneral": "Dataset", "resourceType": "Data package"},
        "identifiers": [{"identifier": facts.package_iri(source), "identifierType": "URN"}],
        "creators": [datacite_creator(c) for c in facts.creators(source)],
        "titles": [{"title": descriptor.get("title") or descriptor["name"]}],
        "publisher": UNAVAILABLE,
        "publicationYear": descriptor["created"][:4],
        "dates": [{"date": descriptor["created"][:10], "dateType": "Created"}],
    }
    if descriptor.get("version"):
        record["version"] = descriptor["version"]
    if descriptor.get("keywords"):
        record["subjects"] = [{"subject": keyword} for keyword in descriptor["keywords"]]
    record["contributors"] = contributors(source)
    record["relatedIdentifiers"] = [
        {"relatedIdentifier": url, "relatedIdentifierType": "URL", "relationType": "IsDerivedFrom"}
        for url in source.distinct("sources", "url")
    ]
    if source.base_url:
        record["alternateIdentifiers"] = [
            {"alternateIdentifier": source.base_url, "alternateIdentifierType": "URL"}
        ]
    record["formats"] = sorted({file.mediatype for file in source.files})
    record["rightsList"] = rights(source)
    record["descriptions"] = descriptions(source)
    places = [{"geoLocationPlace": area.label} for area in facts.areas(source)]
    if places:
        record["geoLocations"] = places
    return {key: value for key, value in record.items() if value != []}


def datacite_creator(contributor: dict) -> dict:
    creator = {"name": name(contributor)}
    if facts.is_person(contributor):
        creator["nameType"] = "Personal"
        if contributor.get("givenName"):
            creator["givenName"] = contributor["givenName"]
        if contributor.get("familyName"):
            creator["familyName"] = contributor["familyName"]
    return creator


# Data Package v2 contributor roles -> DataCite contributorType
CONTRIBUTOR_TYPES = {
    "contactPerson": "ContactPerson",
    "dataCollector": "DataCollector",
    "dataCurator": "DataCurator",
    "dataManager": "DataManager",
    "distributor": "Distributor",
    "editor": "Editor",
    "producer": "Producer",
    "rightsHolder": "RightsHolder",
}


def contributors(source: PackageSource) -> list[dict]:
    found = []
    for contributor in source.descriptor.get("contributors", []):
        for role in contributor.get("roles", []):
            if role in CONTRIBUTOR_TYPES:
                found.append(
                    {**datacite_creator(contributor), "contributorType": CONTRIBUTOR_TYPES[role]}
                )
    return found


def rights(source: PackageSource) -> list[dict]:
    """The package's licence, and the sources' own terms for the text the quotes reproduce."""
    items = []
    for licence in facts.licenses(source):
        item = {"rights": licence.get("title") or licence.get("name") or licence["path"]}
        if licence.get("path"):
            item["rightsUri"] = licence["path"]
        if licence.get("name"):
            item["rightsIdentifier"] = licence["name"]
            item["rightsIdentifierScheme"] = "SPDX"
        items.append(item)
    for terms in source.distinct("sources", "rights"):
        items.append({"rights": f"Quoted text: {terms}"})
    return items


def descriptions(source: PackageSource) -> list[dict]:
    items = []
    if source.descriptor.get("description"):
        items.append(
            {"description": source.descriptor["description"], "descriptionType": "Abstract"}
        )
    items.append({"description": MEASUREMENT_TECHNIQUE, "descriptionType": "Methods"})
    return items
