"""The `pipeline` command: one file per command in this folder, each parsing its
options, calling the library and printing; shared options in options.py; errors
become messages and exit codes in report.py alone.
"""

from __future__ import annotations

import sys

import click

from pipeline import __version__
from pipeline.cli import (
    add_source,
    build,
    check,
    conflicts,
    coverage,
    dictionary,
    diff,
    locate,
    reanchor,
    validate,
)
from pipeline.cli.report import EXIT_INVALID, PipelineGroup


@click.group(cls=PipelineGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pipeline")
def cli():
    """Turn figures transcribed from documents into a validated Frictionless Data Package.

    Every figure is traced to the exact words that state it in an archived snapshot.
    """


for command in (
    build.build,
    check.check,
    validate.validate,
    dictionary.dictionary,
    add_source.add_source,
    locate.locate,
    coverage.coverage,
    diff.diff,
    conflicts.conflicts,
    reanchor.reanchor,
):
    cli.add_command(command)


def main() -> None:
    try:
        cli.main(standalone_mode=True)
    except Exception as error:  # the last guard: a bug must not look like a user mistake
        if "--debug" in sys.argv:
            raise
        click.echo(
            f"internal error ({type(error).__name__}: {error}); this is a bug in pipeline. "
            "Run again with --debug for the traceback.",
            err=True,
        )
        sys.exit(EXIT_INVALID)
