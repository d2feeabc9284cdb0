"""A command killed outright (SIGKILL: none of its own clean-up runs) leaves no answer
file of its helpers behind in the temporary folder: a worker (pipeline.load_worker)
and a forked copy (pipeline.forked) remove theirs when they find the process that
started them gone, whether they had been given their work or not."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO

LINUX_ONLY = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="pipeline.forked forks on Linux only"
)

# Each caller starts a helper (named helper), then prints its answer file and waits to
# be killed (CALLER).
CALLERS = [
    pytest.param(
        'from pipeline import load_worker\nhelper = load_worker.prepare("time:time")',
        id="a worker prepared, never given work",
    ),
    pytest.param(
        'from pipeline import load_worker\nhelper = load_worker.start("time:sleep", (1,))',
        id="a worker given work it has not finished",
    ),
    pytest.param(
        "from pipeline import forked\n"
        'helper = forked.start(frozenset({"x"}), lambda: (time.sleep(1), {"x": 1})[1])',
        id="a forked copy that has not finished",
        marks=LINUX_ONLY,
    ),
]
CALLER = "import time\n{start}\nprint(helper.answer, flush=True)\ntime.sleep(600)\n"

# How long a killed caller's helper may take to notice and end (it has a second of work
# left): a bound on waiting, not a measure of speed.
PATIENCE_S = 60


@pytest.mark.parametrize("caller", CALLERS)
def test_a_killed_caller_leaves_no_answer_file(caller):
    process = subprocess.Popen(
        [sys.executable, "-c", CALLER.format(start=caller)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    answer = Path(process.stdout.readline().strip())
    assert answer.name.startswith("pipeline-") and answer.exists()

    process.send_signal(signal.SIGKILL)
    process.wait()
    process.stdout.close()
    waited = 0.0
    while answer.exists() and waited < PATIENCE_S:
        time.sleep(0.1)
        waited += 0.1

    assert not answer.exists(), f"{answer} was left behind by the killed caller's helper"
