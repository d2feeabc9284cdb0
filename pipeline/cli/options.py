"""Options shared by the commands, each defined once: --project, --json, --debug, --jobs."""

from __future__ import annotations

import os
from pathlib import Path

import click


def _set_meta(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        ctx.meta[param.name] = True


def jobs_option(command):
    """--jobs: a cap on the threads of the columnar engine (one process does the work)."""
    return click.option(
        "--jobs",
        type=click.IntRange(min=1),
        default=None,
        expose_value=False,
        callback=lambda ctx, param, value: _cap_threads(value),
        help="Threads the columnar engine may use: sets POLARS_MAX_THREADS and Arrow's "
        "CPU and I/O thread counts; the result is the same whatever the count  "
        "[default: the engine's own, a compute thread per CPU]",
    )(command)


def _cap_threads(value: int | None) -> None:
    """Polars reads POLARS_MAX_THREADS once, when it is imported (after this: commands
    import the library in their bodies); Arrow's pools are set directly."""
    if value is None:
        return
    os.environ["POLARS_MAX_THREADS"] = str(value)
    import pyarrow

    pyarrow.set_cpu_count(value)
    pyarrow.set_io_thread_count(value)


def common_options(command):
    """--json and --debug, shared by every command."""
    command = click.option(
        "--debug",
        is_flag=True,
        expose_value=False,
        callback=_set_meta,
        is_eager=True,
        help="Show a traceback for errors.",
    )(command)
    command = click.option(
        "--json",
        "json_output",
        is_flag=True,
        expose_value=False,
        callback=_set_meta,
        is_eager=True,
        help="Print a machine-readable JSON report on stdout.",
    )(command)
    return command


def _project_option(needed: bool):
    """--project: the folder given, or the project found upwards from the working folder
    (pipeline.project.find_project); when none is found, a usage error if the command
    needs one (needed), else None (a command that needs it only for some arguments)."""

    def find(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
        from pipeline.errors import UsageProblem
        from pipeline.project import find_project

        if value is not None:
            return value
        try:
            return find_project(Path("."))
        except UsageProblem:
            if needed:
                raise
            return None

    return click.option(
        "--project",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        callback=find,
        help="Folder holding datapackage.json (the contract) and raw/  [default: the nearest "
        "such folder: the working folder or one above it]",
    )


project_option = _project_option(needed=True)
project_option_if_found = _project_option(needed=False)  # diff of two folders needs none
