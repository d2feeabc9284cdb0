"""Adding a source: archive its text as a snapshot and scaffold what a transcriber fills.

The metadata record gets every field of the contract's `sources` resource, with
what is known (hash, size, URL, the day it was received) set and the rest null,
and the per-source tables get their header rows, so the next step is only
filling in. Nothing that is already archived is ever overwritten.

A source that comes as a web page, a web archive or a PDF (told apart by its bytes:
pipeline.load.extract.kind_of) is kept byte for byte as `original.<ext>` beside the
snapshot, which is the text its extractor gives; the record names the original, its
hash, the extractor and its settings, and what the original states, with its basis.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.assemble.json_text import indented
from pipeline.contract.model import Contract, Resource
from pipeline.contract.names import name_problem
from pipeline.errors import InvalidInput, Problem, UsageProblem
from pipeline.files import decode_utf8, hash_bytes, read_bytes, write_inside
from pipeline.load.extract import Extraction, extract, kind_of
from pipeline.load.raw import SOURCES_RESOURCE
from pipeline.load.snapshots import source_folders
from pipeline.project import RECORD_NAME, SNAPSHOT_NAME, SOURCES_FOLDER, display_path

MEDIA_TYPE = "text/plain; charset=utf-8"  # snapshots are decoded as UTF-8 for their offsets
# What the intake records of a source's original and the extraction that made its
# snapshot: all null for a plain-text source, whose snapshot is the file itself.
ORIGINAL_FIELDS = (
    "original_name",
    "original_media_type",
    "original_bytes",
    "original_sha256",
    "warc_record_id",
    "extractor",
    "extractor_settings",
)
# Fields the intake measures itself; a transcriber cannot set them.
MEASURED = ("source_id", "bytes", "sha256", *ORIGINAL_FIELDS)


@dataclass
class ToFill:
    """A field of the record that is still null."""

    field: str
    required: bool
    title: str
    description: str
    note_field: str | None  # where to say why it is unknown, when the contract has one


@dataclass
class Intake:
    source_id: str
    folder: Path
    sha256: str
    bytes: int
    extraction: Extraction | None = None  # None: the file is the snapshot (plain text)
    original: bytes = b""  # the original's bytes, when there is an extraction
    written: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    to_fill: list[ToFill] = field(default_factory=list)
    noted: list[str] = field(default_factory=list)  # null on purpose: their note says why


def source_id_pattern(contract: Contract) -> str:
    return contract.resource(SOURCES_RESOURCE).field("source_id").constraints.get("pattern", ".+")


def default_source_id(file: Path, contract: Contract) -> str:
    """The file's name without its extension, when that is a valid source_id."""
    stem = file.name.split(".")[0].lower()
    if not re.fullmatch(source_id_pattern(contract), stem):
        raise UsageProblem(
            [
                Problem(
                    "source-id",
                    f"cannot make a source_id from the file name {file.name!r}; give one with "
                    "--id (lower-case words joined by hyphens, e.g. kandal-crime-2022)",
                )
            ]
        )
    return stem


def check_values(contract: Contract, source_id: str, values: dict[str, str]) -> None:
    """Refuse a source_id that breaks the contract's pattern and fields it does not have."""
    resource = contract.resource(SOURCES_RESOURCE)
    problems = []
    if not re.fullmatch(source_id_pattern(contract), source_id):
        problems.append(
            Problem(
                "source-id",
                f"source_id {source_id!r} does not match {source_id_pattern(contract)}; expected "
                "lower-case words joined by hyphens",
            )
        )
    elif wrong := name_problem(source_id):  # it names a folder: the rule `check` holds it to
        problems.append(
            Problem("source-id", f"source_id {wrong}; give another with --id (it names a folder)")
        )
    for name in values:
        if name not in resource.field_names:
            problems.append(
                Problem(
                    "unknown-field",
                    f"--set {name}: not a field of {SOURCES_RESOURCE}; expected one of: "
                    + ", ".join(n for n in resource.field_names if n not in MEASURED),
                )
            )
        elif name in MEASURED:
            problems.append(
                Problem(
                    "measured-field",
                    f"--set {name}: {name} is measured from the file (or given with --id); it "
                    "cannot be set by hand",
                )
            )
    if problems:
        raise UsageProblem(problems)


def add_source(
    raw: Path, contract: Contract, file: Path, source_id: str, values: dict[str, str]
) -> Intake:
    """Archive file as raw/sources/<source_id>/snapshot.txt and scaffold its record and tables."""
    check_values(contract, source_id, values)
    original = read_source_file(file)
    extraction = extract_snapshot(original, display_path(file), values.get("url"))
    data = original if extraction is None else extraction.text.encode("utf-8")
    folder = raw / SOURCES_FOLDER / source_id
    intake = Intake(source_id, folder, hash_bytes(data), len(data), extraction, original)
    refuse_non_folder(folder)
    refuse_duplicate(raw, source_id, intake.sha256)
    if extraction is not None:
        archive_snapshot(folder / extraction.original_name, original, intake, "original")
    archive_snapshot(folder / SNAPSHOT_NAME, data, intake)
    record = source_record(contract.resource(SOURCES_RESOURCE), intake, values)
    text = indented(record) + "\n"
    write_new(folder / RECORD_NAME, text.encode("utf-8"), intake)
    for resource in per_source_resources(raw, contract):
        header = ",".join(resource.field_names) + "\n"
        write_new(folder / f"{resource.name}.csv", header.encode("utf-8"), intake)
    record = record_on_disk(folder)
    intake.to_fill = fields_to_fill(contract.resource(SOURCES_RESOURCE), record)
    intake.noted = fields_noted(contract.resource(SOURCES_RESOURCE), record)
    return intake


def read_source_file(file: Path) -> bytes:
    """The file's bytes, refused when empty."""
    display = display_path(file)
    data = read_bytes(file, display)
    if not data:
        raise InvalidInput(
            [Problem("empty-file", "file is empty; expected the source text", display)]
        )
    return data


def extract_snapshot(data: bytes, display: str, url: str | None) -> Extraction | None:
    """The snapshot extracted from a web page, web archive or PDF; None for a plain text,
    which is the snapshot itself once known to be UTF-8 text without a BOM."""
    kind = kind_of(data)
    if kind is None:
        decode_utf8(data, display, allow_bom=False)  # offsets are into the decoded text
        return None
    return extract(kind, data, display, url)


def refuse_non_folder(folder: Path) -> None:
    """The source's folder, and raw/sources/ above it, are folders or not there yet: a
    file, a broken symlink or a symlink loop in their place is refused before any write."""
    for place in (folder.parent, folder):
        if os.path.lexists(place) and not place.is_dir():
            found = "a symlink loop or a broken symlink" if place.is_symlink() else "a file"
            raise InvalidInput(
                [
                    Problem(
                        "not-a-folder",
                        f"expected a folder for the source (or nothing yet), found {found}",
                        display_path(place),
                    )
                ]
            )


def refuse_duplicate(raw: Path, source_id: str, sha256: str) -> None:
    for other in source_folders(raw / SOURCES_FOLDER):
        snapshot = other / SNAPSHOT_NAME
        if other.name == source_id or not snapshot.is_file():
            continue
        if hash_bytes(snapshot.read_bytes()) == sha256:
            raise InvalidInput(
                [
                    Problem(
                        "duplicate-snapshot",
                        f"this text is already archived as source {other.name} (same SHA-256); "
                        "expected a text not yet in raw/",
                        display_path(snapshot),
                    )
                ]
            )


def archive_snapshot(path: Path, data: bytes, intake: Intake, what: str = "snapshot") -> None:
    """Write the snapshot (or the original) unless the same bytes are there; different
    ones are never overwritten."""
    if path.is_file():
        existing = path.read_bytes()
        if existing != data:
            raise InvalidInput(
                [
                    Problem(
                        f"{what}-exists",
                        f"a different {what} is already archived here ({len(existing)} bytes, "
                        f"SHA-256 {hash_bytes(existing)}; the new one has {len(data)} bytes, "
                        f"SHA-256 {hash_bytes(data)}); a {what} is never overwritten: choose "
                        "another --id for a different source",
                        display_path(path),
                    )
                ]
            )
    write_new(path, data, intake)


def write_new(path: Path, data: bytes, intake: Intake) -> None:
    """Write a file that does not exist yet; an existing one is kept as it is."""
    if path.exists():
        intake.kept.append(path.name)
        return
    sources = intake.folder.parent  # raw/sources: a source id names a folder in it
    write_inside(sources, path.relative_to(sources).as_posix(), data, display_path(path))
    intake.written.append(path.name)


def source_record(resource: Resource, intake: Intake, values: dict[str, str]) -> dict:
    """Every field of the sources resource, in contract order: known values set, the rest null."""
    known = {
        "source_id": intake.source_id,
        "media_type": MEDIA_TYPE,
        "bytes": intake.bytes,
        "sha256": intake.sha256,
        **extracted_values(resource, intake, values),
        **values,
    }
    record = {}
    for spec in resource.fields:
        value = known.get(spec.name)
        if spec.type == "integer" and isinstance(value, str) and value.lstrip("-").isdigit():
            value = int(value)
        record[spec.name] = value
    return record


def extracted_values(resource: Resource, intake: Intake, values: dict[str, str]) -> dict:
    """The original's fields (name, media type, size, hash, extractor and its settings),
    and the values it states that were not given, each with its basis in the field's
    note where the contract has one."""
    extraction = intake.extraction
    if extraction is None:
        return {}
    known = {
        "original_name": extraction.original_name,
        "original_media_type": extraction.media_type,
        "original_bytes": len(intake.original),
        "original_sha256": hash_bytes(intake.original),
        "extractor": extraction.extractor,
        "extractor_settings": settings_text(extraction.settings),
    }
    names = set(resource.field_names)
    for name, stated in extraction.stated.items():
        if name in names and name not in values:
            known[name] = stated.value
            note = f"{name}_note"
            if note in names and note not in values:
                known[note] = stated.basis
    return known


def settings_text(settings: dict) -> str:
    """An extractor's settings as the record holds them: one JSON object, keys sorted."""
    return json.dumps(settings, sort_keys=True, ensure_ascii=False, separators=(", ", ": "))


def record_on_disk(folder: Path) -> dict:
    """The record as it now stands (a kept one may already be partly filled in)."""
    try:
        value = json.loads((folder / RECORD_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # `pipeline check` reports what is wrong with it
    return value if isinstance(value, dict) else {}


def per_source_resources(raw: Path, contract: Contract) -> list[Resource]:
    """Resources whose rows live in each source's folder: those without a shared raw/<name>.csv."""
    return [
        r
        for r in contract.resources
        if r.name != SOURCES_RESOURCE and not (raw / f"{r.name}.csv").is_file()
    ]


def fields_to_fill(resource: Resource, record: dict) -> list[ToFill]:
    """The fields still null, required ones first, each in contract order; a field null
    on purpose, its note saying why, is not one of them (fields_noted)."""
    names = set(resource.field_names)
    fields = sorted(resource.fields, key=lambda spec: not spec.required)
    noted = set(fields_noted(resource, record))
    return [
        ToFill(
            spec.name,
            spec.required,
            spec.title,
            spec.description,
            f"{spec.name}_note" if f"{spec.name}_note" in names else None,
        )
        for spec in fields
        if record.get(spec.name) is None and spec.name not in noted and spec.name not in MEASURED
    ]


def fields_noted(resource: Resource, record: dict) -> list[str]:
    """The fields null on purpose: null, with their `<field>_note` saying why."""
    names = set(resource.field_names)
    return [
        name
        for name in resource.field_names
        if record.get(name) is None
        and f"{name}_note" in names
        and isinstance(note := record.get(f"{name}_note"), str)
        and note.strip()
    ]
