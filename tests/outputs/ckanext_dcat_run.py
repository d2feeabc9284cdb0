"""Run ckanext-dcat's DCAT-AP 3 profile outside a CKAN site, in the consumer environment
.venv-consumers/ckan (.ci/consumers/ckan.txt); tests/outputs/test_dcat_consumers.py
runs this file with that environment's Python. It imports nothing of the pipeline.

    python ckanext_dcat_run.py serialize CKAN_PACKAGE_JSON   -> Turtle on stdout
    python ckanext_dcat_run.py parse DCAT_JSONLD             -> the CKAN dicts as JSON

ckanext-dcat reads CKAN's configuration through ckantoolkit, which outside a site is
the module-level `ckan.common.config`; its own tests set options on it through the
`ckan_config` pytest mark, and this sets the same options by hand: the site URL (the
catalogue IRI ckanext-dcat makes dataset and resource IRIs from when a dict names
none) and the profile. No database, Solr or web app is started: the serializer and
the parser are pure functions of the dict and the graph.
"""

from __future__ import annotations

import json
import sys

SITE_URL = "https://ckan.example.org"
PROFILES = ["euro_dcat_ap_3"]


def configure() -> None:
    from ckan.common import config

    config["ckan.site_url"] = SITE_URL
    config["ckanext.dcat.rdf.profiles"] = " ".join(PROFILES)


def as_created(package: dict) -> dict:
    """The dict as CKAN's package_create would hand it on: with the ids it assigns (a
    portal's own, used by ckanext-dcat only where the dict names no `uri`)."""
    created = {**package, "id": package.get("id") or package["name"]}
    created["resources"] = [
        {**resource, "id": f"{created['id']}-{index}", "package_id": created["id"]}
        for index, resource in enumerate(package.get("resources", []), start=1)
    ]
    return created


def serialize(path: str) -> str:
    from ckanext.dcat.processors import RDFSerializer

    with open(path, encoding="utf-8") as file:
        package = as_created(json.load(file))
    serializer = RDFSerializer(profiles=PROFILES)
    serializer.graph_from_dataset(package)
    return serializer.g.serialize(format="turtle")


def parse(path: str) -> str:
    from ckanext.dcat.processors import RDFParser

    parser = RDFParser(profiles=PROFILES)
    with open(path, encoding="utf-8") as file:
        parser.parse(file.read(), _format="json-ld")  # as its harvester does: no base
    datasets = list(parser.datasets())
    for item in datasets:  # rdflib terms, kept as text
        for resource in item.get("resources", []):
            resource.pop("distribution_ref", None)
    return json.dumps(datasets, indent=1, sort_keys=True, default=str)


if __name__ == "__main__":
    configure()
    command, argument = sys.argv[1], sys.argv[2]
    sys.stdout.write({"serialize": serialize, "parse": parse}[command](argument))
