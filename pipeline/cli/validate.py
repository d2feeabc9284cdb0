"""`pipeline validate`: validate a built package."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.options import common_options, jobs_option
from pipeline.cli.report import EXIT_INVALID, emit_report, row_counts


@click.command()
@click.argument(
    "folder", required=False, default="build", type=click.Path(file_okay=False, path_type=Path)
)
@click.option(
    "--snapshots",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("raw/sources"),
    show_default=True,
    help="Folder of source snapshots (<source_id>/snapshot.txt) to check quotes against; "
    "skipped with a note when it does not exist.",
)
@jobs_option
@common_options
@click.pass_context
def validate(ctx: click.Context, folder: Path, snapshots: Path):
    """Validate a built package in FOLDER (default build/).

    Checks the descriptor, each file's size and hash, types, constraints, keys
    and the semantic checks, and quotes against their snapshots when present.
    """
    from pipeline.project import display_path
    from pipeline.validate import validate_package

    report = validate_package(folder, snapshots)
    emit_report(
        ctx, valid=report.valid, problems=report.problems, skipped=report.skipped, rows=report.rows
    )
    if not report.valid:
        ctx.exit(EXIT_INVALID)
    if not ctx.meta.get("json_output"):
        click.echo(f"{display_path(folder)} is a valid package: {row_counts(report.rows)}")
