"""Validating a built package: descriptor, file sizes and hashes, then every table
through the same check stage as a build, with quotes checked against their
snapshots when a snapshot folder is given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.contract import Contract, is_safe_relative_path, parse_contract
from pipeline.errors import InvalidInput, Problem
from pipeline.files import hash_file, locate_key, read_json_object
from pipeline.package import DESCRIPTOR_NAME, OUTPUTS_KEY, safe_resource_path
from pipeline.paths import display_path
from pipeline.raw import SOURCES_RESOURCE
from pipeline.snapshots import read_snapshots
from pipeline.tables import read_csv_table
from pipeline.verify import check_tables


@dataclass
class Report:
    problems: list[Problem]
    skipped: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.problems


def validate_package(folder: Path, snapshots: Path | None) -> Report:
    root = display_path(folder)
    descriptor_display = f"{root}/{DESCRIPTOR_NAME}"
    descriptor, text = read_json_object(folder / DESCRIPTOR_NAME, descriptor_display)
    problems = descriptor_problems(descriptor, text, descriptor_display)
    if problems:
        return Report(problems)
    contract = parse_contract(descriptor, text, descriptor_display)
    problems, tables = [], {}
    for resource, built in zip(contract.resources, descriptor["resources"], strict=True):
        display = f"{root}/{resource.path}"
        try:
            path = folder / safe_resource_path(resource, descriptor_display)
            problems += file_integrity_problems(path, display, built, text, descriptor_display)
            tables[resource.name] = read_csv_table(path, display, resource)
        except InvalidInput as error:
            problems += error.problems
    problems += output_problems(folder, descriptor, text, descriptor_display)
    if problems:
        return Report(problems)
    texts, skipped = None, []
    if snapshots is not None and snapshots.is_dir():
        texts, snapshot_problems = read_snapshots(
            snapshots, display_path(snapshots), tables[SOURCES_RESOURCE]
        )
        problems += snapshot_problems
    else:
        skipped.append(
            "quotes were not checked against their snapshots: no snapshot folder "
            f"({display_path(snapshots) if snapshots else 'none given'})"
        )
    checked = check_tables(contract, tables, texts)
    rows = {name: len(frame) for name, frame in checked.frames.items()}
    return Report(problems + checked.problems, skipped, rows)


def descriptor_problems(descriptor: dict, text: str, display: str) -> list[Problem]:
    """Data Package profile errors (frictionless) and contract errors (ours)."""
    from frictionless import Package

    problems = []
    report = Package.validate_descriptor(descriptor)
    for error in report.flatten(["type", "message"]):
        problems.append(Problem(f"descriptor-{error[0]}", error[1], file=display))
    try:
        contract: Contract = parse_contract(descriptor, text, display)
    except InvalidInput as error:
        return problems + error.problems
    for resource, built in zip(contract.resources, descriptor["resources"], strict=True):
        for key in ("bytes", "hash"):
            if key not in built:
                line, column = locate_key(text, resource.name)
                problems.append(
                    Problem(
                        "descriptor-integrity",
                        f"resource {resource.name} has no {key}; expected the built package "
                        "to record each file's bytes and sha256 hash",
                        display,
                        line,
                        column,
                        resource=resource.name,
                    )
                )
    return problems


def file_integrity_problems(
    path: Path, display: str, built: dict, text: str, descriptor_display: str
) -> list[Problem]:
    if not path.is_file():
        return [Problem("missing-file", "resource file not found", file=display)]
    problems = []
    size = path.stat().st_size
    if size != built["bytes"]:
        problems.append(
            Problem(
                "bytes-mismatch",
                f"file is {size} bytes; the descriptor records {built['bytes']}",
                file=display,
                resource=built["name"],
            )
        )
    digest = f"sha256:{hash_file(path)}"
    if digest != built["hash"]:
        problems.append(
            Problem(
                "hash-mismatch",
                f"file has hash {digest}; the descriptor records {built['hash']}",
                file=display,
                resource=built["name"],
            )
        )
    return problems


def output_problems(folder: Path, descriptor: dict, text: str, display: str) -> list[Problem]:
    """Each file in the descriptor's `outputs` list exists with its recorded size and hash."""
    outputs = descriptor.get(OUTPUTS_KEY, [])
    line, column = locate_key(text, OUTPUTS_KEY)
    if not isinstance(outputs, list):
        return [Problem("descriptor-outputs", "outputs must be a list", display, line, column)]
    problems = []
    for index, entry in enumerate(outputs):
        keys_ok = isinstance(entry, dict) and all(k in entry for k in ("path", "bytes", "hash"))
        if not keys_ok or not is_safe_relative_path(entry["path"]):
            problems.append(
                Problem(
                    "descriptor-outputs",
                    f"outputs item {index} must have a path inside the package folder, "
                    "its bytes and its sha256 hash",
                    display,
                    line,
                    column,
                )
            )
            continue
        path = folder / entry["path"]
        where = f"{display_path(folder)}/{entry['path']}"
        problems += file_integrity_problems(path, where, {**entry, "name": None}, text, display)
    return problems
