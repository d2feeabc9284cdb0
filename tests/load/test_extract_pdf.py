"""pipeline.load.extract.pdf: a PDF report made by the test (fpdf2) becomes a snapshot
that keeps its words in reading order, one form feed a page, without the running header
and footer; the same bytes give the same snapshot; a hostile PDF is refused with a
located problem."""

from __future__ import annotations

import json

import pytest

from pipeline.authoring.locate import locate
from pipeline.errors import InvalidInput
from pipeline.load.extract import pdf
from tests import pdf_samples
from tests.conftest import require_tool


@pytest.fixture(scope="module")
def font():
    return require_tool(pdf_samples.unicode_font(), "DejaVu Sans not found (fonts-dejavu-core)")


@pytest.fixture(scope="module")
def report(font):
    return pdf_samples.sample_report(font)


@pytest.fixture(scope="module")
def extracted(report):
    return pdf.extract(report.data, "report.pdf")


def test_every_word_is_kept_in_reading_order(report, extracted):
    assert extracted.text.split() == " ".join(report.paragraphs).split()


def test_each_page_ends_with_a_line_break_and_a_form_feed(report, extracted):
    assert extracted.text.count("\f") == report.pages == 3
    assert extracted.text.endswith("\n\f")
    assert "\f\f" not in extracted.text


def test_the_running_header_and_footer_are_left_out(extracted):
    assert pdf_samples.HEADER not in extracted.text
    assert "Page 1" not in extracted.text and "Page 3" not in extracted.text


def test_non_ascii_text_is_kept_as_the_page_has_it(extracted):
    assert "Kandal – 78 per cent" in extracted.text
    assert "“safe village”" in extracted.text


def test_a_two_column_page_is_read_column_by_column(extracted):
    third = extracted.text.split("\f")[2]
    left_ends = third.index(pdf_samples.LEFT_COLUMN[-1].split()[-1])
    assert left_ends < third.index(pdf_samples.RIGHT_COLUMN[0].split()[1])


def test_a_sentence_across_a_page_break_is_found_by_locate_on_pages_1_to_2(extracted):
    located = locate(extracted.text, pdf_samples.CROSSING, "report.pdf")

    [hit] = located.hits
    assert located.match == "normalised"  # the snapshot breaks its lines and its page
    assert hit.page == "1\u20132"
    assert "\n\f" in hit.text


def test_the_extraction_is_recorded_and_reproducible(report, extracted):
    again = pdf.extract(report.data, "report.pdf")

    assert again == extracted
    assert again.text.encode("utf-8") == extracted.text.encode("utf-8")
    assert (extracted.kind, extracted.original_name, extracted.media_type) == (
        "pdf",
        "original.pdf",
        "application/pdf",
    )
    assert extracted.extractor.startswith("pdfplumber ")
    json.dumps(extracted.settings)  # recorded in source.json as it is
    assert extracted.stated == {}  # fpdf2 wrote no title, author or language: none guessed


def test_a_title_author_and_language_the_pdf_states_are_stated_with_their_basis(font):
    document = pdf_samples._document(font)
    document.set_title("Annual Security Report 2022")
    document.set_author("Kandal Provincial Administration")
    document.set_lang("en-GB")
    document.add_page()
    document.set_font("body", size=11)
    document.multi_cell(0, 6, pdf_samples.PAGE_ONE[0])

    stated = pdf.extract(bytes(document.output()), "report.pdf").stated

    assert {name: value.value for name, value in stated.items()} == {
        "headline": "Annual Security Report 2022",
        "byline": "Kandal Provincial Administration",
        "language": "en",
    }
    assert stated["headline"].basis == "from the PDF's document information: /Title"
    assert stated["language"].basis == "from the PDF's catalog: /Lang"


def test_a_pdf_encrypted_without_a_user_password_is_read(font):
    text = pdf.extract(pdf_samples.encrypted(font, ""), "report.pdf").text

    assert " ".join(pdf_samples.PAGE_ONE[0].split()[:5]) in " ".join(text.split())


@pytest.mark.parametrize(
    ("make", "code", "says"),
    [
        (
            lambda font: pdf_samples.million_pages_claimed(),
            "pdf-too-many-pages",
            "its page tree claims 1000000 pages; expected at most 2000 pages",
        ),
        (
            lambda font: pdf_samples.more_pages_than_claimed(pdf.MAX_PDF_PAGES + 1),
            "pdf-too-many-pages",
            "its page tree holds more than 2000; expected at most 2000 pages",
        ),
        (
            lambda font: pdf_samples.encrypted(font, "secret"),
            "pdf-encrypted",
            "the PDF is encrypted with a password, and its text cannot be read without it",
        ),
        (
            lambda font: pdf_samples.sample_report(font).data[:9000],
            "pdf-unreadable",
            "cannot read the PDF (",
        ),
        (
            lambda font: b"%PDF-1.7\n" + bytes(range(256)) * 40,
            "pdf-unreadable",
            "cannot read the PDF (",
        ),
        (lambda font: b"PK\x03\x04 a zip", "pdf-unreadable", "it does not start with %PDF-"),
        (lambda font: pdf_samples.page_tree_loop(), "pdf-no-pages", "the PDF has no pages"),
        (
            lambda font: pdf_samples.scan(font),
            "pdf-no-text",
            "none of its 2 pages has a text layer (a scan, or text drawn as shapes); OCR is not "
            "done",
        ),
    ],
    ids=[
        "million-pages",
        "more-than-claimed",
        "encrypted",
        "truncated",
        "corrupt",
        "not-a-pdf",
        "loop",
        "scan",
    ],
)
def test_a_hostile_pdf_is_refused_with_a_located_problem(font, make, code, says):
    with pytest.raises(InvalidInput) as refused:
        pdf.extract(make(font), "raw/report.pdf")

    [problem] = refused.value.problems
    assert (problem.code, problem.file) == (code, "raw/report.pdf")
    assert says in problem.message
