"""`pipeline locate`: where words stand in a source's snapshot, as a ready-to-paste quote row."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click

from pipeline.cli.options import common_options, project_option
from pipeline.cli.report import emit_report
from pipeline.errors import Problem, UsageProblem


@click.command()
@click.argument("source")
@click.argument("words")
@click.option(
    "--figure",
    metavar="FIGURE_ID",
    default=None,
    help="Add the hit's quote row, supporting this figure, to the source's quotes.csv.",
)
@click.option(
    "--statement",
    metavar="STATEMENT_ID",
    default=None,
    help="Add the hit's quote row, supporting this statement, to the source's quotes.csv.",
)
@click.option(
    "--speaker",
    metavar="ACTOR_ID",
    default=None,
    help="With --figure or --statement: who says the words.",
)
@click.option(
    "--attribution",
    type=click.Choice(["direct", "paraphrase"]),
    default=None,
    help="With --figure or --statement: direct (inside quotation marks) or paraphrase.",
)
@project_option
@common_options
@click.pass_context
def locate(
    ctx: click.Context,
    source: str,
    words: str,
    figure: str | None,
    statement: str | None,
    speaker: str | None,
    attribution: str | None,
    project: Path,
):
    """Find WORDS in a snapshot and print each hit as a quote row.

    SOURCE is a source_id (its snapshot is raw/sources/SOURCE/snapshot.txt) or
    the path of a snapshot file. The words are looked for exactly, then
    ignoring differences in quote marks, dashes and white space (which it says).
    Each hit comes with its paragraph, offsets, context, the numbers and
    qualifiers in it, and a quote row in the contract's column order. More than
    one hit is reported as ambiguous; past 20, only how many more there are.
    A hit never splits a character: it takes in an accent (a combining mark)
    or the rest of an emoji sequence next to the words. Exit 1 when the words
    are not there.

    With --figure (or --statement), the one hit's row is added to the end of
    raw/sources/SOURCE/quotes.csv with that claim (and --speaker, --attribution
    when given): the file keeps its bytes, header and line endings. Refused when
    the words stand in several places or the same quote is already there.
    """
    from pipeline.authoring.locate import csv_line, next_quote_id, quote_row, snapshot_of
    from pipeline.authoring.locate import locate as find
    from pipeline.contract.model import load_contract
    from pipeline.files import read_text
    from pipeline.project import Project, display_path

    paths = Project(project)
    snapshot, source_id = snapshot_of(source, paths.snapshots)
    display = display_path(snapshot)
    contract = load_contract(paths.contract, display_path(paths.contract))
    located = find(read_text(snapshot, display, allow_bom=False), words, display)
    quote_id = next_quote_id(snapshot.parent / "quotes.csv", source_id) if source_id else None
    rows = [quote_row(contract, source_id, hit, quote_id) for hit in located.hits]
    added = None
    if figure is not None or statement is not None:
        added = _add(paths, source_id, located, rows, (figure, statement, speaker, attribution))
        rows = [added[1]]
    elif speaker is not None or attribution is not None:
        raise UsageProblem(
            [Problem("usage", "--speaker and --attribution go with --figure or --statement")]
        )
    if ctx.meta.get("json_output"):
        emit_report(
            ctx,
            valid=True,
            problems=[],
            snapshot=display,
            source_id=source_id,
            words=words,
            match=located.match,
            differences=located.differences,
            ambiguous=located.ambiguous,
            more_hits=located.more,
            hits=[
                {**_hit_fields(hit), "quote_row": row, "quote_csv": csv_line(row)}
                for hit, row in zip(located.hits, rows, strict=True)
            ],
            **({"added": vars(added[0]) | {"file": added[2]}} if added else {}),
        )
        return
    count = located.count
    how = "exact"
    if located.match != "exact":
        how = "not exact: found only ignoring differences in quote marks, dashes and white space"
    click.echo(f"{display}: {count} hit{'s' * (count != 1)} ({how})")
    for difference in located.differences:
        click.echo(f"  {difference}; the quote row keeps the snapshot's characters")
    if located.ambiguous:
        click.echo(
            f"  ambiguous: the words stand in {count} places; add words to make them unique, or "
            "pick the hit you mean by its context"
        )
    header = ",".join(rows[0])
    for number, (hit, row) in enumerate(zip(located.hits, rows, strict=True), 1):
        page = f"page {hit.page}, " if hit.page else ""
        click.echo(
            f"hit {number}: {page}paragraph {hit.paragraph}, line {hit.line}, column "
            f"{hit.column}; start {hit.start}, end {hit.end}"
        )
        click.echo(f"  context: …{_flat(hit.before)}[[{_flat(hit.text)}]]{_flat(hit.after)}…")
        stated = "; ".join(_number(n) for n in hit.numbers) or "none"
        click.echo(f"  numbers: {stated}")
        click.echo(f"  direction words: {', '.join(hit.directions) or 'none'}")
        click.echo(f"  quote row ({header}):")
        click.echo(csv_line(row))
    if added:
        click.echo(f"added {added[0].quote_id} to {added[2]} as line {added[0].line}")
    if located.more:
        click.echo(
            f"and {located.more} more hit{'s' * (located.more != 1)}, not shown: add words to "
            "make them unique"
        )


def _add(paths, source_id: str | None, located, rows: list[dict], claim: tuple):
    """Add the one hit's row, with its claim, to the source's quotes.csv: (what was
    added, the row, the file as shown)."""
    from pipeline.authoring.quote_rows import add_quote_row, claimed_row
    from pipeline.project import display_path

    if source_id is None:
        raise UsageProblem(
            [
                Problem(
                    "usage",
                    "--figure and --statement add to a source's quotes.csv; give SOURCE "
                    "as a source_id (or its raw/sources/SOURCE/snapshot.txt)",
                )
            ]
        )
    if located.ambiguous:
        raise UsageProblem(
            [
                Problem(
                    "ambiguous",
                    f"the words stand in {located.count} places; nothing added: add "
                    "words until there is one hit",
                )
            ]
        )
    row = claimed_row(rows[0], *claim)
    display = display_path(paths.snapshots / source_id / "quotes.csv")
    return add_quote_row(paths.snapshots, source_id, row, display), row, display


def _flat(text: str) -> str:
    """Context on one line: each line break shown as ⏎, each page break as ␌."""
    flat = text.replace("\r\n", "⏎").replace("\n", "⏎").replace("\r", "⏎")
    return flat.replace("\f", "␌")


def _number(number) -> str:
    unit = " per cent" if number.percent else ""
    hedge = f", qualifier {number.qualifier}" if number.qualifier else ""
    return f"{number.words!r} = {number.value:g}{unit}{hedge}"


def _hit_fields(hit) -> dict:
    """A hit as JSON holds it: each stated number's value (an exact Decimal) as a JSON
    number, a whole one of up to 64 bits exactly (Python writes no int of 4,300 digits)."""
    fields = asdict(hit)
    for number in fields["numbers"]:
        value = number["value"]
        whole = value == value.to_integral_value() and value.adjusted() < 19
        number["value"] = int(value) if whole else float(value)
    return fields
