"""`pipeline check`: check raw/ against the contract without building."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.options import common_options, jobs_option, project_option
from pipeline.cli.report import emit_report, row_counts


@click.command()
@project_option
@jobs_option
@common_options
@click.pass_context
def check(ctx: click.Context, project: Path):
    """Check raw/ against the contract without building (fast feedback)."""
    from pipeline.build import check_raw
    from pipeline.project import Project

    rows = check_raw(Project(project))
    if ctx.meta.get("json_output"):
        emit_report(ctx, valid=True, problems=[], rows=rows)
        return
    click.echo(f"raw/ is valid: {row_counts(rows)}")
