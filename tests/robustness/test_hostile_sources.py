"""Hostile web pages and web archives given to `pipeline add-source`: each refused
with a located problem (the file, and where in it when that is known), exit 1, no
traceback, nothing written, within the input limits (docs/security.md)."""

from __future__ import annotations

import gzip
import os
import sys
from pathlib import Path

import pytest

from pipeline.load.extract.html import MAX_HTML_BYTES
from tests.authoring.web_sources import URL, page, warc

SOURCE = "hostile"


def refused(run, project, path, *extra) -> list[str]:
    """The problems add-source prints for the file: exit 1, nothing written."""
    result = run(
        project, "add-source", str(path), "--id", SOURCE, "--received", "2024-05-02", *extra
    )
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert not (project / "raw/sources" / SOURCE).exists()
    return result.stderr.splitlines()[:-1]


def test_a_100_mb_page_is_refused_before_it_is_parsed(project, run, tmp_path):
    path = tmp_path / "huge.html"
    article = page()
    with path.open("wb") as file:
        file.write(article[: article.index(b"<main>")])
        comment = b'<div class="comment"><p>I do not believe these numbers at all.</p></div>\n'
        file.write(comment * (100 * 1024 * 1024 // len(comment)))
        file.write(article[article.index(b"<main>") :])

    [problem] = refused(run, project, path)

    size = path.stat().st_size
    assert problem == (
        f"{path}: web page of {size} bytes; expected at most {MAX_HTML_BYTES} bytes (a news "
        "article's page is far smaller; refused before parsing) [page-too-large]"
    )


def test_an_html_bomb_of_nested_tags_is_parsed_within_lxmls_depth_limit(project, run, tmp_path):
    depth = 1_000_000  # libxml2 stops nesting at 256 levels: the text inside is dropped
    path = tmp_path / "bomb.html"
    path.write_bytes(b"<html><body>" + b"<div>" * depth + b"<p>x</p>" + b"</div>" * depth)

    [problem] = refused(run, project, path)

    assert problem.startswith(
        f"{path}: no article text to archive: trafilatura found no main text in it"
    )


def test_a_page_with_no_main_text_is_refused(project, run, tmp_path):
    path = tmp_path / "app.html"  # saved before its script put the article in
    path.write_bytes(
        b"<!DOCTYPE html><html><head><title>Example News</title></head><body>"
        b"<div id='root'></div><script src='/app.js'></script></body></html>"
    )

    [problem] = refused(run, project, path)

    assert problem.endswith("[no-main-text]")
    assert problem.startswith(f"{path}: no article text to archive")


@pytest.mark.parametrize("cut", [0.5, 0.95])
def test_a_truncated_gzip_warc_is_refused_where_its_member_starts(project, run, tmp_path, cut):
    data = warc({URL: page()})
    path = tmp_path / "capture.warc.gz"
    path.write_bytes(data[: int(len(data) * cut)])

    [problem] = refused(run, project, path, "--url", URL)

    assert problem.startswith(f"{path}: the gzip member starting at byte ")
    assert problem.endswith(
        f"is incomplete: the file ends (at byte {path.stat().st_size}) inside it; expected a "
        "whole web archive (copy or download it again) [truncated-gzip]"
    )


def test_a_truncated_warc_is_refused_at_its_record(project, run, tmp_path):
    data = warc({URL: page()}, gzip=False)
    path = tmp_path / "capture.warc"
    path.write_bytes(data[:-200])

    [problem] = refused(run, project, path, "--url", URL)

    assert problem.startswith(f"{path}: the record at byte ")
    assert "is incomplete: the file ends before the record does" in problem


def test_gzip_garbage_that_starts_like_a_warc_is_refused(project, run, tmp_path):
    first = gzip.compress(b"WARC/1.0\r\n")
    data = first + b"\x1f\x8b\x08\x00garbage"
    path = tmp_path / "capture.warc.gz"
    path.write_bytes(data)

    [problem] = refused(run, project, path, "--url", URL)

    assert problem.startswith(f"{path}: the gzip member starting at byte {len(first)} is ")


_SEEN: list | None = None  # events of the audit hook, while a test watches


def _audit(event: str, args: tuple) -> None:
    if _SEEN is None:
        return
    if event == "open" and isinstance(args[0], str | bytes | os.PathLike):
        _SEEN.append(("open", os.path.abspath(os.fsdecode(args[0]))))
    elif event.startswith(("socket.", "urllib.", "http.client.", "subprocess.")):
        _SEEN.append(("network", event))


def test_a_page_and_an_archive_full_of_references_fetch_and_open_nothing(tmp_path):
    """Links, images, scripts, frames, a stylesheet and a <base> pointing at the network
    and at local files: extraction reads the bytes it is given and nothing else."""
    global _SEEN
    secret = tmp_path / "secret.txt"
    secret.write_text("secret", encoding="utf-8")
    references = (
        f'<base href="file://{secret}"><link rel="stylesheet" href="file:///etc/passwd">'
        f'<script src="https://tracker.example.com/t.js"></script>'
        f'<iframe src="file://{secret}"></iframe><img src="http://10.0.0.1/pixel.gif">'
        f'<a href="{secret}">secret</a><object data="file:///etc/shadow"></object>'
    )
    data = page().replace(b"<main>", references.encode() + b"<main>")
    archive = warc({URL: data})
    import trafilatura  # noqa: F401  (its imports are not the extraction's)

    from pipeline.load.extract import extract

    sys.addaudithook(_audit)  # cannot be removed: it does nothing unless a test watches
    _SEEN = []
    try:
        texts = [extract("html", data, "page", URL).text, extract("warc", archive, "c", URL).text]
    finally:
        seen, _SEEN = _SEEN, None

    assert texts[0] == texts[1] and "secret" not in texts[0]
    assert [event for kind, event in seen if kind == "network"] == []
    opened = [Path(path) for kind, path in seen if kind == "open"]
    assert secret not in opened and Path("/etc/passwd") not in opened, opened
