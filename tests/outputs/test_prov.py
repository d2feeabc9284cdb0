"""The provenance graph, read back by the `prov` library: which words a figure
comes from, who said them, where they were quoted from, and what the build used
and made. Expected quotes and speakers were read off the article by hand.
"""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

import prov
import pytest
from prov.model import (
    PROV,
    PROV_ATTR_ACTIVITY,
    PROV_ATTR_AGENT,
    PROV_ATTR_COLLECTION,
    PROV_ATTR_ENTITY,
    PROV_ATTR_GENERATED_ENTITY,
    PROV_ATTR_USED_ENTITY,
    PROV_LABEL,
    PROV_TYPE,
    PROV_VALUE,
    ProvAssociation,
    ProvAttribution,
    ProvDerivation,
    ProvGeneration,
    ProvMembership,
    ProvUsage,
)

import pipeline
from tests.package_helpers import synth_corpus

ARTICLE = "https://phnompenhpost.com/national/kandal-crime-rate-plummets-thanks-safe-village-policy"
# figure -> the words that state it, and who said them
FIGURE_WORDS = {
    "kandal-reported-crimes-change-2022": {
        "the crime rate in Kandal province declined by 78 per cent compared to 2021": (
            "kandal-provincial-administration-report"
        ),
        "There was a 78 per cent overall decline in reported crime": (
            "kandal-provincial-administration-report"
        ),
        "Crime declined by 78 per cent": "kong-sophorn",
    },
    "kandal-reported-crimes-solved-share-2022": {
        "the police resolving almost 96 per cent of all reported crimes": (
            "kandal-provincial-administration-report"
        ),
        "our officers solved 96 per cent of them": "kandal-provincial-administration-report",
    },
    "kandal-traffic-accidents-change-2022": {
        "there was a 10 per cent increase in traffic accidents": (
            "kandal-provincial-administration-report"
        ),
    },
}


@pytest.fixture(scope="module")
def document(portal_build):
    return prov.read(str(portal_build / "prov.json"), format="json")


def relations(document, kind) -> list[dict]:
    return [dict(record.formal_attributes) for record in document.get_records(kind)]


def local(name) -> str:
    return name.localpart if name is not None else ""


def value_of(document, identifier: str, attribute=PROV_VALUE):
    (record,) = document.get_record(identifier)
    (value,) = record.get_attribute(attribute)
    return value


def derived_from(document, entity: str) -> list[str]:
    return [
        local(d[PROV_ATTR_USED_ENTITY])
        for d in relations(document, ProvDerivation)
        if local(d[PROV_ATTR_GENERATED_ENTITY]) == entity
    ]


def words_of(document, figure_id: str) -> dict[str, str]:
    """The answer to "which words does this figure come from": each quote's text, and
    the actor its speaker's words are attributed to."""
    speakers = {
        local(a[PROV_ATTR_ENTITY]): local(a[PROV_ATTR_AGENT])
        for a in relations(document, ProvAttribution)
    }
    found = {}
    for quote in derived_from(document, f"figure/{figure_id}"):
        (words,) = [used for used in derived_from(document, quote) if used.startswith("words/")]
        found[value_of(document, f"pkg:{quote}")] = speakers[words].removeprefix("actor/")
    return found


@pytest.mark.parametrize("figure_id", list(FIGURE_WORDS))
def test_graph_answers_which_words_a_figure_comes_from_and_who_said_them(document, figure_id):
    assert words_of(document, figure_id) == FIGURE_WORDS[figure_id]


def test_every_quote_is_a_quotation_of_its_sources_snapshot(document):
    quotations = [
        record
        for record in document.get_records(ProvDerivation)
        if PROV["Quotation"] in record.get_asserted_types()
        and local(dict(record.formal_attributes)[PROV_ATTR_USED_ENTITY]).startswith("snapshot/")
    ]
    assert len(quotations) == 28
    for record in quotations:
        attributes = dict(record.formal_attributes)
        assert local(attributes[PROV_ATTR_GENERATED_ENTITY]).startswith("quote/kandal-crime-2022-q")
        assert local(attributes[PROV_ATTR_USED_ENTITY]) == "snapshot/kandal-crime-2022"
        assert local(attributes[PROV_ATTR_ACTIVITY]) == "activity/transcription"


def test_snapshot_comes_from_the_article_its_publisher_published(document):
    derived = {
        local(d[PROV_ATTR_GENERATED_ENTITY]): local(d[PROV_ATTR_USED_ENTITY])
        for d in relations(document, ProvDerivation)
    }
    assert derived["snapshot/kandal-crime-2022"] == "source/kandal-crime-2022"
    assert value_of(document, "pkg:source/kandal-crime-2022", PROV["location"]).uri == ARTICLE
    assert (
        value_of(
            document, "pkg:snapshot/kandal-crime-2022", document.valid_qualified_name("pkg:sha256")
        )
        == "e869e71b156bc52919afb42f8437f07304fd69f79248818b9a6676ccaf7f0888"
    )
    attributed = {
        local(a[PROV_ATTR_ENTITY]): local(a[PROV_ATTR_AGENT])
        for a in relations(document, ProvAttribution)
    }
    assert attributed["source/kandal-crime-2022"] == "publisher/kandal-crime-2022"
    assert (
        value_of(document, "pkg:publisher/kandal-crime-2022", PROV_LABEL) == "The Phnom Penh Post"
    )
    assert value_of(document, "pkg:actor/kong-sophorn", PROV_TYPE) == PROV["Person"]


def test_figures_are_generated_by_the_transcription_and_published_by_the_build(document):
    generated = {
        local(g[PROV_ATTR_ENTITY]): local(g[PROV_ATTR_ACTIVITY])
        for g in relations(document, ProvGeneration)
    }
    members = {
        (local(m[PROV_ATTR_COLLECTION]), local(m[PROV_ATTR_ENTITY]))
        for m in relations(document, ProvMembership)
    }
    for figure_id in FIGURE_WORDS:
        assert generated[f"figure/{figure_id}"] == "activity/transcription"
        assert ("file/data/figures.csv", f"figure/{figure_id}") in members
    assert generated["file/data/figures.csv"] == "activity/build"
    assert value_of(document, "pkg:figure/kandal-reported-crimes-change-2022") == -78.0


def test_build_names_the_pipeline_version_and_the_input_hashes(document, portal_build):
    associated = {
        local(a[PROV_ATTR_ACTIVITY]): local(a[PROV_ATTR_AGENT])
        for a in relations(document, ProvAssociation)
    }
    assert associated["activity/build"] == "software/figures-pipeline"
    version = document.valid_qualified_name("pkg:version")
    assert value_of(document, "pkg:software/figures-pipeline", version) == pipeline.__version__
    with (portal_build / "provenance" / "inputs.csv").open(encoding="utf-8", newline="") as text:
        inputs = dict(list(csv.reader(text))[1:])
    assert "raw/sources/kandal-crime-2022/snapshot.txt" in inputs
    used = [
        local(u[PROV_ATTR_ENTITY])
        for u in relations(document, ProvUsage)
        if local(u[PROV_ATTR_ACTIVITY]) == "activity/build"
    ]
    sha256 = document.valid_qualified_name("pkg:sha256")
    assert {
        name.removeprefix("input/"): value_of(document, f"pkg:{name}", sha256) for name in used
    } == inputs


# ---- the fast writer against the library's object model ------------------------------------


def _source_of(build):
    from pipeline.contract.model import load_contract
    from pipeline.outputs.source import load_source

    descriptor = json.loads((build / "datapackage.json").read_text(encoding="utf-8"))
    contract = load_contract(build / "datapackage.json", "datapackage.json")
    source = load_source(build, contract, descriptor, {})
    for item in descriptor.get("outputs", []):  # the writers before prov list these
        if item["path"] == "prov.json":
            break
        source.files.append(_package_file(item))
    return source


def _package_file(item):
    from pipeline.outputs.source import PackageFile

    return PackageFile(
        path=item["path"],
        format=item["format"],
        mediatype=item["mediatype"],
        title=item["title"],
        consumer=item["consumer"],
        bytes=item["bytes"],
        sha256=item["hash"].removeprefix("sha256:"),
        resource=item.get("resource"),
    )


def _synth_build(run, tmp_path):
    corpus = tmp_path / "corpus"
    repo = Path(pipeline.__file__).resolve().parents[1]
    made = synth_corpus(tmp_path, str(corpus), "--figures", "60", "--seed", "3", "--project", repo)
    assert made.exit_code == 0, made.output
    result = run(corpus, "build", "--formats", "csv,parquet")
    assert result.exit_code == 0, result.output
    return corpus / "build"


@pytest.mark.parametrize("package", ["kandal", "synth"])
def test_fast_writer_writes_the_bytes_the_prov_library_writes(package, portal_build, run, tmp_path):
    """The writer builds PROV-JSON record by record for speed; the library's own object
    model, given the same package, serialises to exactly the same bytes."""
    from pipeline.outputs import prov as prov_writer
    from tests.outputs.prov_reference import serialize

    build = portal_build if package == "kandal" else _synth_build(run, tmp_path)
    source = _source_of(build)
    reference = serialize(source)
    prov_writer.write(source, tmp_path)

    assert (tmp_path / "prov.json").read_bytes() == reference
    assert b'"prov:Quotation"' in reference and b'"_:id1"' in reference


# ---- through the prov library to PROV-O and PROV-XML, asked in SPARQL (issue 19, item 7) ----

PROV_NS = "http://www.w3.org/ns/prov#"


@pytest.fixture(scope="module")
def prov_o(document):
    """The graph as PROV-O: the library's RDF serialisation, parsed by rdflib."""
    import rdflib

    turtle = document.serialize(format="rdf", rdf_format="turtle")
    return rdflib.Graph().parse(data=turtle, format="turtle")


def ask(graph, query: str) -> list[tuple]:
    return [tuple(row) for row in graph.query(query, initNs={"prov": PROV_NS})]


def test_graph_round_trips_through_prov_xml_and_prov_o(document):
    import io

    xml = document.serialize(format="xml")
    assert prov.read(io.StringIO(xml), format="xml") == document
    turtle = document.serialize(format="rdf", rdf_format="turtle")
    assert prov.read(io.StringIO(turtle), format="rdf", rdf_format="turtle") == document


def test_article_is_at_its_web_address_as_an_iri_not_a_literal(prov_o):
    import rdflib

    (location,) = [
        row[0] for row in ask(prov_o, "SELECT ?where WHERE { ?article prov:atLocation ?where }")
    ]
    assert isinstance(location, rdflib.URIRef)  # PROV-O: an object property, range prov:Location
    assert str(location) == ARTICLE


def test_speakers_words_are_theirs_and_the_quote_is_the_transcriptions(prov_o, portal_build):
    """PROV-DM's Quotation example: the original words attributed to who said them, the
    quote to who quotes them, generated by the transcription."""
    found = ask(
        prov_o,
        """SELECT ?quote ?speaker ?quoted ?transcriber WHERE {
             ?quote prov:wasGeneratedBy ?activity ;
                    prov:wasAttributedTo ?transcriber .
             { ?quote prov:qualifiedQuotation [ prov:entity ?words ] BIND (true AS ?quoted) }
             UNION
             { ?quote prov:wasDerivedFrom ?words BIND (false AS ?quoted) }
             ?words prov:wasAttributedTo ?speaker .
             FILTER (CONTAINS(STR(?activity), "activity/transcription"))
           }""",
    )
    with (portal_build / "data" / "quotes.csv").open(encoding="utf-8", newline="") as text:
        rows = {row["quote_id"]: row for row in csv.DictReader(text)}
    assert len({str(quote) for quote, *_ in found}) == len(rows) == 28
    assert len(found) == 28
    for quote, speaker, quoted, transcriber in found:
        row = rows[str(quote).rsplit("/", 1)[1]]
        assert str(speaker).endswith(f"#actor/{row['speaker_id']}")
        assert str(transcriber).endswith("#creator/1")  # "Maintainers of this data package"
        assert quoted.toPython() == (row["attribution"] == "direct")  # a paraphrase: derived
    speakers_of_quotes = ask(
        prov_o,
        "SELECT ?quote WHERE { ?quote prov:wasAttributedTo ?actor "
        'FILTER (CONTAINS(STR(?quote), "#quote/") && CONTAINS(STR(?actor), "#actor/")) }',
    )
    assert speakers_of_quotes == []  # the quote itself is not the speaker's


def test_build_has_start_and_end_from_the_inputs(prov_o, portal_build):
    descriptor = json.loads((portal_build / "datapackage.json").read_text(encoding="utf-8"))
    ((start, end),) = ask(
        prov_o,
        "SELECT ?start ?end WHERE { ?build prov:startedAtTime ?start ; prov:endedAtTime ?end "
        'FILTER (CONTAINS(STR(?build), "activity/build")) }',
    )
    created = datetime.fromisoformat(descriptor["created"])
    assert start.toPython() == end.toPython() == created
    assert descriptor["provenance"]["created_from"] != "wall clock"


def test_snapshot_file_read_by_the_build_is_a_specialization_of_the_snapshot(prov_o):
    found = ask(
        prov_o,
        """SELECT ?file ?snapshot ?hash WHERE {
             ?file prov:specializationOf ?snapshot .
             ?build prov:used ?file .
             ?file ?has ?hash . ?snapshot ?has ?hash
             FILTER (STRENDS(STR(?has), "#sha256"))
           }""",
    )
    assert [(str(f).split("#")[1], str(s).split("#")[1], str(h)) for f, s, h in found] == [
        (
            "input/raw/sources/kandal-crime-2022/snapshot.txt",
            "snapshot/kandal-crime-2022",
            "e869e71b156bc52919afb42f8437f07304fd69f79248818b9a6676ccaf7f0888",
        )
    ]


def test_every_file_the_build_writes_is_generated_by_it(prov_o, portal_build):
    descriptor = json.loads((portal_build / "datapackage.json").read_text(encoding="utf-8"))
    generated = {
        str(entity).split("#file/", 1)[1]
        for (entity,) in ask(
            prov_o,
            "SELECT ?file WHERE { ?file prov:wasGeneratedBy ?build "
            'FILTER (CONTAINS(STR(?build), "activity/build")) }',
        )
    }
    written = {
        path.relative_to(portal_build).as_posix()
        for path in portal_build.rglob("*")
        if path.is_file() and path.name != ".pipeline-build"
    }
    assert generated == written
    from pipeline.outputs import WRITERS, writer

    later = {writer(name).PATH for name in WRITERS[WRITERS.index("prov") :]}  # by path only
    assert later == {"prov.json", "schema-org.jsonld", "dcat-ap.jsonld", "ckan-package.json"} | {
        "index.html"
    }
    hashed = {item["path"] for item in descriptor["outputs"]} - later
    with_hash = {
        str(entity).split("#file/", 1)[1]
        for (entity,) in ask(
            prov_o,
            'SELECT ?file WHERE { ?file ?has ?hash FILTER (STRENDS(STR(?has), "#sha256") '
            '&& CONTAINS(STR(?file), "#file/")) }',
        )
    }
    assert hashed | {r["path"] for r in descriptor["resources"]} <= with_hash
