"""Work done in a forked copy of this process while this one goes on: the copy sees
every table already in memory (the pages are shared until one side writes them), so
nothing is sent to it, and only its answer comes back, pickled through a temporary
file.

Forking a process that has run Arrow's threads is safe with the Arrow we require: its
thread pools and allocators reset themselves in the child (Arrow's at-fork handlers).
The child runs only the work given, with one job (pipeline.load_worker), and ends
with os._exit, so nothing of the parent's (buffers, temporary folders, locks held by
its other threads) is flushed or cleaned up twice. Only on Linux, where this is
tested: Windows has no fork, and macOS's system libraries may not survive one; there
nothing is started and the caller does the work itself.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path

from pipeline import load_worker


class Forked:
    """A forked child working out named answers (a dict); each is taken once."""

    def __init__(self, pid: int, answer: Path, names: frozenset[str]):
        self.pid, self.answer, self.names = pid, answer, names
        self.done, self.answers = False, {}

    def take(self, name: str, work: Callable[[], object]):
        """The child's answer by that name (waiting for the child the first time); if
        the child failed (an error, killed, out of memory), work() done here."""
        if not self.done:
            self.done = True
            _, status = os.waitpid(self.pid, 0)
            if os.waitstatus_to_exitcode(status) == 0:
                with open(self.answer, "rb") as file:
                    self.answers = pickle.load(file)
            self.answer.unlink(missing_ok=True)
        return self.answers.pop(name) if name in self.answers else work()

    def stop(self) -> None:
        """End the child if it is still working, and let go of what it answered."""
        if not self.done:
            self.done = True
            os.kill(self.pid, signal.SIGKILL)  # ours and not yet waited for: still there
            os.waitpid(self.pid, 0)
        self.answers = {}
        self.answer.unlink(missing_ok=True)


def start(names: frozenset[str], work: Callable[[], dict]) -> Forked | None:
    """A child process working out work(), a dict of answers by these names; None where
    this system is not Linux, or no process could be made."""
    if not (sys.platform.startswith("linux") and hasattr(os, "fork")):
        return None
    descriptor, answer = tempfile.mkstemp(prefix="pipeline-forked-", suffix=".pickle")
    parent = os.getpid()
    try:
        with warnings.catch_warnings():
            # Python 3.12 and later warn about forking a process with threads: Arrow's
            # reset themselves in the child, and the child takes no lock the others hold.
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
    except OSError:  # no process to be had (too many, or no memory): the caller works
        os.close(descriptor)
        os.unlink(answer)
        return None
    if pid == 0:  # the child: work, answer, and end without running the parent's exit code
        code = 1
        try:
            load_worker.set_jobs(1)
            with os.fdopen(descriptor, "wb") as file:
                pickle.dump(work(), file, protocol=pickle.HIGHEST_PROTOCOL)
            code = 0
        except BaseException:  # noqa: BLE001 - the parent does the work itself
            pass
        finally:
            try:
                load_worker.remove_if_forsaken(answer, parent)
            finally:
                os._exit(code)  # whatever happens: the child never runs the parent's code
    os.close(descriptor)
    return Forked(pid, Path(answer), names)
