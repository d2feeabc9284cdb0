"""The assemble and write stages: the built package's files and its descriptor.

The descriptor is the contract plus what only a build knows: each resource's
size and hash, the creation time and the provenance record.
"""

from __future__ import annotations

import copy
from pathlib import Path, PurePosixPath

from pipeline.assemble.csv import write_csv
from pipeline.assemble.json_text import indented
from pipeline.assemble.provenance import PROVENANCE_KEY, with_input_list, write_input_list
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
    """Write every resource and the descriptor into folder; returns the descriptor."""
    stats = {}
    for resource in contract.resources:
        relative = safe_resource_path(resource, contract.file)
        target = path_inside(folder, relative, contract.file)
        target.parent.mkdir(parents=True, exist_ok=True)
        frame = guard_frame(tables[resource.name].frame, text_fields(resource))
        size, sha256 = write_csv(frame, resource.field_names, target)
        stats[resource.name] = {"bytes": size, "hash": f"sha256:{sha256}"}
    written = write_input_list(folder, build_info["input_files"])
    provenance = with_input_list(build_info[PROVENANCE_KEY], written)
    build_info = {**build_info, PROVENANCE_KEY: provenance}
    descriptor = built_descriptor(contract.descriptor, stats, build_info)
    write_json(folder, DESCRIPTOR_NAME, descriptor)
    write_inside(folder, README_NAME, package_readme(contract).encode("utf-8"))
    return descriptor


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
