"""Broken raw/ trees through `pipeline check` and `pipeline build`: whatever the
files hold, the run ends with exit 0, 1 or 2 and a report whose problems name their
file (and line, in a CSV file), never a traceback."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.robustness.conftest import (
    SOURCE,
    assert_human_report,
    assert_reported,
    copy_project,
    examples,
    scratch,
)
from tests.robustness.mutations import (
    break_bytes,
    break_csv,
    break_json,
    normalise_snapshot,
)

CSV_FILES = [
    "raw/actors.csv",
    "raw/indicators.csv",
    f"{SOURCE}/figures.csv",
    f"{SOURCE}/statements.csv",
    f"{SOURCE}/quotes.csv",
]
JSON_FILES = ["datapackage.json", f"{SOURCE}/source.json"]
ALL_FILES = [*CSV_FILES, *JSON_FILES, f"{SOURCE}/snapshot.txt"]


def record_snapshot(project) -> None:
    """Make source.json agree with the snapshot's bytes, so later checks run too."""
    record_path = project / SOURCE / "source.json"
    record = json.loads(record_path.read_text(encoding="utf-8"))
    data = (project / SOURCE / "snapshot.txt").read_bytes()
    record["bytes"], record["sha256"] = len(data), hashlib.sha256(data).hexdigest()
    record_path.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")


# A file an earlier step broke may no longer be CSV or JSON: then break its bytes.
UNPARSEABLE = (ValueError, RecursionError, TypeError, KeyError, IndexError, csv.Error, OSError)


def apply_one(project, data) -> None:
    kind = data.draw(st.sampled_from(["bytes", "csv", "csv", "csv", "json", "snapshot", "gone"]))
    files = {"csv": CSV_FILES, "json": JSON_FILES}.get(kind, ALL_FILES)
    path = project / data.draw(st.sampled_from(files))
    if not path.is_file():
        return
    try:
        if kind == "csv":
            break_csv(path, data.draw)
        elif kind == "json":
            break_json(path, data.draw)
        elif kind == "snapshot":
            form = data.draw(st.sampled_from(["NFD", "NFKC", "NFKD"]))
            normalise_snapshot(project / SOURCE / "snapshot.txt", form)
            record_snapshot(project)
        elif kind == "gone":
            path.unlink()
        else:
            raise ValueError
    except UNPARSEABLE:
        path.write_bytes(break_bytes(path.read_bytes(), data.draw))


@settings(max_examples=examples(220))
@given(data=st.data())
def test_check_on_a_broken_raw_tree_reports_located_problems(data):
    with scratch() as folder:
        project = copy_project(folder)
        for _ in range(data.draw(st.integers(1, 3))):
            apply_one(project, data)
        assert_reported(project, "check")


@settings(max_examples=examples(40))
@given(data=st.data())
def test_build_on_a_broken_raw_tree_reports_or_builds_a_valid_package(data):
    with scratch() as folder:
        project = copy_project(folder)
        apply_one(project, data)
        report = assert_reported(project, "build")
        if report.get("valid"):  # what a build accepts, validate accepts too
            assert_reported(project, "validate")["valid"]
        else:
            assert not (project / "build").exists()
        assert_human_report(project, "check")


@settings(max_examples=examples(60))
@given(
    text=st.text(st.characters(exclude_categories=["Cs", "Cc"]), min_size=1, max_size=30),
    quote=st.integers(0, 27),
)
def test_quote_text_in_another_normalisation_form_says_so(text, quote):
    """A quote that differs from the snapshot only by NFC/NFD fails with a message
    that says so (offsets are code points: the quote must match them exactly)."""
    with scratch() as folder:
        project = copy_project(folder)
        quotes = project / SOURCE / "quotes.csv"
        with quotes.open(encoding="utf-8", newline="") as file:
            records = list(csv.reader(file))
        header, row = records[0], records[quote + 1]
        start = int(row[header.index("start")])
        # The composed form goes into the snapshot at the quote's start, the decomposed
        # form into the quote: they differ only by normalisation ("é" always does).
        decomposed = unicodedata.normalize("NFD", "é" + text)
        composed = unicodedata.normalize("NFC", decomposed)
        assert composed != decomposed
        snapshot = project / SOURCE / "snapshot.txt"
        body = snapshot.read_bytes().decode("utf-8")
        snapshot.write_bytes((body[:start] + composed + body[start:]).encode("utf-8"))
        record_snapshot(project)
        row[header.index("text")] = decomposed
        row[header.index("end")] = str(start + len(composed))
        buffer = io.StringIO(newline="")
        csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(records)
        quotes.write_bytes(buffer.getvalue().encode("utf-8"))
        report = assert_reported(project, "check")
        said = [e for e in report["errors"] if e["code"] == "quote-matches-snapshot"]
        assert any("only by Unicode normalisation" in e["message"] for e in said), said
