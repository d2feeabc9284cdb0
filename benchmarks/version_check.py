"""How much the version rule adds to `pipeline build`: builds of this repository with
and without the check against the build committed at HEAD, alternated in one run.

Run from the repository root: .venv/bin/python benchmarks/version_check.py [ROUNDS]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from pipeline.build import build_package
from pipeline.project import Project


def seconds(project: Project, out: Path, check_version: bool) -> float:
    start = time.perf_counter()
    build_package(project, out, check_version=check_version)
    return time.perf_counter() - start


def main(rounds: int) -> None:
    project = Project(Path("."))
    timings: dict[bool, list[float]] = {True: [], False: []}
    with tempfile.TemporaryDirectory() as temporary:
        out = Path(temporary) / "build"
        seconds(project, out, False)  # warm caches and imports
        for _ in range(rounds):
            for check in (False, True):
                timings[check].append(seconds(project, out, check))
    without, with_check = (statistics.median(timings[c]) for c in (False, True))
    print(f"build without the version check: median {without:.3f} s over {rounds} builds")
    print(f"build with the version check:    median {with_check:.3f} s over {rounds} builds")
    print(f"the check adds {with_check - without:.3f} s ({with_check / without - 1:.0%})")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
