"""Sources as they come, made by the tests (no network): a news page with its article
inside real-world boilerplate (cookie banner, navigation, related links, comments,
footer), with or without the metadata that states its headline, byline and date, and
a web archive of it written with warcio. The article is the walkthrough's (made up),
so that its figures, quotes and set-aside mentions can be filled in as there.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.conftest import REPO
from tests.test_walkthrough import ACTOR_ROWS, FIGURE_ROWS, INDICATOR_ROWS, QUOTES, UNIT_ROWS

URL = "https://news.example.org/kandal/thefts-rise-2023"
SOURCE = "example-thefts-2023"  # the walkthrough's figures name this source
FOLDER = f"raw/sources/{SOURCE}"
RECORD_ID = "<urn:uuid:6f1c6b52-2b1e-4c57-9d0e-3a1f3c1a7e11>"
CAPTURED = "2024-05-01T12:00:00Z"

PARAGRAPHS = [
    "Thefts in Kandal province rose by 12 per cent in 2023 compared with 2022, the "
    "provincial police chief told reporters on Monday.",
    "\u201cWe recorded 1,204 thefts last year, and we arrested more than 300 suspects,\u201d "
    "he said.",
    "The chief said that patrols in the villages would continue, and asked residents to "
    "lock their motorbikes and to report every theft to the commune police post.",
]
HEADLINE = "Thefts rise in Kandal province"
# Words only the boilerplate holds, each with numbers that would otherwise need a quote.
BOILERPLATE = [
    "We use 3 kinds of cookies",
    "Top 10 stories",
    "Floods hit 4 districts of Takeo",
    "I counted 5,000 thefts in my village alone",
    "Copyright 2024 Example News",
]

METADATA = f"""
<meta property="og:title" content="{HEADLINE}">
<meta name="author" content="Sok Dara">
<meta property="article:published_time" content="2024-01-15T08:30:00+07:00">
<script type="application/ld+json">
{{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "{HEADLINE}",
 "datePublished": "2024-01-15T08:30:00+07:00",
 "author": [{{"@type": "Person", "name": "Sok Dara"}},
            {{"@type": "Person", "name": "Chan Vuthy"}}]}}
</script>"""
META_ONLY = f"""
<meta property="og:title" content="{HEADLINE}">
<meta name="author" content="Sok Dara">
<meta property="article:published_time" content="2024-01-15T08:30:00+07:00">"""


def page(metadata: str = METADATA, lang: str | None = "en-GB") -> bytes:
    """The article's page; metadata: what its <head> declares (nothing, with "")."""
    lang_attribute = f' lang="{lang}"' if lang else ""
    body = "\n".join(f"<p>{paragraph}</p>" for paragraph in PARAGRAPHS)
    return f"""<!DOCTYPE html>
<html{lang_attribute}>
<head>
<meta charset="utf-8">
<title>{HEADLINE} | Example News</title>{metadata}
</head>
<body>
<div id="cookie-banner" class="cookie-consent"><p>{BOILERPLATE[0]} to improve your visit.
<button>Accept all cookies</button></p></div>
<header><nav class="menu"><ul><li><a href="/">Home</a></li><li><a href="/national">National</a>
</li><li><a href="/business">Business</a></li><li><a href="/top">{BOILERPLATE[1]}</a></li></ul>
</nav></header>
<main>
<article>
<h1>{HEADLINE}</h1>
<p class="byline">By Sok Dara and Chan Vuthy</p>
{body}
</article>
<aside class="related"><h2>Related articles</h2><ul><li><a href="/takeo">{BOILERPLATE[2]}</a>
</li><li><a href="/kampot">New bridge opens in Kampot</a></li></ul></aside>
<section id="comments" class="comments"><h3>Comments</h3>
<div class="comment"><p>{BOILERPLATE[3]}.</p></div>
<div class="comment"><p>Well done, police.</p></div></section>
</main>
<footer><p>{BOILERPLATE[4]}. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
</body>
</html>
""".encode()


def warc(pages: dict[str, bytes], gzip: bool = True) -> bytes:
    """A web archive holding a request and a response record for each page (URL: bytes),
    the response for URL with RECORD_ID, captured at CAPTURED: the same bytes each time."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzip)
    for number, (url, data) in enumerate(pages.items()):
        headers = StatusAndHeaders(
            "GET / HTTP/1.1", [("Host", "news.example.org")], protocol="HTTP/1.1"
        )
        fixed = {
            "WARC-Date": CAPTURED,
            "WARC-Record-ID": f"<urn:uuid:{number:08d}-0000-4000-8000-000000000000>",
        }
        request = writer.create_warc_record(
            url, "request", http_headers=headers, warc_headers_dict=fixed
        )
        writer.write_record(request)
        fixed = {"WARC-Date": CAPTURED}
        fixed["WARC-Record-ID"] = (
            RECORD_ID if url == URL else f"<urn:uuid:{number:08d}-0000-4000-8000-000000000001>"
        )
        http = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        record = writer.create_warc_record(
            url, "response", payload=io.BytesIO(data), http_headers=http, warc_headers_dict=fixed
        )
        writer.write_record(record)
    return buffer.getvalue()


def append_lines(path: Path, lines: list[str]) -> None:
    with path.open("a", encoding="utf-8", newline="") as file:
        file.write("".join(f"{line}\n" for line in lines))


def fill_in(run, project: Path) -> None:
    """The transcriber's part after add-source, as in the walkthrough: the record's
    required fields, the actor, indicators, units and figures, each quote located and
    its row pasted, and the mentions no quote holds set aside."""
    record_path = project / FOLDER / "source.json"
    record = json.loads(record_path.read_text(encoding="utf-8"))
    record.update(publisher="Example News", rights="Made-up practice text")
    for name in ("headline", "byline", "published", "accessed"):
        if record[name] is None:
            record[f"{name}_note"] = "Not known."
    record_path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    append_lines(project / "raw/actors.csv", ACTOR_ROWS)
    append_lines(project / "raw/indicators.csv", INDICATOR_ROWS)
    append_lines(project / "raw/units.csv", UNIT_ROWS)
    append_lines(project / FOLDER / "figures.csv", FIGURE_ROWS)
    header = (REPO / "raw/sources/kandal-crime-2022/quotes.csv").read_text().splitlines()[0]
    for words, figure_id, attribution in QUOTES:
        located = run(project, "locate", SOURCE, words, "--json")
        assert located.exit_code == 0, located.output
        [hit] = json.loads(located.stdout)["hits"]
        [cells] = csv.reader(io.StringIO(hit["quote_csv"]))
        row = dict(zip(header.split(","), cells, strict=True))
        row.update(figure_id=figure_id, speaker_id="example-police-chief", attribution=attribution)
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="").writerow(row.values())
        append_lines(project / FOLDER / "quotes.csv", [buffer.getvalue()])
    coverage = run(project, "coverage", SOURCE, "--open", "--rows", "--json")
    [counted] = json.loads(coverage.stdout)["sources"]
    reason = ",date,A year (not a figure)."
    rows = [m["csv"].removesuffix(",,") + reason for m in counted["open_mentions"]]
    append_lines(project / FOLDER / "mentions.csv", rows)
