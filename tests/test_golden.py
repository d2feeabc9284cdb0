"""Golden tests: the built package says what the article says.

Every expected value here was read off the article by hand
(raw/sources/kandal-crime-2022/snapshot.txt) and is written as a literal, so a
change to raw/ or to the pipeline that alters the published data fails here.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path

import pytest

import pipeline

REPO = Path(__file__).resolve().parents[1]
SOURCE_ID = "kandal-crime-2022"
SNAPSHOT_SHA256 = "e869e71b156bc52919afb42f8437f07304fd69f79248818b9a6676ccaf7f0888"
SNAPSHOT_BYTES = 2875
SNAPSHOT_CODE_POINTS = 2830
URL = "https://phnompenhpost.com/national/kandal-crime-rate-plummets-thanks-safe-village-policy"

REPORT = "kandal-provincial-administration-report"
GOVERNOR = "kong-sophorn"

CRIME_CHANGE = "kandal-reported-crimes-change-2022"
SOLVED_SHARE = "kandal-reported-crimes-solved-share-2022"
TRAFFIC_CHANGE = "kandal-traffic-accidents-change-2022"

# figure_id -> the figure as the article states it; "" is a null cell in the CSV.
FIGURES = {
    CRIME_CHANGE: {
        "indicator_id": "reported_crimes",
        "area_code": "KH-8",
        "period": "2022",
        "reference_period": "2021",
        "measure": "change",
        "value": -78.0,
        "unit": "percent",
        "qualifier": "",
    },
    SOLVED_SHARE: {
        "indicator_id": "reported_crimes_solved",
        "area_code": "KH-8",
        "period": "2022",
        "reference_period": "",
        "measure": "share",
        "value": 96.0,
        "unit": "percent",
        "qualifier": "almost",
    },
    TRAFFIC_CHANGE: {
        "indicator_id": "traffic_accidents",
        "area_code": "KH-8",
        "period": "2022",
        "reference_period": "2021",
        "measure": "change",
        "value": 10.0,
        "unit": "percent",
        "qualifier": "",
    },
}

# Every quote that states a figure: (figure_id, text, start, end, speaker, attribution, qualifier).
FIGURE_QUOTES = [
    (
        CRIME_CHANGE,
        "the crime rate in Kandal province declined by 78 per cent compared to 2021",
        9,
        83,
        REPORT,
        "paraphrase",
        "",
    ),
    (
        CRIME_CHANGE,
        "There was a 78 per cent overall decline in reported crime",
        845,
        902,
        REPORT,
        "direct",
        "",
    ),
    (CRIME_CHANGE, "Crime declined by 78 per cent", 1328, 1357, GOVERNOR, "direct", ""),
    (
        SOLVED_SHARE,
        "the police resolving almost 96 per cent of all reported crimes",
        90,
        152,
        REPORT,
        "paraphrase",
        "almost",
    ),
    (SOLVED_SHARE, "our officers solved 96 per cent of them", 908, 947, REPORT, "direct", ""),
    (
        TRAFFIC_CHANGE,
        "there was a 10 per cent increase in traffic accidents",
        964,
        1017,
        REPORT,
        "direct",
        "",
    ),
]

# statement_id -> (kind, period, words at least one of its quotes contains).
STATEMENTS = {
    "kandal-crime-driver-gambling": ("cause", "", "gambling"),
    "kandal-crime-driver-drug-use": ("cause", "", "drug use"),
    "kandal-crime-driver-human-trafficking": ("cause", "", "human trafficking"),
    "kandal-crime-decline-credited-to-safe-village-commune-policy": (
        "attribution",
        "2022",
        "safe village-commune policy",
    ),
    "kandal-crime-decline-credited-to-public-cooperation": (
        "attribution",
        "2022",
        "the cooperation of the general public",
    ),
    "kandal-enforcement-redoubled-2023": (
        "commitment",
        "2023",
        "redouble enforcement activities in 2023",
    ),
    "kandal-similar-figures-target-2023": ("target", "2023", "similar figures next year"),
    "kandal-safe-village-commune-policy-four-donts": (
        "policy",
        "",
        "don’t deal drugs, don’t distribute drugs, don’t use drugs and don’t collude with "
        "drug dealers",
    ),
    "kandal-not-all-crimes-solved-2022": ("admission", "2022", "not all crimes were solved"),
}


def read_rows(built: Path, resource: str) -> list[dict[str, str]]:
    with (built / "data" / f"{resource}.csv").open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def read_descriptor(built: Path) -> dict:
    return json.loads((built / "datapackage.json").read_text(encoding="utf-8"))


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _raw_quote_ids() -> list[str]:
    path = REPO / "raw" / "sources" / SOURCE_ID / "quotes.csv"
    with path.open(newline="", encoding="utf-8") as file:
        return [row["quote_id"] for row in csv.DictReader(file)]


@pytest.fixture
def snapshot(source_dir: Path) -> str:
    data = (source_dir / "snapshot.txt").read_bytes()
    assert hashlib.sha256(data).hexdigest() == SNAPSHOT_SHA256
    return data.decode("utf-8")  # bytes, not text mode: offsets count LF exactly as stored


@pytest.fixture
def figures(built: Path) -> dict[str, dict[str, str]]:
    return {row["figure_id"]: row for row in read_rows(built, "figures")}


@pytest.fixture
def quotes(built: Path) -> list[dict[str, str]]:
    return read_rows(built, "quotes")


# ---- figures -----------------------------------------------------------------------


def test_package_has_exactly_the_three_figures_of_the_article(figures):
    assert sorted(figures) == sorted(FIGURES)


@pytest.mark.parametrize("figure_id", sorted(FIGURES))
def test_figure_matches_the_article(figures, figure_id):
    row = figures[figure_id]
    expected = FIGURES[figure_id]
    assert float(row["value"]) == expected["value"]
    for name in ("indicator_id", "area_code", "period", "reference_period", "measure", "unit"):
        assert row[name] == expected[name], name
    assert row["qualifier"] == expected["qualifier"]


def test_declines_are_negative_and_rises_positive(figures):
    assert float(figures[CRIME_CHANGE]["value"]) < 0
    assert float(figures[TRAFFIC_CHANGE]["value"]) > 0


# ---- quotes of figures ----------------------------------------------------------------


def test_every_figure_quote_matches_the_article(quotes):
    found = sorted(
        (
            q["figure_id"],
            q["text"],
            int(q["start"]),
            int(q["end"]),
            q["speaker_id"],
            q["attribution"],
            q["qualifier"],
        )
        for q in quotes
        if q["figure_id"]
    )
    assert found == sorted(FIGURE_QUOTES)


@pytest.mark.parametrize(
    ("figure_id", "times"), [(CRIME_CHANGE, 3), (SOLVED_SHARE, 2), (TRAFFIC_CHANGE, 1)]
)
def test_figure_is_quoted_as_often_as_the_article_states_it(quotes, figure_id, times):
    assert sum(q["figure_id"] == figure_id for q in quotes) == times


@pytest.mark.parametrize(("words", "times"), [("78 per cent", 3), ("96 per cent", 2)])
def test_article_states_the_number_that_often(snapshot, words, times):
    assert snapshot.count(words) == times


def test_article_states_ten_per_cent_once(snapshot):
    assert len(re.findall(r"\b10 per cent", snapshot)) == 1


def test_almost_96_quote_has_qualifier_almost_and_solved_96_has_none(quotes):
    qualifiers = {q["text"]: q["qualifier"] for q in quotes if q["figure_id"] == SOLVED_SHARE}
    assert qualifiers == {
        "the police resolving almost 96 per cent of all reported crimes": "almost",
        "our officers solved 96 per cent of them": "",
    }


def test_speakers_are_the_report_and_governor_kong_sophorn(built):
    actors = {row["actor_id"]: row for row in read_rows(built, "actors")}
    assert actors[GOVERNOR]["name"] == "Kong Sophorn"
    assert actors[GOVERNOR]["kind"] == "person"
    assert "governor" in actors[GOVERNOR]["role"].lower()
    assert actors[REPORT]["kind"] == "document"
    assert actors[GOVERNOR]["area_code"] == actors[REPORT]["area_code"] == "KH-8"


# ---- every quote sits at its offsets ----------------------------------------------------


def test_built_quotes_are_the_raw_quotes(quotes):
    assert [q["quote_id"] for q in quotes] == _raw_quote_ids()


@pytest.mark.parametrize("quote_id", _raw_quote_ids())
def test_quote_text_is_the_snapshot_between_its_offsets(quotes, snapshot, quote_id):
    (quote,) = [q for q in quotes if q["quote_id"] == quote_id]
    start, end = int(quote["start"]), int(quote["end"])
    assert quote["source_id"] == SOURCE_ID
    assert 0 <= start < end <= len(snapshot) == SNAPSHOT_CODE_POINTS
    assert snapshot[start:end] == quote["text"]


# ---- statements -------------------------------------------------------------------------


@pytest.mark.parametrize("statement_id", sorted(STATEMENTS))
def test_qualitative_claim_is_a_statement_with_a_quote(built, quotes, statement_id):
    kind, period, words = STATEMENTS[statement_id]
    statements = {row["statement_id"]: row for row in read_rows(built, "statements")}
    statement = statements[statement_id]
    assert statement["kind"] == kind
    assert statement["period"] == period
    assert statement["area_code"] == "KH-8"
    texts = [q["text"] for q in quotes if q["statement_id"] == statement_id]
    assert texts, f"{statement_id} has no quote"
    assert any(words in text for text in texts)


def test_every_statement_has_at_least_one_quote(built, quotes):
    quoted = {q["statement_id"] for q in quotes if q["statement_id"]}
    assert {row["statement_id"] for row in read_rows(built, "statements")} <= quoted


# ---- the source -------------------------------------------------------------------------


def test_sources_row_records_what_is_known_and_nulls_the_rest(built):
    (source,) = read_rows(built, "sources")
    assert source["source_id"] == SOURCE_ID
    assert source["publisher"] == "The Phnom Penh Post"
    assert source["url"] == URL
    assert source["sha256"] == SNAPSHOT_SHA256
    assert source["bytes"] == str(SNAPSHOT_BYTES)
    assert source["headline"] == ""
    assert source["headline_note"] != ""
    assert source["byline"] == ""
    assert source["byline_note"] != ""
    assert source["published"] == "2023"
    assert source["published_basis"] == "inferred"
    assert source["language"] == "en"


def test_snapshot_in_raw_is_the_archived_article(source_dir):
    data = (source_dir / "snapshot.txt").read_bytes()
    assert len(data) == SNAPSHOT_BYTES
    assert hashlib.sha256(data).hexdigest() == SNAPSHOT_SHA256
    assert len(data.decode("utf-8")) == SNAPSHOT_CODE_POINTS


# ---- provenance in the descriptor ----------------------------------------------------------


def test_every_resource_records_its_file_size_and_hash(built):
    resources = read_descriptor(built)["resources"]
    assert len(resources) == 10
    for resource in resources:
        path = built / resource["path"]
        assert resource["bytes"] == path.stat().st_size, resource["name"]
        assert resource["hash"] == f"sha256:{sha256_of(path)}", resource["name"]


def test_created_is_present_and_the_same_in_two_builds(built, project, run):
    second = project.parent / "second-build"
    result = run(project, "build", "--out", str(second))
    assert result.exit_code == 0, result.output
    created = read_descriptor(built)["created"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", created)
    assert read_descriptor(second)["created"] == created


def test_provenance_names_the_pipeline_version(built):
    pipeline_info = read_descriptor(built)["provenance"]["pipeline"]
    assert pipeline_info["version"] == pipeline.__version__


def test_provenance_lists_every_input_file_with_its_hash(built, project):
    named = read_descriptor(built)["provenance"]["inputs"]["files"]
    assert named["path"] == "provenance/inputs.csv"
    listed = built / "provenance" / "inputs.csv"
    with listed.open(encoding="utf-8", newline="") as text:
        rows = list(csv.reader(text))
    expected = {"datapackage.json": sha256_of(project / "datapackage.json")}
    for path in sorted((project / "raw").rglob("*")):
        if path.is_file():
            expected[path.relative_to(project).as_posix()] = sha256_of(path)
    assert "raw/sources/kandal-crime-2022/snapshot.txt" in expected
    assert rows[0] == ["path", "sha256"] == named["fields"]
    assert dict(rows[1:]) == expected
    assert [path for path, _ in rows[1:]] == sorted(expected, key=lambda p: p.split("/"))
    assert named["count"] == len(rows) - 1 == len(expected)
    assert named["bytes"] == listed.stat().st_size
    assert named["hash"] == f"sha256:{sha256_of(listed)}"
