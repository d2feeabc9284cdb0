"""The provenance graph built with the `prov` library's object model, record by
record: the reference the fast PROV-JSON writer (pipeline/outputs/prov.py)
must equal byte for byte. It is the writer as it was before it had to scale
(a package of a million figures takes the library tens of minutes).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from prov.model import PROV, PROV_LABEL, PROV_LOCATION, PROV_TYPE, PROV_VALUE, ProvDocument

from pipeline.assemble.provenance import read_input_list
from pipeline.outputs import facts
from pipeline.outputs.prov import (
    AGENT_TYPES,
    DIRECT,
    ENTITY_KINDS,
    LOCATION_PREFIX,
    PREFIX,
    attributes,
    build_attributes,
    later_files,
    node,
    snapshot_of,
)
from pipeline.outputs.source import PackageSource
from pipeline.project import DESCRIPTOR_NAME


def serialize(source: PackageSource) -> bytes:
    text = provenance_document(source).serialize(
        format="json", indent=2, sort_keys=True, ensure_ascii=False
    )
    return (text + "\n").encode("utf-8")


def provenance_document(source: PackageSource) -> ProvDocument:
    document = ProvDocument()
    base = facts.package_iri(source) or DESCRIPTOR_NAME
    document.add_namespace(PREFIX, f"{base}#")
    transcription = document.activity(
        node("activity", "transcription"),
        other_attributes={
            PROV_LABEL: "Transcription by hand of the figures, claims and quotes in the sources"
        },
    )
    maintainers = []
    for index, creator in enumerate(facts.creators(source), start=1):
        maintainer = document.agent(
            node("creator", str(index)), {PROV_LABEL: creator.get("title", "")}
        )
        document.wasAssociatedWith(transcription, maintainer)
        maintainers.append(maintainer)
    add_actors(document, source)
    add_sources(document, source, transcription)
    add_quotes(document, source, transcription, maintainers)
    for resource in ("figures", "statements"):
        add_supported(document, source, resource, transcription)
    add_build(document, source)
    return document


def add_actors(document: ProvDocument, source: PackageSource) -> None:
    for actor_id, row in source.rows_by_id("actors").items():
        attrs = {PROV_LABEL: row["name"], **attributes(row, "actor_id")}
        if row["kind"] in AGENT_TYPES:
            attrs[PROV_TYPE] = PROV[AGENT_TYPES[row["kind"]].removeprefix("prov:")]
        document.agent(node("actor", actor_id), attrs)


def add_sources(document: ProvDocument, source: PackageSource, transcription) -> None:
    """Each source document, its publisher, and the snapshot the transcription used."""
    for source_id, row in source.rows_by_id("sources").items():
        publisher = document.agent(
            node("publisher", source_id),
            {PROV_LABEL: row["publisher"], PROV_TYPE: PROV["Organization"]},
        )
        article_attrs = attributes(row, "source_id")
        if row.get("url"):
            article_attrs[PROV_LOCATION] = location(document, row["url"])
        article = document.entity(node("source", source_id), article_attrs)
        document.wasAttributedTo(article, publisher)
        snapshot = document.entity(
            node("snapshot", source_id),
            {
                PROV_LABEL: f"Archived text of source {source_id}, byte for byte as received",
                f"{PREFIX}:sha256": row["sha256"],
                f"{PREFIX}:bytes": row["bytes"],
                f"{PREFIX}:media_type": row["media_type"],
                f"{PREFIX}:received": row["received"].isoformat(),
            },
        )
        document.wasDerivedFrom(snapshot, article)
        document.used(transcription, snapshot)


def location(document: ProvDocument, url: str):
    """The web address as a qualified name under a prefix for its folder (site1, …)."""
    cut = url.rindex("/") + 1 if "/" in urlsplit(url).path else len(url)
    namespace = url[:cut]
    known = {ns.uri: ns for ns in document.get_registered_namespaces()}
    if namespace not in known:
        count = sum(ns.prefix.startswith(LOCATION_PREFIX) for ns in known.values())
        known[namespace] = document.add_namespace(f"{LOCATION_PREFIX}{count + 1}", namespace)
    return known[namespace][url[cut:]]


def add_quotes(document: ProvDocument, source: PackageSource, transcription, maintainers) -> None:
    """Each quote, copied from the snapshot; the speaker's words it reports, theirs."""
    names = {key: row["name"] for key, row in source.rows_by_id("actors").items()}
    for quote_id, row in source.rows_by_id("quotes").items():
        speaker = row["speaker_id"]
        words = document.entity(
            node("words", quote_id),
            {PROV_LABEL: f"What {names[speaker]} said or wrote, as quote {quote_id} reports it"},
        )
        document.wasAttributedTo(words, node("actor", speaker))
        quote = document.entity(
            node("quote", quote_id), {PROV_VALUE: row["text"], **attributes(row, "quote_id")}
        )
        document.wasGeneratedBy(quote, transcription)
        document.quotation(quote, node("snapshot", row["source_id"]), activity=transcription)
        if row["attribution"] == DIRECT:
            document.quotation(quote, words)
        else:
            document.wasDerivedFrom(quote, words)
        for maintainer in maintainers:
            document.wasAttributedTo(quote, maintainer)


def add_supported(document: ProvDocument, source: PackageSource, resource: str, transcription):
    """Each figure or statement, derived from every quote that states it."""
    kind = ENTITY_KINDS[resource]
    key_field = f"{kind}_id"
    quotes_for: dict[str, list[str]] = {}
    for quote in source.rows("quotes"):
        if quote[key_field] is not None:
            quotes_for.setdefault(quote[key_field], []).append(quote["quote_id"])
    for key, row in source.rows_by_id(resource).items():
        attrs = attributes(row, key_field)
        if "value" in row and row["value"] is not None:
            attrs[PROV_VALUE] = row["value"]
        entity = document.entity(node(kind, key), attrs)
        document.wasGeneratedBy(entity, transcription)
        for quote_id in quotes_for.get(key, []):
            document.wasDerivedFrom(entity, node("quote", quote_id), activity=transcription)


def add_build(document: ProvDocument, source: PackageSource) -> None:
    """The build: the pipeline that ran, the input files it used, every file it wrote."""
    pipeline = source.descriptor["provenance"]["pipeline"]
    attrs = build_attributes(source)
    start, end = attrs.pop("prov:startTime"), attrs.pop("prov:endTime")
    build = document.activity(node("activity", "build"), start, end, other_attributes=attrs)
    software = document.agent(
        node("software", pipeline["name"]),
        {
            PROV_TYPE: PROV["SoftwareAgent"],
            PROV_LABEL: pipeline["name"],
            f"{PREFIX}:version": pipeline["version"],
        },
    )
    document.wasAssociatedWith(build, software)
    sources = source.rows_by_id("sources")
    for path, sha256 in read_input_list(source.folder, source.descriptor):
        used = document.entity(node("input", path), {f"{PREFIX}:sha256": sha256})
        document.used(build, used)
        source_id = snapshot_of(path, sha256, sources)
        if source_id is not None:
            document.specializationOf(used, node("snapshot", source_id))
    for file in source.files:
        attrs = {
            PROV_LABEL: file.title,
            f"{PREFIX}:sha256": file.sha256,
            f"{PREFIX}:bytes": file.bytes,
        }
        if file.resource not in ENTITY_KINDS:
            document.wasGeneratedBy(document.entity(node("file", file.path), attrs), build)
            continue
        table = document.collection(node("file", file.path), attrs)
        document.wasGeneratedBy(table, build)
        kind = ENTITY_KINDS[file.resource]
        for key in source.rows_by_id(file.resource):
            document.hadMember(table, node(kind, key))
    for path, attrs in later_files(source):
        document.wasGeneratedBy(document.entity(node("file", path), attrs), build)
