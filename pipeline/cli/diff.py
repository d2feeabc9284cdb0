"""`pipeline diff`: what changed between two built packages, and which version bump is due."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from pipeline.cli.options import common_options, project_option_if_found
from pipeline.cli.report import EXIT_INVALID, emit_report
from pipeline.errors import Problem, UsageProblem

WORKING_TREE = "working tree (a fresh build of raw/ and datapackage.json)"


@click.command()
@click.argument("old", default="HEAD")
@click.argument("new", required=False)
@click.option("--markdown", is_flag=True, help="Print Markdown for a pull-request comment.")
@click.option("--exit-code", is_flag=True, help="Exit 1 when anything differs.")
@click.option(
    "--check-version",
    is_flag=True,
    help="Exit 1 when NEW's version is not bumped as far as the changes call for.",
)
@click.option(
    "--update-changelog",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write NEW's release section into this changelog (replacing an older one for it).",
)
@click.option(
    "--check-changelog",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Exit 1 when the version changed and this changelog has no section for NEW's version.",
)
@project_option_if_found
@common_options
@click.pass_context
def diff(
    ctx: click.Context,
    old: str,
    new: str | None,
    markdown: bool,
    exit_code: bool,
    check_version: bool,
    update_changelog: Path | None,
    check_changelog: Path | None,
    project: Path | None,
):
    """Show what changed from OLD to NEW, and the version bump that calls for.

    OLD and NEW are each a folder holding a built package or a git revision,
    whose committed build/ is read (git show REV:build/...; nothing is rebuilt
    or fetched). OLD defaults to HEAD; without NEW, the working tree's raw/ is
    built afresh into a temporary folder and compared. Rows are matched by
    primary key and marked added, removed, changed (old and new value) or
    unchanged.
    """
    from pipeline.project import display_path
    from pipeline.release.changelog import changelog_problems
    from pipeline.release.changelog import update_changelog as write_section
    from pipeline.release.diff import diff_packages
    from pipeline.release.diff_report import changelog_section, diff_dict, diff_markdown, diff_text

    if markdown and ctx.meta.get("json_output"):
        raise UsageProblem([Problem("usage", "--markdown and --json: choose one")])
    with tempfile.TemporaryDirectory(prefix="pipeline-diff-") as temporary:
        before = _load(project, old, Path(temporary))
        after = _load(project, new, Path(temporary))
    result = diff_packages(before, after)
    verdict = result.verdict
    problems = []
    if check_version and not verdict.ok:
        problems.append(Problem("version-not-bumped", f"version: {verdict.message}"))
    if update_changelog is not None:
        if verdict.old == verdict.new:
            raise UsageProblem(
                [
                    Problem(
                        "same-version",
                        f"OLD and NEW are both version {verdict.new}; bump NEW's version "
                        "before writing its changelog section",
                    )
                ]
            )
        write_section(update_changelog, changelog_section(result), str(verdict.new))
    if check_changelog is not None:
        problems += changelog_problems(check_changelog, verdict.new, verdict.old != verdict.new)
    if ctx.meta.get("json_output"):
        emit_report(ctx, valid=not problems, problems=problems, diff=diff_dict(result))
    else:
        click.echo(diff_markdown(result) if markdown else diff_text(result), nl=False)
        if update_changelog is not None:
            click.echo(
                f"wrote the {verdict.new} section of {display_path(update_changelog)}", err=True
            )
        emit_report(ctx, valid=not problems, problems=problems)
    if problems or (exit_code and result.differs):
        ctx.exit(EXIT_INVALID)


def _load(project: Path | None, spec: str | None, temporary: Path):
    """A built package from a folder, a git revision, or (None) a fresh build of the project."""
    from pipeline.build import build_package
    from pipeline.project import Project, find_project
    from pipeline.release.releases import read_package_at_revision, read_package_folder

    if spec is not None and Path(spec).is_dir():
        return read_package_folder(Path(spec))
    project = project if project is not None else find_project(Path("."))  # says to use --project
    if spec is None:
        out = temporary / "build"
        build_package(Project(project), out, check_version=False)
        return read_package_folder(out, WORKING_TREE)
    return read_package_at_revision(project, spec)
