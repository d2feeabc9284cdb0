"""Helpers for tests that tamper with a built package."""

from __future__ import annotations

import hashlib
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.contract.model import Contract, load_contract

REPO = Path(__file__).resolve().parents[1]


def record_snapshot(folder: Path) -> str:
    """Record a source folder's (edited) snapshot.txt's size and SHA-256 in its
    source.json, keeping the record's layout; the snapshot's text."""
    data = (folder / "snapshot.txt").read_bytes()
    record = folder / "source.json"
    text = record.read_text(encoding="utf-8")
    text = re.sub(r'"bytes": \d+', f'"bytes": {len(data)}', text)
    text = re.sub(r'"sha256": "\w+"', f'"sha256": "{hashlib.sha256(data).hexdigest()}"', text)
    record.write_text(text, encoding="utf-8")
    return data.decode("utf-8")


def append_to_snapshot(folder: Path, added: str) -> str:
    """added written at the end of a source folder's snapshot, recorded in its
    source.json; the snapshot's whole text."""
    snapshot = folder / "snapshot.txt"
    snapshot.write_bytes(snapshot.read_bytes() + added.encode("utf-8"))
    return record_snapshot(folder)


def rehash(package: Path) -> None:
    """Record each resource file's new size and hash in the package's descriptor, as a
    careful forger would, so that validation goes past the integrity check."""
    path = package / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        data = (package / resource["path"]).read_bytes()
        resource["bytes"] = len(data)
        resource["hash"] = f"sha256:{hashlib.sha256(data).hexdigest()}"
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False), encoding="utf-8")


def synth_corpus(folder: Path, *args: str):
    """`python -m benchmarks.synth ARGS` run in folder (through Click's runner): a
    synthetic project for tests, from the generator kept outside the runtime package."""
    from contextlib import chdir

    from click.testing import CliRunner

    from benchmarks.synth.__main__ import runner

    with chdir(folder):
        arguments = ["synth", *map(str, args)]
        return CliRunner().invoke(runner, arguments, catch_exceptions=False)


@dataclass
class Loaded:
    """A synthetic project read and checked as a build reads it, before writing."""

    project: Path
    contract: Contract
    tables: dict  # resource name -> Table (cells as read)
    frames: dict  # resource name -> typed frame as the CSVs hold it (build.as_written)
    record: dict  # provenance_record's answer
    inputs: list[tuple[str, str]]  # every input and its SHA-256, in path order


def load_synthetic(folder: Path, figures: int) -> Loaded:
    """A synthetic project of so many figures in folder, loaded and checked."""
    from pipeline.assemble.provenance import input_files, provenance_record
    from pipeline.build import as_written
    from pipeline.check.keys import Keys
    from pipeline.check.tables import check_batch
    from pipeline.load.raw import load_raw
    from pipeline.load.tables import FilesUnder

    made = synth_corpus(folder, "corpus", "--project", REPO, "--figures", figures)
    assert made.exit_code == 0, made.output
    project = folder / "corpus"
    contract = load_contract(project / "datapackage.json", "datapackage.json", project)
    tree = load_raw(project / "raw", contract, "raw")
    raw = project / "raw"
    keys = Keys(contract, None, FilesUnder("raw", raw, inside=raw))
    checked = check_batch(contract, tree.tables, tree.snapshots, keys)
    assert not tree.problems and not checked.problems and not keys.problems()
    inputs = input_files(project, [project / "datapackage.json"], tree.input_hashes(project))
    return Loaded(
        project,
        contract,
        tree.tables,
        as_written(contract, checked.frames),
        provenance_record(project, set(tree.tables["sources"].frame["received"].drop_nulls())),
        inputs,
    )


def input_batches(inputs: list[tuple[str, str]], folders_per_batch: int) -> list[list]:
    """The inputs as a build hands them over: the top-level ones, then the files of so
    many source folders at a time in name order; each batch shuffled (a fixed seed)."""
    top, folders = [], {}
    for entry in inputs:
        parts = entry[0].split("/")
        if parts[:2] == ["raw", "sources"] and len(parts) > 3:
            folders.setdefault(parts[2], []).append(entry)
        else:
            top.append(entry)
    names = sorted(folders)
    batches = [top]
    for at in range(0, len(names), folders_per_batch):
        batches.append(
            [entry for name in names[at : at + folders_per_batch] for entry in folders[name]]
        )
    shuffler = random.Random(17)
    for batch in batches:
        shuffler.shuffle(batch)
    return batches


def cut_rows(rows: int, sizes: str) -> list[tuple[int, int]]:
    """(offset, length) of consecutive row batches covering rows: `ones` (a row a batch),
    `uneven` (1, 0, 2, 0, 7, 3, 0, ... repeating, the rest in the last), `one` (all)."""
    if sizes == "one":
        return [(0, rows)]
    pattern = [1] if sizes == "ones" else [1, 0, 2, 0, 7, 3, 0, 40]
    cuts, at = [], 0
    while at < rows:
        length = pattern[len(cuts) % len(pattern)]
        cuts.append((at, length))
        at += length
    return [*cuts, (rows, 0)]  # an empty batch at the end too
