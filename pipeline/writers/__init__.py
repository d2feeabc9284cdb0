"""The write stage's other outputs: portal-ready files derived from the built CSVs
and the contract, one small module per format, all reading one table source.

`write_outputs` runs the chosen writers in order (data files first, then the
metadata that lists them, then the page that links everything) and records each
file, with its size and SHA-256, in the descriptor's `outputs` list.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.contract import Contract
from pipeline.errors import Problem, UsageProblem
from pipeline.package import DESCRIPTOR_NAME, OUTPUTS_KEY, write_json
from pipeline.progress import Progress
from pipeline.writers import ckan, dcat, html, parquet, prov_graph, schemaorg, sqlite
from pipeline.writers.source import described, load_source

# In writing order: a writer lists the files written before it.
WRITERS = (parquet, sqlite, prov_graph, schemaorg, dcat, ckan, html)
CSV = "csv"  # the resources and the descriptor: always written
FORMATS = (CSV, *(writer.FORMAT for writer in WRITERS))


def parse_formats(text: str) -> tuple[str, ...]:
    """A comma-separated list of format names, or `all`; csv is always included."""
    names = [part.strip().lower() for part in text.split(",") if part.strip()]
    if names == ["all"]:
        return FORMATS
    unknown = [name for name in names if name not in FORMATS]
    if unknown or not names:
        raise UsageProblem(
            [
                Problem(
                    "unknown-format",
                    f"--formats {text!r}: unknown format {', '.join(unknown) or '(none given)'}; "
                    f"expected all, or a comma-separated list of: {', '.join(FORMATS)}",
                )
            ]
        )
    return tuple(name for name in FORMATS if name == CSV or name in names)


def write_outputs(
    folder: Path,
    contract: Contract,
    descriptor: dict,
    snapshots: dict[str, str],
    formats: tuple[str, ...] = FORMATS,
    frames: dict[str, pd.DataFrame] | None = None,
    progress: Progress | None = None,
) -> dict:
    """Write the chosen outputs beside the package's CSVs and list them in its descriptor.
    Returns the descriptor as rewritten. frames: the typed tables as the CSVs hold them
    (pipeline.writers.source.load_source); read back from the CSVs when not given.
    progress: told of each format written."""
    source = load_source(folder, contract, descriptor, snapshots, frames)
    outputs = []
    for writer in WRITERS:
        if writer.FORMAT not in formats:
            continue
        written = [described(folder, file) for file in writer.write(source, folder)]
        source.files.extend(written)
        outputs.extend(written)
        if progress is not None:
            progress.advance()
    if not outputs:
        return descriptor
    descriptor = {**descriptor, OUTPUTS_KEY: [file.entry() for file in outputs]}
    write_json(folder / DESCRIPTOR_NAME, descriptor)
    return descriptor
