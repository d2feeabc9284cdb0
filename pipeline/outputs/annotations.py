"""The quotes as W3C Web Annotations (JSON-LD, http://www.w3.org/ns/anno.jsonld), so
that annotation tools can show each figure on the article itself.

Each quote is an annotation whose target is its source (the article's URL, with the
archived snapshot the offsets count in named by its SHA-256 as an RFC 6920 `ni:`
IRI) selected twice, by a TextQuoteSelector (the exact words with enough of the
snapshot before and after them to occur once) and a TextPositionSelector (the
quote's Unicode code point offsets in the snapshot); its bodies link the figure or
statement it supports (the IRI the PROV graph gives it), name who spoke, and say so
in words. The selectors quote the publisher's text: short quotations, as the
package's quotes do, and the publisher's, not the package's licence.
"""

from __future__ import annotations

import base64
from pathlib import Path

from pipeline.assemble.json_text import indented
from pipeline.check.pages import PAGE_BREAK, PAGE_RANGE
from pipeline.files import path_inside
from pipeline.outputs import facts
from pipeline.outputs.source import PackageFile, PackageSource
from pipeline.project import DESCRIPTOR_NAME

FORMAT = "annotations"
PATH = "annotations.jsonld"
PDF = "application/pdf"
PDF_FRAGMENTS = "http://tools.ietf.org/rfc/rfc3778"  # page=N names a page of a PDF
CONTEXT = "http://www.w3.org/ns/anno.jsonld"
CONTEXT_POINTS = 32  # code points of the snapshot before and after the exact words, at least
AGENT_TYPES = {"person": "Person", "organisation": "Organization"}  # actors.kind -> anno's
ATTRIBUTIONS = {"direct": "quoted directly", "paraphrase": "paraphrased"}


def write(source: PackageSource, folder: Path) -> list[PackageFile]:
    """The collection written an annotation at a time (a package's quotes may be
    millions): the bytes of indented(collection) with its items in place."""
    head = collection(source, source.frames["quotes"].height)
    before, after = indented(head).split(EMPTY_ITEMS)
    with path_inside(folder, PATH).open("w", encoding="utf-8", newline="\n") as out:
        out.write(before)
        items = annotations(source)
        first = next(items, None)
        if first is None:
            out.write(EMPTY_ITEMS)
        else:
            out.write('"items": [\n' + nested(first))
            for item in items:
                out.write(",\n" + nested(item))
            out.write("\n" + ITEMS_INDENT[:-2] + "]")
        out.write(after + "\n")
    return [
        PackageFile(
            path=PATH,
            format="jsonld",
            mediatype='application/ld+json;profile="http://www.w3.org/ns/anno.jsonld"',
            title="The quotes as W3C Web Annotations on their sources (JSON-LD)",
            consumer="Web Annotation clients and RDF tools (rdflib: format='json-ld')",
        )
    ]


def node_iri(source: PackageSource, kind: str, key: str) -> str:
    """A row's IRI, as the PROV graph names it (pipeline.outputs.prov.node)."""
    return f"{facts.package_iri(source) or DESCRIPTOR_NAME}#{kind}/{key}"


def annotation_iri(source: PackageSource, fragment: str) -> str:
    """Under the file's own address when the package's is known, else the package's id."""
    if source.base_url:
        return f"{source.iri(PATH)}#{fragment}"
    return node_iri(source, "annotations", fragment)


def snapshot_iri(sha256: str) -> str:
    """The snapshot named by its content (RFC 6920: ni:///sha-256;<base64url, no padding>)."""
    digest = base64.urlsafe_b64encode(bytes.fromhex(sha256)).decode("ascii").rstrip("=")
    return f"ni:///sha-256;{digest}"


EMPTY_ITEMS = '"items": []'  # where the items go in the collection's text
ITEMS_INDENT = " " * 6  # collection > first > items: the third level


def nested(item: dict) -> str:
    """An item as indented() writes it inside the collection's items."""
    return "\n".join(ITEMS_INDENT + line for line in indented(item).split("\n"))


def annotations(source: PackageSource):
    """Every quote as an annotation, in the quotes' order."""
    return (annotation(source, row) for row in source.rows("quotes"))


def collection(source: PackageSource, total: int) -> dict:
    """The collection with its one page, the page's items left empty (write puts them in)."""
    title = source.descriptor.get("title") or source.descriptor["name"]
    return {
        "@context": CONTEXT,
        "id": source.iri(PATH) if source.base_url else node_iri(source, "annotations", "all"),
        "type": "AnnotationCollection",
        "label": f"The quotes of {title}, on their sources (the quoted text is its publisher's)",
        "total": total,
        "first": {
            "id": annotation_iri(source, "page-1"),
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": [],
        },
    }


def annotation(source: PackageSource, quote: dict) -> dict:
    item = {
        "id": annotation_iri(source, quote["quote_id"]),
        "type": "Annotation",
        "motivation": "linking",
        "created": source.descriptor["created"],
    }
    creators = facts.creators(source)
    if creators:
        item["creator"] = [
            {"id": node_iri(source, "creator", str(index)), "name": agent_name(creator)}
            for index, creator in enumerate(creators, start=1)
        ]
    item["body"] = bodies(source, quote)
    item["target"] = target(source, quote)
    return item


def agent_name(contributor: dict) -> str:
    return contributor.get("title") or " ".join(
        part for part in (contributor.get("givenName"), contributor.get("familyName")) if part
    )


def bodies(source: PackageSource, quote: dict) -> list[dict]:
    """The figure or statement the quote supports, who spoke, and both in words."""
    kind, key = (
        ("figure", quote["figure_id"])
        if quote["figure_id"]
        else ("statement", quote["statement_id"])
    )
    speaker = source.rows_by_id("actors")[quote["speaker_id"]]
    agent = {"id": node_iri(source, "actor", speaker["actor_id"]), "name": speaker["name"]}
    if speaker["kind"] in AGENT_TYPES:
        agent["type"] = AGENT_TYPES[speaker["kind"]]
    return [
        {"type": "SpecificResource", "source": node_iri(source, kind, key), "purpose": "linking"},
        {"type": "SpecificResource", "source": agent, "purpose": "identifying"},
        {
            "type": "TextualBody",
            "purpose": "describing",
            "value": description(source, quote, kind, key, speaker),
            "format": "text/plain",
            "language": "en",
        },
    ]


def description(source: PackageSource, quote: dict, kind: str, key: str, speaker: dict) -> str:
    who = speaker["name"] + (f" ({speaker['role']})" if speaker.get("role") else "")
    how = ATTRIBUTIONS.get(quote["attribution"], quote["attribution"])
    if kind == "figure":
        figure = source.rows_by_id("figures")[key]
        value = "no value" if figure["value"] is None else f"{figure['value']:g}"
        what = f"figure {key}: {value} {figure['unit']}"
    else:
        what = f"statement {key}: {source.rows_by_id('statements')[key]['summary']}"
    return f"Words of {who}, {how}; they state {what}."


def target(source: PackageSource, quote: dict) -> dict:
    """The source at the quote: its URL (and the snapshot the offsets count in), selected
    by the words in their context and by their offsets; for a quote on one page of a PDF
    original, also by that page (a FragmentSelector `page=N`, RFC 3778, refined by the
    words in context), so that a PDF viewer can open it. A quote across a page break
    has no page selector: RFC 3778 names one page, and the words are on two."""
    row = source.rows_by_id("sources")[quote["source_id"]]
    snapshot = {"id": snapshot_iri(row["sha256"])}
    document = {"type": "Text", "language": row["language"]}
    if row.get("url"):
        document = {"id": row["url"], **document, "dcterms:hasVersion": snapshot}
    else:
        document = {**snapshot, **document, "format": row["media_type"]}
    text = source.snapshots.get(quote["source_id"]) if source.snapshots else None
    words = quote_selector(text, quote["start"], quote["end"], quote["text"])
    selectors = [
        words,
        {"type": "TextPositionSelector", "start": quote["start"], "end": quote["end"]},
    ]
    page = quote.get("page")
    if page and PAGE_RANGE not in page and row.get("original_media_type") == PDF:
        on_page = words  # the words alone when the snapshot is not at hand
        if text is not None:  # the words in the context of their page only
            first = text.rfind(PAGE_BREAK, 0, quote["start"]) + 1
            last = text.find(PAGE_BREAK, quote["end"])
            page_text = text[first : last if last != -1 else len(text)]
            at = quote["start"] - first
            on_page = quote_selector(page_text, at, at + quote["end"] - quote["start"], "")
        selectors.append(
            {
                "type": "FragmentSelector",
                "conformsTo": PDF_FRAGMENTS,
                "value": f"page={page}",
                "refinedBy": on_page,
            }
        )
    return {"type": "SpecificResource", "source": document, "selector": selectors}


def quote_selector(text: str | None, start: int, end: int, words: str) -> dict:
    """The exact words, with CONTEXT_POINTS code points (more where needed, until the
    three together occur once in the text) of the text before and after them; the
    words alone when the snapshot is not at hand."""
    if text is None:
        return {"type": "TextQuoteSelector", "exact": words}
    exact, width = text[start:end], CONTEXT_POINTS
    while True:
        prefix, suffix = text[max(0, start - width) : start], text[end : end + width]
        needle = prefix + exact + suffix
        first = text.find(needle)
        if text.find(needle, first + 1) == -1 or (
            len(prefix) == start and end + width >= len(text)
        ):
            break
        width *= 2
    selector = {"type": "TextQuoteSelector", "exact": exact}
    if prefix:
        selector["prefix"] = prefix
    if suffix:
        selector["suffix"] = suffix
    return selector
