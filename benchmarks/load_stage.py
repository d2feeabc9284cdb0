"""The load stage alone: `load_raw` of a project (a synthetic corpus from `pipeline
synth`), then the provenance record from the hashes it kept: seconds and peak memory (MB).

    .venv/bin/python benchmarks/load_stage.py /tmp/corpus
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from pipeline.assemble.provenance import input_files, provenance_record
from pipeline.contract.model import load_contract
from pipeline.load.raw import SOURCES_RESOURCE, load_raw


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path, help="folder holding datapackage.json and raw/")
    project = parser.parse_args().project.resolve()
    contract = load_contract(project / "datapackage.json", "datapackage.json", project)
    files = []

    start = time.perf_counter()
    tree = load_raw(project / "raw", contract, "raw", on_file=lambda: files.append(1))
    loaded = time.perf_counter() - start
    rows = {name: len(table.frame) for name, table in tree.tables.items()}
    print(f"load_raw: {loaded:.2f} s, {len(files):,} files, peak {peak_mb():.0f} MB, rows {rows}")

    start = time.perf_counter()
    received = tree.tables[SOURCES_RESOURCE].frame.get_column("received").drop_nulls().to_list()
    provenance_record(project, received)
    listed = len(input_files(project, [project / "datapackage.json"], tree.input_hashes(project)))
    print(f"provenance: {time.perf_counter() - start:.2f} s, {listed:,} files listed")
    print(f"peak memory: {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
