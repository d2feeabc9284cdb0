"""`pipeline add-source`: archive a new source's text and scaffold its record and tables."""

from __future__ import annotations

import datetime
from pathlib import Path

import click

from pipeline.cli.options import common_options, project_option
from pipeline.cli.report import emit_report
from pipeline.errors import Problem, UsageProblem, counted


@click.command("add-source")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--id", "source_id", default=None, help="The source_id  [default: FILE's name]")
@click.option("--url", default=None, help="Where the source was published.")
@click.option("--publisher", default=None, help="Who published the source.")
@click.option("--language", default=None, help="ISO 639-1 code of the text's language.")
@click.option(
    "--received",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day the text was received (YYYY-MM-DD)  [default: today]",
)
@click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="FIELD=VALUE",
    help="Any other field of the sources resource (repeatable), e.g. --set published=2023.",
)
@project_option
@common_options
@click.pass_context
def add_source(
    ctx: click.Context,
    file: Path,
    source_id: str | None,
    url: str | None,
    publisher: str | None,
    language: str | None,
    received: datetime.datetime | None,
    settings: tuple[str, ...],
    project: Path,
):
    """Archive FILE as a new source's snapshot and scaffold its record and tables.

    Copies FILE byte for byte to raw/sources/<source_id>/snapshot.txt (never
    over a different one), records its SHA-256 and size in source.json with
    every field of the sources resource (known values set, the rest null), and
    writes the per-source CSV files with their header rows. Then lists what is
    left to fill in.

    A web page (HTML), a web archive (WARC, or WARC in gzip: give the page's
    --url) or a PDF, told apart by its bytes, is kept byte for byte as
    original.<ext> beside the snapshot, which is the text extracted from it;
    source.json records the original's size and SHA-256, the extractor and its
    settings, and the headline, byline, dates and language the original states,
    each with its basis in the field's note.
    """
    from pipeline.authoring.intake import add_source as add
    from pipeline.authoring.intake import default_source_id
    from pipeline.contract.model import load_contract
    from pipeline.project import Project, display_path

    paths = Project(project)
    contract = load_contract(paths.contract, display_path(paths.contract))
    # `received` is a fact: the day the text entered the project, so today unless told.
    day = (received or datetime.datetime.now()).date().isoformat()
    options = {"url": url, "publisher": publisher, "language": language, "received": day}
    values = parse_settings(settings, options)
    intake = add(paths.raw, contract, file, source_id or default_source_id(file, contract), values)
    folder = display_path(intake.folder)
    if ctx.meta.get("json_output"):
        emit_report(
            ctx,
            valid=True,
            problems=[],
            source_id=intake.source_id,
            folder=folder,
            sha256=intake.sha256,
            bytes=intake.bytes,
            original=_original(intake),
            written=intake.written,
            kept=intake.kept,
            to_fill=[vars(item) for item in intake.to_fill],
            null_with_note=intake.noted,
        )
        return
    click.echo(
        f"source {intake.source_id}: {folder}/ ({counted(intake.bytes, 'byte')}, SHA-256 "
        f"{intake.sha256})"
    )
    if original := _original(intake):
        click.echo(
            f"  extracted by {original['extractor']} from {original['name']} "
            f"({counted(original['bytes'], 'byte')}, SHA-256 {original['sha256']})"
        )
        for name, stated in original["stated"].items():
            click.echo(f"  {name} = {stated['value']} ({stated['basis']})")
    if intake.written:
        click.echo("  wrote: " + ", ".join(intake.written))
    if intake.kept:
        click.echo("  kept as they were (already there, not changed): " + ", ".join(intake.kept))
    if intake.to_fill:
        click.echo(f"still null in {folder}/source.json; fill in what is known:")
        explained = {item.note_field for item in intake.to_fill}
        for item in intake.to_fill:
            if item.field in explained:
                continue  # named with the field it explains
            click.echo(f"  {item.field}: {_need(item)}. {_first_sentence(item.description)}")
    if intake.noted:
        click.echo("null on purpose, each with its note saying why: " + ", ".join(intake.noted))
    click.echo(
        f'next: pipeline locate {intake.source_id} "the exact words" for each quote, fill in the '
        f"CSV files in {folder}/, then pipeline check"
    )


def parse_settings(settings: tuple[str, ...], options: dict[str, str | None]) -> dict[str, str]:
    """--set FIELD=VALUE pairs merged with the named options; a field given twice is an error."""
    values: dict[str, str] = {}
    problems = []
    pairs = [setting.partition("=") for setting in settings]
    pairs += [(name, "=", value) for name, value in options.items() if value is not None]
    for name, sep, value in pairs:
        name = name.strip()
        if not sep or not name:
            problems.append(Problem("set-syntax", f"--set {name}: expected FIELD=VALUE"))
        elif name in values:
            problems.append(Problem("set-twice", f"{name} is given twice; expected it once"))
        values[name] = value
    if problems:
        raise UsageProblem(problems)
    return values


def _original(intake) -> dict | None:
    """The original the snapshot was extracted from, and what it states (field: basis)."""
    extraction = intake.extraction
    if extraction is None:
        return None
    from pipeline.files import hash_bytes

    return {
        "name": extraction.original_name,
        "media_type": extraction.media_type,
        "bytes": len(intake.original),
        "sha256": hash_bytes(intake.original),
        "extractor": extraction.extractor,
        "stated": {name: vars(stated) for name, stated in extraction.stated.items()},
    }


def _need(item) -> str:
    if item.required:
        return "required"
    if item.note_field:
        return f"when known (else keep null and say why in {item.note_field})"
    return "optional"


def _first_sentence(text: str) -> str:
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]
