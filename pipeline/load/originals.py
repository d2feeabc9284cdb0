"""Originals: the file a source came as (a web page, a web archive, a PDF), kept byte
for byte beside the snapshot extracted from it. Like the snapshot, it must stay what
its record says: its size and SHA-256 are checked against `source.json`.
"""

from __future__ import annotations

import polars as pl

from pipeline.contract.names import name_problem
from pipeline.errors import Problem
from pipeline.load.tables import Table
from pipeline.project import SOURCES_FOLDER

ORIGINAL_FIELDS = ("source_id", "original_name", "original_bytes", "original_sha256")


def check_originals(sources: Table, hashes: dict[str, str], sizes: dict[str, int]) -> list[Problem]:
    """Problems where a source's recorded original is missing, or its bytes are not those
    its record states. hashes and sizes: of the files read under raw/, by their path
    relative to raw/ (every file of a source folder is read once, for provenance)."""
    frame = sources.frame
    if not set(ORIGINAL_FIELDS) <= set(frame.columns):
        return []  # a contract without originals
    named = (
        frame.select(ORIGINAL_FIELDS)
        .with_row_index("row")
        .filter(pl.col("original_name").is_not_null() & pl.col("source_id").is_not_null())
    )
    problems = []
    for row, source_id, name, size, digest in named.iter_rows():
        if name_problem(source_id) or name_problem(name):
            continue  # reported by the checks of source_id and original_name's pattern
        relative = f"{SOURCES_FOLDER}/{source_id}/{name}"
        if relative not in hashes:
            problems.append(
                Problem(
                    "original-missing",
                    f"the original {name} is not in the source's folder; expected the file "
                    "the snapshot was extracted from, kept byte for byte (restore it)",
                    **sources.locate(row, "original_name"),
                )
            )
        elif digest is not None and hashes[relative] != digest:
            problems.append(
                Problem(
                    "original-hash",
                    f"original {name} has SHA-256 {hashes[relative]}, but its record says "
                    f"{digest}; the original must stay byte for byte as received (restore "
                    "it, or record a new source if the page really changed)",
                    **sources.locate(row, "original_sha256"),
                )
            )
        elif size is not None and str(sizes[relative]) != size:
            problems.append(
                Problem(
                    "original-bytes",
                    f"original {name} is {sizes[relative]} bytes, but its record says {size}",
                    **sources.locate(row, "original_bytes"),
                )
            )
    return problems
