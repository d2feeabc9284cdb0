"""The build: load raw/, check it, write the package into a staging folder,
validate what was written, and only then swap it in for the previous build.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pipeline.contract import load_contract
from pipeline.errors import InvalidInput, Problem, fail_if_any
from pipeline.package import DESCRIPTOR_NAME, write_package
from pipeline.paths import display_path
from pipeline.provenance import provenance_record
from pipeline.raw import SOURCES_RESOURCE, RawTree, load_raw
from pipeline.validate import validate_package
from pipeline.verify import check_tables
from pipeline.version_check import version_problems
from pipeline.writers import FORMATS, write_outputs

CONTRACT_NAME = "datapackage.json"
RAW_NAME = "raw"


@dataclass
class Project:
    """The folders a build reads from."""

    root: Path

    @property
    def contract(self) -> Path:
        return self.root / CONTRACT_NAME

    @property
    def raw(self) -> Path:
        return self.root / RAW_NAME

    @property
    def snapshots(self) -> Path:
        return self.raw / "sources"


def check_raw(project: Project):
    """Load and check raw/ against the contract; raise InvalidInput listing every problem."""
    contract = load_contract(project.contract, display_path(project.contract))
    tree = load_raw(project.raw, contract, display_path(project.raw))
    checked = check_tables(contract, tree.tables, tree.snapshots)
    fail_if_any(tree.problems + checked.problems)
    return contract, tree, checked


def build_package(
    project: Project,
    out: Path,
    check_version: bool = True,
    formats: tuple[str, ...] = FORMATS,
) -> dict:
    """Build into out, replacing it only if every check passed. Returns the descriptor.

    check_version: refuse a build whose data changed since the build committed at
    HEAD without the version bump that calls for (pipeline/version_check.py).
    formats: the outputs to write beside the CSVs (pipeline.writers.FORMATS).
    """
    contract, tree, _ = check_raw(project)
    info = provenance_record(project.root, [project.contract, *tree.files], _received(tree))
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-staging-", dir=out.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; the build is for publishing
    try:
        descriptor = write_package(staging, contract, tree.tables, info)
        descriptor = write_outputs(staging, contract, descriptor, tree.snapshots, formats)
        report = validate_package(staging, project.snapshots)
        fail_if_any(report.problems)
        if check_version:
            fail_if_any(version_problems(project.root, staging, project.contract))
        swap_in(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return descriptor


def _received(tree: RawTree) -> list[str]:
    return [str(d) for d in tree.tables[SOURCES_RESOURCE].frame["received"].dropna()]


def swap_in(staging: Path, out: Path) -> None:
    """Replace out by staging with two renames, removing the old build afterwards."""
    if out.exists() and not out.is_dir():
        raise InvalidInput(
            [Problem("out-not-folder", "expected a folder for the build", display_path(out))]
        )
    if not out.exists():
        os.replace(staging, out)
        return
    old = out.with_name(f".{out.name}-old-{os.getpid()}")
    os.replace(out, old)
    os.replace(staging, out)
    shutil.rmtree(old, ignore_errors=True)


def compare_builds(expected: Path, actual: Path) -> list[str]:
    """Relative paths that differ between two build folders (added, removed or changed)."""
    differences = []
    left = _files(expected)
    right = _files(actual)
    for name in sorted(left | right):
        if name not in right:
            differences.append(f"{name}: missing from the fresh build")
        elif name not in left:
            differences.append(f"{name}: missing from {display_path(expected)}")
        elif not filecmp.cmp(expected / name, actual / name, shallow=False):
            differences.append(f"{name}: differs from a fresh build")
    return differences


def _files(folder: Path) -> set[str]:
    if not folder.is_dir():
        return set()
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def check_build(project: Project, out: Path, formats: tuple[str, ...] = FORMATS) -> list[str]:
    """Build afresh in a temporary folder and list how out differs from it."""
    with tempfile.TemporaryDirectory(prefix="pipeline-check-") as temporary:
        fresh = Path(temporary) / "build"
        build_package(project, fresh, formats=formats)
        if not (out / DESCRIPTOR_NAME).is_file():
            return [f"{display_path(out)}: no built package here (run pipeline build)"]
        return compare_builds(out, fresh)
