"""The transcriber's guide's sections "Starting from a PDF" and "When the source changes:
reanchor" show what the commands print: each example is run here."""

from __future__ import annotations

import re

import pytest

from pipeline.load.extract import pdf
from tests import pdf_samples
from tests.authoring.test_reanchor import NEW, added  # noqa: F401 (a fixture)
from tests.conftest import REPO, SOURCE_ID, require_tool

GUIDE = (REPO / "docs/transcribers-guide.md").read_text(encoding="utf-8")
REPORT_ID = "kandal-security-report-2022"


def section(title: str) -> str:
    start = GUIDE.index(f"\n## {title}\n")
    end = GUIDE.find("\n## ", start + 1)
    return GUIDE[start : end if end >= 0 else len(GUIDE)]


def shown(text: str, command: str) -> list[str]:
    """The lines of the output block after the code block holding command."""
    after = text.index("```\n", text.index(command)) + 4  # the end of the command's block
    block = re.search(r"```\n(.*?)```", text[after:], re.S)
    return [line for line in block.group(1).splitlines() if line.strip() != "…"]


@pytest.fixture
def report_source(project, run, tmp_path):
    font = require_tool(pdf_samples.unicode_font(), "DejaVu Sans not found (fonts-dejavu-core)")
    text = pdf.extract(pdf_samples.sample_report(font).data, "report.pdf").text
    snapshot = tmp_path / f"{REPORT_ID}.txt"
    snapshot.write_text(text, encoding="utf-8", newline="")
    result = run(project, "add-source", str(snapshot), "--received", "2026-12-01")
    assert result.exit_code == 0, result.output
    return project


def test_the_pdf_sections_locate_example_is_what_locate_prints(report_source, run):
    words = (
        "a decline of 78 per cent, which he credited to the safe village policy and to the patrols"
    )
    command = f'pipeline locate {REPORT_ID} "{words}"'
    expected = shown(section("Starting from a PDF"), command)

    result = run(report_source, "locate", REPORT_ID, words)

    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[: len(expected)] == expected


def test_the_pdf_section_names_the_extractor_chosen(report_source):
    text = section("Starting from a PDF")
    font = pdf_samples.unicode_font()
    extractor = pdf.extract(pdf_samples.sample_report(font).data, "r.pdf").extractor
    assert f"| {extractor} `extract_text(use_text_flow=True)` (chosen) |" in text
    assert f"{pdf.MAX_PDF_PAGES:,} pages" in text
    assert f"{pdf.MAX_PDF_TEXT_CHARS // 1_000_000} million characters" in text


def test_the_reanchor_sections_example_is_what_reanchor_prints(project, run, added):  # noqa: F811
    text = section("When the source changes: reanchor")
    expected = shown(text, f"pipeline reanchor {SOURCE_ID} {NEW}\n")

    result = run(project, "reanchor", SOURCE_ID, NEW)

    assert result.exit_code == 1
    printed = result.output.splitlines()
    assert all(line in printed for line in expected), set(expected) - set(printed)
