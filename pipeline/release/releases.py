"""Built packages as they were released: read from a folder, or from the `build/`
committed at a git revision (read with git), without building anything.

A revision's committed build is what consumers got from it, and CI proves it is
what that revision's inputs build to (`pipeline build --check`), so reading it
needs neither the old code nor a checkout. Either is read as `validate` reads a
package (pipeline.load.package): nothing outside the package is read.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.contract.model import Contract, Resource
from pipeline.errors import InvalidInput, Problem, UsageProblem
from pipeline.files import decode_utf8
from pipeline.load.csv_records import MAX_FIELD_CHARS, field_count_problem, field_too_large
from pipeline.load.package import (
    PackageAtRevision,
    PackageFolder,
    git,
    read_descriptor,
    read_resources,
)
from pipeline.project import BUILD_NAME, DESCRIPTOR_NAME


@dataclass
class BuiltPackage:
    """A package's descriptor and its tables as rows of text cells ("" for null)."""

    label: str  # where it was read from, for people
    descriptor: dict
    tables: dict[str, list[dict[str, str]]]
    files: dict[str, str] = field(default_factory=dict)  # each resource's file, as shown

    @property
    def version(self) -> str | None:
        return self.descriptor.get("version")


def read_package_folder(folder: Path, label: str | None = None) -> BuiltPackage:
    package = PackageFolder(folder)
    return _read_package(package, label or package.root)


def read_package_at_revision(project: Path, revision: str) -> BuiltPackage:
    """The build/ committed at revision (InvalidInput when it has none)."""
    commit = resolve_revision(project, revision)
    if commit is None:
        raise UsageProblem(
            [
                Problem(
                    "unknown-revision",
                    f"{revision!r} is neither a folder holding a built package nor a git "
                    "revision; expected e.g. build, HEAD, main or origin/main",
                )
            ]
        )
    package = _build_at(project, revision, commit)
    if not package.has_descriptor():
        raise InvalidInput(
            [
                Problem(
                    "no-build-at-revision",
                    f"{revision} has no committed {BUILD_NAME}/{DESCRIPTOR_NAME}; expected a "
                    "revision whose build was committed",
                    package.descriptor_display,
                )
            ]
        )
    return _read_package(package, f"{revision}:{BUILD_NAME} ({commit[:12]})")


def committed_build(project: Path, revision: str = "HEAD") -> BuiltPackage | None:
    """The build committed at revision, or None when there is no git, no commit or no build."""
    commit = resolve_revision(project, revision)
    if commit is None:
        return None
    package = _build_at(project, revision, commit)
    if not package.has_descriptor():
        return None
    return _read_package(package, f"{revision}:{BUILD_NAME} ({commit[:12]})")


def _build_at(project: Path, revision: str, commit: str) -> PackageAtRevision:
    return PackageAtRevision(project, commit, BUILD_NAME, f"{revision}:{BUILD_NAME}")


def _read_package(package: PackageFolder | PackageAtRevision, label: str) -> BuiltPackage:
    """A package read by the rules `validate` reads one by (pipeline.load.package)."""
    read = read_descriptor(package)
    files = read_resources(package, read.contract)
    tables = read_tables(read.contract, files)
    shown = {name: display for name, (_, display) in files.items()}
    return BuiltPackage(label, read.descriptor, tables, shown)


def read_tables(contract: Contract, files: dict[str, tuple[bytes, str]]) -> dict:
    """Each resource's rows, as text cells by column name; InvalidInput with the
    problems of every file that is not CSV we can read."""
    tables, problems = {}, []
    previous = csv.field_size_limit(MAX_FIELD_CHARS)  # a process-wide setting
    try:
        for resource in contract.resources:
            data, display = files[resource.name]
            try:
                tables[resource.name] = read_rows(data, display, resource)
            except InvalidInput as error:
                problems += error.problems
    finally:
        csv.field_size_limit(previous)
    if problems:
        raise InvalidInput(problems)
    return tables


def read_rows(data: bytes, display: str, resource: Resource) -> list[dict[str, str]]:
    """A CSV file's records after its header, each with as many cells as the header
    has names. Which columns there are is not checked: a diff compares the columns the
    two packages share."""
    reader = csv.reader(io.StringIO(decode_utf8(data, display), newline=""))
    rows, end = [], 0  # end: the last line of the record before
    try:
        header = next(reader, [])
        end = reader.line_num
        for record in reader:
            if len(record) != len(header) and record:  # [] is a blank line, not a record
                raise InvalidInput(
                    [field_count_problem(record, header, display, end + 1, resource)]
                )
            if record:
                rows.append(dict(zip(header, record, strict=True)))
            end = reader.line_num
    except csv.Error as error:
        raise InvalidInput([_csv_problem(error, display, end + 1, resource)]) from None
    return rows


def _csv_problem(error: csv.Error, display: str, line: int, resource: Resource) -> Problem:
    if "field larger than field limit" in str(error):
        return field_too_large(display, line, resource)
    return Problem(
        "csv-syntax",
        f"malformed CSV in the row starting here: {error}; expected CSV as the build writes it",
        file=display,
        line=line,
        resource=resource.name,
    )


def resolve_revision(project: Path, revision: str) -> str | None:
    done = git(project, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    return done.decode().strip() if done else None
