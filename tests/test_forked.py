"""Work done aside in a forked copy of the process (pipeline.forked), and the quote
checks' heaviest work done that way: the same problems, in the same order, as when
it is done in the process itself, and done there when the copy fails."""

from __future__ import annotations

import json
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest

import pipeline.checks as checks
import pipeline.load_worker
from pipeline import forked
from pipeline.contract import load_contract
from pipeline.raw import load_raw
from pipeline.synth_plant import KINDS
from pipeline.verify import check_tables
from tests.conftest import REPO

CONTRACT = load_contract(REPO / "datapackage.json", "datapackage.json")


def not_here() -> object:
    raise AssertionError("the work was done here, not in the child")


def test_the_child_answers_by_name_and_each_answer_once():
    child = forked.start(frozenset({"squares", "word"}), lambda: {"squares": np.arange(5) ** 2})

    assert child.names == {"squares", "word"}
    assert child.take("squares", not_here).tolist() == [0, 1, 4, 9, 16]
    assert child.take("squares", lambda: "again") == "again"  # given once, then let go
    assert child.take("word", lambda: "done here") == "done here"  # not answered by the child
    assert not child.answer.exists()


def test_a_child_that_fails_leaves_the_work_to_the_caller():
    def fails() -> dict:
        raise ValueError("broken")

    assert forked.start(frozenset({"x"}), fails).take("x", lambda: 42) == 42


def test_a_child_killed_leaves_the_work_to_the_caller():
    def killed() -> dict:
        os.kill(os.getpid(), 9)
        return {"x": 1}

    assert forked.start(frozenset({"x"}), killed).take("x", lambda: 42) == 42


def test_stop_ends_a_child_still_working(monkeypatch):
    def sleeps() -> dict:
        time.sleep(60)
        return {"x": 1}

    ended = []  # how the child ended, as waitpid tells it
    waitpid = os.waitpid

    def recorded(pid: int, options: int):
        found = waitpid(pid, options)
        ended.append(found[1])
        return found

    child = forked.start(frozenset({"x"}), sleeps)
    monkeypatch.setattr(os, "waitpid", recorded)
    child.stop()
    monkeypatch.undo()

    assert os.WIFSIGNALED(ended[0]) and os.WTERMSIG(ended[0]) == signal.SIGKILL  # not waited for
    with pytest.raises(ChildProcessError):
        os.waitpid(child.pid, os.WNOHANG)  # ended and reaped
    assert not child.answer.exists()
    assert child.take("x", lambda: "here") == "here"


def test_without_fork_nothing_is_started(monkeypatch):
    monkeypatch.delattr(os, "fork")

    assert forked.start(frozenset({"x"}), not_here) is None


def test_a_fork_refused_starts_nothing_and_leaves_no_file(monkeypatch, tmp_path):
    def refused():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refused)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    assert forked.start(frozenset({"x"}), not_here) is None
    assert list(tmp_path.iterdir()) == []


def test_off_linux_nothing_is_started(monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")

    assert forked.start(frozenset({"x"}), not_here) is None


@pytest.fixture(scope="module")
def planted_tree(tmp_path_factory):
    """A synthetic raw/ tree with every kind of error planted, loaded once."""
    from click.testing import CliRunner

    from pipeline.cli import cli

    folder = tmp_path_factory.mktemp("aside") / "corpus"
    plants = [f"--plant={kind}=2" for kind in sorted(KINDS)]
    made = CliRunner().invoke(
        cli, ["synth", str(folder), "--figures", "400", "--project", str(REPO), *plants]
    )
    assert made.exit_code == 0, made.output
    tree = load_raw(folder / "raw", CONTRACT, "raw", jobs=1)
    figures, quotes = tree.tables["figures"].frame, tree.tables["quotes"].frame
    change = figures.index[figures["measure"] == "change"][0]  # its quotes now say otherwise
    value = figures.loc[change, "value"]
    figures.loc[change, "value"] = value[1:] if value.startswith("-") else f"-{value}"
    unqualified = quotes.index[quotes["figure_id"].notna() & quotes["qualifier"].isna()][0]
    quotes.loc[unqualified, "qualifier"] = "about"  # which its text does not say
    manifest = json.loads((folder / "synth.json").read_text(encoding="utf-8"))
    return tree, manifest


def checked(tree, monkeypatch, aside: bool) -> list[dict]:
    monkeypatch.setattr(pipeline.load_worker, "_jobs", 2)  # on a machine of one CPU too
    monkeypatch.setattr(checks, "ASIDE_QUOTES", 0 if aside else 1 << 40)
    return [vars(p) for p in check_tables(CONTRACT, tree.tables, tree.snapshots).problems]


def done_here(monkeypatch) -> list[str]:
    """The names of the aside work done in this process from now on."""
    calls = []
    for name in checks.ASIDE_WORK:
        real = getattr(checks, f"_{name}")

        def counted(frame, context, real=real, name=name):
            calls.append(name)
            return real(frame, context)

        monkeypatch.setattr(checks, f"_{name}", counted)
    return calls


def test_quote_work_done_aside_finds_the_same_problems_in_the_same_order(planted_tree, monkeypatch):
    tree, manifest = planted_tree
    here = done_here(monkeypatch)
    alone = checked(tree, monkeypatch, aside=False)
    assert sorted(here) == sorted(checks.ASIDE_WORK)
    here.clear()

    aside = checked(tree, monkeypatch, aside=True)

    assert here == []  # the child did it
    assert aside == alone
    codes = {p["code"] for p in aside}
    assert {p["code"] for p in manifest["planted"]} <= codes
    # the checks whose work the child did found what was broken for them
    assert {
        "figure-value-in-quote",
        "qualifier-matches-quote",
        "change-direction-matches-quote",
    } <= codes


def test_quote_work_whose_child_fails_is_done_here(planted_tree, monkeypatch):
    tree, _ = planted_tree
    alone = checked(tree, monkeypatch, aside=False)

    def boom(frame, context):
        raise MemoryError("the child ran out")

    monkeypatch.setattr(checks, "ASIDE_WORK", dict.fromkeys(checks.ASIDE_WORK, boom))
    here = done_here(monkeypatch)

    assert checked(tree, monkeypatch, aside=True) == alone
    assert sorted(here) == sorted(checks.ASIDE_WORK)


def test_the_aside_work_names_what_the_checks_share():
    source = Path(checks.__file__).read_text(encoding="utf-8")
    for name in checks.ASIDE_WORK:
        assert f'context.share("{name}"' in source
        assert checks.ASIDE_WORK[name] is getattr(checks, f"_{name}")


def test_quote_work_off_linux_is_done_here(planted_tree, monkeypatch):
    tree, _ = planted_tree
    alone = checked(tree, monkeypatch, aside=False)
    monkeypatch.setattr(sys, "platform", "win32")
    here = done_here(monkeypatch)

    assert checked(tree, monkeypatch, aside=True) == alone
    assert sorted(here) == sorted(checks.ASIDE_WORK)
