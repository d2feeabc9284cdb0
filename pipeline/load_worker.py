"""A process that works for us while we go on: source folders for
pipeline.raw.load_raw, snapshots for `pipeline validate`, half the quote numbers for
pipeline.stated_numbers (where no forked copy works them out, pipeline.forked).
Started with this interpreter, it is given a function ("module:name"), its arguments
and a temporary file pickled on its standard input, and writes the function's result
pickled into that file (removed by stop()).

A process of our own rather than multiprocessing's: spawning one re-imports the
caller's main module, which a script without a main guard cannot survive. A fresh
interpreter rather than a fork: these workers read files and need nothing this
process holds (pipeline.forked is for work on the tables already in memory)."""

from __future__ import annotations

import importlib
import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

PACKAGE_PARENT = str(Path(__file__).resolve().parents[1])  # where this pipeline is imported from


_jobs: int | None = None  # set_jobs: how many processes a job may use


def set_jobs(count: int | None) -> None:
    """How many processes a job may use from now on (None: one per CPU); `--jobs`."""
    global _jobs
    _jobs = count


def jobs() -> int:
    """How many processes a job may use: as set, or one per CPU this process may run on."""
    if _jobs is not None:
        return _jobs
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def start(function: str, arguments: tuple) -> Worker:
    """A worker running function ("module:name") on arguments while the caller goes on."""
    code = f"import sys; sys.path.insert(0, {PACKAGE_PARENT!r}); import {__name__} as w; w.main()"
    descriptor, answer = tempfile.mkstemp(prefix="pipeline-worker-", suffix=".pickle")
    os.close(descriptor)
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONSAFEPATH": "1"},  # no folder of the caller's on sys.path
    )
    try:
        given = (function, arguments, answer)
        pickle.dump(given, process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        process.stdin.close()
    except BrokenPipeError:  # it ended at once: result() says why
        pass
    return Worker(process, Path(answer))


class Worker:
    """A started worker: its process, and the file its answer is written to (a file, not
    a pipe: hundreds of megabytes cross it faster, and the worker need not wait for us
    to read)."""

    def __init__(self, process: subprocess.Popen, answer: Path):
        self.process, self.answer = process, answer


def result(worker: Worker):
    """What the worker found; RuntimeError (with its error output) if it failed."""
    errors = worker.process.stderr.read()
    if worker.process.wait() != 0:
        raise RuntimeError(
            "a process reading files for us failed:\n" + errors.decode("utf-8", "replace")
        )
    with open(worker.answer, "rb") as file:
        return pickle.load(file)


def stop(worker: Worker) -> None:
    if worker.process.poll() is None:
        worker.process.kill()
        worker.process.wait()
    worker.process.stderr.close()
    worker.answer.unlink(missing_ok=True)


def main() -> None:
    given = sys.stdin.buffer.read()  # first: the caller waits until it is read
    function, arguments, answer = pickle.loads(given)
    module, name = function.split(":")
    found = getattr(importlib.import_module(module), name)(*arguments)
    with open(answer, "wb") as file:
        pickle.dump(found, file, protocol=pickle.HIGHEST_PROTOCOL)
