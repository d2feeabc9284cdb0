"""A PDF report's text, page by page, as the snapshot that quotes point into.

pdfplumber (on pdfminer.six) reads each page's words in the order the document draws
them (`use_text_flow`: a two-column page is read column by column, as its producer
wrote it) and joins them with single spaces, whatever spacing justified text has.
Each page's text ends with a line break and U+000C FORM FEED, as pdftotext writes
pages, so that a quote's page is 1 + the form feeds before its start
(pipeline.check.pages). A line that every page (of two or more) starts or ends with,
digits aside (a running header, a footer that numbers the page), is left out: it is
not the report's text, and its page numbers would be number mentions to account for.

Chosen by measurement against pdfminer.six's layout analysis and pypdf:
benchmarks/pdf_extractors.py and docs/transcribers-guide.md, "Starting from a PDF".
"""

from __future__ import annotations

import io
import re
import struct
import zlib

from pipeline.errors import InvalidInput, Problem
from pipeline.load.extract import Extraction, Stated

# Limits within the input limits (docs/security.md): a report longer than this is
# refused, before any page is read when its page tree claims more.
MAX_PDF_PAGES = 2000
MAX_PDF_TEXT_CHARS = 20_000_000  # the snapshot's text, summed page by page
PAGE_END = "\n\f"
# pdfplumber's extract_text settings, written out so that a change of their defaults
# in a later version cannot change a snapshot unseen (check --re-extract compares).
TEXT_SETTINGS = {"use_text_flow": True, "x_tolerance": 3, "y_tolerance": 3}
DIGITS = re.compile(r"[0-9]+")
MEDIA_TYPE = "application/pdf"


def extract(data: bytes, display: str, url: str | None = None) -> Extraction:
    """The text of a PDF's pages; InvalidInput naming display (and the page, when
    known) for a PDF that is encrypted, broken, too long, or has no text layer."""
    import pdfplumber

    pages, characters = [], 0
    with _opened(data, display) as pdf:
        _refuse_claimed_pages(pdf, display)
        for number, page in enumerate(_pages(pdf, display), 1):
            pages.append(_page_text(page, number, display))
            page.close()
            characters += len(pages[-1])
            if characters > MAX_PDF_TEXT_CHARS:
                raise InvalidInput([_too_much_text(display, number)])
        stated = _stated(pdf.metadata, pdf.doc.catalog)
    if not any(text.strip() for text in pages):
        raise InvalidInput([_no_text(display, len(pages))])
    kept = _without_running_lines(pages)
    return Extraction(
        text="".join(text + PAGE_END if text else "\f" for text in kept),
        kind="pdf",
        original_name="original.pdf",
        media_type=MEDIA_TYPE,
        extractor=f"pdfplumber {pdfplumber.__version__}",
        settings={
            **TEXT_SETTINGS,  # pdfplumber's extract_text arguments
            "page_end": "line break and U+000C FORM FEED after each page",
            "running_lines": "a first or last line every page has (digits aside) left out",
        },
        stated=stated,
    )


def _broken_errors() -> tuple[type[BaseException], ...]:
    """What pdfminer.six raises on a broken file: its own exceptions, and the plain
    ones its parser lets through from a file it does not expect."""
    from pdfminer.psexceptions import PSException
    from pdfplumber.utils.exceptions import PdfminerException

    return (
        PdfminerException,
        PSException,
        ValueError,
        TypeError,
        KeyError,
        IndexError,
        AttributeError,
        AssertionError,
        RecursionError,
        OverflowError,
        EOFError,
        UnicodeError,
        zlib.error,
        struct.error,
    )


class _opened:
    """pdfplumber's PDF of data, with pdfminer.six's errors (on opening and while
    reading) as located problems."""

    def __init__(self, data: bytes, display: str):
        self.data, self.display = data, display

    def __enter__(self):
        import pdfplumber

        if not self.data.startswith(b"%PDF-"):
            raise InvalidInput([_broken(self.display, None, "it does not start with %PDF-")])
        try:
            self.pdf = pdfplumber.open(io.BytesIO(self.data))
        except _broken_errors() as error:
            raise InvalidInput([_open_problem(error, self.display)]) from None
        return self.pdf

    def __exit__(self, kind, error, traceback):
        # Not pdf.close(): it makes every page first, and may fail on a broken page tree;
        # the pages were read one at a time (_pages) and each let go once read.
        self.pdf.flush_cache()
        if isinstance(error, _broken_errors()):
            raise InvalidInput([_broken(self.display, None, _reason(error))]) from None
        return False


def _open_problem(error: BaseException, display: str) -> Problem:
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    cause = error.args[0] if error.args and isinstance(error.args[0], BaseException) else error
    if isinstance(cause, PDFPasswordIncorrect):
        return Problem(
            "pdf-encrypted",
            "the PDF is encrypted with a password, and its text cannot be read without it; "
            "expected a PDF that opens without a password (save a copy without one)",
            file=display,
        )
    if isinstance(cause, PDFEncryptionError):
        return Problem(
            "pdf-encrypted",
            f"the PDF is encrypted in a way that cannot be read ({_reason(cause)}); expected "
            "a PDF that opens without a password",
            file=display,
        )
    return _broken(display, None, _reason(cause))


def _reason(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text[:200]


def _refuse_claimed_pages(pdf, display: str) -> None:
    """Refuse a page tree that claims more than MAX_PDF_PAGES pages before reading one
    (a hostile file claims a million; pdfminer.six walks the tree it really has)."""
    try:
        claimed = pdf.doc.catalog["Pages"].resolve()["Count"]
    except (KeyError, TypeError, AttributeError):
        return  # no count to believe: the pages are counted as they are read
    if isinstance(claimed, int) and claimed > MAX_PDF_PAGES:
        raise InvalidInput([_too_many_pages(display, f"its page tree claims {claimed} pages")])


def _pages(pdf, display: str):
    """pdfplumber's pages one at a time (pdf.pages would make every one first), once the
    page tree is known to hold at most MAX_PDF_PAGES (walking it reads no page's text)."""
    from pdfminer.pdfpage import PDFPage
    from pdfplumber.page import Page

    for number, _ in enumerate(PDFPage.create_pages(pdf.doc), 1):
        if number > MAX_PDF_PAGES:
            raise InvalidInput(
                [_too_many_pages(display, f"its page tree holds more than {MAX_PDF_PAGES}")]
            )
    for number, page in enumerate(PDFPage.create_pages(pdf.doc), 1):
        yield Page(pdf, page, page_number=number, initial_doctop=0)


def _page_text(page, number: int, display: str) -> str:
    try:
        return page.extract_text(**TEXT_SETTINGS)
    except _broken_errors() as error:
        raise InvalidInput([_broken(display, number, _reason(error))]) from None


def _without_running_lines(pages: list[str]) -> list[str]:
    """The pages without a first (last) line that every page has, digits aside."""
    if len(pages) < 2:
        return pages
    lines = [text.split("\n") for text in pages]
    for end in (0, -1):
        shapes = {DIGITS.sub("#", page[end].strip()) if page else None for page in lines}
        if len(shapes) == 1 and shapes != {None} and shapes != {""}:
            lines = [page[1:] if end == 0 else page[:-1] for page in lines]
    return ["\n".join(page) for page in lines]


def _stated(metadata: dict, catalog: dict) -> dict[str, Stated]:
    """What the PDF states about itself in its document information: its title (the
    headline), its author (the byline) and its language (/Lang, as ISO 639-1)."""
    stated = {}
    for key, field in (("Title", "headline"), ("Author", "byline")):
        value = metadata.get(key)
        if isinstance(value, str) and value.strip():
            stated[field] = Stated(value.strip(), f"from the PDF's document information: /{key}")
    language = _language(catalog.get("Lang"))
    if language:
        stated["language"] = Stated(language, "from the PDF's catalog: /Lang")
    return stated


def _language(value) -> str | None:
    from pdfminer.utils import decode_text

    if isinstance(value, bytes):
        value = decode_text(value)
    if not isinstance(value, str):
        return None
    primary = value.strip().split("-")[0].lower()
    return primary if re.fullmatch("[a-z]{2}", primary) else None


def _broken(display: str, page: int | None, reason: str) -> Problem:
    where = f"page {page}: " if page else ""
    return Problem(
        "pdf-unreadable",
        f"{where}cannot read the PDF ({reason}); expected a complete, unbroken PDF file "
        "(download or export it again)",
        file=display,
    )


def _too_many_pages(display: str, found: str) -> Problem:
    return Problem(
        "pdf-too-many-pages",
        f"{found}; expected at most {MAX_PDF_PAGES} pages (the pipeline's limit): split the "
        "report, one source for each part",
        file=display,
    )


def _too_much_text(display: str, page: int) -> Problem:
    return Problem(
        "pdf-too-much-text",
        f"page {page}: the text read so far is more than {MAX_PDF_TEXT_CHARS} characters; "
        "expected at most that (the pipeline's limit): split the report",
        file=display,
    )


def _no_text(display: str, pages: int) -> Problem:
    if not pages:
        return Problem(
            "pdf-no-pages",
            "the PDF has no pages (its page tree holds none it can reach); expected a report "
            "with at least one page",
            file=display,
        )
    return Problem(
        "pdf-no-text",
        f"none of its {pages} page{'s' * (pages != 1)} has a text layer (a scan, or text "
        "drawn as shapes); OCR is not done, since recognised text would not be the "
        "source's own: expected a PDF whose text can be selected",
        file=display,
    )
