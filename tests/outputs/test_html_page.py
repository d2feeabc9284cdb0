"""The HTML data page: quotes shown in their sentences, values written as the
article states them, every string escaped, and the page itself opened in
Debian's headless Chromium, which must render the chart and the table without a
single request leaving the machine.

Expected sentences and values were read off the article by hand.
"""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline.outputs.chart import build_chart, nice_extent, value_text
from pipeline.outputs.html import quote_in_sentence
from tests.conftest import require_tool, without_a_tool
from tests.outputs.cdp import Browser, find_chromium
from tests.package_helpers import synth_corpus

REPO = Path(__file__).resolve().parents[2]
SNAPSHOT = (REPO / "raw/sources/kandal-crime-2022/snapshot.txt").read_text(encoding="utf-8")

CRIME_CHANGE = "kandal-reported-crimes-change-2022"
SOLVED_SHARE = "kandal-reported-crimes-solved-share-2022"
TRAFFIC_CHANGE = "kandal-traffic-accidents-change-2022"
# figure -> (value as the page writes it, the quotes that state it)
FIGURES = {
    CRIME_CHANGE: (
        "\u221278 %",
        [
            "the crime rate in Kandal province declined by 78 per cent compared to 2021",
            "There was a 78 per cent overall decline in reported crime",
            "Crime declined by 78 per cent",
        ],
    ),
    SOLVED_SHARE: (
        "almost 96 % of Reported crimes",  # a share names its whole
        [
            "the police resolving almost 96 per cent of all reported crimes",
            "our officers solved 96 per cent of them",
        ],
    ),
    TRAFFIC_CHANGE: ("+10 %", ["there was a 10 per cent increase in traffic accidents"]),
}

SENTENCES = [
    (
        9,
        83,
        "In 2022, the crime rate in Kandal province declined by 78 per cent compared to 2021, "
        "with the police resolving almost 96 per cent of all reported crimes, said a report "
        "from the provincial administration.",
    ),
    (
        845,
        902,
        "There was a 78 per cent overall decline in reported crime, and our officers solved "
        "96 per cent of them.",
    ),
    (
        964,
        1017,
        "Unfortunately, there was a 10 per cent increase in traffic accidents,\u201d it added.",
    ),
    (  # a quote of two sentences, inside quotation marks
        2446,
        2584,
        "\u201cThe policy is not just about reducing crime. It also provides development, "
        "political stability, public health and protects the environment,\u201d he said.",
    ),
]


@pytest.mark.parametrize(("start", "end", "sentence"), SENTENCES)
def test_quote_is_shown_in_the_sentence_it_stands_in(start, end, sentence):
    before, quote, after = quote_in_sentence(SNAPSHOT, start, end)
    assert quote == SNAPSHOT[start:end]
    assert before + quote + after == sentence


def test_quote_at_the_very_start_and_end_of_a_text_keeps_its_edges():
    assert quote_in_sentence("Crime fell", 0, 10) == ("", "Crime fell", "")


@pytest.mark.parametrize(
    ("figure", "text"),
    [
        ({"value": -78.0, "measure": "change", "unit": "percent", "qualifier": None}, "\u221278 %"),
        ({"value": 10.0, "measure": "change", "unit": "percent", "qualifier": None}, "+10 %"),
        (
            {"value": 96.0, "measure": "share", "unit": "percent", "qualifier": "almost"},
            "almost 96 %",
        ),
        (
            {"value": 1234.0, "measure": "level", "unit": "crimes", "qualifier": "more_than"},
            "more than 1,234 crimes",
        ),
        ({"value": 2.5, "measure": "share", "unit": "percent", "qualifier": None}, "2.5 %"),
    ],
)
def test_value_text_writes_sign_qualifier_and_unit(figure, text):
    assert value_text(figure) == text


@pytest.mark.parametrize(
    ("largest", "extent"), [(78, 100), (10, 10), (11, 20), (0.3, 0.5), (206, 500)]
)
def test_chart_scale_ends_at_a_round_number(largest, extent):
    assert nice_extent(largest) == pytest.approx(extent)


def test_chart_draws_a_decline_left_of_zero_and_a_rise_right_of_it():
    figures = [
        {"indicator_id": "a", "period": "2022", "reference_period": "2021", "measure": "change",
         "value": -78.0, "unit": "percent", "qualifier": None},
        {"indicator_id": "b", "period": "2022", "reference_period": "2021", "measure": "change",
         "value": 10.0, "unit": "percent", "qualifier": None},
        {"indicator_id": "c", "period": "2022", "reference_period": None, "measure": "share",
         "value": 96.0, "unit": "percent", "qualifier": "almost"},
    ]  # fmt: skip
    chart = build_chart(figures, {"a": "A", "b": "B", "c": "C"})
    changes, shares = chart.panels
    decline, rise = changes.bars
    assert decline.x + decline.width == pytest.approx(changes.zero_x)
    assert rise.x == pytest.approx(changes.zero_x)
    assert decline.width / rise.width == pytest.approx(7.8)
    assert [t.label for t in changes.ticks] == ["\u2212100", "\u221250", "0", "50", "100"]
    assert shares.bars[0].x == pytest.approx(shares.zero_x)
    assert [t.label for t in shares.ticks] == ["0", "50", "100"]
    assert (decline.label, decline.detail, decline.text) == (
        "A",
        "2022 compared with 2021",
        "\u221278 %",
    )


class Elements(HTMLParser):
    """Every start tag of a page, and the text of its <script> elements."""

    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        (self.scripts if self._in_script else self.text).append(data)


HOSTILE = '</script><script>alert("x")</script> <b>bold</b> & <!-- "quoted" \'too\''


def test_every_string_on_the_page_is_escaped(project, run):
    figures = project / "raw/sources/kandal-crime-2022/figures.csv"
    rows = list(csv.DictReader(io.StringIO(figures.read_text(encoding="utf-8"))))
    rows[0]["note"] = HOSTILE
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    figures.write_text(buffer.getvalue(), encoding="utf-8")
    contract = json.loads((project / "datapackage.json").read_text(encoding="utf-8"))
    contract["description"] = HOSTILE
    (project / "datapackage.json").write_text(json.dumps(contract), encoding="utf-8")

    result = run(project, "build", "--formats", "html")
    assert result.exit_code == 0, result.output
    page = Elements()
    page.feed((project / "build/index.html").read_text(encoding="utf-8"))
    assert page.tags.count("script") == 1  # the JSON-LD only
    assert "b" not in page.tags
    assert json.loads(page.scripts[0])["description"] == HOSTILE
    assert HOSTILE in "".join(page.text)


PAGE_FACTS = """JSON.stringify({
  svg: document.querySelector('#chart svg').getBoundingClientRect().toJSON(),
  bars: [...document.querySelectorAll('#chart .figure-bar')].map(g => ({
    label: g.querySelector('.label').textContent,
    value: g.querySelector('.value').textContent,
    box: g.querySelector('rect').getBoundingClientRect().toJSON(),
  })),
  axes: [...document.querySelectorAll('#chart .axis')].map(l => l.getBoundingClientRect().x),
  rows: [...document.querySelectorAll('table.figures tbody tr')].map(tr => ({
    id: tr.id,
    value: tr.querySelector('td.value').innerText,
    height: tr.getBoundingClientRect().height,
    marks: [...tr.querySelectorAll('mark')].map(m => m.textContent),
    sources: [...tr.querySelectorAll('.said a')].map(a => a.href),
  })),
  jsonld: JSON.parse(document.querySelector('script[type="application/ld+json"]').textContent),
  downloads: [...document.querySelectorAll('#downloads tbody a')].map(a => a.getAttribute('href')),
})"""

CONTROL_PAGE = '<!DOCTYPE html><p>control</p><img src="http://cdn.example.invalid/x.png">'


NO_CHROMIUM = "chromium not found: install Debian's chromium (apt-get install -y chromium)"


@pytest.fixture(scope="module")
def chromium() -> str:
    return require_tool(find_chromium(), NO_CHROMIUM)


@pytest.mark.parametrize(
    ("found", "in_ci", "outcome"),
    [
        ("/usr/bin/chromium", False, None),
        ("/usr/bin/chromium", True, None),
        (None, False, "skip"),
        (None, True, "fail"),
    ],
)
def test_a_missing_program_skips_its_test_except_in_ci(found, in_ci, outcome):
    assert without_a_tool(found, in_ci) == outcome


def test_page_renders_chart_and_table_offline_in_chromium(portal_build, chromium, tmp_path):
    page_url = (portal_build / "index.html").resolve().as_uri()
    control = tmp_path / "control.html"
    control.write_text(CONTROL_PAGE, encoding="utf-8")
    profile = tmp_path / "profile"
    with Browser(chromium, profile) as browser:
        # The recorder sees a request that would leave the machine (it cannot: the
        # browser resolves no host names), so its silence on our page means something.
        probe = browser.new_page()
        browser.open(probe, control.as_uri())
        assert "http://cdn.example.invalid/x.png" in browser.requested_urls(probe)

        session = browser.new_page()
        browser.open(session, page_url)
        facts = json.loads(browser.evaluate(session, PAGE_FACTS))
        screenshot = tmp_path / "index.png"
        browser.screenshot(session, screenshot)
        requested = browser.requested_urls(session)
        errors = browser.errors(session)

    assert requested == [page_url]  # the page itself, and nothing else
    assert errors == []
    assert screenshot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert screenshot.stat().st_size > 10_000

    assert facts["svg"]["width"] > 300 and facts["svg"]["height"] > 100
    bars = {bar["label"]: bar for bar in facts["bars"]}
    assert {label: bar["value"] for label, bar in bars.items()} == {
        "Reported crimes": "\u221278 %",
        "Traffic accidents": "+10 %",
        "Reported crimes solved": "almost 96 %",
    }
    zero = facts["axes"][0]  # the change panel's zero line
    decline, rise = bars["Reported crimes"]["box"], bars["Traffic accidents"]["box"]
    assert decline["x"] + decline["width"] == pytest.approx(zero, abs=2)
    assert rise["x"] == pytest.approx(zero, abs=2)
    assert decline["width"] / rise["width"] == pytest.approx(7.8, rel=0.05)

    rows = {row["id"]: row for row in facts["rows"]}
    assert set(rows) == set(FIGURES)
    for figure_id, (value, quotes) in FIGURES.items():
        assert rows[figure_id]["value"] == value
        assert rows[figure_id]["marks"] == quotes
        assert rows[figure_id]["height"] > 0
        assert set(rows[figure_id]["sources"]) == {
            "https://phnompenhpost.com/national/kandal-crime-rate-plummets-thanks-safe-village-policy"
        }

    descriptor = json.loads((portal_build / "datapackage.json").read_text(encoding="utf-8"))
    assert facts["jsonld"]["@type"] == "Dataset"
    assert facts["jsonld"]["name"] == descriptor["title"]
    every_file = [r["path"] for r in descriptor["resources"]]
    every_file += [o["path"] for o in descriptor["outputs"] if o["path"] != "index.html"]
    assert set(facts["downloads"]) == {"datapackage.json", *every_file}


def test_a_large_package_lists_the_first_rows_and_says_where_all_are(run, tmp_path):
    """The page lists at most page_rows figures, claims and sources (PAGE_ROWS in a
    build), and says how many the package holds and which file has them all."""
    import re as regex

    from pipeline.contract.model import load_contract
    from pipeline.outputs.html import render_page
    from pipeline.outputs.source import load_source

    corpus = tmp_path / "corpus"
    made = synth_corpus(tmp_path, str(corpus), "--figures", "40", "--seed", "1", "--project", REPO)
    assert made.exit_code == 0, made.output
    built = run(corpus, "build", "--formats", "csv")
    assert built.exit_code == 0, built.output
    contract = load_contract(corpus / "datapackage.json", "datapackage.json")
    descriptor = json.loads((corpus / "build/datapackage.json").read_text(encoding="utf-8"))

    page = render_page(load_source(corpus / "build", contract, descriptor, {}), page_rows=7)

    figures = page.split('<table class="figures">')[1].split("</table>")[0]
    assert figures.count("<tr id=") == 7
    assert page.count('class="figure-bar"') == 7
    statements = page.split('<table class="statements">')[1].split("</table>")[0]
    assert statements.count("<tr id=") == 7
    assert "lists the first 7 of the package's 40 figures" in page
    assert regex.search(r"lists the first 7 of the package's \d+ claims", page)
    assert '<a href="data/figures.csv">data/figures.csv</a>' in page


# ---- accessibility: axe-core in Chromium ------------------------------------------------

AXE_VERSION = "4.14.1"
AXE = REPO / ".venv-consumers/node/node_modules/axe-core/axe.min.js"
NO_AXE = (
    f"axe-core not found at {AXE.relative_to(REPO)}: install it with "
    f"`npm install --prefix .venv-consumers/node axe-core@{AXE_VERSION}` (.ci/run does)"
)
# Every rule axe-core runs by default (WCAG 2.0-2.2 A and AA, and its best practices);
# each violation as its id, impact, help and the nodes it was found on.
RUN_AXE = """axe.run(document, {resultTypes: ['violations']}).then(results => JSON.stringify({
  version: axe.version,
  passes: results.passes.length,
  violations: results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary),
  })),
}))"""


@pytest.fixture(scope="module")
def axe_script() -> str:
    found = require_tool(str(AXE) if AXE.is_file() else None, NO_AXE)
    return Path(found).read_text(encoding="utf-8")


def test_page_has_no_accessibility_violations_in_axe_core(
    portal_build, chromium, axe_script, tmp_path
):
    with Browser(chromium, tmp_path / "profile") as browser:
        session = browser.new_page()
        browser.open(session, (portal_build / "index.html").resolve().as_uri())
        browser.evaluate(session, axe_script)
        report = json.loads(browser.evaluate(session, RUN_AXE, await_promise=True))

    assert report["version"] == AXE_VERSION
    assert report["passes"] > 0  # the rules ran
    found = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n  " + "\n  ".join(v["nodes"])
        for v in report["violations"]
    )
    assert report["violations"] == [], f"axe-core {AXE_VERSION} found:\n{found}"


PAGE_STRUCTURE = """JSON.stringify({
  tables: [...document.querySelectorAll('table')].map(t => ({
    caption: t.caption ? t.caption.textContent.trim() : null,
    rows: t.tBodies[0].rows.length,
    row_headers: t.querySelectorAll('tbody th[scope=row]').length,
  })),
  cites: [...document.querySelectorAll('blockquote')].map(q => q.cite),
  marked: [...document.querySelectorAll('mark')].slice(0, 1).map(m => [
    getComputedStyle(m, '::before').content, getComputedStyle(m, '::after').content,
  ]),
})"""


def test_tables_have_captions_and_row_headers_and_quotes_their_source(
    portal_build, chromium, tmp_path
):
    with Browser(chromium, tmp_path / "profile") as browser:
        session = browser.new_page()
        browser.open(session, (portal_build / "index.html").resolve().as_uri())
        page = json.loads(browser.evaluate(session, PAGE_STRUCTURE))

    for table in page["tables"]:
        assert table["caption"], table
        assert table["row_headers"] == table["rows"], table
    article = (
        "https://phnompenhpost.com/national/kandal-crime-rate-plummets-thanks-safe-village-policy"
    )
    assert page["cites"] and set(page["cites"]) == {article}
    # what the highlight marks is said in words too, not by its colour alone
    assert page["marked"] == [['" [quoted words: "', '" end of quoted words] "']]


# ---- signposting ---------------------------------------------------------------------------

BASE_URL = "https://data.example.org/kandal-crime-2022/"


@pytest.fixture
def served_build(project, run):
    """The project built with a base URL, its build/ served on 127.0.0.1 for the time
    of the test (FAIR signposting clients read a page over HTTP)."""
    import http.server
    import threading
    from functools import partial

    result = run(project, "build", "--base-url", BASE_URL)
    assert result.exit_code == 0, result.output

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = partial(Quiet, directory=str(project / "build"))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield project / "build", f"http://127.0.0.1:{server.server_port}/"
        finally:
            server.shutdown()
            thread.join(timeout=10)


def test_signposting_client_finds_cite_as_metadata_and_every_file(served_build, monkeypatch):
    from signposting import find_signposting_html

    build, url = served_build
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    found = find_signposting_html(url + "index.html")

    descriptor = json.loads((build / "datapackage.json").read_text(encoding="utf-8"))
    files = [r["path"] for r in descriptor["resources"]]
    files += [o["path"] for o in descriptor["outputs"] if o["path"] != "index.html"]
    metadata = {
        "datapackage.json": "application/json",
        "dcat-ap.jsonld": "application/ld+json",
        "schema-org.jsonld": "application/ld+json",
        "prov.json": "application/json",
        "ckan-package.json": "application/json",
        "CITATION.cff": "application/yaml",
        "datacite.json": "application/vnd.datacite.datacite+json",
    }
    assert str(found.citeAs.target) == BASE_URL
    assert str(found.license.target) == "https://creativecommons.org/licenses/by/4.0/"
    assert {str(t.target) for t in found.types} == {
        "https://schema.org/Dataset",
        "https://schema.org/AboutPage",
    }
    described = {str(s.target).removeprefix(BASE_URL): str(s.type) for s in found.describedBy}
    assert described == metadata
    items = {str(s.target).removeprefix(BASE_URL): str(s.type) for s in found.items}
    mediatypes = {r["path"]: r["mediatype"] for r in descriptor["resources"]}
    mediatypes |= {o["path"]: o["mediatype"].split(";")[0] for o in descriptor["outputs"]}
    assert items == {path: mediatypes[path] for path in files if path not in metadata}


def test_page_without_a_base_url_names_no_cite_as_and_links_relative_paths(portal_build):
    page = (portal_build / "index.html").read_text(encoding="utf-8")
    head = page.split("</head>")[0]
    assert 'rel="cite-as"' not in head
    assert '<link rel="describedby" href="datapackage.json" type="application/json"' in head
    assert '<link rel="item" href="data/figures.csv" type="text/csv">' in head
    assert "names no address to cite it by" in page
