"""`pipeline build`: check raw/ and write the package."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline.cli.options import common_options, jobs_option, project_option
from pipeline.cli.report import EXIT_INVALID, emit_report
from pipeline.errors import Problem


@click.command()
@project_option
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder to write the package to  [default: PROJECT/build]",
)
@click.option(
    "--check", is_flag=True, help="Do not write: exit 1 if OUT differs from a fresh build."
)
@click.option(
    "--formats",
    default="all",
    show_default=True,
    help="Outputs to write, comma-separated: csv, parquet, sqlite, schemaorg, dcat, ckan, "
    "annotations, citation, prov, html (the CSVs and datapackage.json are always written).",
)
@click.option(
    "--base-url",
    default=None,
    metavar="URL",
    help="Where the package folder is published (an http(s) URL ending in /): the metadata "
    "files then give every file as an absolute IRI under it  [default: the contract's "
    "homepage; without one, the IRIs are relative paths]",
)
@jobs_option
@common_options
@click.pass_context
def build(
    ctx: click.Context,
    project: Path,
    out: Path | None,
    check: bool,
    formats: str,
    base_url: str | None,
):
    """Check raw/ and build the package (default build/).

    The package is written to a staging folder and swapped in only when every
    check passed, so a failed build leaves the previous one untouched. The same
    inputs give byte-identical output. On a terminal, a build that runs longer
    than a second shows a progress bar per stage on standard error.
    """
    from pipeline.build import build_package, check_build
    from pipeline.outputs import parse_formats
    from pipeline.outputs.source import base_url_of
    from pipeline.progress import for_terminal
    from pipeline.project import Project, display_path

    chosen = parse_formats(formats)
    if base_url is not None:
        base_url_of({}, base_url)  # refused before anything is built
    out = out if out is not None else project / "build"
    if check:
        differences = check_build(Project(project), out, chosen, base_url)
        problems = [Problem("stale-build", d, file=display_path(out)) for d in differences]
        emit_report(ctx, valid=not problems, problems=problems)
        if problems:
            ctx.exit(EXIT_INVALID)
        if not ctx.meta.get("json_output"):
            click.echo(f"{display_path(out)} is up to date with a fresh build")
        return
    progress = for_terminal(sys.stderr, quiet=ctx.meta.get("json_output"))
    descriptor = build_package(
        Project(project), out, formats=chosen, progress=progress, base_url=base_url
    )
    if ctx.meta.get("json_output"):
        emit_report(ctx, valid=True, problems=[], out=display_path(out))
        return
    names = ", ".join(r["name"] for r in descriptor["resources"])
    click.echo(
        f"built {display_path(out)}/: {descriptor['name']} {descriptor['version']} ({names})"
    )
    if descriptor.get("outputs"):
        click.echo("and " + ", ".join(item["path"] for item in descriptor["outputs"]))
        for item in descriptor["outputs"]:
            if item.get("note"):
                click.echo(f"{item['path']}: {item['note']}")
    if base_url_of(descriptor, base_url) is None and {"dcat", "ckan"} & set(chosen):
        from pipeline.outputs.dcat import NO_BASE_URL

        click.echo(NO_BASE_URL)
