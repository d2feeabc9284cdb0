"""How much each output adds to a build: times `build_package` with the CSVs only,
with each output format alone, and with all of them, in one run, and prints each
as a ratio to the CSV-only build (ratios, not seconds, compare across machines).

    .venv/bin/python benchmarks/build_formats.py [--repeat N]

Builds a copy of the repository's contract and raw/ in a temporary folder.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from pipeline.build import build_package
from pipeline.outputs import FORMATS
from pipeline.project import Project

REPO = Path(__file__).resolve().parents[1]


def timed(project: Project, out: Path, formats: tuple[str, ...], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        build_package(project, out, formats)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="builds per measurement")
    repeat = parser.parse_args().repeat
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary) / "project"
        root.mkdir()
        shutil.copy2(REPO / "datapackage.json", root / "datapackage.json")
        shutil.copytree(REPO / "raw", root / "raw")
        project, out = Project(root), root / "build"
        build_package(project, out)  # warm up: imports, caches
        cases = [("csv",), *((("csv", name)) for name in FORMATS[1:]), FORMATS]
        base = None
        print(f"{'formats':<60} {'median s':>9} {'x csv':>6}")
        for formats in cases:
            seconds = timed(project, out, formats, repeat)
            base = base or seconds
            label = "all" if formats == FORMATS else ",".join(formats)
            print(f"{label:<60} {seconds:>9.3f} {seconds / base:>6.2f}")


if __name__ == "__main__":
    main()
