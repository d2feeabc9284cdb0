"""A process that reads some source folders for pipeline.raw.load_raw: started with
this interpreter, given (raw, display root, contract, folders) pickled on its
standard input, and answering with what it read (pipeline.raw.Slice) pickled on its
standard output. A process of our own rather than multiprocessing's: spawning one
re-imports the caller's main module, which a script without a main guard cannot
survive, and forking a process that runs Arrow's threads may hang it."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

PACKAGE_PARENT = str(Path(__file__).resolve().parents[1])  # where this pipeline is imported from


def start(arguments: tuple) -> subprocess.Popen:
    """A worker, already given its folders (it reads them while the caller goes on)."""
    code = f"import sys; sys.path.insert(0, {PACKAGE_PARENT!r}); import {__name__} as w; w.main()"
    worker = subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONSAFEPATH": "1"},  # no folder of the caller's on sys.path
    )
    try:
        pickle.dump(arguments, worker.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        worker.stdin.close()
    except BrokenPipeError:  # it ended at once: result() says why
        pass
    return worker


def result(worker: subprocess.Popen):
    """What the worker read; RuntimeError (with its error output) if it failed."""
    answer = worker.stdout.read()
    errors = worker.stderr.read()
    if worker.wait() != 0 or not answer:
        raise RuntimeError(
            "a process reading source folders failed:\n" + errors.decode("utf-8", "replace")
        )
    return pickle.loads(answer)


def stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.kill()
        worker.wait()
    for stream in (worker.stdout, worker.stderr):
        stream.close()


def main() -> None:
    given = sys.stdin.buffer.read()  # first: the caller waits until it is read
    from pipeline.raw import load_slice

    loaded = load_slice(*pickle.loads(given))
    pickle.dump(loaded, sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)
    sys.stdout.buffer.flush()
