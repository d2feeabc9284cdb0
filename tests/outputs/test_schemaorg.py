"""schema.org (issue 19, item 6) checked against the vocabulary itself: schemaorg's
release 30.0 (tests/vendor/schemaorg/), read by rdflib. Every type and property
`schema-org.jsonld` uses exists, each property sits on a type in its
`domainIncludes` (with subclasses) and holds a value in its `rangeIncludes`; the
sources are what the dataset `isBasedOn`; `contentUrl` is an IRI when a base URL
is known; the page embeds exactly the standalone document.
"""

from __future__ import annotations

import html.parser
import json
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef

VOCABULARY = Path(__file__).parents[1] / "vendor" / "schemaorg" / "schemaorg-current-https.ttl"
SDO = Namespace("https://schema.org/")
ARTICLE = "https://phnompenhpost.com/national/kandal-crime-rate-plummets-thanks-safe-village-policy"
BASE = "https://data.example.org/kandal-crime-2022/"


@pytest.fixture(scope="module")
def vocabulary() -> Graph:
    return Graph().parse(VOCABULARY, format="turtle")


@pytest.fixture(scope="module")
def standalone(portal_build) -> dict:
    return json.loads((portal_build / "schema-org.jsonld").read_text(encoding="utf-8"))


def graph_of(document: dict) -> Graph:
    return Graph().parse(data=json.dumps(document), format="json-ld")


def source_with_base(build: Path):
    """The built package as the writers see it, published under BASE, with the files
    written before schema-org.jsonld."""
    from pipeline.contract.model import load_contract
    from pipeline.outputs.source import PackageFile, load_source

    descriptor = json.loads((build / "datapackage.json").read_text(encoding="utf-8"))
    contract = load_contract(build / "datapackage.json", "datapackage.json")
    source = load_source(build, contract, descriptor, {}, base_url=BASE)
    for item in descriptor["outputs"]:
        if item["path"] == "schema-org.jsonld":
            break
        fields = {key: item[key] for key in ("path", "format", "mediatype", "title", "consumer")}
        source.files.append(
            PackageFile(
                **fields,
                bytes=item["bytes"],
                sha256=item["hash"].removeprefix("sha256:"),
                resource=item.get("resource"),
            )
        )
    return source


def superclasses(vocabulary: Graph, cls: URIRef) -> set[URIRef]:
    return set(vocabulary.transitive_objects(cls, RDFS.subClassOf))


def datatypes(vocabulary: Graph) -> set[URIRef]:
    """schema:DataType's members (Text, Number, Date, …) and their subclasses (URL, Integer)."""
    found = set(vocabulary.subjects(RDF.type, SDO.DataType))
    return {sub for cls in found for sub in vocabulary.transitive_subjects(RDFS.subClassOf, cls)}


def types_of(graph: Graph, node) -> set[URIRef]:
    return set(graph.objects(node, RDF.type))


def misused_terms(graph: Graph, vocabulary: Graph) -> list[str]:
    """Every use of a term that the vocabulary does not allow: unknown type or property,
    a property on a type outside its domain, a value outside its range."""
    classes = set(vocabulary.subjects(RDF.type, RDFS.Class))
    properties = set(vocabulary.subjects(RDF.type, RDF.Property))
    data = datatypes(vocabulary)
    wrong = []
    for subject, predicate, value in graph:
        if predicate == RDF.type:
            if value not in classes:
                wrong.append(f"type {value} is not a schema.org type")
            continue
        if predicate not in properties:
            wrong.append(f"property {predicate} is not a schema.org property")
            continue
        domain = set(vocabulary.objects(predicate, SDO.domainIncludes))
        held = {sup for t in types_of(graph, subject) for sup in superclasses(vocabulary, t)}
        if not held & domain:
            wrong.append(f"{predicate} on {sorted(types_of(graph, subject))}: not in its domain")
        span = set(vocabulary.objects(predicate, SDO.rangeIncludes))
        typed = {sup for t in types_of(graph, value) for sup in superclasses(vocabulary, t)}
        if isinstance(value, Literal):
            fits = bool(span & data)
        else:  # a node of a type in the range, or an IRI where the range takes a URL
            fits = bool(typed & span) or (isinstance(value, URIRef) and SDO.URL in span)
        if not fits:
            wrong.append(f"{predicate} = {value!r}: not in its range {sorted(span)}")
    return wrong


def test_every_term_exists_in_its_domain_with_a_value_in_its_range(standalone, vocabulary):
    graph = graph_of(standalone)
    assert len(graph) > 100
    assert misused_terms(graph, vocabulary) == []


def test_every_term_fits_with_a_base_url_too(portal_build, vocabulary):
    from pipeline.outputs.schemaorg import dataset

    assert misused_terms(graph_of(dataset(source_with_base(portal_build))), vocabulary) == []


def test_the_article_is_what_the_dataset_is_based_on_not_a_citation(standalone):
    graph = graph_of(standalone)
    (dataset,) = graph.subjects(RDF.type, SDO.Dataset)
    (article,) = graph.objects(dataset, SDO.isBasedOn)
    assert str(next(graph.objects(article, SDO.url))) == ARTICLE
    assert not list(graph.objects(dataset, SDO.citation))


def test_measurement_technique_says_the_figures_are_transcribed_and_checked(standalone):
    technique = standalone["measurementTechnique"]
    assert "Transcription" in technique and "archived text" in technique


def test_content_url_is_an_iri_when_a_base_url_is_known(portal_build):
    from pipeline.outputs.schemaorg import dataset

    graph = graph_of(dataset(source_with_base(portal_build)))
    urls = list(graph.objects(None, SDO.contentUrl))
    assert urls and all(isinstance(url, URIRef) for url in urls)
    assert URIRef(f"{BASE}data/figures.csv") in urls
    (dataset,) = graph.subjects(RDF.type, SDO.Dataset)
    assert str(graph.value(dataset, SDO.url)) == BASE  # where the package is published


def test_content_url_stays_a_relative_path_without_a_base_url(standalone):
    graph = graph_of(standalone)
    urls = list(graph.objects(None, SDO.contentUrl))
    assert Literal("data/figures.csv") in urls
    assert all(isinstance(url, Literal) for url in urls)  # never file:/// paths


class JsonLdScripts(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts: list[str] = []
        self._inside = False

    def handle_starttag(self, tag, attrs):
        self._inside = tag == "script" and ("type", "application/ld+json") in attrs
        if self._inside:
            self.scripts.append("")

    def handle_endtag(self, tag):
        self._inside = False

    def handle_data(self, data):
        if self._inside:
            self.scripts[-1] += data


def test_page_embeds_exactly_the_standalone_document(portal_build, standalone):
    """The same distributions under the same @id: the page's JSON-LD is the file's."""
    parser = JsonLdScripts()
    parser.feed((portal_build / "index.html").read_text(encoding="utf-8"))
    (embedded,) = parser.scripts
    assert json.loads(embedded) == standalone
    ids = [item["@id"] for item in standalone["distribution"]]
    assert len(ids) == len(set(ids)) and all(i.startswith("urn:uuid:") for i in ids)
    graph, page = graph_of(standalone), graph_of(json.loads(embedded))
    downloads = set(graph.subjects(RDF.type, SDO.DataDownload))
    assert downloads == set(page.subjects(RDF.type, SDO.DataDownload))
    assert not any(isinstance(node, BNode) for node in downloads)
