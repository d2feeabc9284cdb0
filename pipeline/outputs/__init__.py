"""The write stage's other outputs: portal-ready files derived from the built CSVs
and the contract, one small module per format, all reading one table source.

`write_outputs` runs the chosen writers in order (data files first, then the
metadata that lists them, then the page that links everything) and records each
file, with its size and SHA-256, in the descriptor's `outputs` list.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Protocol

import polars as pl

from pipeline.assemble.package import OUTPUTS_KEY, write_json
from pipeline.contract.model import Contract
from pipeline.errors import Problem, UsageProblem
from pipeline.outputs.source import PackageFile, described, load_source
from pipeline.progress import Progress
from pipeline.project import DESCRIPTOR_NAME

# The formats beside the CSVs, in writing order (a writer lists the files written
# before it); each is written by the module of its name in this folder, imported only
# when its format is written, so that a build of fewer formats (and `check`,
# `validate`) does not load the libraries of the others. The catalogue records
# (schemaorg, dcat, ckan) come after every other file, so that they list each one as a
# distribution with its size and hash, prov.json and annotations.jsonld included; prov
# names the records and the page written after it by path (prov.later_files).
WRITERS = (
    "parquet",
    "sqlite",
    "annotations",
    "citation",
    "prov",
    "schemaorg",
    "dcat",
    "ckan",
    "html",
)
CSV = "csv"  # the resources and the descriptor: always written
FORMATS = (CSV, *WRITERS)


class Fed(Protocol):
    """A format's writer fed the tables batch by batch (pipeline.outputs.parquet.ParquetOutput)."""

    def finish(self) -> list[PackageFile]: ...


def writer(name: str) -> ModuleType:
    """The module that writes one format (its FORMAT is name; write(source, folder))."""
    return importlib.import_module(f"pipeline.outputs.{name}")


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
    snapshots: Mapping[str, str],
    formats: tuple[str, ...] = FORMATS,
    frames: dict[str, pl.DataFrame] | None = None,
    progress: Progress | None = None,
    fed: Mapping[str, Fed] | None = None,
    base_url: str | None = None,
) -> dict:
    """Write the chosen outputs beside the package's CSVs and list them in its descriptor.
    Returns the descriptor as rewritten. frames: the typed tables as the CSVs hold them
    (pipeline.outputs.source.load_source); read back from the CSVs when not given; {}
    when every format asked for beyond the CSVs is in fed. fed: by format, a writer the
    build already fed batch by batch (pipeline.outputs.parquet.ParquetOutput), finished
    here in its turn instead of writing the format from frames. progress: told of each
    format written. base_url: where the package is published (source.base_url_of)."""
    source = load_source(folder, contract, descriptor, snapshots, frames, base_url)
    source.formats = formats
    fed = fed or {}
    outputs = []
    for name in WRITERS:
        if name not in formats:
            continue
        files = fed[name].finish() if name in fed else writer(name).write(source, folder)
        written = [described(folder, file) for file in files]
        source.files.extend(written)
        outputs.extend(written)
        if progress is not None:
            progress.advance()
    if not outputs:
        return descriptor
    descriptor = {**descriptor, OUTPUTS_KEY: [file.entry() for file in outputs]}
    write_json(folder, DESCRIPTOR_NAME, descriptor)
    return descriptor
