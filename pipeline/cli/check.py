"""`pipeline check`: check raw/ against the contract without building."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.options import common_options, jobs_option, project_option
from pipeline.cli.report import emit_report, row_counts


@click.command()
@click.option(
    "--re-extract",
    is_flag=True,
    help="Also run each source's recorded extractor on its original (a web page, web "
    "archive or PDF) and report where the text differs from the archived snapshot; "
    "nothing is changed.",
)
@project_option
@jobs_option
@common_options
@click.pass_context
def check(ctx: click.Context, re_extract: bool, project: Path):
    """Check raw/ against the contract without building (fast feedback)."""
    from pipeline.build import check_raw
    from pipeline.errors import InvalidInput
    from pipeline.project import Project

    paths = Project(project)
    results, problems = [], []
    if re_extract:
        from pipeline.check.reextract import re_extract as run_again

        results, problems = run_again(paths.snapshots)
        if not ctx.meta.get("json_output"):
            for result in results:
                click.echo(_said(result))
    try:
        rows = check_raw(paths)
    except InvalidInput as error:
        raise InvalidInput(problems + error.problems) from None
    if problems:
        raise InvalidInput(problems)
    if ctx.meta.get("json_output"):
        extra = {"re_extracted": [vars(r) for r in results]} if re_extract else {}
        emit_report(ctx, valid=True, problems=[], rows=rows, **extra)
        return
    if re_extract and not results:
        click.echo("no source has an original to re-extract (plain-text snapshots only)")
    click.echo(f"raw/ is valid: {row_counts(rows)}")


def _said(result) -> str:
    from pipeline.check.reextract import versions

    outcome = "same text as the snapshot" if result.same else "differs from the snapshot"
    return f"{result.source_id}: {result.original} re-extracted by {versions(result)}: {outcome}"
