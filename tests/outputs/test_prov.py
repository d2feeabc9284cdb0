"""The provenance graph, read back by the `prov` library: which words a figure
comes from, who said them, where they were quoted from, and what the build used
and made. Expected quotes and speakers were read off the article by hand.
"""

from __future__ import annotations

import csv
import json
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


def words_of(document, figure_id: str) -> dict[str, str]:
    """The answer to "which words does this figure come from": each quote's text, and
    the actor it is attributed to."""
    quotes = [
        local(d[PROV_ATTR_USED_ENTITY])
        for d in relations(document, ProvDerivation)
        if local(d[PROV_ATTR_GENERATED_ENTITY]) == f"figure/{figure_id}"
    ]
    speakers = {
        local(a[PROV_ATTR_ENTITY]): local(a[PROV_ATTR_AGENT])
        for a in relations(document, ProvAttribution)
    }
    return {
        value_of(document, f"pkg:{quote}"): speakers[quote].removeprefix("actor/")
        for quote in quotes
    }


@pytest.mark.parametrize("figure_id", list(FIGURE_WORDS))
def test_graph_answers_which_words_a_figure_comes_from_and_who_said_them(document, figure_id):
    assert words_of(document, figure_id) == FIGURE_WORDS[figure_id]


def test_every_quote_is_a_quotation_of_its_sources_snapshot(document):
    quotations = [
        record
        for record in document.get_records(ProvDerivation)
        if PROV["Quotation"] in record.get_asserted_types()
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
    assert value_of(document, "pkg:source/kandal-crime-2022", PROV["location"]) == ARTICLE
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
    files = {file.path for file in source.files}
    for item in descriptor.get("outputs", []):  # the writers before prov list these
        if item["path"] not in files and item["path"].startswith("parquet/"):
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
