"""`pipeline dictionary`: the data dictionary generated from the contract."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.options import common_options, project_option


@click.command()
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
    from pipeline.contract.dictionary import dictionary_markdown, replace_section
    from pipeline.contract.model import load_contract
    from pipeline.files import read_text, write_bytes_atomic
    from pipeline.project import Project, display_path

    contract_path = Project(project).contract
    markdown = dictionary_markdown(load_contract(contract_path, display_path(contract_path)))
    if update is None:
        click.echo(markdown, nl=False)
        return
    document = read_text(update, display_path(update))
    updated = replace_section(document, markdown, display_path(update))
    write_bytes_atomic(update, updated.encode("utf-8"))
    click.echo(f"updated the data dictionary in {display_path(update)}")
