"""A process that works for us while we go on: source folders for
pipeline.raw.load_raw, snapshots for `pipeline validate`, half the quote numbers for
pipeline.stated_numbers (where no forked copy works them out, pipeline.forked), the
Data Package profile check (pipeline.descriptor_profile).
Started with this interpreter and told a temporary file, it is given a function
("module:name") and its arguments pickled on its standard input (at once, or once it
has run a preparation: prepare), and writes the function's result pickled into that
file (removed by stop(); by the worker itself where its caller was killed outright).

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
    worker = _spawn(None)
    give(worker, function, arguments)
    return worker


def prepare(preparation: str) -> Worker:
    """A worker that runs preparation ("module:name", no arguments: imports, say) at once
    and then waits to be given its work (give), for work whose arguments are known only
    later but whose preparing can be done beside the caller's own work meanwhile."""
    return _spawn(preparation)


def give(worker: Worker, function: str, arguments: tuple) -> None:
    """The work for a worker: function ("module:name") on arguments."""
    try:
        pickle.dump((function, arguments), worker.process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        worker.process.stdin.close()
    except BrokenPipeError:  # it ended at once: result() says why
        pass


def _spawn(preparation: str | None) -> Worker:
    descriptor, answer = tempfile.mkstemp(prefix="pipeline-worker-", suffix=".pickle")
    os.close(descriptor)
    code = (
        f"import sys; sys.path.insert(0, {PACKAGE_PARENT!r}); import {__name__} as w; "
        f"w.main({preparation!r}, {answer!r}, {os.getpid()})"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONSAFEPATH": "1"},  # no folder of the caller's on sys.path
    )
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


def main(preparation: str | None, answer: str, caller: int) -> None:
    try:
        if preparation is not None:
            _function(preparation)()
        given = sys.stdin.buffer.read()  # at once (once prepared): the caller waits for it
        if not given:  # our input ended with no work: the caller was killed (stop() kills us)
            Path(answer).unlink(missing_ok=True)
            sys.exit("no work was given: the process that started this one is gone")
        function, arguments = pickle.loads(given)
        found = _function(function)(*arguments)
        with open(answer, "wb") as file:
            pickle.dump(found, file, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        remove_if_forsaken(answer, caller)


def remove_if_forsaken(answer: str | Path, caller: int) -> None:
    """Remove a helper's answer file, once its work is done, where the process that
    started the helper (caller) is gone: killed outright (SIGKILL), it ran none of its
    clean-up, and no one else would read or remove the file. A helper whose caller is
    gone has a new parent (not at once: the caller's files close before it is
    reparented, so a helper woken by that cannot tell yet; main's empty input can).
    A caller killed after its helper ended and before it read the answer still leaves
    the file behind."""
    if os.getppid() != caller:
        Path(answer).unlink(missing_ok=True)


def _function(name: str):
    module, function = name.split(":")
    return getattr(importlib.import_module(module), function)
