"""Reading a built package that may come from anyone: `validate` and `diff` read a
folder, and `diff` and the build's version check read the build/ committed at a git
revision, all by the same rules. The descriptor must meet our contract and name no
external reference; each resource path stays inside the package; each file read is a
regular file inside it (symlinks followed and checked; in git, a file, not a link),
within the size limits; nothing else is read.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from pipeline.assemble.package import safe_resource_path
from pipeline.contract.model import Contract, Resource, parse_contract
from pipeline.errors import InvalidInput, Problem
from pipeline.files import (
    MAX_BUILT_FILE_BYTES,
    CsvPieces,
    decode_utf8,
    descriptor_limit,
    descriptor_limit_for,
    locate_key,
    parse_json_object,
    read_bytes,
    read_json_object,
    too_large_problem,
)
from pipeline.project import DESCRIPTOR_NAME, display_path

# Data Package v1 profiles that frictionless knows without fetching anything.
STANDARD_PROFILES = (
    "data-package",
    "tabular-data-package",
    "fiscal-data-package",
    "data-resource",
    "tabular-data-resource",
)
# Git's modes for a file's blob (a symlink's is 120000: its text is the link's target).
GIT_FILE_MODES = ("100644", "100755")


@dataclass(frozen=True)
class Descriptor:
    """A package's descriptor that meets our rules: the parsed JSON, its text (to locate
    problems in), the contract in it and how its file is shown."""

    descriptor: dict
    text: str
    contract: Contract
    display: str


class PackageFolder:
    """A built package in a folder of the file system."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.root = display_path(folder)
        self.descriptor_display = f"{self.root}/{DESCRIPTOR_NAME}"

    def descriptor_json(self) -> tuple[dict, str]:
        """The descriptor's JSON object and text (read inside the folder, at most as
        large as the package's other files make plausible)."""
        return read_json_object(
            self.folder / DESCRIPTOR_NAME,
            self.descriptor_display,
            inside=self.folder,
            limit=descriptor_limit(self.folder),
        )

    def resource_file(self, resource: Resource) -> tuple[Path, str]:
        """Where a resource's file is, and how it is shown; InvalidInput for a path
        that leads out of the folder as written."""
        relative = safe_resource_path(resource, self.descriptor_display)
        return self.folder / relative, f"{self.root}/{resource.path}"

    def read_file(self, path: Path, display: str) -> bytes:
        """A file's bytes: a regular file inside the folder, at most MAX_BUILT_FILE_BYTES."""
        return read_bytes(path, display, inside=self.folder, limit=MAX_BUILT_FILE_BYTES)

    def file_pieces(self, path: Path, display: str, piece_bytes: int) -> CsvPieces:
        """A CSV file read a piece at a time (pipeline.files.CsvPieces), with read_file's
        rules: inside the folder, at most MAX_BUILT_FILE_BYTES."""
        return CsvPieces(path, display, self.folder, MAX_BUILT_FILE_BYTES, piece_bytes)

    def resource_bytes(self, resource: Resource) -> tuple[bytes, str]:
        path, display = self.resource_file(resource)
        return self.read_file(path, display), display


class PackageAtRevision:
    """The built package in a folder (build/) as committed at a git revision, read with
    git (the work tree is not looked at). Its files are listed once, with their git
    modes and sizes, so that a link or a folder is refused and a size limit applies
    before a file's bytes are read."""

    def __init__(self, project: Path, commit: str, folder: str, shown: str):
        self.project, self.commit, self.folder = project, commit, folder
        self.root = shown  # e.g. HEAD:build
        self.descriptor_display = f"{shown}/{DESCRIPTOR_NAME}"
        self.entries = _tree_entries(project, commit, folder)

    def has_descriptor(self) -> bool:
        return f"{self.folder}/{DESCRIPTOR_NAME}" in self.entries

    def descriptor_json(self) -> tuple[dict, str]:
        descriptor_path = f"{self.folder}/{DESCRIPTOR_NAME}"
        others = sum(size for path, (_, _, size) in self.entries.items() if path != descriptor_path)
        data = self._read(descriptor_path, self.descriptor_display, descriptor_limit_for(others))
        text = decode_utf8(data, self.descriptor_display)
        return parse_json_object(text, self.descriptor_display), text

    def resource_bytes(self, resource: Resource) -> tuple[bytes, str]:
        relative = safe_resource_path(resource, self.descriptor_display)
        display = f"{self.root}/{resource.path}"
        return self._read(f"{self.folder}/{relative}", display, MAX_BUILT_FILE_BYTES), display

    def _read(self, path: str, display: str, limit: int) -> bytes:
        """A committed file's bytes: a file (not a link, folder or submodule), at most
        limit bytes."""
        entry = self.entries.get(path)
        if entry is None:
            if any(other.startswith(f"{path}/") for other in self.entries):
                raise InvalidInput([_not_a_file(display, "a folder")])
            raise InvalidInput([Problem("missing-file", "file not committed", file=display)])
        mode, blob, size = entry
        if mode not in GIT_FILE_MODES:
            found = "a symlink" if mode == "120000" else "a folder or submodule"
            raise InvalidInput([_not_a_file(display, found)])
        if size > limit:
            raise InvalidInput([too_large_problem(size, limit, display)])
        data = git(self.project, "cat-file", "blob", blob)
        if data is None or len(data) != size:
            raise InvalidInput([Problem("unreadable-file", "git could not read it", file=display)])
        return data


def _not_a_file(display: str, found: str) -> Problem:
    return Problem("not-a-file", f"expected a file, found {found}", file=display)


def _tree_entries(project: Path, commit: str, folder: str) -> dict[str, tuple[str, str, int]]:
    """Every file committed under folder (relative to project), its path (relative to
    project) mapped to its git mode, object name and size; symlinks are listed, not
    followed, and a folder's entries are its files."""
    listing = git(project, "ls-tree", "-r", "-l", "-z", commit, "--", f"{folder}/")
    entries = {}
    for line in (listing or b"").decode("utf-8", "surrogateescape").split("\0"):
        if not line:
            continue
        about, path = line.split("\t", 1)
        mode, _, blob, size = about.split()  # _: blob, tree or commit
        entries[path] = (mode, blob, int(size) if size.isdigit() else 0)
    return entries


def git(project: Path, *args: str) -> bytes | None:
    """What a git command prints in project; None when git fails or is not there."""
    try:
        done = subprocess.run(
            ["git", "-C", str(project), *args], capture_output=True, check=False, timeout=60
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def read_descriptor(package: PackageFolder | PackageAtRevision) -> Descriptor:
    """The package's descriptor, once it meets our rules (InvalidInput with every
    problem of it when it does not). The fields the pipeline's checks read are left to
    validate and build: an older release, or a package being compared, may differ in
    them, and a diff reports that change."""
    descriptor, text = package.descriptor_json()
    display = package.descriptor_display
    problems = descriptor_problems(descriptor, text, display, pipeline_fields=False)
    if problems:
        raise InvalidInput(problems)
    contract = parse_contract(descriptor, text, display, pipeline_fields=False)
    return Descriptor(descriptor, text, contract, display)


def read_resources(
    package: PackageFolder | PackageAtRevision, contract: Contract
) -> dict[str, tuple[bytes, str]]:
    """Each resource's bytes and how its file is shown, by resource name (InvalidInput
    with the problems of every file that cannot be read)."""
    files, problems = {}, []
    for resource in contract.resources:
        try:
            files[resource.name] = package.resource_bytes(resource)
        except InvalidInput as error:
            problems += error.problems
    if problems:
        raise InvalidInput(problems)
    return files


def descriptor_problems(
    descriptor: dict, text: str, display: str, pipeline_fields: bool = True
) -> list[Problem]:
    """Contract errors (ours) first; then, for a descriptor we can read, references
    we will not follow and the size and hash every built resource must record. The
    Data Package profile is checked only once these pass (frictionless itself fails on
    a hash or bytes of the wrong type, and would follow a reference)."""
    try:
        contract: Contract = parse_contract(descriptor, text, display, pipeline_fields)
    except InvalidInput as error:
        return error.problems
    problems = reference_problems(descriptor, text, display)
    return problems + integrity_key_problems(contract, descriptor, text, display)


def integrity_key_problems(
    contract: Contract, descriptor: dict, text: str, display: str
) -> list[Problem]:
    """Each built resource records its bytes (a whole number) and hash (a string)."""
    problems = []
    for resource, built in zip(contract.resources, descriptor["resources"], strict=True):
        for key, kind in (("bytes", int), ("hash", str)):
            value = built.get(key)
            if not isinstance(value, kind) or isinstance(value, bool):
                line, column = locate_key(text, resource.name)
                problems.append(
                    Problem(
                        "descriptor-integrity",
                        f"resource {resource.name} has no valid {key}; expected the built package "
                        "to record each file's bytes (a whole number) and sha256 hash",
                        display,
                        line,
                        column,
                        resource=resource.name,
                    )
                )
    return problems


def reference_problems(descriptor: dict, text: str, display: str) -> list[Problem]:
    """A `profile` other than a standard name is a URL or a file that frictionless would
    fetch or open, and a `dialect` given as a string is one too: validate refuses them."""
    problems = []
    for place in [descriptor, *descriptor["resources"]]:
        profile = place.get("profile")
        for item in profile if isinstance(profile, list) else [profile]:
            if isinstance(item, str) and item not in STANDARD_PROFILES:
                line, column = locate_key(text, item)
                problems.append(
                    Problem(
                        "external-reference",
                        f"profile {item!r} would be fetched or read from outside the package; "
                        f"expected no profile or one of {', '.join(STANDARD_PROFILES)}",
                        display,
                        line,
                        column,
                    )
                )
        if isinstance(place.get("dialect"), str):
            line, column = locate_key(text, place["dialect"])
            problems.append(
                Problem(
                    "external-reference",
                    f"dialect {place['dialect']!r} would be read from outside the descriptor; "
                    "expected the dialect as an object",
                    display,
                    line,
                    column,
                )
            )
    return problems
