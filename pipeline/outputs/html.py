"""The HTML data page (index.html), the package's landing page: title, description,
licence, how to cite, a chart of the figures, every figure with each of its
quotes shown in its sentence, the claims, the downloads, and the schema.org
JSON-LD embedded.

Fully offline: inline CSS and SVG, no script, no font or image to fetch, and a
Content-Security-Policy that forbids loading anything. Jinja2 escapes every
string (autoescape); the JSON-LD is escaped for its <script> element.
"""

from __future__ import annotations

import re
from itertools import islice
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from pipeline.files import write_inside
from pipeline.outputs import facts, schemaorg, signposting
from pipeline.outputs.chart import build_chart, format_number, value_text
from pipeline.outputs.source import PackageFile, PackageSource
from pipeline.project import DESCRIPTOR_NAME

FORMAT = "html"
PATH = "index.html"
# as the metadata lists the file
TITLE = "The package's landing page: chart, figures with their quotes, downloads"
TEMPLATES = Path(__file__).parent / "templates"
# The most figures, claims and sources the page lists (and charts): a landing page of a
# million rows helps no reader and no browser. The page says when it shows fewer than
# the package holds; the data files hold them all.
PAGE_ROWS = 1000
# A sentence ends at . ! or ? (and any closing quotes or brackets) before a space or
# the end of the text, or at a line break.
SENTENCE_END = re.compile(r"[.!?][\u201d\u2019\"')\]]*(?=\s|$)|\n")


def write(source: PackageSource, folder: Path) -> list[PackageFile]:
    write_inside(folder, PATH, render_page(source).encode("utf-8"))
    return [
        PackageFile(
            path=PATH,
            format="html",
            mediatype="text/html",
            title=TITLE,
            consumer="web browsers (works offline); search engines (embedded schema.org JSON-LD)",
        )
    ]


def environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_page(source: PackageSource, page_rows: int = PAGE_ROWS) -> str:
    """The page, listing (and charting) at most page_rows rows of each table."""
    return environment().get_template("index.html").render(page_context(source, page_rows))


def quote_in_sentence(text: str, start: int, end: int) -> tuple[str, str, str]:
    """(before, quote, after): the quote at text[start:end] with the rest of the
    sentence or sentences it stands in."""
    begin = 0
    for match in SENTENCE_END.finditer(text, 0, start):
        begin = match.end()
    found = SENTENCE_END.search(text, max(start, end - 1))
    stop = found.end() if found else len(text)
    if found and found.group() == "\n":
        stop = found.start()
    return text[begin:start].lstrip(), text[start:end], text[end:stop]


def page_context(source: PackageSource, page_rows: int = PAGE_ROWS) -> dict:
    descriptor = source.descriptor
    indicators = source.rows_by_id("indicators")
    figures = list(islice(source.rows("figures"), page_rows))
    statements = list(islice(source.rows("statements"), page_rows))
    sources = list(islice(source.rows("sources"), page_rows))
    return {
        "package": {"title": descriptor["name"], "description": "", "version": "", **descriptor},
        "licenses": [
            {"name": item.get("name", ""), "title": item.get("title", ""), "path": item.get("path")}
            for item in facts.licenses(source)
        ],
        "creators": [c.get("title", "") for c in facts.creators(source)],
        "sources": [dict(row, note=facts.publication_note(row)) for row in sources],
        "areas": facts.areas(source),
        "coverage": facts.temporal_coverage(source),
        "citation": citation_text(source),
        "chart": build_chart(figures, {k: v["title"] for k, v in indicators.items()}),
        "figures": [figure_view(source, row, indicators) for row in figures],
        "conflicts": conflict_views(source),
        "statements": [statement_view(source, row) for row in statements],
        "shown": shown(source, {"figures": figures, "statements": statements, "sources": sources}),
        "downloads": downloads(source),
        "jsonld": Markup(schemaorg.script_json(schemaorg.dataset(source))),
        "signposts": signposting.links(source),
        "cite_as": source.iri("") if source.base_url else None,
    }


def conflict_views(source: PackageSource) -> list[dict]:
    """The facts sources differ on (pipeline.check.conflicts), each with its line."""
    from pipeline.check.conflicts import conflicts, describe

    found = conflicts(source.frames["figures"], source.frames["quotes"], lambda q: q["text"])
    publishers = {row["source_id"]: row["publisher"] for row in source.rows("sources")}
    for conflict in found:
        conflict["title"] = describe(conflict["fact"])
        for figure in conflict["figures"]:
            figure["publisher"] = publishers.get(figure["source_id"], figure["source_id"])
    return found


def shown(source: PackageSource, listed: dict[str, list]) -> dict[str, dict]:
    """Per resource: how many rows the page lists, how many the package holds, and
    the CSV file that holds them all."""
    return {
        name: {
            "listed": format_number(len(rows)),
            "total": format_number(len(source.frames[name])),
            "cut": len(rows) < len(source.frames[name]),
            "path": source.resource(name).path,
        }
        for name, rows in listed.items()
    }


def citation_text(source: PackageSource) -> str:
    descriptor = source.descriptor
    who = "; ".join(c.get("title", "") for c in facts.creators(source)) or descriptor["name"]
    year = descriptor["created"][:4]
    title = descriptor.get("title") or descriptor["name"]
    version = f", version {descriptor['version']}" if descriptor.get("version") else ""
    return f"{who} ({year}). {title}{version} [Data package: {descriptor['name']}]."


def quote_views(source: PackageSource, key_field: str, key: str) -> list[dict]:
    actors = source.rows_by_id("actors")
    sources = source.rows_by_id("sources")
    views = []
    for quote in source.rows_grouped("quotes", key_field).get(key, []):
        snapshot = source.snapshots.get(quote["source_id"])
        if snapshot is not None:
            before, words, after = quote_in_sentence(snapshot, quote["start"], quote["end"])
        else:  # no snapshot at hand: the quote alone
            before, words, after = "", quote["text"], ""
        cited = sources[quote["source_id"]]
        views.append(
            {
                "id": quote["quote_id"],
                "before": before,
                "text": words,
                "after": after,
                "speaker": actors[quote["speaker_id"]]["name"],
                "attribution": quote["attribution"],
                "publisher": cited["publisher"],
                "url": cited["url"],
                "note": quote["note"],
                "qualifier": quote.get("qualifier"),
                "qualifier_words": quote.get("qualifier_words"),
                "page": quote.get("page"),
            }
        )
    return views


def figure_view(source: PackageSource, row: dict, indicators: dict) -> dict:
    period = row["period"]
    if row["reference_period"]:
        period += f" compared with {row['reference_period']}"
    return {
        **row,
        "indicator": indicators[row["indicator_id"]]["title"],
        "period_text": period,
        "value_text": value_text(row),
        "whole_text": whole_text(row, indicators),
        "quotes": quote_views(source, "figure_id", row["figure_id"]),
    }


def whole_text(row: dict, indicators: dict) -> str:
    """What a share is of, or a rate per: "of Reported crimes", "per 100,000 Population"."""
    whole = row.get("whole_indicator_id")
    if not whole:
        return ""
    title = indicators[whole]["title"] if whole in indicators else whole
    if row["measure"] == "rate" and row.get("rate_base"):
        return f"per {format_number(row['rate_base'])} {title}"
    return f"of {title}"


def statement_view(source: PackageSource, row: dict) -> dict:
    return {**row, "quotes": quote_views(source, "statement_id", row["statement_id"])}


def downloads(source: PackageSource) -> list[dict]:
    items = [
        {
            "path": DESCRIPTOR_NAME,
            "title": "Frictionless Data Package descriptor (v2): resources, fields, types, "
            "keys, licence, and the size and hash of every file",
            "consumer": "Frictionless tools: frictionless validate datapackage.json",
            "size": "",
            "sha256": "",
        }
    ]
    for file in source.files:
        items.append(
            {
                "path": file.path,
                "title": file.title,
                "consumer": file.consumer,
                "size": f"{format_number(file.bytes)} bytes" if file.bytes is not None else "",
                "sha256": file.sha256 or "",
            }
        )
    return items
