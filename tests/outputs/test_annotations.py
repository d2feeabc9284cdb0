"""annotations.jsonld (issue 19, "Beyond the anchors"): each quote a W3C Web
Annotation, read by rdflib with the Web Annotation context (vendored, so nothing is
fetched) and checked against the OA vocabulary (tests/vendor/web-annotation/); and
every quote re-anchored in its snapshot from its TextQuoteSelector alone.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import json
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef

VENDOR = Path(__file__).parents[1] / "vendor" / "web-annotation"
OA = Namespace("http://www.w3.org/ns/oa#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
ARTICLE = "https://phnompenhpost.com/national/kandal-crime-rate-plummets-thanks-safe-village-policy"
SOURCE = "kandal-crime-2022"


@pytest.fixture(scope="module")
def document(portal_build) -> dict:
    return json.loads((portal_build / "annotations.jsonld").read_text(encoding="utf-8"))


def expanded(document: dict) -> dict:
    """The document with the published context put in place of its address (offline)."""
    context = json.loads((VENDOR / "anno.jsonld").read_text(encoding="utf-8"))["@context"]
    assert document["@context"] == "http://www.w3.org/ns/anno.jsonld"
    return {**document, "@context": context}


@pytest.fixture(scope="module")
def graph(document) -> Graph:
    return Graph().parse(data=json.dumps(expanded(document)), format="json-ld")


@pytest.fixture(scope="module")
def vocabulary() -> Graph:
    return Graph().parse(VENDOR / "oa.ttl", format="turtle")


@pytest.fixture(scope="module")
def quotes(portal_build) -> dict[str, dict]:
    with (portal_build / "data" / "quotes.csv").open(encoding="utf-8", newline="") as text:
        return {row["quote_id"]: row for row in csv.DictReader(text)}


@pytest.fixture(scope="module")
def snapshot(portal_build) -> str:
    path = portal_build.parent / "raw" / "sources" / SOURCE / "snapshot.txt"
    return path.read_bytes().decode("utf-8")


def classes_above(vocabulary: Graph, node) -> set:
    return set(vocabulary.transitive_objects(node, RDFS.subClassOf))


def misused_oa_terms(graph: Graph, vocabulary: Graph) -> list[str]:
    """Every OA class and property used must be in the vocabulary, on a subject in its
    rdfs:domain and with a value in its rdfs:range (with subclasses; a motivation or
    purpose must be one of the vocabulary's oa:Motivation instances)."""
    wrong = []
    for subject, predicate, value in graph:
        if predicate == RDF.type:
            if str(value).startswith(str(OA)) and (value, RDF.type, RDFS.Class) not in vocabulary:
                wrong.append(f"class {value} not in OA")
            continue
        if not str(predicate).startswith(str(OA)):
            continue
        if (predicate, RDF.type, RDF.Property) not in vocabulary:
            wrong.append(f"property {predicate} not in OA")
            continue
        held = {c for t in graph.objects(subject, RDF.type) for c in classes_above(vocabulary, t)}
        for domain in vocabulary.objects(predicate, RDFS.domain):
            if domain not in held:
                wrong.append(f"{predicate} on {sorted(held)}: domain is {domain}")
        for span in vocabulary.objects(predicate, RDFS.range):
            if isinstance(value, Literal):
                fits = (value.datatype or XSD.string) == span
            elif span == OA.Motivation:
                fits = (value, RDF.type, OA.Motivation) in vocabulary
            else:
                types = {
                    c for t in graph.objects(value, RDF.type) for c in classes_above(vocabulary, t)
                }
                fits = span in types
            if not fits:
                wrong.append(f"{predicate} = {value!r}: range is {span}")
    return wrong


def test_annotations_use_the_oa_vocabulary_as_it_is_defined(graph, vocabulary):
    assert len(set(graph.subjects(RDF.type, OA.Annotation))) == 28
    assert misused_oa_terms(graph, vocabulary) == []


def test_each_quote_is_an_annotation_of_its_article_at_its_offsets(graph, quotes, portal_build):
    sources = {
        row["source_id"]: row
        for row in csv.DictReader(
            (portal_build / "data" / "sources.csv").open(encoding="utf-8", newline="")
        )
    }
    found = {}
    for annotation in graph.subjects(RDF.type, OA.Annotation):
        (target,) = graph.objects(annotation, OA.hasTarget)
        (article,) = graph.objects(target, OA.hasSource)
        (version,) = graph.objects(article, DCTERMS.hasVersion)
        position = next(
            s
            for s in graph.objects(target, OA.hasSelector)
            if (s, RDF.type, OA.TextPositionSelector) in graph
        )
        start, end = (graph.value(position, OA[name]).toPython() for name in ("start", "end"))
        found[str(annotation).rsplit("/", 1)[1]] = (str(article), str(version), start, end)
    sha256 = sources[SOURCE]["sha256"]
    digest = base64.urlsafe_b64encode(bytes.fromhex(sha256)).decode().rstrip("=")
    assert found == {
        key: (ARTICLE, f"ni:///sha-256;{digest}", int(row["start"]), int(row["end"]))
        for key, row in quotes.items()
    }


def test_snapshot_iri_is_the_sha256_of_the_snapshot_file(document, portal_build):
    path = portal_build.parent / "raw" / "sources" / SOURCE / "snapshot.txt"
    digest = hashlib.sha256(path.read_bytes()).digest()
    expected = "ni:///sha-256;" + base64.urlsafe_b64encode(digest).decode().rstrip("=")
    for item in document["first"]["items"]:
        assert item["target"]["source"]["dcterms:hasVersion"]["id"] == expected


def anchor(text: str, selector: dict) -> list[int]:
    """Where a TextQuoteSelector's exact words stand in text, read from it alone: every
    start of exact that has prefix right before it and suffix right after it."""
    exact, prefix, suffix = (
        selector["exact"],
        selector.get("prefix", ""),
        selector.get("suffix", ""),
    )
    places, at = [], text.find(prefix + exact + suffix)
    while at != -1:
        places.append(at + len(prefix))
        at = text.find(prefix + exact + suffix, at + 1)
    return places


def test_every_quote_re_anchors_from_its_text_quote_selector_alone(document, snapshot, quotes):
    for item in document["first"]["items"]:
        quote_selector, position = item["target"]["selector"]
        assert quote_selector["type"] == "TextQuoteSelector"
        assert position["type"] == "TextPositionSelector"
        places = anchor(snapshot, quote_selector)
        assert places == [position["start"]], item["id"]
        assert position["end"] - position["start"] == len(quote_selector["exact"])
        quote = quotes[item["id"].rsplit("/", 1)[1]]
        assert quote_selector["exact"] == quote["text"].removeprefix("'")
        assert len(quote_selector.get("prefix", "")) + len(quote_selector.get("suffix", "")) > 0


def test_context_grows_until_the_words_occur_once():
    from pipeline.outputs.annotations import CONTEXT_POINTS, quote_selector

    filler = "x" * (CONTEXT_POINTS * 3)
    text = f"A{filler} 78 per cent {filler}B{filler} 78 per cent {filler}C"
    start = text.rindex("78 per cent")
    selector = quote_selector(text, start, start + len("78 per cent"), "78 per cent")
    assert anchor(text, selector) == [start]
    assert len(selector["prefix"]) > CONTEXT_POINTS


def test_bodies_link_the_figure_or_statement_and_name_who_spoke(graph, quotes):
    for annotation in graph.subjects(RDF.type, OA.Annotation):
        quote = quotes[str(annotation).rsplit("/", 1)[1]]
        purposes = {}
        for body in graph.objects(annotation, OA.hasBody):
            purpose = graph.value(body, OA.hasPurpose)
            purposes[purpose] = graph.value(body, OA.hasSource) or graph.value(body, RDF.value)
        supported = (
            f"#figure/{quote['figure_id']}"
            if quote["figure_id"]
            else f"#statement/{quote['statement_id']}"
        )
        assert str(purposes[OA.linking]).endswith(supported)
        assert str(purposes[OA.identifying]).endswith(f"#actor/{quote['speaker_id']}")
        assert isinstance(purposes[OA.describing], Literal)
        assert graph.value(annotation, OA.motivatedBy) == OA.linking


def test_annotation_ids_are_under_the_file_when_a_base_url_is_known(run, project):
    base = "https://data.example.org/kandal-crime-2022/"
    result = run(project, "build", "--formats", "csv,annotations", "--base-url", base)
    assert result.exit_code == 0, result.output
    document = json.loads((project / "build" / "annotations.jsonld").read_text(encoding="utf-8"))
    assert document["id"] == f"{base}annotations.jsonld"
    assert all(
        item["id"].startswith(f"{base}annotations.jsonld#") for item in document["first"]["items"]
    )
    graph = Graph().parse(data=json.dumps(expanded(document)), format="json-ld")
    assert URIRef(f"{base}annotations.jsonld#kandal-crime-2022-q03") in set(
        graph.subjects(RDF.type, OA.Annotation)
    )


def test_streamed_file_is_the_collection_as_one_indented_document(document, portal_build):
    """write() puts the annotations in one at a time; the bytes are those of the whole
    collection written at once."""
    from pipeline.assemble.json_text import indented

    written = (portal_build / "annotations.jsonld").read_text(encoding="utf-8")
    assert written == indented(document) + "\n"
    assert document["total"] == len(document["first"]["items"]) == 28


def test_a_package_without_quotes_has_an_empty_page(tmp_path, portal_build):
    from pipeline.assemble.json_text import indented
    from pipeline.outputs import annotations
    from tests.outputs.test_schemaorg import source_with_base

    source = source_with_base(portal_build)
    source.frames["quotes"] = source.frames["quotes"].clear()
    annotations.write(source, tmp_path)
    document = json.loads((tmp_path / "annotations.jsonld").read_text(encoding="utf-8"))
    assert document["first"]["items"] == [] and document["total"] == 0
    assert (tmp_path / "annotations.jsonld").read_text(encoding="utf-8") == indented(
        document
    ) + "\n"


@pytest.mark.parametrize(
    ("page", "media_type", "fragment"),
    [
        ("2", "application/pdf", "page=2"),
        ("1\u20132", "application/pdf", None),  # across a page break: RFC 3778 names one page
        (None, "application/pdf", None),
        ("2", "text/html", None),
    ],
)
def test_a_quote_on_a_page_of_a_pdf_is_also_selected_by_its_page(page, media_type, fragment):
    from types import SimpleNamespace

    from pipeline.outputs.annotations import target

    text = "Page one ends here.\n\fPage two says crime fell 78 per cent on 2021.\n\f"
    start = text.index("crime fell")
    quote = {"source_id": "r", "start": start, "end": start + 22, "text": text[start:][:22]}
    source = SimpleNamespace(
        rows_by_id=lambda name: {
            "r": {
                "sha256": "00" * 32,
                "language": "en",
                "url": "https://example.org/report.pdf",
                "media_type": "text/plain; charset=utf-8",
                "original_media_type": media_type,
            }
        },
        snapshots={"r": text},
    )

    selectors = target(source, {**quote, "page": page})["selector"]

    fragments = [s for s in selectors if s["type"] == "FragmentSelector"]
    if fragment is None:
        assert fragments == []
        return
    [selector] = fragments
    assert selector["value"] == fragment
    assert selector["conformsTo"] == "http://tools.ietf.org/rfc/rfc3778"
    words = selector["refinedBy"]
    on_page = text.split("\f")[int(fragment.removeprefix("page=")) - 1]
    assert on_page.count(words.get("prefix", "") + words["exact"] + words.get("suffix", "")) == 1
