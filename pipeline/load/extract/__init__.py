"""Extraction: a source as it comes (a web page, a PDF report, a web archive) turned
into the plain text that quotes point into (`snapshot.txt`), reproducibly.

Each kind of original has a module here with one function,
`extract(data: bytes, display: str, url: str | None) -> Extraction`: data is the
original's bytes, display the name errors give for it, url the address the source
was read from (a web archive is searched for it). A file it cannot read, or that is
beyond the input limits, raises pipeline.errors.InvalidInput naming display (and
where in it, when that is known). The same bytes and the same pinned library
versions give the same Extraction, byte for byte; `pipeline check --re-extract`
runs the recorded extractor again to prove it.
"""

from __future__ import annotations

import importlib
import re
import zlib
from dataclasses import dataclass, field, replace

from pipeline.errors import Problem, UsageProblem


@dataclass(frozen=True)
class Stated:
    """A value of the `sources` record that the original itself states, and where it
    states it (the basis, recorded in the field's note: "from the page's metadata:
    og:title"). What the original does not state is not here: it stays null."""

    value: object
    basis: str


@dataclass(frozen=True)
class Extraction:
    text: str  # the snapshot's text, written as snapshot.txt (UTF-8)
    kind: str  # the module that made it: "html", "warc", "pdf"
    original_name: str  # the name the original is kept under: original.html, original.pdf, ...
    media_type: str  # the original's media type: text/html, application/pdf, application/warc
    extractor: str  # the library and its version, e.g. "trafilatura 2.3.1"
    settings: dict = field(default_factory=dict)  # the extractor's settings, as recorded
    stated: dict[str, Stated] = field(default_factory=dict)  # sources field -> what it states


# The kinds of original an extractor reads, each the name of its module here, told
# apart by the file's first bytes; any other file is a plain-text snapshot, archived as
# it is. A gzip file is a web archive when its first member starts like one.
HTML_START = re.compile(
    rb"\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)[\s>]", re.I | re.S
)
BOM = "\ufeff"
MEDIA_TYPES = {"text/html": "html", "application/warc": "warc", "application/pdf": "pdf"}


def kind_of(data: bytes) -> str | None:
    """The kind of original the bytes are ("html", "warc", "pdf"), or None for plain text."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"WARC/") or gzip_start(data).startswith(b"WARC/"):
        return "warc"
    if HTML_START.match(data[:4096].removeprefix(b"\xef\xbb\xbf")):
        return "html"
    return None


def gzip_start(data: bytes) -> bytes:
    """The first bytes a gzip file decompresses to; empty for any other file."""
    if not data.startswith(b"\x1f\x8b"):
        return b""
    try:
        return zlib.decompressobj(31).decompress(data[:65536], 16)
    except zlib.error:
        return b""


def extract(kind: str, data: bytes, display: str, url: str | None) -> Extraction:
    """The extraction of an original of a kind by its module, its text without a leading
    byte order mark (a snapshot has none: offsets count from its first character), for
    add-source and `check --re-extract` alike."""
    name = f"{__name__}.{kind}"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name != name:
            raise
        raise UsageProblem(
            [Problem("no-extractor", f"no extractor for {kind} files in this version", display)]
        ) from None
    extraction = module.extract(data, display, url)
    if extraction.text.startswith(BOM):
        extraction = replace(extraction, text=extraction.text.removeprefix(BOM))
    return extraction
