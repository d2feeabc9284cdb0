"""`pipeline conflicts`: the facts on which sources differ, side by side."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.options import common_options, project_option
from pipeline.cli.report import emit_report


@click.command()
@project_option
@common_options
@click.pass_context
def conflicts(ctx: click.Context, project: Path):
    """List the facts on which sources differ, each value with its quotes.

    A fact is an indicator, area, period, reference period, measure, status, whole
    and unit; two sources stating it with different values are both kept (a figure
    is what one source states): nothing is merged or averaged. raw/ is checked
    first, as by `pipeline check`. Exit 0 whether or not sources differ.
    """
    from pipeline.build import raw_conflicts
    from pipeline.check.conflicts import describe
    from pipeline.project import Project

    found = raw_conflicts(Project(project))
    if ctx.meta.get("json_output"):
        emit_report(ctx, valid=True, problems=[], conflicts=found)
        return
    if not found:
        click.echo("no conflicts: no two sources state different values for one fact")
        return
    click.echo(f"{len(found)} fact{'s' * (len(found) != 1)} on which sources differ:")
    for conflict in found:
        click.echo(f"\n{describe(conflict['fact'])}")
        for figure in conflict["figures"]:
            hedge = f" ({figure['qualifier']})" if figure["qualifier"] else ""
            click.echo(
                f"  {figure['source_id']}: {figure['value']}{hedge}, figure "
                f"{figure['figure_id']} ({figure['where']})"
            )
            for quote in figure["quotes"]:
                click.echo(f"    {quote['where']}: {quote['text']!r}")
