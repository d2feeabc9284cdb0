"""What changed between two built packages: rows by primary key, schema, metadata.

Rows are matched by each resource's primary key from the new descriptor, so a
reordered file is unchanged and an edited cell is one changed row with its old
and new value. Every change carries a (what, how) kind that the version rule
(pipeline/release/versioning.py) turns into the bump it calls for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from pipeline.errors import InvalidInput, Problem
from pipeline.release.releases import BuiltPackage
from pipeline.release.versioning import Verdict, judge
from pipeline.release.widening import Widening, widening

# Not compared: the version is judged, the rest is what only a build knows.
UNCOMPARED_METADATA = ("resources", "version", "created", "provenance", "outputs")
BUILT_RESOURCE_KEYS = ("name", "schema", "bytes", "hash")
NUMERIC_TYPES = ("number", "integer")


@dataclass(frozen=True)
class Change:
    what: str  # resource, resource-path, field, field-type, row, metadata, ...
    how: str  # added, removed or changed
    resource: str | None
    name: str  # the resource, field, row key or metadata key
    old: object = None
    new: object = None

    @property
    def kind(self) -> tuple[str, str]:
        return (self.what, self.how)


@dataclass
class ResourceDiff:
    name: str
    status: str  # added, removed, changed or unchanged
    key: tuple[str, ...]
    added: list[Change] = field(default_factory=list)
    removed: list[Change] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    unchanged: int = 0


@dataclass
class PackageDiff:
    old: BuiltPackage
    new: BuiltPackage
    resources: list[ResourceDiff]
    schema: list[Change]
    metadata: list[Change]

    @property
    def changes(self) -> list[Change]:
        rows = [c for r in self.resources for c in (*r.added, *r.removed, *r.changed)]
        return [*self.schema, *self.metadata, *rows]

    @property
    def differs(self) -> bool:
        return bool(self.changes) or self.old.version != self.new.version

    @property
    def widening(self) -> Widening:
        """What the new figures cover beyond the old (areas, periods, indicators)."""
        return widening(self.old, self.new)

    @property
    def verdict(self) -> Verdict:
        return judge(self.old.version, self.new.version, {c.kind for c in self.changes})


def diff_packages(old: BuiltPackage, new: BuiltPackage) -> PackageDiff:
    old_resources = _by_name(old.descriptor.get("resources", []))
    new_resources = _by_name(new.descriptor.get("resources", []))
    schema: list[Change] = []
    resources: list[ResourceDiff] = []
    problems: list[Problem] = []
    for name in [*new_resources, *(n for n in old_resources if n not in new_resources)]:
        before, after = old_resources.get(name), new_resources.get(name)
        if before is None or after is None:
            how = "added" if before is None else "removed"
            schema.append(Change("resource", how, name, name))
        else:
            schema += resource_schema_changes(name, before, after)
        problems += column_problems(name, before, after, old, new)
        if not problems:  # rows are compared only where every compared column is there
            resources.append(diff_rows(name, before, after, old.tables, new.tables))
    if problems:
        raise InvalidInput(problems)
    return PackageDiff(
        old, new, resources, schema, metadata_changes(old.descriptor, new.descriptor)
    )


def column_problems(
    name: str, before, after, old: BuiltPackage, new: BuiltPackage
) -> list[Problem]:
    """A column that both schemas declare is compared, so each file must have it (a
    column only one of them declares is reported as a schema change)."""
    if before is None or after is None:
        return []
    problems = []
    for package in (old, new):
        rows = package.tables.get(name) or []
        for missing in [f for f in _shared_fields(before, after) if rows and f not in rows[0]]:
            problems.append(
                Problem(
                    "missing-column",
                    f"column {missing!r} is missing; expected every column the schema of "
                    f"{name} declares",
                    file=package.files.get(name, package.label),
                    line=1,
                    resource=name,
                    field=missing,
                )
            )
    return problems


def _by_name(items: list) -> dict[str, dict]:
    return {item["name"]: item for item in items if isinstance(item, dict) and "name" in item}


def _compare(what: str, resource, name: str, old, new) -> list[Change]:
    return [] if old == new else [Change(what, "changed", resource, name, old, new)]


def resource_schema_changes(name: str, before: dict, after: dict) -> list[Change]:
    changes = _compare("resource-path", name, name, before.get("path"), after.get("path"))
    old_schema, new_schema = before.get("schema", {}), after.get("schema", {})
    changes += _compare("primary-key", name, name, _key_list(old_schema), _key_list(new_schema))
    for key in sorted((set(old_schema) | set(new_schema)) - {"fields", "primaryKey"}):
        changes += _compare("table-rules", name, key, old_schema.get(key), new_schema.get(key))
    for key in sorted((set(before) | set(after)) - set(BUILT_RESOURCE_KEYS) - {"path"}):
        changes += _compare("resource-docs", name, key, before.get(key), after.get(key))
    return changes + field_changes(name, old_schema, new_schema)


def field_changes(resource: str, old_schema: dict, new_schema: dict) -> list[Change]:
    old_fields = _by_name(old_schema.get("fields", []))
    new_fields = _by_name(new_schema.get("fields", []))
    changes = []
    for name in [*new_fields, *(n for n in old_fields if n not in new_fields)]:
        before, after = old_fields.get(name), new_fields.get(name)
        if before is None or after is None:
            changes.append(
                Change("field", "added" if before is None else "removed", resource, name)
            )
            continue
        changes += _compare(
            "field-type", resource, name, before.get("type", "string"), after.get("type", "string")
        )
        changes += _compare(
            "field-constraints",
            resource,
            name,
            before.get("constraints", {}),
            after.get("constraints", {}),
        )
        others = {k: v for k, v in before.items() if k not in ("type", "constraints")}
        others_after = {k: v for k, v in after.items() if k not in ("type", "constraints")}
        changes += _compare("field-docs", resource, name, others, others_after)
    return changes


def metadata_changes(old: dict, new: dict) -> list[Change]:
    changes = []
    for key in [*new, *(k for k in old if k not in new)]:
        if key in UNCOMPARED_METADATA or old.get(key) == new.get(key):
            continue
        how = "added" if key not in old else "removed" if key not in new else "changed"
        changes.append(Change("metadata", how, None, key, old.get(key), new.get(key)))
    return changes


def diff_rows(name: str, before, after, old_tables: dict, new_tables: dict) -> ResourceDiff:
    old_rows = old_tables.get(name, []) if before else []
    new_rows = new_tables.get(name, []) if after else []
    schema = (after or before).get("schema", {})
    key = primary_key(schema)
    shared = _shared_fields(before, after)
    if not key or not all(k in shared for k in key):
        key = tuple(shared)  # without a common key, a row is identified by all its cells
    numeric = {f["name"] for f in schema.get("fields", []) if f.get("type") in NUMERIC_TYPES}
    old_by_key = {_key(row, key): row for row in old_rows}
    new_by_key = {_key(row, key): row for row in new_rows}
    diff = ResourceDiff(name, "unchanged", key)
    for row_key, row in new_by_key.items():
        previous = old_by_key.get(row_key)
        if previous is None:
            diff.added.append(Change("row", "added", name, row_key, None, row))
            continue
        edited = [f for f in shared if not _same(previous[f], row[f], f in numeric)]
        if edited:
            before_cells = {f: previous[f] for f in edited}
            after_cells = {f: row[f] for f in edited}
            diff.changed.append(Change("row", "changed", name, row_key, before_cells, after_cells))
        else:
            diff.unchanged += 1
    diff.removed = [
        Change("row", "removed", name, k, row, None)
        for k, row in old_by_key.items()
        if k not in new_by_key
    ]
    if before is None or after is None:
        diff.status = "added" if before is None else "removed"
    elif diff.added or diff.removed or diff.changed:
        diff.status = "changed"
    return diff


def primary_key(schema: dict) -> tuple[str, ...]:
    """A schema's primary key as field names: Table Schema allows one name as a string."""
    key = schema.get("primaryKey") or ()
    return (key,) if isinstance(key, str) else tuple(key)


def _key_list(schema: dict) -> list[str] | None:
    return list(primary_key(schema)) or None


def _shared_fields(before, after) -> list[str]:
    names = [f["name"] for f in (after or before)["schema"].get("fields", [])]
    if before is None or after is None:
        return names
    old_names = {f["name"] for f in before["schema"].get("fields", [])}
    return [n for n in names if n in old_names]


def _key(row: dict, key: tuple[str, ...]) -> str:
    return " | ".join(row.get(k, "") for k in key)


def _same(old: str, new: str, numeric: bool) -> bool:
    if old == new:
        return True
    if numeric and old and new:
        try:
            return Decimal(old) == Decimal(new)
        except InvalidOperation:
            return False
    return False
