"""The assemble and write stages: the built package's files and its descriptor.

The descriptor is the contract plus what only a build knows: each resource's
size and hash, the creation time and the provenance record.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

import polars as pl

from pipeline.assemble.csv import CsvAppender
from pipeline.assemble.json_text import indented
from pipeline.assemble.provenance import PROVENANCE_KEY, InputList, with_input_list
from pipeline.assemble.spreadsheet import guard_frame, text_fields
from pipeline.contract.dictionary import package_readme
from pipeline.contract.model import Contract, Resource, is_safe_relative_path
from pipeline.errors import InvalidInput, Problem
from pipeline.files import path_inside, write_inside
from pipeline.load.tables import Table
from pipeline.project import DESCRIPTOR_NAME, README_NAME

# Custom descriptor property listing the files beside the CSV resources (see README).
OUTPUTS_KEY = "outputs"


def safe_resource_path(resource: Resource, display: str) -> PurePosixPath:
    """A resource path that stays inside the package folder."""
    if not is_safe_relative_path(resource.path):
        raise InvalidInput(
            [
                Problem(
                    "unsafe-path",
                    f"resource {resource.name} has path {resource.path!r}; expected a relative "
                    "path inside the package folder (no URL, no absolute path, no ..)",
                    file=display,
                    resource=resource.name,
                )
            ]
        )
    return PurePosixPath(resource.path)


def write_json(folder: Path, relative: str, value: dict, display: str | None = None) -> None:
    """Write value as relative in folder (pipeline.files.path_inside: never outside it)."""
    text = indented(value, allow_nan=False) + "\n"
    write_inside(folder, relative, text.encode("utf-8"), display)


def write_package(folder: Path, contract: Contract, tables: dict[str, Table], build_info: dict):
    """Write every resource and the descriptor into folder; returns the descriptor.
    build_info: provenance_record's answer plus, under `input_files`, every input and its
    SHA-256 (pipeline.assemble.provenance.input_files). The package in one batch."""
    info = {key: value for key, value in build_info.items() if key != "input_files"}
    with PackageWriter(folder, contract) as package:
        package.append(
            {name: table.frame for name, table in tables.items()}, build_info["input_files"]
        )
        return package.finish(info)


class PackageWriter:
    """The package written into folder as a build reads raw/, batch by batch: each
    resource's CSV and the input list grow with every batch (nothing of them is held but
    the few top-level inputs: pipeline.assemble.provenance.InputList), and finish writes
    the descriptor and README. The bytes are write_package's on the batches put together.

    with PackageWriter(staging, contract) as package:
        for batch in batches:
            package.append(cells_by_resource, inputs)
        descriptor = package.finish(provenance_record(...))

    Leaving the with block closes the files, finished or not (a failed build's staging
    folder is removed by the build)."""

    def __init__(self, folder: Path, contract: Contract):
        self.folder, self.contract = folder, contract
        self._csvs: dict[str, CsvAppender] = {}
        self._inputs: InputList | None = None
        try:
            for resource in contract.resources:
                target = path_inside(
                    folder, safe_resource_path(resource, contract.file), contract.file
                )
                target.parent.mkdir(parents=True, exist_ok=True)
                self._csvs[resource.name] = CsvAppender(target, resource.field_names)
            self._inputs = InputList(folder)
        except BaseException:
            self.close()
            raise

    def append(
        self, frames: Mapping[str, pl.DataFrame], inputs: Iterable[tuple[str, str]] = ()
    ) -> None:
        """Add one batch. frames: each resource's cells as read (Table.frame: pl.String
        columns in the contract's field order, null where missing), guarded here against
        spreadsheet formulas; a resource with no rows in the batch may be left out or
        given zero rows. inputs: the batch's input files as (path relative to the project,
        SHA-256), in any order (InputList says how batches must come)."""
        for resource in self.contract.resources:
            frame = frames.get(resource.name)
            if frame is not None and frame.height:
                self._csvs[resource.name].append(guard_frame(frame, text_fields(resource)))
        self._inputs.append(inputs)

    def finish(self, build_info: dict) -> dict:
        """Close the CSVs and the input list, write the descriptor and README; returns the
        descriptor. build_info: pipeline.assemble.provenance.provenance_record's answer."""
        stats = {}
        for name, out in self._csvs.items():
            out.close()
            stats[name] = {"bytes": out.size, "hash": f"sha256:{out.sha256}"}
        provenance = with_input_list(build_info[PROVENANCE_KEY], self._inputs.finish())
        build_info = {**build_info, PROVENANCE_KEY: provenance}
        descriptor = built_descriptor(self.contract.descriptor, stats, build_info)
        write_json(self.folder, DESCRIPTOR_NAME, descriptor)
        write_inside(self.folder, README_NAME, package_readme(self.contract).encode("utf-8"))
        return descriptor

    def close(self) -> None:
        for out in self._csvs.values():
            out.close()
        if self._inputs is not None:
            self._inputs.close()

    def __enter__(self) -> PackageWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def built_descriptor(contract: dict, stats: dict, build_info: dict) -> dict:
    descriptor: dict = {}
    for key, value in contract.items():
        if key == "resources":
            continue
        descriptor[key] = copy.deepcopy(value)
        if key == "version":
            descriptor["created"] = build_info["created"]
    descriptor.setdefault("created", build_info["created"])
    resources = []
    for resource in contract["resources"]:
        built = copy.deepcopy(resource)
        built.update(stats[resource["name"]])
        resources.append(built)
    descriptor["resources"] = resources
    descriptor[PROVENANCE_KEY] = build_info[PROVENANCE_KEY]
    return descriptor
