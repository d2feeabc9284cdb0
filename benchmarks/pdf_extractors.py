"""Which PDF library makes the best snapshot: pdfplumber (on pdfminer.six), pdfminer.six's
own layout analysis, and pypdf, each on the sample report the tests generate with fpdf2
(tests/pdf_samples.py): words kept, reading order, noise (blank lines, doubled spaces,
a column cut in two), speed and determinism.

    PYTHONPATH=. .venv/bin/python -m benchmarks.pdf_extractors [--repeat 20] [--pages 200]

Run from the repository root; needs the test extra (fpdf2) and DejaVu Sans. pypdf is
not a dependency (pdfplumber was chosen): `pip install pypdf==7.1.1` to measure it too;
without it its rows are left out, and the run says so.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import io
import json
import re
import subprocess
import sys
import time
from collections import Counter

from tests.pdf_samples import PAGE_ONE, pdf_of_pages, sample_report, unicode_font


def pdfplumber_default(data: bytes) -> str:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "".join(page.extract_text() + "\f" for page in pdf.pages)


def pdfplumber_text_flow(data: bytes) -> str:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "".join(page.extract_text(use_text_flow=True) + "\f" for page in pdf.pages)


def pdfminer_layout(data: bytes) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(io.BytesIO(data))


def pypdf_plain(data: bytes) -> str:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(data))
    return "".join(page.extract_text() + "\f" for page in reader.pages)


def pypdf_layout(data: bytes) -> str:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(data))
    return "".join(page.extract_text(extraction_mode="layout") + "\f" for page in reader.pages)


EXTRACTORS = {
    "pdfplumber 0.11.11 extract_text()": pdfplumber_default,
    "pdfplumber 0.11.11 extract_text(use_text_flow=True)": pdfplumber_text_flow,
    "pdfminer.six 20260107 high_level.extract_text()": pdfminer_layout,
    "pypdf 7.1.1 extract_text()": pypdf_plain,
    "pypdf 7.1.1 extract_text(extraction_mode='layout')": pypdf_layout,
}


def words(text: str) -> list[str]:
    return text.split()


def measure(name: str, extract, sample, big: bytes, repeat: int) -> dict:
    text = extract(sample.data)
    expected = [w for p in sample.paragraphs for w in words(p)]
    found = words(text)
    kept = sum((Counter(expected) & Counter(found)).values())
    matcher = difflib.SequenceMatcher(None, expected, found, autojunk=False)
    in_order = sum(block.size for block in matcher.get_matching_blocks())
    runs = [" ".join(words(p)) for p in sample.paragraphs]
    flat = " ".join(found)
    whole = sum(run in flat for run in runs)
    started = time.perf_counter()
    for _ in range(repeat):
        extract(sample.data)
    per_sample = (time.perf_counter() - started) / repeat
    started = time.perf_counter()
    extract(big)
    per_big = time.perf_counter() - started
    again = _in_fresh_process(name)
    return {
        "extractor": name,
        "words_put_in": len(expected),
        "words_kept": kept,
        "words_in_reading_order": in_order,
        "paragraphs_whole": f"{whole}/{len(runs)}",
        "blank_lines": len(re.findall(r"\n[ \t]*\n", text)),
        "doubled_spaces": text.count("  "),
        "form_feeds": text.count("\f"),
        "seconds_3_pages": round(per_sample, 4),
        "seconds_200_pages": round(per_big, 2),
        "same_bytes_in_a_fresh_process": again == hashlib.sha256(text.encode()).hexdigest(),
    }


def _in_fresh_process(name: str) -> str:
    code = (
        "import hashlib,sys; from benchmarks.pdf_extractors import EXTRACTORS, sample_report, "
        "unicode_font; t=EXTRACTORS[sys.argv[1]](sample_report(unicode_font()).data); "
        "print(hashlib.sha256(t.encode()).hexdigest())"
    )
    done = subprocess.run([sys.executable, "-c", code, name], capture_output=True, text=True)
    return done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--pages", type=int, default=200)
    options = parser.parse_args()
    font = unicode_font()
    if font is None:
        sys.exit("DejaVu Sans not found (Debian: fonts-dejavu-core)")
    sample = sample_report(font)
    big = pdf_of_pages(font, [" ".join(PAGE_ONE)] * options.pages)
    from importlib.util import find_spec

    missing = find_spec("pypdf") is None
    if missing:
        print("pypdf is not installed: its rows are left out", file=sys.stderr)
    chosen = {n: f for n, f in EXTRACTORS.items() if not (missing and n.startswith("pypdf"))}
    results = [measure(n, f, sample, big, options.repeat) for n, f in chosen.items()]
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
