"""A web archive (WARC, or WARC in gzip) as a source: the response record for the
page's URL read with warcio, then its page extracted as a web page is
(pipeline.load.extract.html); the record's WARC-Record-ID and its capture date
(WARC-Date, the day the page was read at its URL) recorded.
"""

from __future__ import annotations

import io
import zlib
from importlib.metadata import version

from pipeline.errors import InvalidInput, Problem, UsageProblem
from pipeline.load.extract import Extraction, Stated, html

GZIP_MAGIC = b"\x1f\x8b"
LISTED_URLS = 5  # the URLs a WARC holds, named when the one asked for is not there
BASIS = "From the web archive: "


def extract(data: bytes, display: str, url: str | None) -> Extraction:
    """The page captured for url in the archive, extracted as a web page."""
    compressed = data.startswith(GZIP_MAGIC)
    if compressed:
        check_gzip(data, display)
    record = response_record(data, display, url)
    page = html.extract(record["payload"], f"{display} (record {record['id']})", url)
    stated = dict(page.stated)
    stated["warc_record_id"] = Stated(record["id"], BASIS + "WARC-Record-ID of its response record")
    accessed = html.declared_date(record["date"] or "")
    if accessed and len(accessed) == 10:
        stated["accessed"] = Stated(
            accessed,
            BASIS + f"the capture date (WARC-Date {record['date']}) of response record "
            f"{record['id']}",
        )
    return Extraction(
        text=page.text,
        kind="warc",
        original_name="original.warc.gz" if compressed else "original.warc",
        media_type="application/warc",
        extractor=f"warcio {version('warcio')}, {page.extractor}",
        settings={
            "record": "the response record whose WARC-Target-URI is the source's url",
            **page.settings,
        },
        stated=stated,
    )


def check_gzip(data: bytes, display: str) -> None:
    """Every gzip member of the file complete (warcio reads a truncated one silently,
    as if the page ended there), decompressed a block at a time and thrown away."""
    start = 0
    while start < len(data):
        inflater = zlib.decompressobj(31)
        try:
            block = data[start:]
            inflater.decompress(block, 1 << 20)
            while inflater.unconsumed_tail:
                inflater.decompress(inflater.unconsumed_tail, 1 << 20)
        except zlib.error as error:
            raise InvalidInput(
                [gzip_problem(display, start, f"it is not valid gzip ({error})")]
            ) from None
        if not inflater.eof:
            raise InvalidInput(
                [gzip_problem(display, start, f"the file ends (at byte {len(data)}) inside it")]
            )
        start = len(data) - len(inflater.unused_data)


def gzip_problem(display: str, start: int, why: str) -> Problem:
    return Problem(
        "truncated-gzip",
        f"the gzip member starting at byte {start} is incomplete: {why}; expected a whole "
        "web archive (copy or download it again)",
        file=display,
    )


def response_record(data: bytes, display: str, url: str | None) -> dict:
    """The response record captured for url: its id, its WARC-Date and its payload."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    seen: list[str] = []
    records = ArchiveIterator(io.BytesIO(data))
    try:
        for record in records:
            if record.rec_type is None:
                offset = records.get_record_offset()  # read to the record's end: errors only
                raise InvalidInput([broken_record(display, offset, "its header is incomplete")])
            target = record.rec_headers.get_header("WARC-Target-URI")
            if record.rec_type != "response":
                continue
            if target != url or url is None:
                if target not in seen:
                    seen.append(target)
                continue
            payload = record.content_stream().read()
            record.raw_stream.read()
            if record.raw_stream.limit:
                offset = records.get_record_offset()
                raise InvalidInput(
                    [broken_record(display, offset, "the file ends before the record does")]
                )
            return {
                "id": record.rec_headers.get_header("WARC-Record-ID"),
                "date": record.rec_headers.get_header("WARC-Date"),
                "payload": payload,
            }
    except ArchiveLoadFailed as error:
        raise InvalidInput(
            [
                Problem(
                    "not-a-warc", f"not a web archive: {error.msg}; expected a WARC file", display
                )
            ]
        ) from None
    raise missing_url(display, url, seen)


def broken_record(display: str, offset: int, why: str) -> Problem:
    return Problem(
        "truncated-warc",
        f"the record at byte {offset} is incomplete: {why}; expected a whole web archive",
        file=display,
    )


def missing_url(display: str, url: str | None, seen: list[str]) -> Exception:
    held = ", ".join(seen[:LISTED_URLS]) + (
        f" and {len(seen) - LISTED_URLS} more" * (len(seen) > LISTED_URLS)
    )
    holds = f"it holds responses for: {held}" if seen else "it holds no response record"
    if url is None:
        return UsageProblem(
            [
                Problem(
                    "warc-url",
                    f"a web archive needs --url to say which page is the source; {holds}",
                    display,
                )
            ]
        )
    return InvalidInput([Problem("warc-url", f"no response record for {url}; {holds}", display)])
