"""The docs keep up with the CLI: every command has help text and a place in the README."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.cli import cli

REPO = Path(__file__).resolve().parents[1]
COMMANDS = sorted(cli.commands)


def test_cli_has_commands_to_document():
    assert {"build", "check", "validate"} <= set(COMMANDS)


def test_cli_group_has_help_text():
    assert cli.help and cli.help.strip()


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help_text(name, run, tmp_path):
    command = cli.commands[name]
    assert command.help and command.help.strip(), f"pipeline {name} has no help text"
    result = run(tmp_path, name, "--help")
    assert result.exit_code == 0, result.output
    assert command.help.strip().splitlines()[0] in result.output


@pytest.mark.parametrize("name", COMMANDS)
def test_command_appears_in_the_readme(name):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"pipeline {name}" in readme, f"README.md does not mention `pipeline {name}`"
