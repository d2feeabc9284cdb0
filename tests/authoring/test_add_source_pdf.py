"""`pipeline add-source report.pdf`: the PDF's text becomes the snapshot (one form feed a
page), `locate` gives a quote's page, and a hostile PDF is a located error, exit 1.
"""

from __future__ import annotations

import json

import pytest

from tests import pdf_samples
from tests.conftest import require_tool

REPORT = "kandal-security-report-2022"


@pytest.fixture
def font():
    return require_tool(pdf_samples.unicode_font(), "DejaVu Sans not found (fonts-dejavu-core)")


def add(run, project, path):
    return run(project, "add-source", str(path), "--received", "2026-12-01", "--json")


def test_a_pdf_becomes_a_paged_snapshot_and_locate_gives_the_page(project, run, tmp_path, font):
    path = tmp_path / f"{REPORT}.pdf"
    path.write_bytes(pdf_samples.sample_report(font).data)

    result = add(run, project, path)

    assert result.exit_code == 0, result.output
    folder = project / "raw" / "sources" / REPORT
    assert (folder / "original.pdf").read_bytes() == path.read_bytes()
    assert (folder / "snapshot.txt").read_text(encoding="utf-8").count("\f") == 3
    located = run(project, "locate", REPORT, pdf_samples.CROSSING, "--json")
    assert json.loads(located.stdout)["hits"][0]["page"] == "1\u20132"


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda font: pdf_samples.million_pages_claimed(), "pdf-too-many-pages"),
        (lambda font: pdf_samples.encrypted(font, "secret"), "pdf-encrypted"),
        (lambda font: pdf_samples.sample_report(font).data[:9000], "pdf-unreadable"),
        (lambda font: pdf_samples.scan(font), "pdf-no-text"),
    ],
    ids=["million-pages", "encrypted", "truncated", "scan"],
)
def test_a_hostile_pdf_is_refused_at_the_file_with_exit_1(project, run, tmp_path, font, make, code):
    path = tmp_path / "report.pdf"
    path.write_bytes(make(font))

    result = add(run, project, path)

    assert result.exit_code == 1
    assert "Traceback" not in result.output
    [error] = json.loads(result.stdout)["errors"]
    assert error["code"] == code and error["file"].endswith("report.pdf")
    assert not (project / "raw" / "sources" / "report").exists()
