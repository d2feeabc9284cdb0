"""`pipeline reanchor`: a source's quotes and set-aside mentions moved to a new snapshot of it."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.options import common_options, project_option
from pipeline.cli.report import EXIT_INVALID, emit_report


@click.command()
@click.argument("old")
@click.argument("new")
@click.option(
    "--write",
    is_flag=True,
    help="Append the rows that moved cleanly to NEW's quotes.csv and mentions.csv (never "
    "the others).",
)
@project_option
@common_options
@click.pass_context
def reanchor(ctx: click.Context, old: str, new: str, write: bool, project: Path):
    """Move the quotes of source OLD to the snapshot of source NEW.

    NEW is a new snapshot of the same text (a corrected article, a new capture),
    added with pipeline add-source. Each quote and set-aside mention in
    raw/sources/OLD/ is looked for in NEW's snapshot by its exact words: found
    once, it is moved; found in several places, the place whose surrounding
    words agree with OLD's is taken if one agrees best, else it is ambiguous;
    words no longer there are changed (what NEW has in their place is shown) or
    vanished. Prints a line for each row and exits 1 when any did not move.

    With --write, the rows that moved are appended to NEW's files as rows of
    NEW (new offsets and page, quote ids continuing NEW's); OLD's files are not
    touched, and nothing else is written.
    """
    from pipeline.authoring.reanchor import reanchor as find
    from pipeline.authoring.reanchor import write_moved
    from pipeline.contract.model import load_contract
    from pipeline.project import Project, display_path

    paths = Project(project)
    report = find(paths, old, new)
    if write:
        contract = load_contract(paths.contract, display_path(paths.contract))
        fields = {name: contract.resource(name).field_names for name in ("quotes", "mentions")}
        write_moved(paths, report, fields)
    if ctx.meta.get("json_output"):
        emit_report(
            ctx,
            valid=report.clean,
            problems=[],
            old=old,
            new=new,
            rows=[_as_json(row) for row in report.rows],
            written=report.written,
            figures_to_move=report.figures,
        )
    else:
        _print(report)
    if not report.clean:
        ctx.exit(EXIT_INVALID)


def _print(report) -> None:
    for resource in ("quotes", "mentions"):
        counts = ", ".join(
            f"{report.count(resource, status)} {status}"
            for status in ("moved", "changed", "vanished", "ambiguous")
        )
        click.echo(f"{report.old} -> {report.new}: {resource}: {counts}")
    for row in report.rows:
        click.echo(f"  {row.file}:{row.line}: {row.key} {row.status}: {_said(row)}")
    for file, count in report.written.items():
        click.echo(f"appended {count} moved row{'s' * (count != 1)} to {file}")
    if report.figures:
        click.echo(
            "the moved quotes state figures of "
            f"{report.old} ({', '.join(report.figures)}): a figure is what one source states, "
            f"so copy each into raw/sources/{report.new}/figures.csv with source_id "
            f"{report.new} and an id of its own, and set figure_id in the moved quotes to it "
            "(pipeline check says where until then; pipeline conflicts lists a value the "
            "new text changed)"
        )
    if not report.clean:
        click.echo(
            "rows that did not move are not written: find their words in the new text with "
            f'pipeline locate {report.new} "the words", or leave them to the old source'
        )


def _said(row) -> str:
    start, end = row.old
    if row.status == "moved":
        how = " (the words stand in several places; the words around them chose)"
        return f"{start}:{end} -> {row.new[0]}:{row.new[1]}{how * row.by_context}"
    return f"{start}:{end}: {row.detail}"


def _as_json(row) -> dict:
    return {
        "resource": row.resource,
        "file": row.file,
        "line": row.line,
        "key": row.key,
        "status": row.status,
        "old": {"start": row.old[0], "end": row.old[1]},
        "new": {"start": row.new[0], "end": row.new[1]} if row.new else None,
        "by_context": row.by_context,
        "detail": row.detail,
    }
