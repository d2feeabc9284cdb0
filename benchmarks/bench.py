"""The benchmark: `pipeline build` and `pipeline validate` against `frictionless
validate`, side by side, at several corpus sizes, in one run.

Every command runs under `/usr/bin/time -v` (wall time, CPU time, peak memory).
For each size: a synthetic corpus (`python -m benchmarks.synth`); `pipeline build
--formats csv,parquet` of it (every check; the data package, which is what
frictionless validates, and the Parquet files); `pipeline validate` of that build
(quotes checked against the snapshots); `frictionless validate` of the same
build; up to --all-formats-up-to figures, `pipeline build` with every output
format into a folder of its own; and `pipeline check` of a second corpus with
errors planted, against synth.json's list of where they are. Also the start-up
cost (`--help`) and the Kandal package (checked, and built with every format).
Prints a table and writes the results as JSON.

Run it as `benchmarks/run` (which uses .venv/bin/python); the pipeline and
frictionless commands are taken from the folder of the Python running this file.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TIME = "/usr/bin/time"
DEFAULT_SIZES = "10000,100000,1000000"
GRACE_SECONDS = 60  # for a timed-out command to stop after SIGINT
ALL_FORMATS = "build, all formats"
CSV_ONLY = "build, csv only"

# Issue 17's targets: a limit on a ratio (or a peak) measured in the same run.
TARGETS = {
    "validate_vs_frictionless": ("pipeline validate wall time / frictionless validate", 0.07),
    "validate_peak_mb": ("pipeline validate peak memory, MB", 1024),
    "build_vs_frictionless": (
        "pipeline build (every check, CSV and Parquet) wall time / frictionless validate",
        0.2,
    ),
    "build_peak_mb": ("pipeline build (every check, CSV and Parquet) peak memory, MB", 1024),
    "build_growth": ("pipeline build: time at the largest size / time at the size before", 11),
    "validate_growth": ("pipeline validate: time at the largest size / at the size before", 11),
    "planted_errors_found": ("planted errors pipeline check did not report (count)", 0),
    "help_vs_frictionless": ("pipeline --help / frictionless --help wall time", 0.25),
    "kandal_check_vs_frictionless": ("Kandal: pipeline check / frictionless validate", 1.0),
    "kandal_build_vs_frictionless": (
        "Kandal: pipeline build (all outputs) / frictionless validate",
        1.5,
    ),
}
SYNTH = "synthetic corpus"
# Commands run as on a user's machine, where Python caches the bytecode of the
# modules it compiles (an editable install's own modules are compiled on their first
# run, and every step runs warm): a shell that sets PYTHONDONTWRITEBYTECODE would
# make every run of ours recompile pipeline/ (0.05 to 0.1 s) while frictionless,
# compiled when pip installed it, would not.
MEASURED_ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
PLANTED = "check, planted errors"
# one of each kind the generator plants, per source that it plants in
PLANTS = (
    "quote-offset",
    "value-not-in-quote",
    "foreign-key",
    "duplicate-id",
    "bad-area-code",
    "type-error",
)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="benchmarks/run", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default=DEFAULT_SIZES, help="figures per corpus, comma-separated"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic corpora")
    parser.add_argument("--repeat", type=int, default=1, help="runs per step at each size")
    parser.add_argument("--startup-repeat", type=int, default=5, help="runs of the quick steps")
    parser.add_argument("--timeout", type=float, default=1200, help="seconds before a step stops")
    parser.add_argument(
        "--all-formats-up-to",
        type=int,
        default=100_000,
        help="largest size at which the build with every output format is measured too",
    )
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results.json")
    parser.add_argument("--work", type=Path, help="folder for corpora (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the corpora afterwards")
    args = parser.parse_args(argv)
    try:
        args.sizes = sorted({int(s) for s in args.sizes.split(",")})
    except ValueError:
        parser.error(f"--sizes {args.sizes!r}: expected whole numbers separated by commas")
    if not args.sizes or min(args.sizes) < 1:
        parser.error("--sizes: expected at least one size, each at least 1")
    return args


# ---- measuring one command --------------------------------------------------------------


def parse_time_report(text: str) -> dict:
    """Wall and CPU seconds, peak memory and exit status from `/usr/bin/time -v`."""
    fields = dict(
        line.strip().rsplit(": ", 1) for line in text.splitlines() if ": " in line.strip()
    )
    *hours, minutes, seconds = fields["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":")
    wall = int(hours[0] if hours else 0) * 3600 + int(minutes) * 60 + float(seconds)
    user = float(fields["User time (seconds)"])
    system = float(fields["System time (seconds)"])
    signal_match = re.search(r"Command terminated by signal (\d+)", text)
    return {
        "wall_s": round(wall, 3),
        "cpu_s": round(user + system, 3),
        "user_s": user,
        "system_s": system,
        "peak_mb": round(int(fields["Maximum resident set size (kbytes)"]) / 1024, 1),
        "exit": -int(signal_match[1]) if signal_match else int(fields["Exit status"]),
    }


def measure(command: list[str], cwd: Path, timeout: float, log: Path) -> dict:
    """Run command once under /usr/bin/time -v; its output goes to log."""
    report = log.with_suffix(".time")
    shown = " ".join([Path(command[0]).name, *command[1:]]).replace(str(REPO), "<repo>")
    with log.open("wb") as output:
        process = subprocess.Popen(
            [TIME, "-v", "-o", str(report), *command],
            cwd=cwd,
            env=MEASURED_ENVIRONMENT,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # so that a timeout can stop the command's whole group
        )
        timed_out = not finished(process, timeout)
        if timed_out:
            # /usr/bin/time ignores SIGINT: the command stops and time still reports
            # how long it ran and its peak memory so far
            os.killpg(process.pid, signal.SIGINT)
            if not finished(process, GRACE_SECONDS):
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    result = {"command": shown, "log": log.name}
    if report.is_file() and "Exit status" in report.read_text(encoding="utf-8"):
        result.update(parse_time_report(report.read_text(encoding="utf-8")))
    if timed_out:
        result.update({"timed_out": True, "timeout_s": timeout})
    return result


def finished(process: subprocess.Popen, timeout: float) -> bool:
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        return False
    return True


def measure_median(command, cwd, timeout, log: Path, repeat: int) -> dict:
    """The run with the median wall time of `repeat` runs, and every run's wall time."""
    runs = []
    for number in range(repeat):
        runs.append(measure(command, cwd, timeout, log.with_name(f"{log.stem}-{number}.log")))
        if runs[-1].get("timed_out") or runs[-1]["exit"] != 0:
            return runs[-1]
    runs.sort(key=lambda run: run["wall_s"])
    middle = dict(runs[(len(runs) - 1) // 2])
    if repeat > 1:
        middle["walls_s"] = [run["wall_s"] for run in runs]
    return middle


def ok(step: dict | None) -> bool:
    return bool(step) and not step.get("timed_out") and step.get("exit") == 0


def ratio(numerator: dict | None, denominator: dict | None, key: str = "wall_s"):
    if not (ok(numerator) and ok(denominator)) or not denominator[key]:
        return None
    return round(numerator[key] / denominator[key], 3)


# ---- the runs ---------------------------------------------------------------------------


class Bench:
    def __init__(self, args: argparse.Namespace, work: Path):
        self.args = args
        self.work = work
        self.bin = Path(sys.executable).parent  # not resolved: a venv's python is a link
        self.python = sys.executable
        self.pipeline = str(self.bin / "pipeline")
        self.frictionless = str(self.bin / "frictionless")

    def package_folder(self) -> str:
        """Where the pipeline package that the measured commands import lives."""
        done = subprocess.run(
            [self.python, "-c", "import os, pipeline; print(os.path.dirname(pipeline.__file__))"],
            capture_output=True,
            text=True,
            cwd=self.work,
            check=True,
        )
        return done.stdout.strip()

    def step(self, name: str, command: list[str], repeat: int, cwd: Path | None = None) -> dict:
        log = self.work / "logs" / (re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") + ".log")
        result = measure_median(command, cwd or self.work, self.args.timeout, log, repeat)
        state = "timed out" if result.get("timed_out") else f"exit {result.get('exit')}"
        if not ok(result):
            tail = log.with_name(result["log"]).read_text(errors="replace")[-2000:]
            print(f"  {name}: {state}\n{tail}", file=sys.stderr)
        else:
            print(f"  {name}: {result['wall_s']} s, {result['peak_mb']} MB", file=sys.stderr)
        return result

    def size(self, figures: int, skip: str | None) -> dict:
        corpus = f"corpus-{figures}"
        build = f"{corpus}/build"
        steps: dict[str, dict] = {}
        if skip:
            return {"skipped": skip, "steps": steps}
        repeat = self.args.repeat
        seed = str(self.args.seed)
        project = ["--project", str(REPO)]
        # the generator lives in the repository, not the installed package: run from there
        synth = [self.python, "-m", "benchmarks.synth", str(self.work / corpus)]
        synth += ["--figures", str(figures), "--seed", seed]
        steps[SYNTH] = self.step(f"synth {figures}", synth + project, 1, cwd=REPO)
        os.sync()  # the corpus on disk: no build pays for writing it back
        if ok(steps[SYNTH]):
            command = [self.pipeline, "build", "--project", corpus, "--out", build]
            command += ["--formats", "csv,parquet"]
            steps["pipeline build"] = self.step(f"build {figures}", command, repeat)
        if ok(steps.get("pipeline build")):
            command = [self.pipeline, "validate", build, "--snapshots", f"{corpus}/raw/sources"]
            steps["pipeline validate"] = self.step(f"validate {figures}", command, repeat)
            command = [self.frictionless, "validate", f"{build}/datapackage.json"]
            steps["frictionless validate"] = self.step(f"frictionless {figures}", command, repeat)
        if ok(steps.get("pipeline build")) and figures <= self.args.all_formats_up_to:
            command = [self.pipeline, "build", "--project", corpus, "--out", f"{corpus}/build-all"]
            steps[ALL_FORMATS] = self.step(f"build all formats {figures}", command, repeat)
        planted = self.planted(figures) if ok(steps[SYNTH]) else None
        if planted is not None:
            steps[PLANTED] = planted
        return {
            "corpus": corpus_facts(self.work / corpus),
            "steps": steps,
            "ratios": {
                "build_vs_frictionless": ratio(
                    steps.get("pipeline build"), steps.get("frictionless validate")
                ),
                "validate_vs_frictionless": ratio(
                    steps.get("pipeline validate"), steps.get("frictionless validate")
                ),
                "build_peak_vs_frictionless": ratio(
                    steps.get("pipeline build"), steps.get("frictionless validate"), "peak_mb"
                ),
                "all_formats_vs_frictionless": ratio(
                    steps.get(ALL_FORMATS), steps.get("frictionless validate")
                ),
            },
        }

    def planted(self, figures: int) -> dict | None:
        """`pipeline check` of a corpus with errors planted (a few of each kind, one per
        source): the time, and which planted errors it did not report at their file,
        line and code (synth.json lists them). None where the corpus is too small."""
        count = min(20, figures // 60)
        if not count:
            return None
        corpus = self.work / f"corpus-{figures}-planted"
        synth = [self.python, "-m", "benchmarks.synth", str(corpus), "--figures", str(figures)]
        synth += ["--seed", str(self.args.seed), "--project", str(REPO)]
        for kind in PLANTS:
            synth += ["--plant", f"{kind}={count}"]
        made = self.step(f"synth planted {figures}", synth, 1, cwd=REPO)
        if not ok(made):
            return made
        command = [self.pipeline, "check", "--json"]  # in the corpus: paths as synth.json's
        log = self.work / "logs" / f"check-planted-{figures}.log"
        result = measure(command, corpus, self.args.timeout, log)
        manifest = json.loads((corpus / "synth.json").read_text(encoding="utf-8"))
        expected = {(p["file"], p["line"], p["code"]) for p in manifest["planted"]}
        try:
            errors = json.loads(log.read_text(encoding="utf-8"))["errors"]
        except (ValueError, KeyError):
            errors = []
        found = {(e["file"], e["line"], e["code"]) for e in errors}
        result["planted"] = len(expected)
        result["missed"] = len(expected - found)
        if result.get("exit") == 1:  # invalid data is what this step expects
            result["exit"] = 0
        if not self.args.keep:
            shutil.rmtree(corpus, ignore_errors=True)
        return result

    def startup(self) -> dict:
        repeat = self.args.startup_repeat
        steps = {
            "pipeline --help": self.step("pipeline help", [self.pipeline, "--help"], repeat),
            "frictionless --help": self.step(
                "frictionless help", [self.frictionless, "--help"], repeat
            ),
        }
        ratios = {"help_vs_frictionless": ratio(*steps.values())}
        return {"steps": steps, "ratios": ratios}

    def kandal(self) -> dict:
        repeat = self.args.startup_repeat
        build = "kandal/build"
        command = [self.pipeline, "build", "--project", str(REPO), "--out", build]
        steps = {"pipeline build": self.step("kandal build", command, repeat)}
        command = [self.pipeline, "build", "--project", str(REPO), "--out", "kandal/csv"]
        steps[CSV_ONLY] = self.step("kandal build csv", [*command, "--formats", "csv"], repeat)
        command = [self.pipeline, "check", "--project", str(REPO)]
        steps["pipeline check"] = self.step("kandal check", command, repeat)
        if ok(steps["pipeline build"]):
            snapshots = str(REPO / "raw" / "sources")
            command = [self.pipeline, "validate", build, "--snapshots", snapshots]
            steps["pipeline validate"] = self.step("kandal validate", command, repeat)
            command = [self.frictionless, "validate", f"{build}/datapackage.json"]
            steps["frictionless validate"] = self.step("kandal frictionless", command, repeat)
        ratios = {
            "build_vs_frictionless": ratio(
                steps["pipeline build"], steps.get("frictionless validate")
            ),
            "csv_only_vs_frictionless": ratio(steps[CSV_ONLY], steps.get("frictionless validate")),
            "check_vs_frictionless": ratio(
                steps["pipeline check"], steps.get("frictionless validate")
            ),
            "validate_vs_frictionless": ratio(
                steps.get("pipeline validate"), steps.get("frictionless validate")
            ),
        }
        return {"steps": steps, "ratios": ratios}


def corpus_facts(corpus: Path) -> dict:
    facts: dict = {}
    manifest = corpus / "synth.json"
    if manifest.is_file():
        facts["rows"] = json.loads(manifest.read_text(encoding="utf-8"))["rows"]
    facts["raw_mb"] = round(folder_bytes(corpus / "raw") / 2**20, 1)
    if (corpus / "build" / "datapackage.json").is_file():
        facts["package_mb"] = round(folder_bytes(corpus / "build") / 2**20, 1)
    return facts


def folder_bytes(folder: Path) -> int:
    total = 0
    for root, _, names in os.walk(folder):
        total += sum(os.path.getsize(os.path.join(root, name)) for name in names)
    return total


# ---- what the numbers say ---------------------------------------------------------------


def growth(sizes: dict[int, dict]) -> dict:
    """For each step, how its wall time grows against the size, between each two sizes."""
    found: dict[str, list] = {}
    measured = sorted(sizes)
    for small, large in zip(measured, measured[1:], strict=False):
        steps = ("pipeline build", "pipeline validate", "frictionless validate")
        for step in (*steps, ALL_FORMATS):
            before = sizes[small]["steps"].get(step)
            after = sizes[large]["steps"].get(step)
            time_growth = ratio(after, before)
            if time_growth is None:
                continue
            found.setdefault(step, []).append(
                {
                    "from": small,
                    "to": large,
                    "size_growth": round(large / small, 3),
                    "time_growth": time_growth,
                    "vs_linear": round(time_growth / (large / small), 3),
                }
            )
    return found


def targets(sizes: dict[int, dict], grown: dict, startup: dict, kandal: dict) -> dict:
    largest = max(
        (s for s in sizes if ok(sizes[s]["steps"].get("frictionless validate"))), default=None
    )
    measured = {}
    if largest is not None:
        at = sizes[largest]
        measured["validate_vs_frictionless"] = (at["ratios"]["validate_vs_frictionless"], largest)
        measured["validate_peak_mb"] = (at["steps"]["pipeline validate"]["peak_mb"], largest)
        measured["build_vs_frictionless"] = (at["ratios"]["build_vs_frictionless"], largest)
        measured["build_peak_mb"] = (at["steps"]["pipeline build"]["peak_mb"], largest)
    for step, name in (
        ("pipeline build", "build_growth"),
        ("pipeline validate", "validate_growth"),
    ):
        if grown.get(step):
            last = grown[step][-1]
            measured[name] = (last["time_growth"], last["to"])
    planted = [
        (figures, at["steps"][PLANTED])
        for figures, at in sizes.items()
        if ok(at["steps"].get(PLANTED))
    ]
    if planted:
        measured["planted_errors_found"] = (
            sum(step["missed"] for _, step in planted),
            max(figures for figures, _ in planted),
        )
    measured["help_vs_frictionless"] = (startup["ratios"]["help_vs_frictionless"], None)
    measured["kandal_check_vs_frictionless"] = (kandal["ratios"]["check_vs_frictionless"], None)
    measured["kandal_build_vs_frictionless"] = (kandal["ratios"]["build_vs_frictionless"], None)
    report = {}
    for name, (about, limit) in TARGETS.items():
        value, at_size = measured.get(name, (None, None))
        report[name] = {
            "about": about,
            "limit": limit,
            "measured": value,
            "at_figures": at_size,
            "met": None if value is None else value <= limit,
        }
    return report


def machine() -> dict:
    memory = None
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        total = re.search(r"MemTotal:\s+(\d+) kB", meminfo.read_text())
        memory = round(int(total[1]) / 2**20, 1) if total else None
    return {
        "load_average": [round(load, 2) for load in os.getloadavg()],  # other work on the machine
        "cpus": os.cpu_count(),
        "memory_gib": memory,
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def versions(bench: Bench) -> dict:
    found = {}
    for name in ("pipeline", "frictionless"):
        done = subprocess.run(
            [str(bench.bin / name), "--version"], capture_output=True, text=True, check=False
        )
        found[name] = done.stdout.strip() or done.stderr.strip()
    return found


# ---- the table --------------------------------------------------------------------------


def table(results: dict) -> str:
    lines = [
        f"{'figures':>9}  {'step':<22} {'wall s':>8} {'cpu s':>8} {'peak MB':>8}  "
        f"{'vs frictionless':>15}"
    ]

    def rows(label: str, steps: dict, ratios: dict) -> None:
        for step, result in steps.items():
            if result.get("timed_out"):
                so_far = f", {result['peak_mb']:.0f} MB by then" if "peak_mb" in result else ""
                lines.append(
                    f"{label:>9}  {step:<22} stopped after {result['timeout_s']:g} s{so_far}"
                )
                continue
            if not ok(result):
                lines.append(f"{label:>9}  {step:<22} failed (exit {result['exit']})")
                continue
            versus = ""
            if step == "pipeline build":
                versus = ratios.get("build_vs_frictionless")
            elif step == ALL_FORMATS:
                versus = ratios.get("all_formats_vs_frictionless")
            elif step == CSV_ONLY:
                versus = ratios.get("csv_only_vs_frictionless")
            elif step == "pipeline validate":
                versus = ratios.get("validate_vs_frictionless")
            elif step == "pipeline check":
                versus = ratios.get("check_vs_frictionless")
            elif step == PLANTED:
                versus = f"{result['planted'] - result['missed']}/{result['planted']} found"
            elif step == "pipeline --help":
                versus = ratios.get("help_vs_frictionless")
            versus = f"{versus:.3f}x" if isinstance(versus, float) else (versus or "")
            lines.append(
                f"{label:>9}  {step:<22} {result['wall_s']:>8.2f} {result['cpu_s']:>8.2f} "
                f"{result['peak_mb']:>8.0f}  {versus:>15}"
            )

    for figures, at in results["sizes"].items():
        if at.get("skipped"):
            lines.append(f"{int(figures):>9,}  skipped: {at['skipped']}")
        rows(f"{int(figures):,}", at["steps"], at.get("ratios", {}))
    rows("start-up", results["startup"]["steps"], results["startup"]["ratios"])
    rows("Kandal", results["kandal"]["steps"], results["kandal"]["ratios"])
    lines.append("")
    for step, changes in results["growth"].items():
        for change in changes:
            lines.append(
                f"growth {step}: {change['from']:,} -> {change['to']:,} figures "
                f"(x{change['size_growth']:g}): time x{change['time_growth']:g} "
                f"({change['vs_linear']:g} of linear)"
            )
    lines += [f"stopped: {note}" for note in results["stopped"]]
    lines.append("")
    for name, target in results["targets"].items():
        state = {True: "met", False: "NOT met", None: "not measured"}[target["met"]]
        at = f" at {target['at_figures']:,} figures" if target["at_figures"] else ""
        lines.append(f"target {name}: {target['measured']} (limit {target['limit']}{at}): {state}")
    return "\n".join(lines)


# ---- the whole run ----------------------------------------------------------------------


def run(args: argparse.Namespace, work: Path) -> dict:
    machine_before = machine()
    bench = Bench(args, work)
    (work / "logs").mkdir(parents=True, exist_ok=True)
    # as after a first run: the pipeline's own bytecode cached (see MEASURED_ENVIRONMENT)
    subprocess.run(
        [bench.python, "-m", "compileall", "-q", str(Path(bench.package_folder()))],
        env=MEASURED_ENVIRONMENT,
        check=False,
    )
    sizes: dict[int, dict] = {}
    stopped = None
    for figures in args.sizes:
        print(f"{figures:,} figures", file=sys.stderr)
        sizes[figures] = bench.size(figures, stopped)
        build = sizes[figures]["steps"].get("pipeline build")
        if build is not None and not ok(build) and stopped is None:
            stopped = f"pipeline build did not finish at {figures:,} figures"
        if not args.keep:
            shutil.rmtree(work / f"corpus-{figures}", ignore_errors=True)
    print("start-up and Kandal", file=sys.stderr)
    startup = bench.startup()
    kandal = bench.kandal()
    grown = growth(sizes)
    return {
        "about": "pipeline build and validate against frictionless validate (benchmarks/bench.py)",
        "command": "benchmarks/run " + " ".join(sys.argv[1:]),
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": {**machine_before, "load_average_after": machine()["load_average"]},
        "versions": versions(bench),
        "settings": {
            "seed": args.seed,
            "repeat": args.repeat,
            "startup_repeat": args.startup_repeat,
            "timeout_s": args.timeout,
            "all_formats_up_to": args.all_formats_up_to,
        },
        "sizes": {str(figures): at for figures, at in sizes.items()},
        "startup": startup,
        "kandal": kandal,
        "growth": grown,
        "targets": targets(sizes, grown, startup, kandal),
        "stopped": stopped_steps(sizes),
    }


def stopped_steps(sizes: dict[int, dict]) -> list[str]:
    """The steps that ran out of time, with how far they got."""
    notes = []
    for figures, at in sizes.items():
        for step, result in at["steps"].items():
            if result.get("timed_out"):
                peak = (
                    f", peak memory {result['peak_mb']:.0f} MB by then"
                    if "peak_mb" in result
                    else ""
                )
                notes.append(
                    f"{step} at {figures:,} figures: stopped after {result['timeout_s']:g} s{peak}"
                )
        if at.get("skipped"):
            notes.append(f"{figures:,} figures: not run ({at['skipped']})")
    return notes


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if not os.access(TIME, os.X_OK):
        print(f"benchmarks/run needs {TIME} (Debian: apt-get install time)", file=sys.stderr)
        return 2
    if args.work is not None and args.work.exists() and any(args.work.iterdir()):
        print(f"--work {args.work}: expected a new or empty folder", file=sys.stderr)
        return 2
    work = args.work or Path(tempfile.mkdtemp(prefix="pipeline-bench-"))
    try:
        results = run(args, work.resolve())
    finally:
        if args.work is None and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(table(results))
    print(f"\nwrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
