"""The `pipeline` command: parses options, calls the library, prints.

PipelineGroup.invoke is the one place where our errors become messages and
exit codes: 0 valid, 1 invalid data or failed check, 2 usage error.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from pipeline import __version__
from pipeline.errors import PipelineError, Problem

EXIT_INVALID = 1


def _set_meta(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        ctx.meta[param.name] = True


def jobs_option(command):
    """--jobs: a cap on the threads of the columnar engine (one process does the work)."""
    return click.option(
        "--jobs",
        type=click.IntRange(min=1),
        default=None,
        expose_value=False,
        callback=lambda ctx, param, value: _cap_threads(value),
        help="Threads the columnar engine may use: sets POLARS_MAX_THREADS and Arrow's "
        "CPU and I/O thread counts; the result is the same whatever the count  "
        "[default: the engine's own, a compute thread per CPU]",
    )(command)


def _cap_threads(value: int | None) -> None:
    """Polars reads POLARS_MAX_THREADS once, when it is imported (after this: commands
    import the library in their bodies); Arrow's pools are set directly."""
    if value is None:
        return
    os.environ["POLARS_MAX_THREADS"] = str(value)
    import pyarrow

    pyarrow.set_cpu_count(value)
    pyarrow.set_io_thread_count(value)


def common_options(command):
    """--json and --debug, shared by every command."""
    command = click.option(
        "--debug",
        is_flag=True,
        expose_value=False,
        callback=_set_meta,
        is_eager=True,
        help="Show a traceback for errors.",
    )(command)
    command = click.option(
        "--json",
        "json_output",
        is_flag=True,
        expose_value=False,
        callback=_set_meta,
        is_eager=True,
        help="Print a machine-readable JSON report on stdout.",
    )(command)
    return command


project_option = click.option(
    "--project",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder holding datapackage.json (the contract) and raw/.",
)


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
        where = f" in {len(files)} file{'s' * (len(files) != 1)}" if files else ""
        click.echo(f"{len(problems)} problem{'s' * (len(problems) != 1)}{where}", err=True)


@click.group(cls=PipelineGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pipeline")
def cli():
    """Turn figures transcribed from documents into a validated Frictionless Data Package.

    Every figure is traced to the exact words that state it in an archived snapshot.
    """


@cli.command()
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
    help="Outputs to write, comma-separated: csv, parquet, sqlite, prov, schemaorg, dcat, "
    "ckan, html (the CSVs and datapackage.json are always written).",
)
@jobs_option
@common_options
@click.pass_context
def build(ctx: click.Context, project: Path, out: Path | None, check: bool, formats: str):
    """Check raw/ and build the package (default build/).

    The package is written to a staging folder and swapped in only when every
    check passed, so a failed build leaves the previous one untouched. The same
    inputs give byte-identical output. On a terminal, a build that runs longer
    than a second shows a progress bar per stage on standard error.
    """
    from pipeline.build import Project, build_package, check_build
    from pipeline.paths import display_path
    from pipeline.progress import for_terminal
    from pipeline.writers import parse_formats

    chosen = parse_formats(formats)
    out = out if out is not None else project / "build"
    if check:
        differences = check_build(Project(project), out, chosen)
        problems = [Problem("stale-build", d, file=display_path(out)) for d in differences]
        emit_report(ctx, valid=not problems, problems=problems)
        if problems:
            ctx.exit(EXIT_INVALID)
        if not ctx.meta.get("json_output"):
            click.echo(f"{display_path(out)} is up to date with a fresh build")
        return
    progress = for_terminal(sys.stderr, quiet=ctx.meta.get("json_output"))
    descriptor = build_package(Project(project), out, formats=chosen, progress=progress)
    if ctx.meta.get("json_output"):
        emit_report(ctx, valid=True, problems=[], out=display_path(out))
        return
    names = ", ".join(r["name"] for r in descriptor["resources"])
    click.echo(
        f"built {display_path(out)}/: {descriptor['name']} {descriptor['version']} ({names})"
    )
    if descriptor.get("outputs"):
        click.echo("and " + ", ".join(item["path"] for item in descriptor["outputs"]))


@cli.command()
@project_option
@jobs_option
@common_options
@click.pass_context
def check(ctx: click.Context, project: Path):
    """Check raw/ against the contract without building (fast feedback)."""
    from pipeline.build import Project, check_raw

    _, _, checked = check_raw(Project(project))
    rows = {name: len(frame) for name, frame in checked.frames.items()}
    if ctx.meta.get("json_output"):
        emit_report(ctx, valid=True, problems=[], rows=rows)
        return
    click.echo("raw/ is valid: " + ", ".join(f"{n} {name}" for name, n in rows.items()))


@cli.command()
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
    from pipeline.paths import display_path
    from pipeline.validate import validate_package

    report = validate_package(folder, snapshots)
    emit_report(
        ctx, valid=report.valid, problems=report.problems, skipped=report.skipped, rows=report.rows
    )
    if not report.valid:
        ctx.exit(EXIT_INVALID)
    if not ctx.meta.get("json_output"):
        click.echo(
            f"{display_path(folder)} is a valid package: "
            + ", ".join(f"{n} {name}" for name, n in report.rows.items())
        )


@cli.command()
@project_option
@click.option(
    "--update",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Rewrite the dictionary section of this Markdown file instead of printing.",
)
@common_options
def dictionary(project: Path, update: Path | None):
    """Print the data dictionary (Markdown) generated from the contract."""
    from pipeline.build import Project
    from pipeline.contract import load_contract
    from pipeline.dictionary import dictionary_markdown, replace_section
    from pipeline.files import read_text, write_bytes_atomic
    from pipeline.paths import display_path

    contract_path = Project(project).contract
    markdown = dictionary_markdown(load_contract(contract_path, display_path(contract_path)))
    if update is None:
        click.echo(markdown, nl=False)
        return
    document = read_text(update, display_path(update))
    updated = replace_section(document, markdown, display_path(update))
    write_bytes_atomic(update, updated.encode("utf-8"))
    click.echo(f"updated the data dictionary in {display_path(update)}")


@cli.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--figures",
    type=click.IntRange(min=1),
    default=1000,
    show_default=True,
    help="How many figures.",
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="The same seed, the same bytes."
)
@click.option(
    "--plant",
    "plants",
    multiple=True,
    metavar="KIND=COUNT",
    help="Plant COUNT errors of a KIND (repeatable): quote-offset, value-not-in-quote, "
    "foreign-key, duplicate-id, bad-area-code, type-error.",
)
@project_option
@common_options
@click.pass_context
def synth(ctx: click.Context, folder: Path, figures: int, seed: int, plants, project: Path):
    """Write a synthetic project of N figures into FOLDER (for benchmarks and tests).

    FOLDER gets a copy of the contract and a raw/ tree of article-sized source
    snapshots with their figures, statements and quotes, which passes every
    check unless errors are planted; FOLDER/synth.json lists where they are.
    """
    from pipeline.paths import display_path
    from pipeline.synth import MANIFEST_NAME, synthesize
    from pipeline.synth_plant import parse_plants

    manifest = synthesize(project, folder, figures, seed, parse_plants(plants))
    if ctx.meta.get("json_output"):
        emit_report(ctx, valid=True, problems=[], out=display_path(folder), **manifest)
        return
    rows = ", ".join(f"{n} {name}" for name, n in manifest["rows"].items())
    click.echo(f"wrote {display_path(folder)}/: {rows}")
    if manifest["planted"]:
        click.echo(
            f"planted {len(manifest['planted'])} problem rows, listed in "
            f"{display_path(folder / MANIFEST_NAME)}"
        )


def _register_commands() -> None:
    from pipeline.commands import add_source, diff, locate

    cli.add_command(add_source.add_source)
    cli.add_command(locate.locate)
    cli.add_command(diff.diff)


_register_commands()


def main() -> None:
    try:
        cli.main(standalone_mode=True)
    except Exception as error:  # the last guard: a bug must not look like a user mistake
        if "--debug" in sys.argv:
            raise
        click.echo(
            f"internal error ({type(error).__name__}: {error}); this is a bug in pipeline. "
            "Run again with --debug for the traceback.",
            err=True,
        )
        sys.exit(EXIT_INVALID)
