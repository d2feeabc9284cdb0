"""The build's progress bar: on a terminal only, only once a build has run a while,
one bar per stage; never in a pipe, a log or --json output."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys

import pytest

from pipeline.build import build_package
from pipeline.outputs import FORMATS
from pipeline.progress import Progress, TerminalProgress, for_terminal
from pipeline.project import Project


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_no_bar_before_the_delay_then_one_bar_per_stage():
    terminal, clock = Terminal(), Clock()
    progress = TerminalProgress(terminal, delay=1.0, clock=clock)

    progress.stage("reading raw/", 4)
    progress.advance(2)
    assert terminal.getvalue() == ""  # a quick build prints nothing
    clock.now = 1.5
    progress.advance()
    progress.stage("checking", 1)
    progress.advance()
    progress.close()

    shown = terminal.getvalue()
    assert "reading raw/" in shown and "3/4" in shown and "4/4" in shown
    assert "checking" in shown and "1/1" in shown


def test_only_an_interactive_terminal_gets_a_bar():
    assert type(for_terminal(io.StringIO(), quiet=False)) is Progress
    assert type(for_terminal(Terminal(), quiet=True)) is Progress  # --json
    assert isinstance(for_terminal(Terminal(), quiet=False), TerminalProgress)


def test_a_build_reports_each_stage(project, tmp_path):
    terminal = Terminal()

    build_package(Project(project), tmp_path / "out", progress=TerminalProgress(terminal, delay=0))

    shown = terminal.getvalue()
    for stage in ("reading raw/", "checking", "writing", "checking the package"):
        assert stage in shown
    assert f"{len(FORMATS)}/{len(FORMATS)}" in shown  # the CSVs and every other format


def test_the_cli_draws_no_bar_into_a_pipe(project, run):
    result = run(project, "build")

    assert result.exit_code == 0, result.output
    assert "reading raw/" not in result.stderr and "[" not in result.stderr


@pytest.mark.slow
def test_a_real_terminal_gets_the_bar_and_a_pipe_does_not(project):
    """A real pseudo-terminal for standard error, with a delay of 0 through the
    library, against the same command with standard error piped."""
    code = (
        "import sys; import pipeline.progress as p; p.DELAY_SECONDS = 0; "
        "from pipeline.cli import main; sys.argv = ['pipeline', 'build']; main()"
    )
    leader, follower = pty.openpty()
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=project, stderr=follower, stdout=subprocess.PIPE
    )
    os.close(follower)
    shown = b""
    try:
        while chunk := os.read(leader, 65536):
            shown += chunk
    except OSError:  # the terminal closes once the command has ended
        pass
    os.close(leader)
    piped = subprocess.run(
        [sys.executable, "-c", code], cwd=project, capture_output=True, check=False
    )

    assert done.returncode == 0 and piped.returncode == 0
    assert b"writing" in shown and f"{len(FORMATS)}/{len(FORMATS)}".encode() in shown
    assert b"writing" not in piped.stderr
