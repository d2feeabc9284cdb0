"""`pipeline add-source` on a web page: the article's text without the page's
boilerplate as the snapshot, the page kept byte for byte as its original, and the
headline, byline, date and language recorded only as the page's metadata states them.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys

import pytest

from pipeline.load.extract import kind_of
from pipeline.load.extract.html import SETTINGS
from tests.authoring.web_sources import (
    BOILERPLATE,
    FOLDER,
    HEADLINE,
    META_ONLY,
    PARAGRAPHS,
    SOURCE,
    URL,
    fill_in,
    page,
    warc,
)
from tests.conftest import REPO


@pytest.fixture
def page_file(tmp_path):
    path = tmp_path / "thefts.html"
    path.write_bytes(page())
    return path


def add(run, project, file, *extra):
    result = run(
        project, "add-source", str(file), "--id", SOURCE, "--url", URL, "--received",
        "2024-05-02", *extra,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    record = json.loads((project / FOLDER / "source.json").read_text(encoding="utf-8"))
    return result, record


def test_snapshot_is_the_article_text_without_boilerplate_navigation_or_comments(
    project, run, page_file
):
    add(run, project, page_file)

    snapshot = (project / FOLDER / "snapshot.txt").read_text(encoding="utf-8")
    assert snapshot == "\n".join([HEADLINE, *PARAGRAPHS])
    for words in BOILERPLATE + ["Accept all cookies", "Related articles", "Well done"]:
        assert words not in snapshot


def test_page_is_kept_byte_for_byte_as_the_original_with_its_hash_and_extractor(
    project, run, page_file
):
    result, record = add(run, project, page_file)

    original = project / FOLDER / "original.html"
    assert original.read_bytes() == page()
    assert record["original_name"] == "original.html"
    assert record["original_media_type"] == "text/html"
    assert record["original_bytes"] == len(page())
    assert record["original_sha256"] == hashlib.sha256(page()).hexdigest()
    assert record["extractor"] == "trafilatura 2.3.1"
    assert json.loads(record["extractor_settings"]) == SETTINGS
    snapshot = (project / FOLDER / "snapshot.txt").read_bytes()
    assert record["sha256"] == hashlib.sha256(snapshot).hexdigest()
    assert record["media_type"] == "text/plain; charset=utf-8"
    assert "extracted by trafilatura 2.3.1 from original.html" in result.stdout


def test_headline_byline_date_and_language_come_from_the_pages_metadata_with_their_basis(
    project, run, page_file
):
    _, record = add(run, project, page_file)

    basis = "From the page's metadata: "
    assert (record["headline"], record["headline_note"]) == (
        HEADLINE,
        basis + "JSON-LD NewsArticle headline",
    )
    assert (record["byline"], record["byline_note"]) == (
        "Sok Dara, Chan Vuthy",
        basis + "JSON-LD NewsArticle author",
    )
    assert (record["published"], record["published_basis"], record["published_note"]) == (
        "2024-01-15",
        "metadata",
        basis + "JSON-LD NewsArticle datePublished",
    )
    assert record["language"] == "en"


def test_meta_tags_alone_are_read_each_named_as_the_page_declares_it(project, run, tmp_path):
    path = tmp_path / "thefts.html"
    path.write_bytes(page(META_ONLY))

    _, record = add(run, project, path)

    assert record["headline_note"] == 'From the page\'s metadata: <meta property="og:title">'
    assert (record["byline"], record["byline_note"]) == (
        "Sok Dara",
        'From the page\'s metadata: <meta name="author">',
    )
    assert record["published_note"] == (
        'From the page\'s metadata: <meta property="article:published_time">'
    )


def test_a_page_without_metadata_leaves_headline_byline_date_null_never_guessed(
    project, run, tmp_path
):
    path = tmp_path / "thefts.html"
    path.write_bytes(page(metadata="", lang=None))  # <h1>, a byline and <title> are still there

    result, record = add(run, project, path, "--language", "en")

    for name in ("headline", "byline", "published", "published_basis", "accessed"):
        assert record[name] is None, name
        assert record.get(f"{name}_note") is None, name
    assert record["language"] == "en"  # given with --language
    for name in ("headline", "byline", "published"):
        assert f"  {name}: when known (else keep null and say why in {name}_note)" in result.stdout
    assert "original_name" not in result.stdout.split("still null")[1]


def test_a_value_given_on_the_command_line_wins_over_the_pages(project, run, page_file):
    _, record = add(run, project, page_file, "--set", "headline=Thefts up 12 per cent")

    assert record["headline"] == "Thefts up 12 per cent"
    assert record["headline_note"] is None  # the transcriber's, not the page's


def test_locate_and_check_work_on_the_extracted_snapshot(project, run, page_file):
    add(run, project, page_file, "--publisher", "Example News")
    fill_in(run, project)

    checked = run(project, "check", "--re-extract")

    assert checked.exit_code == 0, checked.output
    assert f"{SOURCE}: original.html re-extracted by trafilatura 2.3.1, as recorded: same " in (
        checked.stdout
    )
    quotes = (project / FOLDER / "quotes.csv").read_text(encoding="utf-8")
    assert "We recorded 1,204 thefts last year" in quotes


def test_the_same_page_twice_is_refused_as_a_duplicate_and_the_original_never_overwritten(
    project, run, page_file, tmp_path
):
    add(run, project, page_file)
    other = tmp_path / "other.html"
    other.write_bytes(page().replace(b"Well done, police.", b"Good work."))

    again = run(project, "add-source", str(other), "--id", SOURCE, "--received", "2024-05-02")

    assert again.exit_code == 1
    assert f"raw/sources/{SOURCE}/original.html: a different original is already archived" in (
        again.stderr
    )
    assert (project / FOLDER / "original.html").read_bytes() == page()


EXTRACT_ONCE = """
import hashlib, json, sys
from pipeline.load.extract import extract, kind_of
data = open(sys.argv[1], "rb").read()
found = extract(kind_of(data), data, "page", sys.argv[2])
stated = {name: [s.value, s.basis] for name, s in found.stated.items()}
print(json.dumps([found.text, found.extractor, found.settings, stated], sort_keys=True))
"""


def extracted_in_a_process(path, seed: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", EXTRACT_ONCE, str(path), URL],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO)},
        timeout=120,
    )
    return done.stdout


@pytest.mark.parametrize("kind", ["html", "warc"])
def test_extraction_is_byte_reproducible_across_processes_and_hash_seeds(tmp_path, kind):
    path = tmp_path / f"thefts.{kind}"
    path.write_bytes(page() if kind == "html" else warc({URL: page()}))

    first, second = (extracted_in_a_process(path, seed) for seed in ("1", "2024"))

    assert first == second
    assert json.loads(first)[0] == "\n".join([HEADLINE, *PARAGRAPHS])


def test_a_package_built_with_a_web_source_validates_and_lists_its_original(
    project, run, page_file
):
    add(run, project, page_file)
    fill_in(run, project)

    built = run(project, "build", "--formats", "csv")
    validated = run(project, "validate")

    assert built.exit_code == 0, built.output
    assert validated.exit_code == 0, validated.output
    inputs = (project / "build/provenance/inputs.csv").read_text(encoding="utf-8")
    digest = hashlib.sha256(page()).hexdigest()
    assert f"raw/sources/{SOURCE}/original.html,{digest}" in inputs.splitlines()
    sources = (project / "build/data/sources.csv").read_text(encoding="utf-8")
    assert f"original.html,text/html,{len(page())},{digest},,trafilatura 2.3.1," in sources


@pytest.mark.parametrize(
    "start",
    [
        b"<!DOCTYPE html>\n<html>",
        b"\xef\xbb\xbf<html lang='en'>",
        b"<?xml version='1.0' encoding='utf-8'?>\n<!DOCTYPE html PUBLIC '-//W3C//DTD XHTML'>",
        b"  <!-- saved from url=(0041)https://news.example.org/ -->\n<HTML>",
        b"<head><title>",
    ],
)
def test_a_web_page_is_told_by_its_bytes_whatever_its_name(start):
    assert kind_of(start + b"<body><p>Text</p></body></html>") == "html"


@pytest.mark.parametrize(
    "text", [b"Thefts rose by 12 per cent.", b"<b>Thefts</b> rose", b"%PD", b"WARC"]
)
def test_a_plain_text_is_not_taken_for_a_page_or_an_archive(text):
    assert kind_of(text) is None


def test_json_report_says_what_the_text_report_says(project, run, page_file):
    result = run(
        project, "add-source", str(page_file), "--id", SOURCE, "--received", "2024-05-02",
        "--json",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    original = json.loads(result.stdout)["original"]
    assert original["name"] == "original.html"
    assert original["extractor"] == "trafilatura 2.3.1"
    assert original["sha256"] == hashlib.sha256(page()).hexdigest()
    assert original["stated"]["headline"] == {
        "value": HEADLINE,
        "basis": "From the page's metadata: JSON-LD NewsArticle headline",
    }
