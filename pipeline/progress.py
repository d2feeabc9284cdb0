"""Progress of a long build, shown on a terminal only.

The library reports stages and steps to a Progress; the default one shows
nothing. The CLI passes a TerminalProgress when standard error is a terminal
(never with --json, never into a pipe or a log): one click progress bar per
stage, drawn only once the build has run for a second, so that a small build
prints nothing but its result.
"""

from __future__ import annotations

import time
from typing import TextIO

import click

DELAY_SECONDS = 1.0  # a build shorter than this shows no bar
REDRAWS = 200  # a bar redraws at most this many times


class Progress:
    """Where the library reports progress: a stage of `total` steps, then its steps."""

    def stage(self, label: str, total: int) -> None:
        pass

    def advance(self, steps: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


class TerminalProgress(Progress):
    """One click progress bar per stage on a terminal stream, once DELAY_SECONDS
    have passed since the first stage began."""

    def __init__(self, stream: TextIO, delay: float = DELAY_SECONDS, clock=time.monotonic):
        self.stream, self.delay, self.clock = stream, delay, clock
        self.started: float | None = None
        self.label, self.total, self.done = "", 0, 0
        self.bar = None
        self.fed = 0  # steps given to the bar

    def stage(self, label: str, total: int) -> None:
        self._end_bar()
        if self.started is None:
            self.started = self.clock()
        self.label, self.total, self.done = label, max(total, 1), 0
        self._draw_if_due()

    def advance(self, steps: int = 1) -> None:
        self.done += steps
        if self.bar is not None:
            self._feed(steps)
        else:
            self._draw_if_due()

    def close(self) -> None:
        self._end_bar()

    def _draw_if_due(self) -> None:
        if self.started is None or self.clock() - self.started < self.delay:
            return
        self.bar = click.progressbar(
            length=self.total,
            label=f"{self.label:<24}",
            file=self.stream,
            show_pos=True,
            update_min_steps=max(1, self.total // REDRAWS),
        )
        self.bar.__enter__()
        self.fed = 0
        self._feed(self.done)

    def _feed(self, steps: int) -> None:
        steps = min(steps, self.total - self.fed)
        if steps > 0:
            self.bar.update(steps)
            self.fed += steps

    def _end_bar(self) -> None:
        if self.bar is not None:
            self._feed(self.total - self.fed)  # a stage that ends is complete
            self.bar.__exit__(None, None, None)
            self.bar = None


def for_terminal(stream: TextIO, quiet: bool) -> Progress:
    """A TerminalProgress when stream is an interactive terminal and output is not
    meant for a machine (quiet); otherwise one that shows nothing."""
    if quiet or not stream.isatty():
        return Progress()
    return TerminalProgress(stream, delay=DELAY_SECONDS)
