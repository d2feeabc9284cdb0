"""The build: load raw/, check it and write the package into a staging folder a
batch of source folders at a time, check what needs every batch's rows, check the
descriptor written, and only then swap it in for the previous build
(pipeline.publish: one build at a time, an atomic swap, leftovers cleared).

The tables are checked once, on raw/; the writers take each batch's checked tables
as the CSVs hold them rather than reading the CSVs back, and the staged package is
not checked row by row a second time (`pipeline validate` does that, independently,
on a built package; `pipeline build --check` compares with a fresh build).
"""

from __future__ import annotations

import filecmp
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import polars as pl

from pipeline.assemble.provenance import input_files, provenance_record
from pipeline.assemble.spreadsheet import guard_frame, text_fields
from pipeline.check.keys import Keys
from pipeline.check.tables import Checked, check_batch
from pipeline.contract.model import load_contract
from pipeline.errors import InvalidInput, Problem, UsageProblem, fail_if_any
from pipeline.load.raw import BATCH_SOURCES, SOURCES_RESOURCE, RawTree, iter_raw
from pipeline.load.snapshots import SnapshotTexts, snapshot_text
from pipeline.load.tables import FilesUnder
from pipeline.progress import Progress
from pipeline.project import DESCRIPTOR_NAME, MARKER_NAME, SOURCES_FOLDER, Project, display_path
from pipeline.validate import check_descriptor

# What only a build uses (the outputs, the swap into place, the version rule) is
# imported in the functions that use it: `pipeline check` goes through check_raw alone.

# The key columns of a build's batches (pipeline.check.keys), in its staging folder
# until the checks across batches are done.
KEYS_FOLDER = ".keys"


def check_raw(project: Project, progress: Progress | None = None) -> dict[str, int]:
    """Read and check raw/ against the contract, batch by batch; raise InvalidInput
    listing every problem. Returns the number of rows of each resource."""
    progress = progress or Progress()
    contract = load_contract(project.contract, display_path(project.contract), project.root)
    return check_batches(project, contract, raw_keys(project, contract), progress)


def raw_conflicts(project: Project, progress: Progress | None = None) -> list[dict]:
    """Check raw/ as check_raw does (raise InvalidInput listing every problem), then
    list the facts on which its sources differ (pipeline.check.conflicts), each
    figure and quote with its file and line, each quote with its words."""
    from pipeline.check.conflicts import conflicts
    from pipeline.check.keys import FILE, LINE

    contract = load_contract(project.contract, display_path(project.contract), project.root)
    keys = raw_keys(project, contract)
    check_batches(project, contract, keys, progress or Progress())
    where = pl.format("{}:{}", FILE, LINE).alias("where")
    figures = keys.scan("figures").with_columns(where).collect()
    quotes = keys.scan("quotes").filter(pl.col("figure_id").is_not_null()).with_columns(where)
    texts: dict[str, str | None] = {}

    def text_of(quote: dict) -> str | None:
        source = quote["source_id"]
        if source not in texts:
            texts[source] = keys.read_snapshot(source)
        text = texts[source]
        return None if text is None else text[quote["start"] : quote["end"]]

    return conflicts(figures, quotes.collect(), text_of)


def raw_keys(project: Project, contract, folder: Path | None = None) -> Keys:
    """The keys of raw/'s batches (pipeline.check.keys): in folder, or in memory; rows
    located in raw/'s files, held quotes read against raw/'s snapshots."""
    raw, shown = project.raw, display_path(project.raw)
    sources = raw / SOURCES_FOLDER
    reread = FilesUnder(shown, raw, inside=raw)
    root = f"{shown}/{SOURCES_FOLDER}"
    return Keys(contract, folder, reread, snapshot_text(sources, root), snapshot_root=root)


def check_batches(
    project: Project,
    contract,
    keys: Keys,
    progress: Progress,
    each: Callable[[RawTree, Checked], None] | None = None,
    batch_folders: int | None = BATCH_SOURCES,
) -> dict[str, int]:
    """Read raw/ a batch of source folders at a time (pipeline.load.raw.iter_raw), check
    each batch, then what needs every batch's rows (keys); raise InvalidInput listing
    every problem. each(batch, checked): called for every batch checked while no
    problem has been found (a build writes it). Returns the rows of each resource.

    A file that cannot be read as a table stops the checks: the rest of raw/ is read
    only to report every such file, and those problems alone. batch_folders: source
    folders a batch (None: all in one); the problems found do not depend on it."""
    unreadable: list[Problem] = []
    problems: list[Problem] = []
    rows = {resource.name: 0 for resource in contract.resources}
    progress.stage("reading raw/", 1)
    batches = iter_raw(
        project.raw,
        contract,
        display_path(project.raw),
        batch_folders=batch_folders,
        on_total=lambda folders: progress.stage("reading raw/", folders),
    )
    for batch in batches:
        progress.advance(batch.folders)
        unreadable += batch.problems
        if unreadable:
            continue
        checked = check_batch(contract, batch.tables, batch.snapshots, keys)
        problems += batch.late + checked.problems
        for name, frame in checked.frames.items():
            rows[name] += frame.height
        if each is not None and not problems:
            each(batch, checked)
    fail_if_any(unreadable)
    progress.stage("checking", 1)
    problems += keys.problems()
    progress.advance()
    fail_if_any(problems)
    return rows


def build_package(
    project: Project,
    out: Path,
    check_version: bool = True,
    formats: tuple[str, ...] | None = None,
    progress: Progress | None = None,
    base_url: str | None = None,
) -> dict:
    """Build into out, replacing it only if every check passed. Returns the descriptor.

    check_version: refuse a build whose data changed since the build committed at
    HEAD without the version bump that calls for (pipeline/release/version_check.py).
    formats: the outputs to write beside the CSVs (by default pipeline.outputs.FORMATS).
    progress: told of each stage and step (pipeline.progress); by default nothing is shown.
    base_url: where the package is published (pipeline.outputs.source.base_url_of); by
    default the contract's `homepage`, and without one the metadata's IRIs are relative.
    """
    from pipeline.outputs import FORMATS

    progress = progress or Progress()
    formats = FORMATS if formats is None else formats
    try:
        out = check_out(project, out)
        return _build(project, out, check_version, formats, progress, base_url)
    finally:
        progress.close()


def _build(
    project: Project,
    out: Path,
    check_version: bool,
    formats: tuple[str, ...],
    progress: Progress,
    base_url: str | None = None,
) -> dict:
    from pipeline.publish import build_lock, clear_leftovers, make_staging
    from pipeline.release.version_check import version_problems

    contract = load_contract(project.contract, display_path(project.contract), project.root)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with build_lock(out):
            clear_leftovers(out)
            staging = make_staging(out)
            try:
                descriptor = write_checked(project, contract, staging, formats, progress, base_url)
                progress.stage("checking the package", 1)
                fail_if_any(check_descriptor(staging, descriptor))
                if check_version:
                    fail_if_any(version_problems(project.root, staging, project.contract))
                swap_in(staging, out)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    except OSError as error:
        raise InvalidInput(
            [
                Problem(
                    "write-failed",
                    f"cannot write the build: {error.strerror or error}; nothing was replaced; "
                    "expected free space and write permission here",
                    file=display_path(out.parent),
                )
            ]
        ) from None
    return descriptor


def write_checked(
    project: Project,
    contract,
    staging: Path,
    formats: tuple[str, ...],
    progress: Progress,
    base_url: str | None = None,
) -> dict:
    """Read, check and write raw/ into staging a batch of source folders at a time
    (check_batches), keeping of each batch only what the checks across batches need
    (pipeline.check.keys, in KEYS_FOLDER) and what the Parquet output spills; once
    every check passed, finish the package (its descriptor, input list and README) and
    the other outputs. Returns the descriptor.

    The outputs beyond the CSVs and Parquet (SQLite, HTML, metadata) take the whole
    tables: only when one of them is asked for are the batches' tables kept."""
    from pipeline.assemble.package import PackageWriter
    from pipeline.outputs import CSV, write_outputs
    from pipeline.outputs.parquet import FORMAT as PARQUET
    from pipeline.outputs.parquet import ParquetOutput

    spill = staging / KEYS_FOLDER
    keys = raw_keys(project, contract, spill)
    whole = [name for name in formats if name not in (CSV, PARQUET)]
    kept: list[dict[str, pl.DataFrame]] = []
    snapshots = SnapshotTexts()
    received: set[str] = set()
    with PackageWriter(staging, contract) as package, ParquetOutput(staging, contract) as parquet:
        package.append({}, input_files(project.root, [project.contract]))

        def write(batch: RawTree, checked: Checked) -> None:
            tables = batch.tables
            cells = {name: table.frame for name, table in tables.items()}
            package.append(cells, batch.input_hashes(project.root))
            typed = as_written(contract, checked.frames)
            if PARQUET in formats:
                parquet.append(typed)
            if whole:
                kept.append(typed)
                snapshots.update(batch.snapshots)
            received.update(
                tables[SOURCES_RESOURCE].frame.get_column("received").drop_nulls().to_list()
            )

        check_batches(project, contract, keys, progress, write)
        shutil.rmtree(spill)
        progress.stage("writing", len(formats))
        descriptor = package.finish(provenance_record(project.root, received))
        progress.advance()
        frames = {}
        if whole:
            for resource in contract.resources:
                frames[resource.name] = pl.concat([typed[resource.name] for typed in kept])
            kept.clear()
        fed = {PARQUET: parquet} if PARQUET in formats else {}
        return write_outputs(
            staging, contract, descriptor, snapshots, formats, frames, progress, fed, base_url
        )


def as_written(contract, frames: dict) -> dict:
    """The checked, typed tables as the built CSVs hold them: text cells guarded
    against spreadsheet formulas (pipeline.assemble.spreadsheet), as write_package wrote them."""
    return {
        resource.name: guard_frame(frames[resource.name], text_fields(resource))
        for resource in contract.resources
    }


def check_out(project: Project, out: Path) -> Path:
    """out as an absolute path, refusing a folder that a build must not replace."""
    from pipeline.publish import is_build

    out = Path(os.path.abspath(out))

    def refuse(code: str, message: str):
        raise UsageProblem([Problem(code, message, file=display_path(out))])

    if out.is_symlink():
        refuse("out-symlink", "is a symlink; expected a folder of its own (a build replaces it)")
    if out.exists() and not out.is_dir():
        refuse("out-not-folder", "expected a folder for the build")
    real, root, raw = out.resolve(), project.root.resolve(), project.raw.resolve()
    if real in (root, raw) or real in root.parents or raw in real.parents:
        refuse(
            "out-holds-inputs",
            "holds the project's inputs (datapackage.json, raw/), which a build would replace; "
            "expected a folder of its own, such as build/",
        )
    builds = [folder for folder in real.parents if is_build(folder)]
    if builds:
        refuse(
            "out-inside-build",
            f"is inside {display_path(builds[0])}, a folder that a build wrote and the next "
            "build into it replaces whole; expected a folder outside any build",
        )
    if real.is_dir() and not is_build(real) and any(real.iterdir()):
        refuse("out-not-a-build", would_be_lost(real))
    return out


def would_be_lost(folder: Path) -> str:
    """Why a folder that no build wrote is not replaced, naming what it holds."""
    names = sorted(os.listdir(folder))
    shown = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
    message = (
        f"is a folder that no build wrote (it has no {MARKER_NAME}); a build replaces its "
        f"folder whole, which would delete what is in it: {shown}; expected a new or empty "
        "folder, or one that a build wrote"
    )
    if DESCRIPTOR_NAME in names:
        message += (
            " (if it is a build by a pipeline from before the marker, remove it yourself, "
            "then build again)"
        )
    return message


def swap_in(staging: Path, out: Path) -> None:
    """Replace out by staging in one step; the old build is left in staging's place."""
    if out.exists() and not out.is_dir():
        raise InvalidInput(
            [Problem("out-not-folder", "expected a folder for the build", display_path(out))]
        )
    from pipeline.publish import swap_into_place

    swap_into_place(staging, out)


def compare_builds(expected: Path, actual: Path) -> list[str]:
    """Relative paths that differ between two build folders (added, removed or changed)."""
    differences = []
    left = _files(expected)
    right = _files(actual)
    for name in sorted(left | right):
        if name not in right:
            differences.append(f"{name}: missing from the fresh build")
        elif name not in left:
            differences.append(f"{name}: missing from {display_path(expected)}")
        elif not filecmp.cmp(expected / name, actual / name, shallow=False):
            differences.append(f"{name}: differs from a fresh build")
    return differences


def _files(folder: Path) -> set[str]:
    if not folder.is_dir():
        return set()
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def check_build(
    project: Project,
    out: Path,
    formats: tuple[str, ...] | None = None,
    base_url: str | None = None,
) -> list[str]:
    """Build afresh in a temporary folder and list how out differs from it."""
    with tempfile.TemporaryDirectory(prefix="pipeline-check-") as temporary:
        fresh = Path(temporary) / "build"
        build_package(project, fresh, formats=formats, base_url=base_url)
        if not (out / DESCRIPTOR_NAME).is_file():
            return [f"{display_path(out)}: no built package here (run pipeline build)"]
        return compare_builds(out, fresh)
