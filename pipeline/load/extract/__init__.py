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

from dataclasses import dataclass, field


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
