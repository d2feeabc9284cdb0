"""The Data Package profile check of a descriptor: frictionless, with the network refused.

Importing frictionless and loading its profiles takes about a third of a second,
a fifth of a small package's whole build. With more than one CPU, in a process
that has not loaded frictionless (a command's), the check is done in a process of
its own (pipeline.load_worker), started before the descriptor is known so that it
prepares beside the rest of the work (ProfileCheck).

Only pipeline.errors and pipeline.load_worker are imported with this module, not
pandas: a worker that checks a descriptor is ready sooner than the work beside it ends.
"""

from __future__ import annotations

import sys

from pipeline import load_worker
from pipeline.errors import Problem

# A descriptor whose check loads the profiles a package's check needs (the package's,
# a tabular resource's, a Table Schema's), so that the real one is checked at once.
WARM_UP = {
    "name": "warm-up",
    "resources": [
        {
            "name": "warm-up",
            "path": "warm-up.csv",
            "schema": {"fields": [{"name": "id", "type": "string"}], "primaryKey": ["id"]},
        }
    ],
}


def profile_problems(descriptor: dict, display: str) -> list[Problem]:
    """Data Package profile errors, from frictionless with the network refused."""
    import requests
    from frictionless import Package, system

    class Offline(requests.Session):
        def request(self, method, url, *args, **kwargs):
            raise requests.ConnectionError(f"{url} not fetched: validate works offline")

    with system.use_context(http_session=Offline()):
        report = Package.validate_descriptor(descriptor)
    return [
        Problem(f"descriptor-{kind}", message, file=display)
        for kind, message in report.flatten(["type", "message"])
    ]


def warm_up() -> None:
    """Import frictionless and load the profiles (a worker's preparation)."""
    profile_problems(WARM_UP, "warm-up")


def loaded_here() -> bool:
    """Whether this process has frictionless already (a library caller's, a test run's):
    it checks a descriptor at once, sooner than a worker could start."""
    return "frictionless" in sys.modules


class ProfileCheck:
    """A profile check to come: started (with more than one CPU, and frictionless not
    loaded here, a worker that prepares at once), given a descriptor, then asked for its
    problems; stop() ends the worker, asked or not. Where the worker fails, the check is
    done here: its answer is the same."""

    def __init__(self):
        self.worker = None
        self.given: tuple[dict, str] | None = None
        if load_worker.jobs() > 1 and not loaded_here():
            self.worker = load_worker.prepare(f"{__name__}:warm_up")

    def give(self, descriptor: dict, display: str) -> None:
        """The descriptor to check (once), its file named display in problems."""
        self.given = (descriptor, display)
        if self.worker is not None:
            load_worker.give(self.worker, f"{__name__}:profile_problems", self.given)

    def problems(self) -> list[Problem]:
        """The profile problems of the descriptor given (waiting for the worker's)."""
        if self.worker is not None:
            try:
                return load_worker.result(self.worker)
            except RuntimeError:
                pass
            finally:
                self.stop()
        return profile_problems(*self.given)

    def stop(self) -> None:
        if self.worker is not None:
            load_worker.stop(self.worker)
            self.worker = None

    def __enter__(self) -> ProfileCheck:
        return self

    def __exit__(self, *exception) -> None:
        self.stop()
