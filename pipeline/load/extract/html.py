"""A web page as a source: its article's main text by trafilatura (boilerplate,
navigation and comments left out), and the headline, byline, publication date and
language that the page's own metadata declares, each with the element that declares it.

The metadata is read here from a fixed list of declarations (JSON-LD, <meta>, <html
lang>) rather than taken from trafilatura's or htmldate's metadata: neither says
where a value came from, and both fall back to guesses (the first <h1> as the title, a
date found in the URL or the text, today's date as the file's date) that a record must
not hold as what the page states.
"""

from __future__ import annotations

import datetime
import json
import re
from importlib.metadata import version

from pipeline.errors import InvalidInput, Problem
from pipeline.load.extract import Extraction, Stated

# A news article's page is well under a megabyte; trafilatura's own default refuses
# pages over 20 MB without saying so. A larger file is refused before it is parsed.
MAX_HTML_BYTES = 16 * 1024 * 1024

# trafilatura.extract's settings, fixed: recorded in source.json, and used again by
# `pipeline check --re-extract`. Comments, images, links and formatting are left out;
# tables are kept (figures are often in them).
SETTINGS = {
    "output_format": "txt",
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "include_links": False,
    "include_formatting": False,
    "favor_precision": False,
    "favor_recall": False,
    "fast": False,
    "deduplicate": False,
    "with_metadata": False,
}

# The declarations read for each field, in order of preference: ("jsonld", key) is a
# key of the page's JSON-LD article object, ("meta", name) a <meta name=...> or
# <meta property=...>, ("html", "lang") the lang attribute of <html>.
DECLARATIONS = {
    "headline": [
        ("jsonld", "headline"),
        ("meta", "og:title"),
        ("meta", "twitter:title"),
        ("meta", "dc.title"),
        ("meta", "dcterms.title"),
    ],
    "byline": [
        ("jsonld", "author"),
        ("meta", "author"),
        ("meta", "article:author"),
        ("meta", "dc.creator"),
        ("meta", "dcterms.creator"),
    ],
    "published": [
        ("jsonld", "datePublished"),
        ("meta", "article:published_time"),
        ("meta", "dc.date.issued"),
        ("meta", "dcterms.issued"),
        ("meta", "citation_publication_date"),
        ("meta", "date"),
        ("meta", "dc.date"),
    ],
    "language": [
        ("html", "lang"),
        ("jsonld", "inLanguage"),
        ("meta", "content-language"),
        ("meta", "dc.language"),
    ],
}
ARTICLE_TYPE = re.compile(r"(?:\w*Article|BlogPosting|Report)$")
DATE_START = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?(?![0-9])")
LANGUAGE_TAG = re.compile(r"([A-Za-z]{2})(?:[-_][A-Za-z0-9]+)*")
SPACES = re.compile(r"\s+")
MAX_JSONLD_OBJECTS = 10_000  # objects looked at in a page's JSON-LD, however nested
BASIS = "From the page's metadata: "


def extract(data: bytes, display: str, url: str | None) -> Extraction:
    """The page's main text and what its metadata states."""
    import trafilatura
    from trafilatura.utils import load_html

    refuse_large(data, display)
    tree = load_html(data)
    if tree is None:
        raise InvalidInput([no_text(display, "it could not be parsed as HTML")])
    stated = stated_metadata(tree)
    text = trafilatura.extract(tree, **SETTINGS)
    if not text or not text.strip():
        raise InvalidInput([no_text(display, "trafilatura found no main text in it")])
    return Extraction(
        text=text,
        kind="html",
        original_name="original.html",
        media_type="text/html",
        extractor=f"trafilatura {version('trafilatura')}",
        settings=dict(SETTINGS),
        stated=stated,
    )


def refuse_large(data: bytes, display: str) -> None:
    if len(data) > MAX_HTML_BYTES:
        raise InvalidInput(
            [
                Problem(
                    "page-too-large",
                    f"web page of {len(data)} bytes; expected at most {MAX_HTML_BYTES} bytes "
                    "(a news article's page is far smaller; refused before parsing)",
                    file=display,
                )
            ]
        )


def no_text(display: str, why: str) -> Problem:
    return Problem(
        "no-main-text",
        f"no article text to archive: {why}; expected a web page with an article's text "
        "(save the article's page itself, not an index, a login or an empty page)",
        file=display,
    )


def stated_metadata(tree) -> dict[str, Stated]:
    """Each field that the page's metadata declares, with the declaration it came from."""
    metas = meta_values(tree)
    article = jsonld_article(tree)
    stated = {}
    for name, declarations in DECLARATIONS.items():
        for kind, key in declarations:
            found = declared(kind, key, tree, metas, article)
            value = normalised(name, found[0]) if found else None
            if value is not None:
                stated[name] = Stated(value, BASIS + found[1])
                break
    if "published" in stated:
        stated["published_basis"] = Stated("metadata", stated["published"].basis)
    return stated


def declared(kind: str, key: str, tree, metas: dict, article: dict) -> tuple[str, str] | None:
    """(value, where it is declared) of one declaration, when the page has it."""
    if kind == "meta" and key in metas:
        attribute, value = metas[key]
        return value, f'<meta {attribute}="{key}">'
    if kind == "html":
        value = tree.getroottree().getroot().get(key)
        return (value, f'<html {key}="{value}">') if value else None
    if kind == "jsonld" and key in article:
        return jsonld_text(article[key]), f"JSON-LD {article['@type']} {key}"
    return None


def meta_values(tree) -> dict[str, tuple[str, str]]:
    """The first content of each <meta name=, property= or http-equiv=>, by lower-case name."""
    found: dict[str, tuple[str, str]] = {}
    for meta in tree.iter("meta"):
        content = meta.get("content")
        for attribute in ("property", "name", "http-equiv"):
            name = (meta.get(attribute) or "").strip().lower()
            if name and content and name not in found:
                found[name] = (attribute, content)
    return found


def jsonld_article(tree) -> dict:
    """The first article object (NewsArticle, Article, ...) in the page's JSON-LD, its
    @type as one name; empty when there is none or it cannot be read."""
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            value = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue  # a declaration that cannot be read declares nothing
        stack, seen = [value], 0
        while stack and seen < MAX_JSONLD_OBJECTS:
            item = stack.pop(0)
            seen += 1
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                types = item.get("@type")
                types = types if isinstance(types, list) else [types]
                article = next(
                    (t for t in types if isinstance(t, str) and ARTICLE_TYPE.match(t)), None
                )
                if article:
                    return {**item, "@type": article}
                stack.extend(v for v in item.values() if isinstance(v, list | dict))
    return {}


def jsonld_text(value) -> str | None:
    """A JSON-LD value as text: a string, a name, or names joined (several authors)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return jsonld_text(value.get("name"))
    if isinstance(value, list):
        names = [name for name in map(jsonld_text, value) if name and name.strip()]
        return ", ".join(names) or None
    return None


def normalised(name: str, value: str | None) -> str | None:
    """A declared value as the field holds it; None where it is not a value of the field
    (a URL as an author, a date that is not a real one, a locale that is not a language)."""
    if value is None:
        return None
    value = SPACES.sub(" ", value).strip()
    if not value:
        return None
    if name == "byline" and re.match(r"https?://", value):
        return None  # article:author is often a profile's URL, not a name
    if name == "published":
        return declared_date(value)
    if name == "language":
        match = LANGUAGE_TAG.fullmatch(value)
        return match.group(1).lower() if match else None
    return value


def declared_date(value: str) -> str | None:
    """The date part of a declared date or time, at the precision declared (YYYY, YYYY-MM
    or YYYY-MM-DD), as written: a time zone is not applied, the day stays the page's."""
    match = DATE_START.match(value)
    if not match:
        return None
    year, month, day = match.groups()
    try:
        datetime.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None
    return match.group(0)
