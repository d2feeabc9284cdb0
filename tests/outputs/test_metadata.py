"""The metadata outputs, each loaded by a consumer: the schema.org Dataset and the
DCAT-AP record parsed by rdflib's JSON-LD processor (inline contexts: nothing is
fetched), and the CKAN dict checked against the field rules CKAN enforces.

What the article leaves unknown (headline, byline, day of publication) must not
appear; expected values were read off the article and the contract by hand.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib import namespace as vocabularies

from pipeline.files import hash_file
from tests.git_helpers import versions

ARTICLE = "https://phnompenhpost.com/national/kandal-crime-rate-plummets-thanks-safe-village-policy"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
INDICATORS = {"reported_crimes", "reported_crimes_solved", "traffic_accidents"}
SPDX = Namespace("http://spdx.org/rdf/terms#")
PROV = Namespace("http://www.w3.org/ns/prov#")
SDO = Namespace("https://schema.org/")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")


def descriptor_of(build: Path) -> dict:
    return json.loads((build / "datapackage.json").read_text(encoding="utf-8"))


def listed_before(build: Path, path: str) -> dict[str, dict]:
    """The files a metadata file can describe: the descriptor (no size yet), the CSVs and
    every output written before it; path -> its descriptor entry."""
    descriptor = descriptor_of(build)
    files = {r["path"]: r for r in descriptor["resources"]}
    for output in descriptor["outputs"]:
        if output["path"] == path:
            break
        files[output["path"]] = output
    return {"datapackage.json": {}, **files}


def one(graph: Graph, subject, predicate):
    values = list(graph.objects(subject, predicate))
    assert len(values) == 1, f"{predicate}: {values}"
    return values[0]


# ---- schema.org -----------------------------------------------------------------


@pytest.fixture(scope="module")
def schema_graph(portal_build) -> Graph:
    return Graph().parse(portal_build / "schema-org.jsonld", format="json-ld")


@pytest.fixture(scope="module")
def dataset(schema_graph):
    (found,) = schema_graph.subjects(RDF.type, SDO.Dataset)
    return found


@pytest.mark.parametrize(
    "term",
    [
        "name",
        "description",
        "license",
        "creator",
        "isBasedOn",
        "distribution",
        "spatialCoverage",
        "temporalCoverage",
        "variableMeasured",
        "version",
        "keywords",
        "identifier",
    ],
)
def test_schema_org_dataset_has_each_term_under_the_schema_org_iri(schema_graph, dataset, term):
    assert list(schema_graph.objects(dataset, URIRef(f"https://schema.org/{term}")))


def test_schema_org_uses_only_real_schema_org_terms(schema_graph):
    vocabulary = vocabularies.SDO  # rdflib's closed list of schema.org terms
    for _, predicate, value in schema_graph:
        if predicate == RDF.type:
            assert value in vocabulary, value
        else:
            assert predicate in vocabulary, predicate


def test_schema_org_names_the_dataset_its_licence_creator_and_version(
    schema_graph, dataset, portal_build
):
    descriptor = descriptor_of(portal_build)
    assert dataset == URIRef("urn:uuid:0f9a24ae-c412-4921-bac7-cca6f4bb1e31")
    assert one(schema_graph, dataset, SDO.name) == Literal(descriptor["title"])
    assert str(one(schema_graph, dataset, SDO.license)) == LICENSE
    assert str(one(schema_graph, dataset, SDO.version)) == versions().current
    creator = one(schema_graph, dataset, SDO.creator)
    assert one(schema_graph, creator, RDF.type) == SDO.Organization
    assert str(one(schema_graph, creator, SDO.name)) == "Maintainers of this data package"
    keywords = {str(k) for k in schema_graph.objects(dataset, SDO.keywords)}
    assert {"crime", "Cambodia", "Kandal"} <= keywords
    assert not list(schema_graph.objects(dataset, SDO.publisher))  # none is known
    assert not list(schema_graph.objects(dataset, SDO.datePublished))


def test_schema_org_is_based_on_the_article_with_only_what_is_known(schema_graph, dataset):
    article = one(schema_graph, dataset, SDO.isBasedOn)
    assert article == URIRef(ARTICLE)
    assert one(schema_graph, article, RDF.type) == SDO.CreativeWork
    assert str(one(schema_graph, article, SDO.url)) == ARTICLE
    publisher = one(schema_graph, article, SDO.publisher)
    assert str(one(schema_graph, publisher, SDO.name)) == "The Phnom Penh Post"
    assert str(one(schema_graph, article, SDO.datePublished)) == "2023"  # the year, inferred
    assert "(inferred)" in str(one(schema_graph, article, SDO.description))
    for unknown in (SDO.headline, SDO.author, SDO.creditText, SDO.dateCreated):
        assert not list(schema_graph.objects(article, unknown)), unknown


def test_schema_org_spatial_coverage_is_kandal_by_its_iso_code(schema_graph, dataset):
    place = one(schema_graph, dataset, SDO.spatialCoverage)
    assert one(schema_graph, place, RDF.type) == SDO.Place
    code = one(schema_graph, place, SDO.identifier)
    assert str(one(schema_graph, code, SDO.propertyID)) == "ISO 3166-2"
    assert str(one(schema_graph, code, SDO.value)) == "KH-8"
    assert "Cambodia" in str(one(schema_graph, place, SDO.name))
    assert str(one(schema_graph, dataset, SDO.temporalCoverage)) == "2022"


def test_schema_org_variable_measured_is_each_indicator(schema_graph, dataset):
    variables = list(schema_graph.objects(dataset, SDO.variableMeasured))
    ids = {str(one(schema_graph, v, SDO.propertyID)) for v in variables}
    assert ids == INDICATORS
    for variable in variables:
        assert one(schema_graph, variable, RDF.type) == SDO.PropertyValue
        assert str(one(schema_graph, variable, SDO.unitText)) == "percent"


def test_schema_org_distribution_lists_every_file_with_size_and_hash(
    schema_graph, dataset, portal_build
):
    downloads = {}
    for item in schema_graph.objects(dataset, SDO.distribution):
        assert one(schema_graph, item, RDF.type) == SDO.DataDownload
        downloads[str(one(schema_graph, item, SDO.contentUrl))] = item
    expected = listed_before(portal_build, "schema-org.jsonld")
    assert set(downloads) == set(expected)
    for path, entry in expected.items():
        if entry:
            assert (
                str(one(schema_graph, downloads[path], SDO.contentSize))
                == f"{entry['bytes']} bytes"
            )
            assert f"sha256:{one(schema_graph, downloads[path], SDO.sha256)}" == entry["hash"]


# ---- DCAT-AP ----------------------------------------------------------------------

# DCAT-AP 3.0.1's mandatory properties (its SHACL shapes, minCount 1) for the classes
# this record uses, plus DCAT-AP 2's mandatory dcat:dataset on the catalogue.
MANDATORY = {
    DCAT.Catalog: [DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCAT.dataset],
    DCAT.Dataset: [DCTERMS.title, DCTERMS.description],
    DCAT.Distribution: [DCAT.accessURL],
    SPDX.Checksum: [SPDX.algorithm, SPDX.checksumValue],
}
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
KNOWN_NAMESPACES = (
    str(DCAT), str(DCTERMS), str(FOAF), str(SKOS), str(SPDX), str(PROV), str(RDF), str(RDFS)
)  # fmt: skip
CAMBODIA = URIRef("http://publications.europa.eu/resource/authority/country/KHM")


@pytest.fixture(scope="module")
def dcat_graph(portal_build) -> Graph:
    return Graph().parse(portal_build / "dcat-ap.jsonld", format="json-ld")


@pytest.mark.parametrize("kind", list(MANDATORY), ids=lambda k: k.split("#")[-1])
def test_dcat_record_has_dcat_ap_mandatory_properties(dcat_graph, kind):
    nodes = list(dcat_graph.subjects(RDF.type, kind))
    assert nodes, f"no {kind}"
    for node in nodes:
        for prop in MANDATORY[kind]:
            assert list(dcat_graph.objects(node, prop)), f"{kind} {node} lacks {prop}"


def test_dcat_agents_have_a_name_and_publish_the_catalogue(dcat_graph):
    (catalog,) = dcat_graph.subjects(RDF.type, DCAT.Catalog)
    publisher = one(dcat_graph, catalog, DCTERMS.publisher)
    assert str(one(dcat_graph, publisher, FOAF.name)) == "Maintainers of this data package"
    assert one(dcat_graph, publisher, RDF.type) == FOAF.Agent


def test_dcat_uses_only_the_vocabularies_it_declares(dcat_graph):
    for _, predicate, _ in dcat_graph:
        assert str(predicate).startswith(KNOWN_NAMESPACES), predicate


def test_dcat_dataset_coverage_licence_and_source(dcat_graph):
    (dataset,) = dcat_graph.subjects(RDF.type, DCAT.Dataset)
    assert dataset == URIRef("urn:uuid:0f9a24ae-c412-4921-bac7-cca6f4bb1e31")
    period = one(dcat_graph, dataset, DCTERMS.temporal)
    assert one(dcat_graph, period, DCAT.startDate) == Literal("2022", datatype=XSD.gYear)
    assert one(dcat_graph, period, DCAT.endDate) == Literal("2022", datatype=XSD.gYear)
    places = {
        place: str(one(dcat_graph, place, SKOS.prefLabel))
        for place in dcat_graph.objects(dataset, DCTERMS.spatial)
    }
    assert sorted(places.values()) == ["Cambodia", "Kandal (province), Cambodia"]
    assert places[CAMBODIA] == "Cambodia"  # the EU country authority, from KH's alpha-3
    (kandal,) = (place for place in places if place != CAMBODIA)
    assert str(one(dcat_graph, kandal, SKOS.notation)) == "KH-8"
    assert one(dcat_graph, dataset, PROV.wasDerivedFrom) == URIRef(ARTICLE)
    for distribution in dcat_graph.objects(dataset, DCAT.distribution):
        assert one(dcat_graph, distribution, DCTERMS.license) == URIRef(LICENSE)


def test_dcat_distributions_resolve_to_the_files_with_their_size_and_checksum(
    dcat_graph, portal_build
):
    (dataset,) = dcat_graph.subjects(RDF.type, DCAT.Dataset)
    seen = set()
    for distribution in dcat_graph.objects(dataset, DCAT.distribution):
        url = one(dcat_graph, distribution, DCAT.accessURL)
        assert isinstance(url, URIRef)
        path = Path(url.removeprefix("file://"))  # relative IRIs resolve beside the record
        assert path.parent == portal_build or path.parent.parent == portal_build, url
        seen.add(path.relative_to(portal_build).as_posix())
        if path.name == "datapackage.json":
            continue  # rewritten after the record, so it carries no size
        assert int(one(dcat_graph, distribution, DCAT.byteSize)) == path.stat().st_size
        checksum = one(dcat_graph, distribution, SPDX.checksum)
        assert one(dcat_graph, checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(one(dcat_graph, checksum, SPDX.checksumValue)) == hash_file(path)
    assert seen == set(listed_before(portal_build, "dcat-ap.jsonld"))


# ---- CKAN -----------------------------------------------------------------------

# The rules of CKAN's default package schema (ckan/logic/schema.py and
# ckan/logic/validators.py; lengths from ckan/model), and its default licence register.
CKAN_PACKAGE_KEYS = {
    "id", "name", "title", "author", "author_email", "maintainer", "maintainer_email",
    "license_id", "notes", "url", "version", "state", "type", "owner_org", "private",
    "resources", "tags", "extras", "relationships_as_object", "relationships_as_subject",
    "groups", "plugin_data",
}  # fmt: skip
CKAN_RESOURCE_KEYS = {
    "id", "package_id", "url", "description", "format", "hash", "name", "resource_type",
    "mimetype", "mimetype_inner", "cache_url", "size", "created", "last_modified",
    "cache_last_updated", "url_type",
}  # fmt: skip
# Keys beyond those CKAN keeps as a resource's extras, and ckanext-dcat reads there.
CKANEXT_DCAT_RESOURCE_KEYS = {"hash_algorithm", "rights", "uri"}
CKAN_LICENSE_IDS = {
    "notspecified", "odc-pddl", "odc-odbl", "odc-by", "cc-zero", "cc-by", "cc-by-sa", "gfdl",
    "other-open", "other-pd", "other-at", "uk-ogl", "cc-nc", "other-nc", "other-closed",
}  # fmt: skip
NAME = re.compile(r"[a-z0-9_\-]*$")
TAG = re.compile(r"[\w \-.]*$", re.UNICODE)


@pytest.fixture(scope="module")
def ckan(portal_build) -> dict:
    return json.loads((portal_build / "ckan-package.json").read_text(encoding="utf-8"))


def test_ckan_name_follows_ckans_name_rules(ckan):
    name = ckan["name"]
    assert 2 <= len(name) <= 100
    assert NAME.match(name)
    assert name not in {"new", "edit", "search"}
    assert name == "kandal-crime-2022"


def test_ckan_dict_has_only_fields_package_create_takes(ckan, portal_build):
    assert set(ckan) <= CKAN_PACKAGE_KEYS
    assert ckan["title"] == descriptor_of(portal_build)["title"]
    assert ckan["notes"] == descriptor_of(portal_build)["description"]
    assert len(ckan["version"]) <= 100
    assert ckan["license_id"] == "cc-by"
    assert ckan["license_id"] in CKAN_LICENSE_IDS
    assert "url" not in ckan  # the package's page: unknown without a base URL
    assert ARTICLE not in json.dumps(ckan["resources"])


def test_ckan_tags_and_extras_follow_ckans_rules(ckan):
    for tag in ckan["tags"]:
        assert set(tag) == {"name"}
        assert 2 <= len(tag["name"]) <= 100
        assert TAG.match(tag["name"]) and "," not in tag["name"]
    keys = [extra["key"] for extra in ckan["extras"]]
    assert len(keys) == len(set(keys))
    assert not set(keys) & CKAN_PACKAGE_KEYS
    assert all(
        key and isinstance(extra["value"], str)
        for key, extra in zip(keys, ckan["extras"], strict=True)
    )
    extras = {extra["key"]: extra["value"] for extra in ckan["extras"]}
    assert extras["spatial_iso_3166_2"] == "KH-8"
    assert extras["spatial_text"] == "Kandal (province), Cambodia"
    assert "spatial_uri" not in extras  # Cambodia's IRI would be labelled as Kandal
    assert (extras["temporal_start"], extras["temporal_end"]) == ("2022", "2022")
    assert extras["creator_name"] == extras["publisher_name"] == "Maintainers of this data package"
    assert extras["uri"] == "urn:uuid:0f9a24ae-c412-4921-bac7-cca6f4bb1e31"
    assert ARTICLE in extras["provenance"]


def test_ckan_has_one_resource_per_file(ckan, portal_build):
    expected = listed_before(portal_build, "ckan-package.json")
    expected.pop("datapackage.json")
    assert [r["url"] for r in ckan["resources"]] == list(expected)
    for resource in ckan["resources"]:
        assert set(resource) <= CKAN_RESOURCE_KEYS | CKANEXT_DCAT_RESOURCE_KEYS
        assert isinstance(resource["size"], int)
        entry = expected[resource["url"]]
        assert (resource["size"], f"sha256:{resource['hash']}") == (entry["bytes"], entry["hash"])
        assert resource["hash_algorithm"] == str(SPDX.checksumAlgorithm_sha256)
        assert "uri" not in resource  # a portal mints its own without a base URL


def test_a_licence_ckan_has_no_id_for_fails_the_build_with_a_clear_error(project, run):
    contract = json.loads((project / "datapackage.json").read_text(encoding="utf-8"))
    contract["licenses"] = [{"name": "LicenseRef-house", "title": "Our own terms"}]
    (project / "datapackage.json").write_text(json.dumps(contract, indent=2), encoding="utf-8")
    result = run(project, "build")
    assert result.exit_code == 1
    assert "licence LicenseRef-house cannot be given as one CKAN licence id" in result.output
    assert "[ckan-license]" in result.output
    assert not (project / "build").exists()
    assert run(project, "build", "--formats", "csv,html").exit_code == 0  # without CKAN it builds


def holds_a_quote(path: Path, quote: str) -> bool:
    """Whether a built file holds a quote's text: Parquet read as a consumer reads it,
    every other file (text, JSON, SQLite's uncompressed pages) as bytes."""
    if path.suffix == ".parquet":
        import polars as pl

        frame = pl.read_parquet(path)
        return any(
            frame[column].str.contains(quote, literal=True).any()
            for column, kind in frame.schema.items()
            if kind == pl.String
        )
    return quote.encode("utf-8") in path.read_bytes()


def test_dcat_rights_say_whose_words_the_quotes_are_on_every_file_holding_them(
    dcat_graph, portal_build
):
    quote = "the crime rate in Kandal province declin"  # the start of the first quote
    (dataset,) = dcat_graph.subjects(RDF.type, DCAT.Dataset)
    for distribution in dcat_graph.objects(dataset, DCAT.distribution):
        path = Path(one(dcat_graph, distribution, DCAT.downloadURL).removeprefix("file://"))
        rights = list(dcat_graph.objects(distribution, DCTERMS.rights))
        # the mentions' texts are the sources' words too (a number as the source writes it)
        quoting = holds_a_quote(path, quote) or path.stem == "mentions"
        assert bool(rights) == quoting, path.name
        for statement in rights:
            assert one(dcat_graph, statement, RDF.type) == DCTERMS.RightsStatement
            label = str(one(dcat_graph, statement, RDFS.label))
            assert "quotes and mentions" in label and "words of their publishers" in label
            assert "data/sources.csv, column rights" in label and "CC-BY-4.0" in label


def test_dcat_dates_and_language_come_from_the_package(dcat_graph, portal_build):
    (dataset,) = dcat_graph.subjects(RDF.type, DCAT.Dataset)
    created = Literal(descriptor_of(portal_build)["created"], datatype=XSD.dateTime)
    assert one(dcat_graph, dataset, DCTERMS.issued) == created  # never the wall clock
    assert one(dcat_graph, dataset, DCTERMS.modified) == created
    language = one(dcat_graph, dataset, DCTERMS.language)  # the sources' `en`
    assert language == URIRef("http://publications.europa.eu/resource/authority/language/ENG")
    assert one(dcat_graph, language, RDF.type) == DCTERMS.LinguisticSystem


def test_an_area_that_is_a_country_is_the_eu_country_iri_in_dcat_and_ckan():
    from pipeline.outputs import ckan, dcat
    from pipeline.outputs.facts import Area

    cambodia = Area("KH", "Cambodia", "country", "KH", "Cambodia", "ISO 3166-1 alpha-2")
    kandal = Area("KH-8", "Kandal", "province", "KH", "Cambodia", "ISO 3166-2")
    (country,) = dcat.spatial([cambodia])
    assert (country["@id"], country["skos:notation"]) == (str(CAMBODIA), "KH")
    assert [node.get("@id") for node in dcat.spatial([kandal, cambodia])] == [str(CAMBODIA), None]
    extras = {item["key"]: item["value"] for item in ckan.spatial_extras([cambodia])}
    assert extras["spatial_uri"] == str(CAMBODIA) and extras["spatial_text"] == "Cambodia"
