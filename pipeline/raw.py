"""The load stage for `raw/`: the transcription tables and the source snapshots.

Rows of a resource come from `raw/<resource>.csv` and from every
`raw/sources/<source_id>/<resource>.csv`, so that a new source is a new folder.
The `sources` resource comes from each folder's `source.json`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.contract import Contract
from pipeline.errors import InvalidInput, Problem
from pipeline.files import escapes, outside_problem
from pipeline.snapshots import read_snapshots, read_source_records, source_folders
from pipeline.tables import Table, concat_tables, read_csv_table

SOURCES_RESOURCE = "sources"


@dataclass
class RawTree:
    tables: dict[str, Table]
    snapshots: dict[str, str]
    problems: list[Problem]
    files: list[Path]  # every input file read, for provenance


def resource_files(raw: Path, name: str) -> list[Path]:
    shared = raw / f"{name}.csv"
    files = [shared] if shared.is_file() else []
    files += [d / f"{name}.csv" for d in source_folders(raw / "sources")]
    return [f for f in files if f.is_file()]


def load_raw(raw: Path, contract: Contract, display_root: str = "raw") -> RawTree:
    if not raw.is_dir():
        raise InvalidInput(
            [Problem("missing-folder", "folder not found; expected the raw/ tree", display_root)]
        )
    problems: list[Problem] = []
    tables: dict[str, Table] = {}
    files: list[Path] = []
    for resource in contract.resources:
        if resource.name == SOURCES_RESOURCE:
            try:
                tables[resource.name] = read_source_records(
                    raw / "sources", f"{display_root}/sources", resource, inside=raw
                )
            except InvalidInput as error:
                problems += error.problems
            continue
        parts = []
        for path in resource_files(raw, resource.name):
            files.append(path)
            display = f"{display_root}/{path.relative_to(raw).as_posix()}"
            try:
                parts.append(read_csv_table(path, display, resource, inside=raw))
            except InvalidInput as error:
                problems += error.problems
        tables[resource.name] = concat_tables(resource, parts)
    if problems:
        raise InvalidInput(problems)
    sources = tables[SOURCES_RESOURCE]
    snapshots, snapshot_problems = read_snapshots(
        raw / "sources", f"{display_root}/sources", sources
    )
    for folder in source_folders(raw / "sources"):
        files += [p for p in sorted(folder.iterdir()) if p.is_file()]
    for path in sorted(set(files)):  # every file is hashed for provenance: none may lead out
        if escapes(path, raw):
            shown = f"{display_root}/{path.relative_to(raw).as_posix()}"
            problems.append(outside_problem(shown, raw))
    _check_folder_names(sources, problems)
    return RawTree(tables, snapshots, problems + snapshot_problems, sorted(set(files)))


def _check_folder_names(sources: Table, problems: list[Problem]) -> None:
    for row, source_id in enumerate(sources.frame["source_id"]):
        where = sources.locate(row, "source_id")
        folder = where["file"].split("/")[-2]
        if not pd.isna(source_id) and source_id != folder:
            problems.append(
                Problem(
                    "source-folder",
                    f"source_id {source_id!r} differs from its folder name {folder!r}; expected "
                    "them to be the same",
                    **where,
                )
            )
