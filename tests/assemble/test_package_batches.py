"""The package written batch by batch, as a build reads raw/ one batch of source folders
at a time (PackageWriter): the same bytes as the package written in one batch
(write_package), whatever the batches; the input list in path order however its
entries arrive.
"""

from __future__ import annotations

import csv
import os
import random
from pathlib import Path
from types import SimpleNamespace

import polars as pl
import pytest

from pipeline.assemble.package import PackageWriter, write_package
from pipeline.assemble.provenance import INPUT_LIST_PATH, InputList
from tests.package_helpers import cut_rows, input_batches, load_synthetic


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    return load_synthetic(tmp_path_factory.mktemp("batches"), 60)


@pytest.fixture(scope="module")
def whole(loaded, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("whole")
    write_package(
        folder, loaded.contract, loaded.tables, {**loaded.record, "input_files": loaded.inputs}
    )
    return folder


def files_in(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def write_in_batches(folder: Path, loaded, cells: dict, sizes: str, folders_per_batch: int) -> dict:
    """Write the package with each resource's rows cut as sizes says and the inputs in
    batches of so many source folders; the two run side by side, the shorter padded with
    empty batches."""
    cuts = {name: cut_rows(frame.height, sizes) for name, frame in cells.items()}
    inputs = input_batches(loaded.inputs, folders_per_batch)
    batches = max(len(inputs), *map(len, cuts.values()))
    with PackageWriter(folder, loaded.contract) as package:
        for index in range(batches):
            frames = {
                name: cells[name].slice(*cut[index])
                for name, cut in cuts.items()
                if index < len(cut)
            }
            package.append(frames, inputs[index] if index < len(inputs) else [])
        return package.finish(loaded.record)


@pytest.mark.parametrize(
    ("sizes", "folders_per_batch"), [("ones", 1), ("uneven", 7), ("one", 1000)]
)
def test_a_package_written_in_batches_has_the_bytes_of_one_batch(
    loaded, whole, tmp_path, sizes, folders_per_batch
):
    cells = {name: table.frame for name, table in loaded.tables.items()}
    descriptor = write_in_batches(tmp_path, loaded, cells, sizes, folders_per_batch)

    assert files_in(tmp_path) == files_in(whole)
    assert descriptor["provenance"]["inputs"]["files"]["count"] == len(loaded.inputs)


def test_a_resource_that_never_gets_a_row_is_written_as_its_header(loaded, tmp_path):
    """A resource left out of every batch: its CSV is the header row, as a table of no
    rows written in one batch."""
    cells = {name: table.frame for name, table in loaded.tables.items() if name != "statements"}
    empty = loaded.tables["statements"].frame.clear()
    write_in_batches(tmp_path / "batched", loaded, cells, "uneven", 3)
    tables = {**loaded.tables, "statements": SimpleNamespace(frame=empty)}
    info = {**loaded.record, "input_files": loaded.inputs}
    write_package(tmp_path / "one", loaded.contract, tables, info)

    path = loaded.contract.resource("statements").path
    header = ",".join(loaded.contract.resource("statements").field_names) + "\n"
    assert (tmp_path / "batched" / path).read_text(encoding="utf-8") == header
    assert files_in(tmp_path / "batched") == files_in(tmp_path / "one")


def listed(folder: Path) -> list[tuple[str, str]]:
    with (folder / INPUT_LIST_PATH).open(encoding="utf-8", newline="") as text:
        return [tuple(row) for row in list(csv.reader(text))[1:]]


def test_the_input_list_is_in_path_order_whatever_the_order_within_batches(tmp_path):
    top = [
        "datapackage.json",
        "raw/actors.csv",
        "raw/sources/a-notes.txt",  # a file beside the source folders: between a-b/ and b/
        "raw/statements.csv",
        "raw/zz-notes.txt",
    ]
    folders = {
        "a": [
            "raw/sources/a/source.json",
            "raw/sources/a/snapshot.txt",
            "raw/sources/a/quotes.csv",
        ],
        "a-b": ["raw/sources/a-b/source.json", "raw/sources/a-b/x/deep.txt"],
        "b": ["raw/sources/b/figures.csv", "raw/sources/b/snapshot.txt"],
    }
    batches = [top, folders["a"] + folders["a-b"], [], folders["b"]]
    shuffler = random.Random(3)
    with InputList(tmp_path) as inputs:
        for batch in batches:
            entries = [(path, f"{len(path):064x}") for path in batch]
            shuffler.shuffle(entries)
            inputs.append(entries)
        named = inputs.finish()

    every = [path for batch in batches for path in batch]
    assert [path for path, _ in listed(tmp_path)] == sorted(every, key=lambda p: p.split("/"))
    assert listed(tmp_path)[-2:] == [
        ("raw/statements.csv", f"{18:064x}"),
        ("raw/zz-notes.txt", f"{16:064x}"),
    ]
    assert named["count"] == len(every)


def test_a_source_folder_coming_after_a_later_one_is_refused(tmp_path):
    with InputList(tmp_path) as inputs:
        inputs.append([("raw/sources/b/source.json", "0" * 64)])
        with pytest.raises(ValueError, match="raw/sources/a/source.json"):
            inputs.append([("raw/sources/a/source.json", "1" * 64)])


def test_a_failed_batch_leaves_the_files_closed_and_nothing_else(loaded, tmp_path):
    cells = {name: table.frame for name, table in loaded.tables.items()}
    with (
        pytest.raises(pl.exceptions.ColumnNotFoundError),
        PackageWriter(tmp_path, loaded.contract) as package,
    ):
        package.append(cells, loaded.inputs)
        package.append({"sources": pl.DataFrame({"wrong": ["x"]})})

    resources = {r.path for r in loaded.contract.resources}
    assert set(files_in(tmp_path)) == resources | {INPUT_LIST_PATH}
    assert not [path for path in open_files() if path.startswith(str(tmp_path))]


def open_files() -> list[str]:
    """The files this process holds open (Linux)."""
    fds = Path("/proc/self/fd")
    if not fds.is_dir():
        pytest.skip("needs /proc/self/fd")
    found = []
    for fd in fds.iterdir():
        try:
            found.append(os.readlink(fd))
        except OSError:
            continue
    return found
