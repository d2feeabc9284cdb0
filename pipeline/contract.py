"""The package contract: `datapackage.json`, the one definition of every resource and field.

Everything else (pandera schemas, the data dictionary, the built descriptor) is
derived from the objects this module reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pipeline.errors import InvalidInput, Problem
from pipeline.files import locate_key, read_json_object

# Table Schema types the pipeline knows how to check; anything else is a contract error.
SUPPORTED_TYPES = ("string", "integer", "number", "date")


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    title: str
    description: str
    constraints: dict

    @property
    def required(self) -> bool:
        return bool(self.constraints.get("required"))


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    resource: str
    reference_fields: tuple[str, ...]


@dataclass(frozen=True)
class Resource:
    name: str
    path: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    unique_keys: tuple[tuple[str, ...], ...]
    foreign_keys: tuple[ForeignKey, ...]
    missing_values: tuple[str, ...]

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


@dataclass(frozen=True)
class Contract:
    descriptor: dict
    resources: tuple[Resource, ...]
    file: str

    def resource(self, name: str) -> Resource:
        return next(r for r in self.resources if r.name == name)

    @property
    def resource_names(self) -> list[str]:
        return [r.name for r in self.resources]


def load_contract(path: Path, display: str) -> Contract:
    descriptor, text = read_json_object(path, display)
    return parse_contract(descriptor, text, display)


def parse_contract(descriptor: dict, text: str, display: str) -> Contract:
    problems: list[Problem] = []

    def problem(code: str, message: str, key: str | None = None) -> None:
        line, column = locate_key(text, key) if key else (None, None)
        problems.append(Problem(code, message, file=display, line=line, column=column))

    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        problem("contract-resources", "expected a non-empty list of resources", "resources")
        raise InvalidInput(problems)
    parsed = []
    for index, item in enumerate(resources):
        resource = _parse_resource(item, index, problem)
        if resource is not None:
            parsed.append(resource)
    _check_references(parsed, problem)
    if problems:
        raise InvalidInput(problems)
    return Contract(descriptor=descriptor, resources=tuple(parsed), file=display)


def is_safe_relative_path(path) -> bool:
    """A POSIX path that stays inside the folder it is relative to."""
    if not isinstance(path, str) or not path or "://" in path or "\\" in path:
        return False
    pure = PurePosixPath(path)
    return not pure.is_absolute() and ".." not in pure.parts


def _parse_resource(item, index: int, problem) -> Resource | None:
    if not isinstance(item, dict) or not isinstance(item.get("name"), str):
        problem("contract-resource", f"resource {index} must be an object with a name", "resources")
        return None
    name = item["name"]
    path = item.get("path")
    if not is_safe_relative_path(path):
        problem(
            "unsafe-path",
            f"resource {name} has path {path!r}; expected a relative path inside the package "
            "folder (no URL, no absolute path, no ..)",
            "path" if path is None else path,
        )
    schema = item.get("schema")
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
        problem("contract-schema", f"resource {name} must have a schema with fields", name)
        return None
    fields = []
    for spec in schema["fields"]:
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
            problem("contract-field", f"resource {name}: every field needs a name", name)
            continue
        kind = spec.get("type", "string")
        if kind not in SUPPORTED_TYPES:
            problem(
                "contract-field-type",
                f"resource {name} field {spec['name']}: type {kind!r} is not supported; "
                f"expected one of {', '.join(SUPPORTED_TYPES)}",
                spec["name"],
            )
        fields.append(
            Field(
                name=spec["name"],
                type=kind,
                title=spec.get("title", ""),
                description=spec.get("description", ""),
                constraints=dict(spec.get("constraints", {})),
            )
        )
    return Resource(
        name=name,
        path=item.get("path", ""),
        fields=tuple(fields),
        primary_key=tuple(schema.get("primaryKey", [])),
        unique_keys=tuple(tuple(key) for key in schema.get("uniqueKeys", [])),
        foreign_keys=tuple(
            ForeignKey(
                fields=tuple(fk["fields"]),
                resource=fk["reference"].get("resource") or name,
                reference_fields=tuple(fk["reference"]["fields"]),
            )
            for fk in schema.get("foreignKeys", [])
        ),
        missing_values=tuple(schema.get("missingValues", [""])),
    )


def _check_references(resources: list[Resource], problem) -> None:
    """Every key names fields that exist, and every foreign key a real resource."""
    by_name = {r.name: r for r in resources}
    for resource in resources:
        names = set(resource.field_names)
        keys = [resource.primary_key, *resource.unique_keys]
        keys += [fk.fields for fk in resource.foreign_keys]
        for key in keys:
            for field in key:
                if field not in names:
                    problem(
                        "contract-key",
                        f"resource {resource.name}: key field {field!r} is not a field",
                        resource.name,
                    )
        for fk in resource.foreign_keys:
            target = by_name.get(fk.resource)
            if target is None:
                problem(
                    "contract-foreign-key",
                    f"resource {resource.name}: foreign key refers to unknown resource "
                    f"{fk.resource!r}",
                    resource.name,
                )
            elif not set(fk.reference_fields) <= set(target.field_names):
                problem(
                    "contract-foreign-key",
                    f"resource {resource.name}: foreign key refers to fields "
                    f"{list(fk.reference_fields)} missing from {fk.resource}",
                    resource.name,
                )
