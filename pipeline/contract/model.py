"""The package contract: `datapackage.json`, the one definition of every resource and field.

Everything else (pandera schemas, the data dictionary, the built descriptor) is
derived from the objects this module reads.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from pipeline.contract.names import RULE, name_problem
from pipeline.contract.patterns import compile_pattern
from pipeline.errors import InvalidInput, Problem, counted
from pipeline.files import line_and_column, locate_key, read_json_object
from pipeline.project import DESCRIPTOR_NAME

# Table Schema types the pipeline knows how to check; anything else is a contract error.
SUPPORTED_TYPES = ("string", "integer", "number", "date")
# The constraints it enforces; any other would be silently unchecked, so it is refused.
SUPPORTED_CONSTRAINTS = (
    "required",
    "unique",
    "enum",
    "pattern",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
)
MAX_RESOURCES = 1000
MAX_FIELDS = 1000

# The fields that the pipeline's own code reads by name (snapshots, semantic checks),
# with the type it reads them as: a contract must declare each of them.
PIPELINE_FIELDS = {
    "sources": {
        "source_id": "string",
        "language": "string",
        "published": "string",
        "published_basis": "string",
        "received": "date",
        "bytes": "integer",
        "sha256": "string",
    },
    "actors": {"area_code": "string"},
    "figures": {
        "figure_id": "string",
        "area_code": "string",
        "period": "string",
        "reference_period": "string",
        "measure": "string",
        "value": "number",
        "unit": "string",
        "qualifier": "string",
    },
    "statements": {"statement_id": "string", "area_code": "string", "period": "string"},
    "quotes": {
        "source_id": "string",
        "figure_id": "string",
        "statement_id": "string",
        "text": "string",
        "start": "integer",
        "end": "integer",
        "qualifier": "string",
    },
}


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


def load_contract(path: Path, display: str, inside: Path | None = None) -> Contract:
    descriptor, text = read_json_object(path, display, inside=inside)
    return parse_contract(descriptor, text, display)


def parse_contract(
    descriptor: dict, text: str, display: str, pipeline_fields: bool = True
) -> Contract:
    """The contract in a descriptor of any shape: every way it is malformed becomes a
    located problem, never an exception of another kind. pipeline_fields=False leaves
    out the fields the pipeline's checks read (a diff compares packages that differ
    in them)."""
    problems: list[Problem] = []

    def problem(code: str, message: str, key: str | None = None) -> None:
        line, column = locate_key(text, key) if key else (None, None)
        problems.append(Problem(code, message, file=display, line=line, column=column))

    _check_package_name(descriptor, text, display, problems)
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        problem("contract-resources", "expected a non-empty list of resources", "resources")
        raise InvalidInput(problems)
    if len(resources) > MAX_RESOURCES:
        problem(
            "contract-too-large",
            f"{len(resources)} resources; expected at most {MAX_RESOURCES}",
            "resources",
        )
        raise InvalidInput(problems)
    parsed = []
    for index, item in enumerate(resources):
        resource = _parse_resource(item, index, problem)
        if resource is not None:
            parsed.append(resource)
    _check_names(parsed, problem)
    _check_references(parsed, problem)
    if pipeline_fields:
        _check_pipeline_fields(parsed, problem)
        if "homepage" in descriptor and (why := not_a_folder_url(descriptor["homepage"])):
            problem("contract-homepage", f"homepage: {why}", "homepage")
    if problems:
        raise InvalidInput(problems)
    return Contract(descriptor=descriptor, resources=tuple(parsed), file=display)


def _check_package_name(descriptor: dict, text: str, display: str, problems: list) -> None:
    """The package's name names files of the build (<name>.db), so it follows the one
    rule for names that become paths; refused here, before anything is written."""
    if "name" not in descriptor:
        wrong, (line, column) = f"the package has no name; {RULE}", (1, 1)
    else:
        wrong = name_problem(descriptor["name"])
        wrong = wrong and f"package name {wrong}"
        line, column = _locate_member(text, "name", descriptor["name"])
    if wrong:
        problems.append(
            Problem(
                "contract-package-name",
                wrong,
                file=display,
                line=line,
                column=column,
            )
        )


def _locate_member(text: str, key: str, value) -> tuple[int | None, int | None]:
    """Line and column of `"key": value` in a JSON text (a key such as "name" is used
    at several levels; its value tells them apart), else of the first "key"."""
    for ascii_only in (False, True):
        written = json.dumps(value, ensure_ascii=ascii_only)
        found = re.search(re.escape(json.dumps(key)) + r"\s*:\s*" + re.escape(written), text)
        if found:
            return line_and_column(text, found.start())
    return locate_key(text, key)


def is_safe_relative_path(path) -> bool:
    """A POSIX path that stays inside the folder it is relative to."""
    if not isinstance(path, str) or not path or "://" in path or "\\" in path or "\0" in path:
        return False
    pure = PurePosixPath(path)
    return not pure.is_absolute() and ".." not in pure.parts and pure.as_posix() != "."


def _parse_resource(item, index: int, problem) -> Resource | None:
    if not isinstance(item, dict) or not isinstance(item.get("name"), str):
        problem("contract-resource", f"resource {index} must be an object with a name", "resources")
        return None
    name = item["name"]
    wrong = name_problem(name)  # it names raw/<name>.csv and the package's own files
    if wrong:
        problem("contract-resource-name", f"resource name {wrong}", name)
        return None
    path = item.get("path")
    if not is_safe_relative_path(path) or PurePosixPath(path).as_posix() == DESCRIPTOR_NAME:
        problem(
            "unsafe-path",
            f"resource {name} has path {path!r}; expected a relative path inside the package "
            f"folder (no URL, no absolute path, no .., not {DESCRIPTOR_NAME})",
            "path" if not isinstance(path, str) else path,
        )
    for key in ("title", "description"):
        if not isinstance(item.get(key, ""), str):
            problem("contract-resource", f"resource {name}: {key} must be text", name)
    schema = item.get("schema")
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
        problem("contract-schema", f"resource {name} must have a schema with fields", name)
        return None
    if len(schema["fields"]) > MAX_FIELDS:
        problem(
            "contract-too-large",
            f"resource {name} has {len(schema['fields'])} fields; expected at most {MAX_FIELDS}",
            name,
        )
        return None
    fields = [f for f in (_parse_field(spec, name, problem) for spec in schema["fields"]) if f]
    return Resource(
        name=name,
        path=path if isinstance(path, str) else "",
        fields=tuple(fields),
        primary_key=_key(
            schema.get("primaryKey", []), f"resource {name}: primaryKey", problem, "primaryKey"
        ),
        unique_keys=_unique_keys(schema.get("uniqueKeys", []), name, problem),
        foreign_keys=_foreign_keys(schema.get("foreignKeys", []), name, problem),
        missing_values=_missing_values(schema.get("missingValues", [""]), name, problem),
    )


def _parse_field(spec, resource: str, problem) -> Field | None:
    if not isinstance(spec, dict) or not isinstance(spec.get("name"), str) or not spec["name"]:
        problem("contract-field", f"resource {resource}: every field needs a name", resource)
        return None
    name = spec["name"]
    kind = spec.get("type", "string")
    if not isinstance(kind, str) or kind not in SUPPORTED_TYPES:
        problem(
            "contract-field-type",
            f"resource {resource} field {name}: type {kind!r} is not supported; "
            f"expected one of {', '.join(SUPPORTED_TYPES)}",
            name,
        )
        kind = str(kind)
    texts = {key: spec.get(key, "") for key in ("title", "description")}
    constraints = spec.get("constraints", {})
    for key, value in texts.items():
        if not isinstance(value, str):
            problem("contract-field", f"resource {resource} field {name}: {key} must be text", name)
    if not isinstance(constraints, dict):
        problem(
            "contract-constraint",
            f"resource {resource} field {name}: constraints must be an object",
            name,
        )
        constraints = {}
    field = Field(name, kind, str(texts["title"]), str(texts["description"]), dict(constraints))
    for message in _constraint_problems(field):
        problem("contract-constraint", f"resource {resource} field {name}: {message}", name)
    return field


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _constraint_problems(field: Field) -> list[str]:
    """What is wrong with a field's constraints, one message each."""
    found = []
    numeric = field.type in ("integer", "number")
    for key, value in field.constraints.items():
        if key not in SUPPORTED_CONSTRAINTS:
            found.append(
                f"constraint {key!r} is not supported; expected only "
                f"{', '.join(SUPPORTED_CONSTRAINTS)}"
            )
        elif key in ("required", "unique") and not isinstance(value, bool):
            found.append(f"{key} must be true or false, not {value!r}")
        elif key == "enum":
            fits = _is_number if numeric else (lambda v: isinstance(v, str))
            if not isinstance(value, list) or not value or not all(fits(v) for v in value):
                kind = "numbers" if numeric else "strings"
                found.append(f"enum must be a non-empty list of {kind}")
        elif key == "pattern":
            if numeric or not isinstance(value, str) or not _compiles(value):
                found.append(
                    f"pattern {value!r} is not a regular expression for a text field (RE2 "
                    "syntax, as XML Schema: no backreferences or lookaround)"
                )
        elif key in ("minimum", "maximum") and not (numeric and _is_number(value)):
            found.append(f"{key} {value!r}: expected a number, on an integer or number field")
        elif key in ("minLength", "maxLength") and not (
            field.type == "string" and isinstance(value, int) and not isinstance(value, bool)
        ):
            found.append(f"{key} {value!r}: expected a whole number, on a string field")
    return found


def _compiles(pattern: str) -> bool:
    return compile_pattern(pattern) is not None


def _key(value, what: str, problem, where: str) -> tuple[str, ...]:
    """A key: a field name or a list of field names (Table Schema allows both)."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    problem("contract-key", f"{what}: expected a field name or a list of field names", where)
    return ()


def _unique_keys(value, resource: str, problem) -> tuple[tuple[str, ...], ...]:
    if not isinstance(value, list):
        problem("contract-key", f"resource {resource}: uniqueKeys must be a list", resource)
        return ()
    keys = (_key(k, f"resource {resource}: uniqueKeys", problem, "uniqueKeys") for k in value)
    return tuple(key for key in keys if key)


def _foreign_keys(value, resource: str, problem) -> tuple[ForeignKey, ...]:
    found = []
    items = value if isinstance(value, list) else [None]
    for item in items:
        reference = item.get("reference") if isinstance(item, dict) else None
        if not isinstance(reference, dict) or not isinstance(reference.get("resource", ""), str):
            problem(
                "contract-foreign-key",
                f"resource {resource}: each foreign key must be an object with fields and a "
                "reference to a resource and its fields",
                resource,
            )
            continue
        what = f"resource {resource}: foreign key"
        fields = _key(item.get("fields"), what, problem, "foreignKeys")
        reference_fields = _key(reference.get("fields"), what, problem, "foreignKeys")
        if len(fields) != len(reference_fields):
            problem(
                "contract-foreign-key",
                f"{what} has {counted(len(fields), 'field')} but refers to {len(reference_fields)}",
                resource,
            )
            continue
        found.append(ForeignKey(fields, reference.get("resource") or resource, reference_fields))
    return tuple(found)


def _missing_values(value, resource: str, problem) -> tuple[str, ...]:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    problem(
        "contract-schema",
        f"resource {resource}: missingValues must be a list of text",
        "missingValues",
    )
    return ("",)


def _check_names(resources: list[Resource], problem) -> None:
    """Resource names, resource paths and field names within a resource are unique."""
    for attribute, what in (("name", "name"), ("path", "path")):
        seen: set[str] = set()
        for resource in resources:
            value = getattr(resource, attribute)
            if value in seen:
                problem("contract-duplicate", f"two resources have the {what} {value!r}", value)
            seen.add(value)
    for resource in resources:
        names = resource.field_names
        for name in sorted({n for n in names if names.count(n) > 1}):
            problem(
                "contract-duplicate",
                f"resource {resource.name}: field {name!r} is declared more than once",
                name,
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


def _check_pipeline_fields(resources: list[Resource], problem) -> None:
    """Every field the pipeline's code reads is declared, with the type it reads."""
    by_name = {r.name: r for r in resources}
    for name, needed in PIPELINE_FIELDS.items():
        resource = by_name.get(name)
        if resource is None:
            problem(
                "contract-pipeline",
                f"no resource {name!r}; expected it: the pipeline's checks read it",
                "resources",
            )
            continue
        types = {f.name: f.type for f in resource.fields}
        for field, kind in needed.items():
            if types.get(field) != kind:
                found = f"it is {types[field]}" if field in types else "it is missing"
                problem(
                    "contract-pipeline",
                    f"resource {name}: expected a field {field!r} of type {kind}, which the "
                    f"pipeline's checks read; {found}",
                    field if field in types else name,
                )


def not_a_folder_url(url: object) -> str | None:
    """Why url is not where a package folder is published (the base URL of its files:
    `pipeline build --base-url`, or the contract's `homepage`), or None when it is."""
    parts = urlsplit(url) if isinstance(url, str) else None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.netloc
        or parts.query
        or parts.fragment
        or not parts.path.endswith("/")
    ):
        return (
            f"{url!r} is not where a package folder is published; expected an absolute "
            "http(s) URL of a folder, ending in / (no query or fragment), such as "
            "https://data.example.org/kandal-crime-2022/"
        )
    return None
