"""`pipeline add-source` on a web archive: the response record for --url found with
warcio and extracted as its page is, the archive kept as the original, and the record's
id and capture date (the day the page was read at its URL) recorded."""

from __future__ import annotations

import hashlib
import json

import pytest

from tests.authoring.web_sources import (
    CAPTURED,
    FOLDER,
    HEADLINE,
    PARAGRAPHS,
    RECORD_ID,
    SOURCE,
    URL,
    fill_in,
    page,
    warc,
)

OTHER = "https://news.example.org/takeo/floods"


def write(tmp_path, data: bytes, name: str = "capture.warc.gz"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def add(run, project, path, *extra):
    return run(project, "add-source", str(path), "--id", SOURCE, "--received", "2024-05-02", *extra)


@pytest.mark.parametrize("gzip", [True, False], ids=["warc.gz", "warc"])
def test_the_urls_response_is_extracted_and_the_archive_kept_as_the_original(
    project, run, tmp_path, gzip
):
    data = warc({OTHER: page(lang="km"), URL: page()}, gzip=gzip)
    path = write(tmp_path, data, "capture.warc.gz" if gzip else "capture.warc")

    result = add(run, project, path, "--url", URL)

    assert result.exit_code == 0, result.output
    snapshot = (project / FOLDER / "snapshot.txt").read_text(encoding="utf-8")
    assert snapshot == "\n".join([HEADLINE, *PARAGRAPHS])
    name = "original.warc.gz" if gzip else "original.warc"
    assert (project / FOLDER / name).read_bytes() == data
    record = json.loads((project / FOLDER / "source.json").read_text(encoding="utf-8"))
    assert record["original_name"] == name
    assert record["original_media_type"] == "application/warc"
    assert record["original_sha256"] == hashlib.sha256(data).hexdigest()
    assert record["extractor"] == "warcio 1.8.1, trafilatura 2.3.1"
    assert record["warc_record_id"] == RECORD_ID
    assert record["language"] == "en"  # the page's, not the other capture's


def test_the_capture_date_is_the_accessed_date_with_its_record(project, run, tmp_path):
    result = add(run, project, write(tmp_path, warc({URL: page()})), "--url", URL)

    assert result.exit_code == 0, result.output
    record = json.loads((project / FOLDER / "source.json").read_text(encoding="utf-8"))
    assert record["accessed"] == "2024-05-01"
    assert record["accessed_note"] == (
        f"From the web archive: the capture date (WARC-Date {CAPTURED}) of response record "
        f"{RECORD_ID}"
    )
    assert record["received"] == "2024-05-02"


def test_locate_and_check_work_on_a_snapshot_from_a_web_archive(project, run, tmp_path):
    assert add(run, project, write(tmp_path, warc({URL: page()})), "--url", URL).exit_code == 0
    fill_in(run, project)

    checked = run(project, "check", "--re-extract")

    assert checked.exit_code == 0, checked.output
    assert f"{SOURCE}: original.warc.gz re-extracted by warcio 1.8.1, trafilatura 2.3.1" in (
        checked.stdout
    )


def test_a_warc_without_the_url_is_refused_naming_the_urls_it_holds(project, run, tmp_path):
    path = write(tmp_path, warc({OTHER: page()}))

    result = add(run, project, path, "--url", URL)

    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr.splitlines()[0] == (
        f"{path}: no response record for {URL}; it holds responses for: {OTHER} [warc-url]"
    )
    assert not (project / FOLDER).exists()


def test_a_warc_without_url_option_is_a_usage_error_listing_its_pages(project, run, tmp_path):
    path = write(tmp_path, warc({URL: page()}))

    result = add(run, project, path)

    assert result.exit_code == 2
    assert "a web archive needs --url to say which page is the source; it holds " in (result.stderr)
    assert URL in result.stderr
