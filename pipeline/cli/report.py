"""Where our errors become messages and exit codes, in one place: 0 valid, 1 invalid
data or failed check, 2 usage error. Human text on standard error by default; the
same as JSON on standard output with --json.
"""

from __future__ import annotations

import json

import click

from pipeline.errors import PipelineError, Problem, counted

EXIT_INVALID = 1


class PipelineGroup(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except PipelineError as error:
            if ctx.meta.get("debug"):  # meta is shared by the whole context tree
                raise
            emit_report(ctx, valid=False, problems=error.problems)
            ctx.exit(error.exit_code)


def emit_report(ctx: click.Context, valid: bool, problems: list[Problem], **extra) -> None:
    """Print problems (stderr) and a summary, or the same as JSON (stdout) with --json."""
    if ctx.meta.get("json_output"):
        report = {"valid": valid, "errors": [p.to_dict() for p in problems], **extra}
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
        return
    for problem in problems:
        click.echo(str(problem), err=True)
    for note in extra.get("skipped", []):
        click.echo(f"note: {note}", err=True)
    if problems:
        files = {p.file or p.resource for p in problems} - {None}  # a usage error has none
        where = f" in {counted(len(files), 'file')}" if files else ""
        click.echo(f"{counted(len(problems), 'problem')}{where}", err=True)


def row_counts(rows: dict[str, int]) -> str:
    """e.g. "1 source, 2 actors": each resource's rows, its name (a plural noun, as the
    contract's resource names are) in the singular for one row."""
    return ", ".join(
        f"{count} {name[:-1] if count == 1 and name.endswith('s') else name}"
        for name, count in rows.items()
    )
