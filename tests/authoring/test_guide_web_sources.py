"""The guide's section "Starting from a web page or a web archive", done by a test: each
command it shows is run on the practice page and its web archive (made by the tests, the
walkthrough's article inside a news site's page), and what it shows them print is
what they print."""

from __future__ import annotations

import re
import shlex

from tests.authoring.web_sources import URL, fill_in, page, warc
from tests.conftest import REPO, copy_inputs


def section() -> str:
    guide = (REPO / "docs/transcribers-guide.md").read_text(encoding="utf-8")
    start = guide.index("## Starting from a web page or a web archive")
    return guide[start : guide.index("\n## ", start + 1)]


def commands_and_outputs() -> list[tuple[list[str], list[str]]]:
    """Each `pipeline` command of the section's sh blocks, with the lines of the block
    shown after it (what it prints)."""
    blocks = re.findall(r"```(sh)?\n(.*?)```", section(), re.S)
    walk = []
    for kind, text in blocks:
        if kind == "sh":
            walk.append((shlex.split(text.replace("\\\n", " "))[1:], []))
        else:
            walk[-1][1].extend(text.splitlines())
    return walk


def printed(expected: list[str], output: str) -> None:
    """Every line shown is printed; a line cut with … is printed up to there."""
    lines = output.splitlines()
    for line in expected:
        if line.strip() == "…":
            continue
        head = line.split("…")[0]
        assert any(printed_line.startswith(head) for printed_line in lines), line


def test_the_guides_web_page_and_web_archive_commands_print_what_it_shows(run, tmp_path):
    files = {"/tmp/thefts.html": tmp_path / "thefts.html", "/tmp/capture.warc.gz": tmp_path / "c"}
    files["/tmp/thefts.html"].write_bytes(page())
    files["/tmp/capture.warc.gz"].write_bytes(warc({URL: page()}))
    from_page, from_archive = copy_inputs(tmp_path / "page"), copy_inputs(tmp_path / "archive")
    walk = commands_and_outputs()
    assert [args[0] for args, _ in walk] == ["add-source", "add-source", "locate", "check"]

    for args, expected in walk:
        args = [str(files.get(arg, arg)) for arg in args]
        project = from_archive if args[1:2] == [str(files["/tmp/capture.warc.gz"])] else from_page
        if args[0] == "check":
            fill_in(run, project)  # the walkthrough's steps
        result = run(project, *args)
        assert result.exit_code == 0, result.output
        printed(expected, result.stdout)
