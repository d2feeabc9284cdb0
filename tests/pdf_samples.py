"""PDF reports made by the tests themselves (fpdf2), with the text put into them known,
so that an extractor's snapshot can be compared with what the page says.

The sample report has three pages, each with a running header and a footer that
numbers it; a heading; paragraphs; a sentence that crosses from page 1 to page 2; a
two-column page; and non-ASCII text ("Kandal – 78 per cent", curly quotes) in a
Unicode font (DejaVu Sans, where the system has it: fpdf2's own fonts are Latin-1).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

FONT_PATHS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
)
HEADER = "Kandal Provincial Administration – Annual Security Report"
TITLE = "Crime in Kandal province, 2022"
CROSSING = (
    "The provincial police commissioner said that the number of reported crimes fell "
    "from 367 in 2021 to 81 in 2022, a decline of 78 per cent, which he credited to "
    "the safe village policy and to the patrols that the district police ran every "
    "night in the communes along the river."
)
PAGE_ONE = [
    "The provincial administration publishes this report every year. It counts the "
    "crimes reported to the police in each district of Kandal and compares them with "
    "the year before.",
    "Kandal – 78 per cent fewer crimes than in 2021. The “safe village” policy, which the "
    "Ministry of Interior began in 2010, asks every village to keep a list of the "
    "households that live there and to report strangers to the commune police post.",
    "Officials met in Ta Khmau in January to present the figures to the press. The "
    "governor thanked the commune chiefs, the village chiefs and the police officers "
    "who had worked on the policy during the year.",
    "Drug offences made up most of the cases that remained. The report lists them by "
    "district and by month, and it gives the number of people who were arrested and "
    "sent to the provincial court for trial in each of them.",
    "Traffic accidents are counted apart from crimes. There were 115 accidents on the "
    "roads of the province in 2022, in which 52 people died and 187 were injured, "
    "according to the provincial traffic police.",
]
PAGE_TWO_AFTER = [
    "Land disputes were the other large group of complaints. Most of them were settled "
    "by the commune councils before they reached the court.",
]
LEFT_COLUMN = [
    "In Kien Svay district the police recorded 12 thefts and 3 robberies.",
    "In Leuk Daek district they recorded 4 thefts and no robbery at all.",
]
RIGHT_COLUMN = [
    "In Saang district 9 cases of domestic violence were reported to the police.",
    "In Ponhea Lueu district 6 such cases were reported during the year.",
]


@dataclass(frozen=True)
class Sample:
    data: bytes
    paragraphs: list[str]  # the text put in, in reading order, headers and footers left out
    pages: int


def unicode_font() -> Path | None:
    return next((path for path in FONT_PATHS if path.is_file()), None)


def sample_report(font: Path) -> Sample:
    """The three-page report; its paragraphs in the order a reader reads them."""
    pdf = _document(font)
    pdf.add_page()
    pdf.set_font("body", size=16)
    pdf.multi_cell(0, 9, TITLE, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("body", size=11)
    for paragraph in PAGE_ONE:
        pdf.multi_cell(0, 6, paragraph, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    # Enough blank space that the crossing sentence starts near the foot of page 1.
    pdf.set_y(pdf.h - pdf.b_margin - 14)
    pdf.multi_cell(0, 6, CROSSING, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    for paragraph in PAGE_TWO_AFTER:
        pdf.multi_cell(0, 6, paragraph, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    pdf.add_page()
    width = (pdf.w - pdf.l_margin - pdf.r_margin - 10) / 2
    top = pdf.get_y()
    for paragraph in LEFT_COLUMN:
        pdf.multi_cell(width, 6, paragraph, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    pdf.set_y(top)
    for paragraph in RIGHT_COLUMN:
        pdf.set_x(pdf.l_margin + width + 10)
        pdf.multi_cell(width, 6, paragraph, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    paragraphs = [TITLE, *PAGE_ONE, CROSSING, *PAGE_TWO_AFTER, *LEFT_COLUMN, *RIGHT_COLUMN]
    return Sample(bytes(pdf.output()), paragraphs, pdf.page_no())


def pdf_of_pages(font: Path, pages: list[str]) -> bytes:
    """A PDF with one paragraph a page (and the running header and footer)."""
    pdf = _document(font)
    for text in pages:
        pdf.add_page()
        pdf.set_font("body", size=11)
        pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _document(font: Path):
    from fpdf import FPDF

    class Report(FPDF):
        def header(self):
            self.set_font("body", size=8)
            self.cell(0, 8, HEADER, new_x="LMARGIN", new_y="NEXT")
            self.ln(2)

        def footer(self):
            self.set_y(-15)
            self.set_font("body", size=8)
            self.cell(0, 10, f"Page {self.page_no()}", align="C")

    pdf = Report()
    # Fixed metadata: fpdf2 otherwise stamps the time of writing into the file.
    pdf.set_creation_date(_FIXED_DATE)
    pdf.set_creator("tests")
    pdf.set_producer("tests")
    pdf.add_font("body", fname=str(font))
    return pdf


def _fixed_date():
    import datetime

    return datetime.datetime(2023, 1, 15, tzinfo=datetime.UTC)


_FIXED_DATE = _fixed_date()


# ---- hostile PDFs ------------------------------------------------------------------------


def pdf_from_objects(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A PDF of the numbered objects given (object 1 the catalog), with a correct
    cross-reference table, for files fpdf2 would not write."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\n" % (len(objects) + 1, trailer)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def million_pages_claimed() -> bytes:
    """One real page whose page tree says it holds a million."""
    return pdf_from_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1000000 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
        ]
    )


def more_pages_than_claimed(pages: int) -> bytes:
    """pages empty pages under a page tree that claims one."""
    kids = b" ".join(b"%d 0 R" % (3 + n) for n in range(pages))
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"
    return pdf_from_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + kids + b"] /Count 1 >>",
            *[page] * pages,
        ]
    )


def page_tree_loop() -> bytes:
    """A page tree whose kid is the tree itself."""
    return pdf_from_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>",
        ]
    )


def encrypted(font: Path, user_password: str) -> bytes:
    """The sample's first page, encrypted (RC4: what fpdf2 writes without the
    cryptography package); an empty user password opens without asking."""
    from fpdf.enums import EncryptionMethod

    pdf = _document(font)
    pdf.add_page()
    pdf.set_font("body", size=11)
    pdf.multi_cell(0, 6, PAGE_ONE[0])
    pdf.set_encryption(
        owner_password="owner", user_password=user_password, encryption_method=EncryptionMethod.RC4
    )
    return bytes(pdf.output())


def scan(font: Path) -> bytes:
    """Two pages with drawings and no text at all (a scan's pages hold images)."""
    pdf = _document(font)
    pdf.header = pdf.footer = lambda: None  # they would be text: a scan has none
    pdf.set_auto_page_break(False)
    for _ in range(2):
        pdf.add_page()
        pdf.rect(20, 20, 150, 200, style="F")
    return bytes(pdf.output())
