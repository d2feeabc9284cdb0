"""Where the time goes: `pipeline build` (or `validate`) of a synthetic corpus under
cProfile, summed by stage (reading, casting, pandera, each semantic check, number
parsing, writing) and listed by function.

    .venv/bin/python benchmarks/profile_stages.py --figures 100000 [--command validate]

cProfile adds a cost to every Python call, so stages made of many small calls
(per-row loops) look slower under it than they are; the wall time without the
profiler is printed too, to scale by.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the synthetic-corpus generator, benchmarks.synth

PANDERA_CHECKS = "pandera/backends/polars/builtin_checks.py"
# (label, module path suffix or "~" for a built-in, function name): cumulative time of each
STAGES = (
    ("load raw/ (all)", "pipeline/load/raw.py", "load_raw"),
    ("  read input files (bytes + SHA-256)", "pipeline/load/raw.py", "read"),
    ("  rows of one CSV file (csv module)", "pipeline/load/tables.py", "add_csv"),
    ("  source.json records (a batch)", "pipeline/load/snapshots.py", "add_source_records"),
    ("  one frame per resource (Arrow strings)", "pipeline/load/tables.py", "table"),
    ("  read + hash + decode snapshots", "pipeline/load/snapshots.py", "read_snapshots"),
    ("check a batch (cast + pandera + semantic)", "pipeline/check/tables.py", "check_batch"),
    ("  cast strings to types", "pipeline/check/tables.py", "cast_table"),
    ("  build pandera schemas", "pipeline/check/schema.py", "dataframe_schema"),
    ("  pandera column checks: pattern", "pipeline/check/schema.py", "_column_test"),
    ("  pandera column checks: enum", PANDERA_CHECKS, "isin"),
    ("  unique keys", "pipeline/check/schema.py", "no_duplicates"),
    ("  foreign keys", "pipeline/check/schema.py", "resolves"),
    ("  problems -> messages", "pipeline/check/tables.py", "translate"),
    ("  semantic: quote_matches_snapshot", "pipeline/check/rules.py", "quote_matches_snapshot"),
    ("  semantic: figure_value_in_quote", "pipeline/check/rules.py", "figure_value_in_quote"),
    ("  semantic: qualifier_matches_quote", "pipeline/check/rules.py", "qualifier_matches_quote"),
    (
        "  semantic: change_direction_matches_quote",
        "pipeline/check/rules.py",
        "change_direction_matches_quote",
    ),
    (
        "  semantic: figure_qualifier_is_quoted",
        "pipeline/check/rules.py",
        "figure_qualifier_is_quoted",
    ),
    ("  semantic: ISO codes, calendar dates (nested test)", "pipeline/check/rules.py", "test"),
    ("  semantic: language_is_iso_639_1", "pipeline/check/rules.py", "language_is_iso_639_1"),
    ("    number parsing: find_numbers", "pipeline/check/numbers.py", "find_numbers"),
    ("    numbers of all quotes at once", "pipeline/check/numbers.py", "stated_numbers"),
    ("    number words: text2num alpha2digit (Rust)", "~", "alpha2digit"),
    ("provenance (hash inputs, git)", "pipeline/assemble/provenance.py", "provenance_record"),
    ("write package (CSV + descriptor)", "pipeline/assemble/package.py", "write_package"),
    ("  write one CSV", "pipeline/assemble/csv.py", "write_csv"),
    ("validate_package (build: of the staged package)", "pipeline/validate.py", "validate_package"),
    ("  frictionless descriptor check", "pipeline/validate.py", "descriptor_problems"),
    ("  file sizes and hashes", "pipeline/validate.py", "file_integrity_problems"),
    ("Data Package profile (frictionless)", "pipeline/check/profile.py", "profile_problems"),
)


def stage_times(stats: pstats.Stats) -> list[tuple[str, int, float]]:
    """(label, calls, cumulative seconds) of each stage function found in the profile."""
    rows = []
    for label, module, name in STAGES:
        calls, seconds = 0, 0.0
        for (file, _, function), (_, ncalls, _, cumulative, _) in stats.stats.items():
            builtin = module == "~" and file == "~" and name in function
            if builtin or (function == name and file.replace("\\", "/").endswith(module)):
                calls += ncalls
                seconds += cumulative
        rows.append((label, calls, seconds))
    return rows


def run_command(argv: list[str]) -> None:
    from pipeline.cli import cli

    try:
        cli.main(argv, standalone_mode=False)
    except SystemExit as exit_:
        if exit_.code:
            raise


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--figures", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--command", choices=("build", "validate"), default="build")
    parser.add_argument("--corpus", type=Path, help="an existing synthetic project to reuse")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="pipeline-profile-"))
    corpus = args.corpus or work / "corpus"
    try:
        if args.corpus is None:
            from benchmarks.synth import synthesize

            synthesize(REPO, corpus, args.figures, args.seed, {})
        build = corpus / "build"
        if args.command == "validate" and not (build / "datapackage.json").is_file():
            run_command(["build", "--project", str(corpus), "--out", str(build)])
        argv = (
            ["build", "--project", str(corpus), "--out", str(work / "build")]
            if args.command == "build"
            else ["validate", str(build), "--snapshots", str(corpus / "raw" / "sources")]
        )
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.runcall(run_command, argv)  # first, so that imports and caches start cold
        profiled = time.perf_counter() - started
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pipeline", *argv], check=True)
        plain = time.perf_counter() - started
    finally:
        shutil.rmtree(work, ignore_errors=True)

    stats = pstats.Stats(profiler)
    print(f"pipeline {args.command}, {args.figures:,} figures (seed {args.seed})")
    print(f"wall time: {plain:.1f} s without the profiler, {profiled:.1f} s under cProfile\n")
    print(f"{'stage (cumulative, summed over calls)':<58} {'calls':>9} {'seconds':>9} {'share':>7}")
    for label, calls, seconds in stage_times(stats):
        share = f"{seconds / profiled:.0%}" if calls else ""
        shown = f"{seconds:9.2f}" if calls else f"{'-':>9}"
        print(f"{label:<58} {calls:>9} {shown} {share:>7}")
    for order in ("tottime", "cumulative"):
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats(order).print_stats(args.top)
        print(f"\n---- top {args.top} functions by {order} ----")
        print(text.getvalue().split("\n\n", 2)[-1].rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
