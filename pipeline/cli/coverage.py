"""`pipeline coverage`: how far each source's number mentions are accounted for."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.options import common_options, project_option
from pipeline.cli.report import EXIT_INVALID, emit_report


@click.command()
@click.argument("source", required=False)
@click.option("--open", "show_open", is_flag=True, help="List each open mention, at its place.")
@click.option(
    "--rows",
    is_flag=True,
    help="With --open: print a ready-to-paste mentions.csv row for each open mention (its "
    "reason left empty, for you to fill in).",
)
@click.option(
    "--add",
    is_flag=True,
    help="Append a row for each open mention to the source's mentions.csv, its reason left "
    "empty: `pipeline check` asks for each reason until it is filled in.",
)
@project_option
@common_options
@click.pass_context
def coverage(
    ctx: click.Context, source: str | None, show_open: bool, rows: bool, add: bool, project: Path
):
    """Count each source's number mentions: quoted, set aside, open.

    Every number mention in a snapshot (digits, number words, percentages,
    ordinals, years) is either inside a quote of a figure or set aside in the
    source's mentions.csv with a reason; the rest are open, and `pipeline
    check` reports each. SOURCE: one source_id (default: every source).
    Exit 1 while any mention is open (also just after --add: the rows it
    appends still need their reasons).
    """
    from pipeline.authoring.coverage import source_coverage
    from pipeline.authoring.locate import csv_line
    from pipeline.contract.model import load_contract
    from pipeline.project import Project, display_path

    paths = Project(project)
    contract = load_contract(paths.contract, display_path(paths.contract), paths.root)
    report = source_coverage(paths, contract, source)
    left = sum(len(counted.open) for counted in report)
    if add:
        from pipeline.authoring.coverage import append_open_rows

        for counted in report:
            new = sum(not mention.listed for mention in counted.open)
            if new:
                added = append_open_rows(paths, contract, counted)
                if not ctx.meta.get("json_output"):
                    click.echo(
                        f"appended {new} row{'s' * (new != 1)} to "
                        f"{display_path(added)}: fill in each reason (and a note where it "
                        "helps), then run pipeline check"
                    )
    if ctx.meta.get("json_output"):
        emit_report(ctx, valid=not left, problems=[], sources=[_as_json(c) for c in report])
    else:
        header = ",".join(contract.resource("mentions").field_names)
        for counted in report:
            click.echo(_summary(counted))
            if show_open or rows:
                for mention in counted.open:
                    click.echo(_open_line(counted, mention))
            unlisted = [mention for mention in counted.open if not mention.listed]
            if rows and unlisted:
                click.echo(f"  rows for {counted.source_id}/mentions.csv ({header}):")
                for mention in unlisted:
                    click.echo(csv_line(mention.row))
    if left:
        ctx.exit(EXIT_INVALID)


def _summary(counted) -> str:
    reasons = ", ".join(f"{reason} {n}" for reason, n in sorted(counted.set_aside.items()))
    aside = f"{counted.set_aside_count} set aside" + (f" ({reasons})" if reasons else "")
    return (
        f"{counted.source_id}: {counted.mentions} number mentions: {counted.quoted} quoted, "
        f"{aside}, {len(counted.open)} open"
    )


def _open_line(counted, mention) -> str:
    from pipeline.check.coverage import flat

    place = (
        f"{counted.snapshot}:{mention.line}:{mention.column}" if mention.line else counted.snapshot
    )
    listed = "; its row in mentions.csv has no reason yet" if mention.listed else ""
    return (
        f"  {place}: {mention.text!r} ({mention.start}:{mention.end}) in "
        f"“{flat(mention.before)}[[{flat(mention.text)}]]{flat(mention.after)}”{listed}"
    )


def _as_json(counted) -> dict:
    from dataclasses import asdict

    from pipeline.authoring.locate import csv_line

    return {
        "source_id": counted.source_id,
        "snapshot": counted.snapshot,
        "mentions": counted.mentions,
        "quoted": counted.quoted,
        "set_aside": counted.set_aside_count,
        "set_aside_by_reason": dict(sorted(counted.set_aside.items())),
        "open": len(counted.open),
        "open_mentions": [{**asdict(m), "csv": csv_line(m.row)} for m in counted.open],
    }
