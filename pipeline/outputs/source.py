"""The one table source every writer reads: the built CSVs read back through the
contract, typed, with one row iterator for all sinks, plus the files written so
far (so that metadata can list every download with its size and hash).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urljoin

import polars as pl

from pipeline.check.tables import cast_table
from pipeline.contract.model import Contract, Resource, not_a_folder_url
from pipeline.errors import InvalidInput, Problem, UsageProblem
from pipeline.files import size_and_hash
from pipeline.load.tables import read_csv_table

ISO_DATE = "%Y-%m-%d"  # a date field's text, as the contract's checks let it in


@dataclass(frozen=True)
class PackageFile:
    """One file of the built package, as every metadata format lists it."""

    path: str  # relative to the package folder, POSIX
    format: str  # short format name: csv, parquet, sqlite, json, jsonld, html
    mediatype: str
    title: str
    consumer: str  # who the file is for
    bytes: int | None = None  # None for a file written after the one describing it
    sha256: str | None = None
    resource: str | None = None  # the resource it holds, for per-resource files
    note: str | None = None  # what the file leaves out as not known, and why

    def entry(self) -> dict:
        """The file as an item of the descriptor's `outputs` list."""
        item = {
            "path": self.path,
            "format": self.format,
            "mediatype": self.mediatype,
            "title": self.title,
            "consumer": self.consumer,
        }
        if self.resource is not None:
            item["resource"] = self.resource
        if self.note is not None:
            item["note"] = self.note
        item["bytes"] = self.bytes
        item["hash"] = f"sha256:{self.sha256}"
        return item


def described(folder: Path, file: PackageFile) -> PackageFile:
    """The file with the size and SHA-256 of what was written at its path."""
    size, sha256 = size_and_hash(folder / file.path, file.path, inside=folder)
    return replace(file, bytes=size, sha256=sha256)


@dataclass
class PackageSource:
    """The built package as the writers see it."""

    folder: Path
    contract: Contract
    descriptor: dict  # the built descriptor: contract, created, provenance, sizes and hashes
    frames: dict[str, pl.DataFrame]  # typed, read back from the built CSVs
    snapshots: Mapping[str, str]  # source_id -> snapshot text (empty when not available)
    files: list[PackageFile] = field(default_factory=list)
    base_url: str | None = None  # where the package is published (base_url_of), if known
    formats: tuple[str, ...] = ()  # the formats this build writes (outputs.FORMATS order)
    _by_id: dict[str, dict[str, dict]] = field(default_factory=dict, repr=False)
    _grouped: dict[tuple[str, str], dict[str, list[dict]]] = field(default_factory=dict, repr=False)

    def resource(self, name: str) -> Resource:
        return self.contract.resource(name)

    def iri(self, path: str = "") -> str:
        """A file of the package (its path in the package folder; "" for the folder
        itself) as an absolute IRI under base_url, or, with no base URL known, as the
        relative path (which a consumer resolves against the address it read the
        metadata from, if it does)."""
        return urljoin(self.base_url, path) if self.base_url else path

    def rows(self, name: str) -> Iterator[dict]:
        """Every row of a resource as Python values (None where the cell is empty, dates
        as datetime.date); each row is a fresh dict, which a sink may change."""
        resource = self.resource(name)
        dates = [pl.col(f.name).str.to_date(ISO_DATE) for f in resource.fields if f.type == "date"]
        return (
            self.frames[name].select(resource.field_names).with_columns(dates).iter_rows(named=True)
        )

    def distinct(self, name: str, *field_names: str) -> list:
        """The distinct non-empty values of one field (or tuples of several), in order
        of first appearance."""
        frame = self.frames[name].select(field_names).drop_nulls().unique(maintain_order=True)
        if len(field_names) == 1:
            return frame.to_series().to_list()
        return frame.rows()

    def column(self, name: str, field_name: str) -> list:
        """One field's cells as Python values in row order (None where empty; dates as
        ISO 8601 text, as the CSV holds them)."""
        return self.frames[name][field_name].to_list()

    def records(self, name: str) -> Iterator[tuple]:
        """Every row as a tuple of Python values in field order (None where empty, dates
        as ISO 8601 text), for sinks that take rows in bulk."""
        return self.frames[name].select(self.resource(name).field_names).iter_rows()

    def rows_by_id(self, name: str) -> dict[str, dict]:
        """Rows keyed by their (single-field) primary key; made once, shared by callers
        (who must not change the rows)."""
        if name not in self._by_id:
            (key,) = self.resource(name).primary_key
            self._by_id[name] = {row[key]: row for row in self.rows(name)}
        return self._by_id[name]

    def rows_grouped(self, name: str, key_field: str) -> dict[str, list[dict]]:
        """Rows grouped by the value of one field (rows where it is null left out), in
        row order; made once, shared by callers (who must not change the rows)."""
        if (name, key_field) not in self._grouped:
            groups: dict[str, list[dict]] = {}
            for row in self.rows(name):
                if row[key_field] is not None:
                    groups.setdefault(row[key_field], []).append(row)
            self._grouped[(name, key_field)] = groups
        return self._grouped[(name, key_field)]


def read_back(folder: Path, contract: Contract) -> dict[str, pl.DataFrame]:
    """The CSVs written into folder, read back through the contract's types."""
    frames, problems = {}, []
    for resource in contract.resources:
        display = f"{folder.name}/{resource.path}"
        table = read_csv_table(folder / resource.path, display, resource)
        frames[resource.name], cast_problems = cast_table(resource, table)
        problems += cast_problems
    if problems:  # the CSVs were written from checked tables: this is a bug, said plainly
        raise InvalidInput(problems)
    return frames


def base_url_of(descriptor: dict, given: str | None = None) -> str | None:
    """Where the built package is published, as an absolute http(s) URL of its folder
    (ending in "/"): given (`pipeline build --base-url`), else the contract's `homepage`
    (held to the same rule when the contract is read), else None (unknown: the metadata
    then lists relative IRIs)."""
    if given is None:
        return descriptor.get("homepage")
    if why := not_a_folder_url(given):
        raise UsageProblem([Problem("base-url", f"--base-url {why}")])
    return given


def load_source(
    folder: Path,
    contract: Contract,
    descriptor: dict,
    snapshots: Mapping[str, str],
    frames: dict[str, pl.DataFrame] | None = None,
    base_url: str | None = None,
) -> PackageSource:
    """The package written into folder as the writers see it. frames: the typed tables
    exactly as the CSVs hold them (a build passes the ones it checked and wrote, so that
    nothing is read twice); by default the CSVs are read back. base_url: given to the
    build (base_url_of says which base URL counts)."""
    if frames is None:
        frames = read_back(folder, contract)
    files = [
        PackageFile(
            path=built["path"],
            format=built.get("format", "csv"),
            mediatype=built.get("mediatype", "text/csv"),
            title=f"{built.get('title', built['name'])} (CSV)",
            consumer="any CSV reader; Frictionless tools with datapackage.json",
            bytes=built["bytes"],
            sha256=built["hash"].removeprefix("sha256:"),
            resource=built["name"],
        )
        for built in descriptor["resources"]
    ]
    return PackageSource(
        folder, contract, descriptor, frames, snapshots, files, base_url_of(descriptor, base_url)
    )
