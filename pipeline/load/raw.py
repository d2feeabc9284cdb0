"""The load stage for `raw/`: the transcription tables and the source snapshots.

Rows of a resource come from `raw/<resource>.csv` and from every
`raw/sources/<source_id>/<resource>.csv`, so that a new source is a new folder.
The `sources` resource comes from each folder's `source.json`. Every input file
is read once: its bytes are hashed then (for provenance) and parsed.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.contract.model import Contract
from pipeline.contract.names import name_problem
from pipeline.errors import InvalidInput, Problem
from pipeline.files import (
    MAX_FILE_BYTES,
    MAX_JSON_BYTES,
    escapes,
    hash_bytes,
    outside_problem,
    read_bytes,
)
from pipeline.load.originals import check_originals
from pipeline.load.snapshots import (
    SnapshotTexts,
    add_source_records,
    read_snapshots,
    source_records,
)
from pipeline.load.tables import FilesUnder, Table, TableBuilder
from pipeline.project import RECORD_NAME, SNAPSHOT_NAME, SOURCES_FOLDER, display_path

SOURCES_RESOURCE = "sources"


@dataclass
class RawTree:
    tables: dict[str, Table]
    snapshots: SnapshotTexts
    problems: list[Problem]
    root: Path = Path("raw")
    hashes: dict[str, str] = field(default_factory=dict)  # SHA-256 by path relative to root
    late: list[Problem] = field(default_factory=list)  # a batch's, reported with the checks'
    folders: int = 0  # source folders read in the batch

    @property
    def files(self) -> list[Path]:
        """Every input file read, for provenance."""
        return [self.root / name for name in sorted(self.hashes, key=_parts)]

    def input_hashes(self, project: Path) -> Iterator[tuple[str, str]]:
        """(path relative to project, SHA-256) of every input file read."""
        prefix = self.root.relative_to(project).as_posix()
        return ((f"{prefix}/{name}", digest) for name, digest in self.hashes.items())


# Files of one resource are read, then their rows added this many at a time (the plain
# ones parsed as one: TableBuilder.add_csvs, add_source_records).
BATCH_FILES = 2_000
# Source folders read, checked and written together by a build (iter_raw): its memory
# is about one batch's, whatever the number of sources (docs/development.md).
BATCH_SOURCES = 2_000


def _parts(name: str) -> list[str]:
    return name.split("/")


class Inputs:
    """Reads input files under raw/ once each: the bytes, their SHA-256 (kept), and
    the refusal of a file that leads outside raw/. Containment costs a full path
    resolution only where a symlink is involved."""

    def __init__(self, raw: Path, display_root: str, on_file: Callable[[], None] | None):
        self.raw, self.display_root = raw, display_root
        self.raw_text = os.fspath(raw)  # files are opened by str path (a Path costs more)
        self.raw_prefix = os.path.join(self.raw_text, "")
        self.on_file = on_file or (lambda: None)
        self.hashes: dict[str, str] = {}
        self.sizes: dict[str, int] = {}  # bytes by path relative to root, as hashes
        self.rereader = FilesUnder(display_root, raw, inside=raw)  # to locate cells later

    def display(self, relative: str) -> str:
        return f"{self.display_root}/{relative}"

    def read(
        self, relative: str, trusted: bool, inside: Path | None = None, limit=MAX_FILE_BYTES
    ) -> bytes:
        """trusted: the file is known to be inside raw/ (no symlink on the way)."""
        path = self.raw_prefix + relative  # os.path.join's path: relative never starts with /
        try:
            if not trusted:
                _refuse_loop(path, self.display(relative))
            data = read_bytes(
                path,
                self.display(relative),
                inside=None if trusted else (inside or self.raw),
                limit=limit,
            )
        finally:
            self.on_file()
        self.hashes[relative] = hash_bytes(data)
        self.sizes[relative] = len(data)
        return data


def load_raw(
    raw: Path,
    contract: Contract,
    display_root: str = "raw",
    on_file: Callable[[], None] | None = None,
) -> RawTree:
    """Every table and snapshot under raw/, read as one batch, with every problem found
    (InvalidInput when a file cannot be read as a table). on_file: called once for each
    input file read."""
    (tree,) = iter_raw(raw, contract, display_root, on_file, batch_folders=None)
    if tree.problems:
        raise InvalidInput(tree.problems)
    tree.problems = tree.late
    return tree


def iter_raw(
    raw: Path,
    contract: Contract,
    display_root: str = "raw",
    on_file: Callable[[], None] | None = None,
    batch_folders: int | None = BATCH_SOURCES,
    on_total: Callable[[int], None] | None = None,
) -> Iterator[RawTree]:
    """raw/ read batch_folders source folders at a time (None: all in one batch), the
    first batch with the shared `raw/<resource>.csv` files: each batch's tables (their
    rows numbered after the earlier batches'), the snapshots of its sources, the files
    it read and their hashes. A batch's `problems` are the files that cannot be read as
    tables (after such a problem, checking is pointless: the caller reads on only to
    report them all); its `late` ones are reported with the checks' problems.
    on_total: called once with the number of source folders, before the first batch."""
    if not raw.is_dir():
        raise InvalidInput(
            [Problem("missing-folder", "folder not found; expected the raw/ tree", display_root)]
        )
    loader = _Loader(Inputs(raw, display_root, on_file), contract)
    loader.load_shared()
    folders = loader.list_sources()
    if on_total is not None:
        on_total(len(folders))
    size = batch_folders or max(len(folders), 1)
    for start in range(0, max(len(folders), 1), size):
        batch = folders[start : start + size]
        for name, inside in batch:
            loader.load_folder(name, loader.list_files(name, inside))
        tree = loader.batch()
        tree.folders = len(batch)
        yield tree


def _snapshot_reader(inputs: Inputs, trusted_snapshots: set[str]) -> Callable:
    """read_snapshots' reader: through inputs (each file read once, hashed once)."""

    sources = inputs.raw / SOURCES_FOLDER

    def read_snapshot(source_id: str, display: str) -> tuple[bytes, str]:
        relative = f"sources/{source_id}/{SNAPSHOT_NAME}"
        data = inputs.read(relative, source_id in trusted_snapshots, sources)
        return data, inputs.hashes[relative]

    return read_snapshot


class _Loader:
    """The walk over raw/: shared CSV files, then each source folder in name order,
    gathered into batches (batch): each with the tables, snapshots and problems of the
    folders loaded since the last."""

    def __init__(self, inputs: Inputs, contract: Contract):
        self.inputs = inputs
        self.contract = contract
        self.rows = {resource.name: 0 for resource in contract.resources}  # in earlier batches
        self.sources_inside = False
        self.start_batch()

    def start_batch(self) -> None:
        self.builders = {
            r.name: source_records(r) if r.name == SOURCES_RESOURCE else TableBuilder(r)
            for r in self.contract.resources
        }
        self.csv_names = {
            f"{name}.csv": builder
            for name, builder in self.builders.items()
            if name != SOURCES_RESOURCE
        }
        self.problems: list[Problem] = []
        self.late: list[Problem] = []  # reported only once the tables load
        self.trusted_snapshots: set[str] = set()  # folders whose snapshot is inside raw/
        self.queued: dict[str, list[tuple[bytes, str]]] = {}  # CSV files read, rows to add
        self.inputs.hashes, self.inputs.sizes = {}, {}

    def batch(self) -> RawTree:
        """What was loaded since the last batch, as a RawTree (its problems: the load's;
        late: the rest), and a fresh start for the next."""
        self.flush()
        tables = {}
        for name, builder in self.builders.items():
            tables[name] = builder.table(first_row=self.rows[name])
            self.rows[name] += tables[name].frame.height
        snapshots, snapshot_problems = SnapshotTexts(), []
        if not self.problems:
            snapshots, snapshot_problems = read_snapshots(
                self.inputs.raw / SOURCES_FOLDER,
                self.inputs.display(SOURCES_FOLDER),
                tables[SOURCES_RESOURCE],
                _snapshot_reader(self.inputs, self.trusted_snapshots),
            )
            _check_folder_names(tables[SOURCES_RESOURCE], self.late)
            snapshot_problems += check_originals(
                tables[SOURCES_RESOURCE], self.inputs.hashes, self.inputs.sizes
            )
        tree = RawTree(tables, snapshots, self.problems, self.inputs.raw, self.inputs.hashes)
        tree.late = self.late + snapshot_problems
        self.start_batch()
        return tree

    def load_shared(self) -> None:
        """The shared `raw/<resource>.csv` files."""
        raw = self.inputs.raw
        for name, builder in self.csv_names.items():
            if os.path.lexists(raw / name):  # a folder, pipe or broken link is reported
                self.add_csv(builder, name, trusted=False)

    def list_sources(self) -> list[tuple[str, bool]]:
        """The source folders to read, in name order, each with whether it is known to
        be inside raw/ (no symlink on the way)."""
        raw = self.inputs.raw
        sources = raw / SOURCES_FOLDER
        if not sources.is_dir():
            if os.path.lexists(sources):  # not silently no sources at all
                self.problems.append(_not_a_folder(self.inputs.display(SOURCES_FOLDER)))
            return []
        self.sources_inside = not escapes(sources, raw)
        folders = [e for e in self.list_folder(sources) if self.is_folder(e)]
        return [
            (entry.name, self.sources_inside and not entry.is_symlink())
            for entry in sorted(folders, key=lambda e: e.name)
            if self.plain_folder_name(entry)
        ]

    def list_files(self, name: str, inside: bool) -> dict[str, bool]:
        """A source folder's files to read, each with whether it is known to be inside raw/."""
        folder = self.inputs.raw / SOURCES_FOLDER / name
        return {
            item.name: inside and not item.is_symlink()
            for item in self.list_folder(folder)
            if item.name in self.csv_names or self.is_file(item)  # else read, reported
        }

    def list_folder(self, folder: Path) -> list[os.DirEntry]:
        try:
            with os.scandir(folder) as entries:
                return list(entries)
        except OSError as error:
            self.problems.append(
                Problem("unreadable-folder", f"cannot list: {error.strerror}", display_path(folder))
            )
            return []

    def is_folder(self, entry: os.DirEntry) -> bool:
        try:
            return entry.is_dir()
        except OSError as error:  # a symlink loop: neither a folder nor a file
            self.problems.append(self.entry_problem(error, entry))
            return False

    def is_file(self, entry: os.DirEntry) -> bool:
        try:
            return entry.is_file()
        except OSError as error:
            self.problems.append(self.entry_problem(error, entry))
            return False

    def entry_problem(self, error: OSError, entry: os.DirEntry) -> Problem:
        relative = os.path.relpath(entry.path, self.inputs.raw_text)
        return read_problem(error, self.inputs.display(relative))

    def plain_folder_name(self, entry: os.DirEntry) -> bool:
        """A source folder's name is its source_id, and so follows the rule for names
        that become paths; a folder that breaks it is reported and not read."""
        wrong = name_problem(entry.name)
        if wrong:
            self.problems.append(
                Problem(
                    "unsafe-path",
                    f"source folder {wrong} (a folder's name is its source's source_id)",
                    file=self.inputs.display(f"sources/{entry.name}"),
                )
            )
        return not wrong

    def load_folder(self, name: str, files: dict[str, bool]) -> None:
        """One source folder: its source.json, its CSV files, and any other file (hashed
        for provenance), each read now; the record and the CSV rows are added when their
        resource's files are flushed, its snapshot read with the snapshots, once the tables
        load."""
        base = f"sources/{name}"
        relative = f"{base}/{RECORD_NAME}"
        try:
            data = self.inputs.read(relative, files.get(RECORD_NAME, False), limit=MAX_JSON_BYTES)
        except InvalidInput as error:
            self.problems += error.problems
        else:
            self.queue(SOURCES_RESOURCE, data, relative)
        for file_name, trusted in sorted(files.items()):
            relative = f"{base}/{file_name}"
            if file_name in self.csv_names:
                self.add_csv(self.csv_names[file_name], relative, trusted)
            elif file_name == SNAPSHOT_NAME:
                self.check_snapshot_place(name, relative, trusted)
            elif file_name != RECORD_NAME:
                try:  # any other file is an input too: hashed for provenance
                    self.inputs.read(relative, trusted)
                except InvalidInput as error:
                    self.late += error.problems

    def check_snapshot_place(self, name: str, relative: str, trusted: bool) -> None:
        raw = self.inputs.raw
        if trusted:
            self.trusted_snapshots.add(name)
        elif escapes(raw / relative, raw):
            self.late.append(outside_problem(self.inputs.display(relative), raw))

    def add_csv(self, builder: TableBuilder, relative: str, trusted: bool) -> None:
        """Read a CSV file now; its rows are added with the next BATCH_FILES of its
        resource (queue, flush), the plain ones in one go (TableBuilder.add_csvs)."""
        try:
            data = self.inputs.read(relative, trusted)
        except InvalidInput as error:
            self.problems += error.problems
            return
        self.queue(builder.resource.name, data, relative)

    def queue(self, resource: str, data: bytes, relative: str) -> None:
        """A file read, whose rows are added with the next BATCH_FILES of its resource."""
        queued = self.queued.setdefault(resource, [])
        queued.append((data, self.inputs.display(relative)))
        if len(queued) >= BATCH_FILES:
            self.flush(resource)

    def flush(self, name: str | None = None) -> None:
        """Add the rows of the files read and not yet added (of one resource, or all):
        source.json records (add_source_records) and CSV files (TableBuilder.add_csvs)."""
        for resource in [name] if name else list(self.queued):
            queued = self.queued.pop(resource, [])
            if not queued:
                continue
            builder, source = self.builders[resource], self.inputs.rereader
            if resource == SOURCES_RESOURCE:
                self.problems += add_source_records(builder, queued, source)
            else:
                self.problems += builder.add_csvs(queued, source)


def read_problem(error: OSError, display: str) -> Problem:
    """What a failed stat or open of a file under raw/ says; a symlink loop by name."""
    if error.errno == errno.ELOOP:
        message = "symbolic link loop (it leads back to itself); expected a file or a folder"
        return Problem("symlink-loop", message, file=display)
    return Problem("unreadable-file", f"cannot read: {error.strerror}", file=display)


def _not_a_folder(display: str) -> Problem:
    return Problem(
        "not-a-folder",
        "expected the folder of source folders, found a file, a broken symlink or a symlink loop",
        file=display,
    )


def _refuse_loop(path: str, display: str) -> None:
    """Refuse a symlink loop by name (else it would read as leading outside raw/)."""
    try:
        os.stat(path)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise InvalidInput([read_problem(error, display)]) from None


def _check_folder_names(sources: Table, problems: list[Problem]) -> None:
    for row, source_id in enumerate(sources.frame.get_column("source_id").to_list()):
        folder = sources.origin(row).display.split("/")[-2]
        if source_id is not None and source_id != folder:
            problems.append(
                Problem(
                    "source-folder",
                    f"source_id {source_id!r} differs from its folder name {folder!r}; expected "
                    "them to be the same",
                    **sources.locate(row, "source_id"),
                )
            )
