"""`pipeline check` keeps an original as it keeps a snapshot (its size and SHA-256), and
`pipeline check --re-extract` runs the recorded extractor on it again: the text it
gives is compared with the archived snapshot, the first difference located in
snapshot.txt, an extractor version other than the recorded one said plainly, and
nothing written."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.authoring.web_sources import FOLDER, SOURCE, URL, fill_in, page
from tests.cli.test_cli_errors import place_of


@pytest.fixture
def added(project, run, tmp_path) -> Path:
    """The project with the page added as a source and filled in: check passes."""
    path = tmp_path / "thefts.html"
    path.write_bytes(page())
    result = run(
        project, "add-source", str(path), "--id", SOURCE, "--url", URL, "--received", "2024-05-02"
    )
    assert result.exit_code == 0, result.output
    fill_in(run, project)
    return project


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file()}  # fmt: skip


def rewrite_snapshot(project: Path, old: str, new: str, extractor: str | None = None) -> None:
    """The snapshot as another extraction gave it, its record updated to match (so that
    only re-extraction can tell)."""
    snapshot = project / FOLDER / "snapshot.txt"
    data = snapshot.read_text(encoding="utf-8").replace(old, new).encode("utf-8")
    snapshot.write_bytes(data)
    record_path = project / FOLDER / "source.json"
    record = json.loads(record_path.read_text(encoding="utf-8"))
    record.update(sha256=hashlib.sha256(data).hexdigest(), bytes=len(data))
    if extractor:
        record["extractor"] = extractor
    record_path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


def test_re_extract_says_the_text_is_the_same_and_changes_nothing(added, run):
    before = files_of(added)

    result = run(added, "check", "--re-extract")

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        f"{SOURCE}: original.html re-extracted by trafilatura 2.3.1, as recorded: same text as "
        "the snapshot"
    )
    assert files_of(added) == before


def test_a_different_text_is_located_where_it_first_differs_and_fails(added, run):
    rewrite_snapshot(added, "commune police post", "police post of the commune")
    before = files_of(added)

    result = run(added, "check", "--re-extract")

    assert result.exit_code == 1
    snapshot = added / FOLDER / "snapshot.txt"
    line, column = place_of(snapshot, "police post of the commune")
    [problem] = result.stderr.splitlines()[:-1]
    assert problem == (
        f"{FOLDER}/snapshot.txt:{line}:{column}: original.html re-extracted by trafilatura "
        "2.3.1, as recorded: the text differs from the snapshot from here: the snapshot has "
        "“police post of the commune.”, the extraction “commune police post.”; expected the "
        "same text (nothing was changed: keep the snapshot, or record the new text as a new "
        "source and move the quotes to it) [re-extract-differs]"
    )
    assert files_of(added) == before


def test_an_extractor_version_other_than_the_recorded_one_is_said_plainly(added, run):
    rewrite_snapshot(added, "lock their motorbikes", "lock  their motorbikes", "trafilatura 1.12.2")

    result = run(added, "check", "--re-extract")

    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        f"{SOURCE}: original.html re-extracted by trafilatura 2.3.1; the snapshot was extracted "
        "by trafilatura 1.12.2: differs from the snapshot"
    )


def test_json_says_what_the_text_says(added, run):
    result = run(added, "check", "--re-extract", "--json")

    assert result.exit_code == 0, result.output
    [said] = json.loads(result.stdout)["re_extracted"]
    assert said == {
        "source_id": SOURCE,
        "original": "original.html",
        "recorded": "trafilatura 2.3.1",
        "extractor": "trafilatura 2.3.1",
        "same": True,
        "line": None,
        "column": None,
        "snapshot_words": "",
        "extracted_words": "",
    }


def test_an_original_changed_since_it_was_recorded_fails_check_at_its_hash(added, run):
    original = added / FOLDER / "original.html"
    original.write_bytes(original.read_bytes().replace(b"Well done", b"Good work"))

    result = run(added, "check")

    assert result.exit_code == 1
    record = added / FOLDER / "source.json"
    line, column = place_of(record, '"original_sha256"')
    digest = hashlib.sha256(original.read_bytes()).hexdigest()
    assert result.stderr.splitlines()[0] == (
        f"{FOLDER}/source.json:{line}:{column}: original original.html has SHA-256 {digest}, "
        f"but its record says {hashlib.sha256(page()).hexdigest()}; the original must stay "
        "byte for byte as received (restore it, or record a new source if the page really "
        "changed) [original-hash]"
    )


def test_a_missing_original_fails_check_at_its_name(added, run):
    (added / FOLDER / "original.html").unlink()

    result = run(added, "check")

    assert result.exit_code == 1
    line, column = place_of(added / FOLDER / "source.json", '"original_name"')
    assert result.stderr.splitlines()[0] == (
        f"{FOLDER}/source.json:{line}:{column}: the original original.html is not in the "
        "source's folder; expected the file the snapshot was extracted from, kept byte for "
        "byte (restore it) [original-missing]"
    )


def test_a_wrong_original_size_fails_check_at_its_bytes(added, run):
    record_path = added / FOLDER / "source.json"
    record = json.loads(record_path.read_text(encoding="utf-8"))
    record["original_bytes"] += 1
    record_path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")

    result = run(added, "check")

    assert result.exit_code == 1
    line, column = place_of(record_path, '"original_bytes"')
    assert result.stderr.splitlines()[0] == (
        f"{FOLDER}/source.json:{line}:{column}: original original.html is {len(page())} bytes, "
        f"but its record says {len(page()) + 1} [original-bytes]"
    )


def test_re_extract_leaves_a_missing_original_to_the_check_that_reports_it_once(added, run):
    (added / FOLDER / "original.html").unlink()

    result = run(added, "check", "--re-extract")

    assert result.exit_code == 1
    assert result.stdout == ""  # nothing was extracted again
    [problem] = result.stderr.splitlines()[:-1]
    assert problem.endswith("[original-missing]")


def test_an_original_with_no_text_left_is_reported_by_re_extract(added, run):
    """An original edited to hold no article any more, its record updated to match: only
    re-extraction can tell."""
    original = added / FOLDER / "original.html"
    data = b"<html><body><div id='root'></div></body></html>"
    original.write_bytes(data)
    record_path = added / FOLDER / "source.json"
    record = json.loads(record_path.read_text(encoding="utf-8"))
    record.update(original_sha256=hashlib.sha256(data).hexdigest(), original_bytes=len(data))
    record_path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")

    result = run(added, "check", "--re-extract")

    assert result.exit_code == 1
    [problem] = result.stderr.splitlines()[:-1]
    assert problem.startswith(f"{FOLDER}/original.html: no article text to archive")


def test_re_extract_with_only_plain_text_sources_says_there_is_nothing_to_re_extract(project, run):
    result = run(project, "check", "--re-extract")

    assert result.exit_code == 0, result.output
    assert "no source has an original to re-extract" in result.output
    assert "raw/ is valid" in result.output
