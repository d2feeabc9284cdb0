"""The CKAN dataset dict, in the shape CKAN's `package_create` action takes: name,
title, notes, version, licence as a CKAN licence id, tags, extras, and one
resource per file (URL relative to the package folder, to be replaced by the
portal's upload URL; no landing page is known).

A licence without a CKAN licence id is an error, not a guess.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.assemble.package import write_json
from pipeline.errors import InvalidInput, Problem
from pipeline.outputs import facts
from pipeline.outputs.source import PackageFile, PackageSource
from pipeline.project import DESCRIPTOR_NAME

FORMAT = "ckan"
PATH = "ckan-package.json"
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
CKAN_FORMATS = {
    "csv": "CSV",
    "parquet": "Parquet",
    "sqlite": "SQLite",
    "json": "JSON",
    "jsonld": "JSON-LD",
    "html": "HTML",
}


def write(source: PackageSource, folder: Path) -> list[PackageFile]:
    write_json(folder, PATH, package_dict(source))
    return [
        PackageFile(
            path=PATH,
            format="json",
            mediatype="application/json",
            title="CKAN dataset dict (package_create)",
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
    authors = [c.get("title") for c in facts.creators(source) if c.get("title")]
    if authors:
        package["author"] = "; ".join(authors)
    urls = [row["url"] for row in facts.cited_sources(source) if row.get("url")]
    if len(urls) == 1:
        package["url"] = urls[0]  # CKAN shows `url` as the dataset's source
    package["tags"] = [{"name": keyword} for keyword in descriptor.get("keywords", [])]
    package["extras"] = extras(source)
    package["resources"] = [resource(file) for file in source.files]
    return package


def extras(source: PackageSource) -> list[dict]:
    descriptor = source.descriptor
    items = []
    if descriptor.get("id"):
        items.append({"key": "identifier", "value": descriptor["id"]})
    areas = facts.areas(source)
    if areas:
        items.append({"key": "spatial_iso_3166_2", "value": ", ".join(a.code for a in areas)})
        items.append({"key": "spatial_text", "value": "; ".join(a.label for a in areas)})
    coverage = facts.temporal_coverage(source)
    if coverage:
        items.append({"key": "temporal_coverage", "value": coverage})
    items.append({"key": "data_package_created", "value": descriptor["created"]})
    return items


def resource(file: PackageFile) -> dict:
    item = {
        "name": file.path,
        "description": file.title,
        "url": file.path,
        "format": CKAN_FORMATS.get(file.format, file.format.upper()),
        "mimetype": file.mediatype,
    }
    if file.bytes is not None:
        item["size"] = file.bytes
    if file.sha256:
        item["hash"] = f"sha256:{file.sha256}"
    return item
