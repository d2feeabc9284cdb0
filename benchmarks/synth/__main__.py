"""`python -m benchmarks.synth FOLDER`: write a synthetic project for benchmarks and
tests (from the repository root). A developer's tool, kept out of the runtime package."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline.cli.options import common_options, project_option
from pipeline.cli.report import PipelineGroup, emit_report


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
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
    from benchmarks.synth import MANIFEST_NAME, synthesize
    from benchmarks.synth.plant import parse_plants
    from pipeline.project import display_path

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


# a group of one command, for the pipeline's own error reporting (located problems,
# exit codes): `python -m benchmarks.synth FOLDER ...` runs `synth FOLDER ...`
runner = PipelineGroup(commands={"synth": synth})


def main() -> None:
    runner.main(["synth", *sys.argv[1:]], prog_name="python -m benchmarks.synth")


if __name__ == "__main__":
    main()
