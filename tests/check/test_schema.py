"""The contract (datapackage.json) and the pandera schemas derived from it agree,
for every resource and every field, so that neither can drift from the other.

Expectations are read from the contract's JSON directly, not through
pipeline.contract.model, so a misreading of the contract is caught too.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import polars as pl
import pytest
from pandera.engines import polars_engine

from pipeline.check.keys import kept_columns
from pipeline.check.rules import Context, all_checks
from pipeline.check.schema import dataframe_schema, unique_key_name
from pipeline.check.tables import cast_table
from pipeline.contract.model import ForeignKey, load_contract
from pipeline.load.raw import load_raw

SEMANTIC_CHECKS = all_checks()  # those of rules.py and of the modules beside it

REPO = Path(__file__).resolve().parents[2]
CONTRACT = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
RESOURCES = {resource["name"]: resource for resource in CONTRACT["resources"]}
FIELDS = [
    (resource["name"], field)
    for resource in CONTRACT["resources"]
    for field in resource["schema"]["fields"]
]
UNIQUE_KEYS = [
    (resource["name"], key)
    for resource in CONTRACT["resources"]
    for key in resource["schema"].get("uniqueKeys", [])
]
FOREIGN_KEYS = [
    (resource["name"], fk)
    for resource in CONTRACT["resources"]
    for fk in resource["schema"].get("foreignKeys", [])
]

# Table Schema type -> Polars dtype. Dates stay ISO text, checked by pattern and calendar.
DTYPES = {"string": pl.String, "integer": pl.Int64, "number": pl.Float64, "date": pl.String}
# Table Schema constraint -> the name of the pandera check that enforces it.
CONSTRAINT_CHECKS = {
    "enum": "enum",
    "pattern": "pattern",
    "minimum": "minimum",
    "maximum": "maximum",
    "minLength": "min_length",
    "maxLength": "max_length",
}
COLUMN_PROPERTIES = {"required", "unique"}  # enforced by pa.Column itself, not by a check
DATE_CHECKS = ["pattern", "calendar_date"]


def field_id(item) -> str:
    resource, field = item
    return f"{resource}.{field['name']}"


def key_id(item) -> str:
    resource, key = item
    fields = key["fields"] if isinstance(key, dict) else key
    return f"{resource}:{','.join(fields)}"


@cache
def model():
    return load_contract(REPO / "datapackage.json", "datapackage.json")


@cache
def schemas():
    """The schema of every resource, and its cast tables, from the repository's contract
    and raw/."""
    contract = load_contract(REPO / "datapackage.json", "datapackage.json")
    # Foreign-key checks read context.frames only when they run; snapshots={} keeps the
    # snapshot checks in the schema.
    context = Context(frames={}, snapshots={})
    full = {r.name: dataframe_schema(r, context) for r in contract.resources}
    tree = load_raw(REPO / "raw", contract)
    cast = {r.name: cast_table(r, tree.tables[r.name])[0] for r in contract.resources}
    return full, cast


def full_column(resource: str, field: dict):
    return schemas()[0][resource].columns[field["name"]]


def check_named(column, name: str):
    (check,) = [c for c in column.checks if c.name == name]
    return check


# ---- every field -------------------------------------------------------------------


def test_contract_has_fields_to_check():
    assert len(RESOURCES) == 10
    assert len(FIELDS) > 40


@pytest.mark.parametrize("item", FIELDS, ids=field_id)
def test_column_dtype_follows_the_table_schema_type(item):
    resource, field = item
    expected = polars_engine.Engine.dtype(DTYPES[field["type"]])
    assert full_column(resource, field).dtype == expected
    assert schemas()[1][resource].schema[field["name"]] == DTYPES[field["type"]]


@pytest.mark.parametrize("item", FIELDS, ids=field_id)
def test_column_is_nullable_unless_required(item):
    resource, field = item
    required = bool(field.get("constraints", {}).get("required"))
    assert full_column(resource, field).nullable is (not required)


@pytest.mark.parametrize("item", FIELDS, ids=field_id)
def test_column_is_unique_when_the_contract_says_so(item):
    resource, field = item
    unique = bool(field.get("constraints", {}).get("unique"))
    assert full_column(resource, field).unique is unique


@pytest.mark.parametrize("item", FIELDS, ids=field_id)
def test_column_has_the_contract_title_and_description(item):
    resource, field = item
    column = full_column(resource, field)
    assert column.title == field["title"]
    assert column.description == field["description"]


@pytest.mark.parametrize("item", FIELDS, ids=field_id)
def test_every_constraint_is_one_the_pipeline_enforces(item):
    _, field = item
    assert set(field.get("constraints", {})) <= COLUMN_PROPERTIES | set(CONSTRAINT_CHECKS)


@pytest.mark.parametrize("item", FIELDS, ids=field_id)
def test_column_has_exactly_the_checks_its_constraints_call_for(item):
    resource, field = item
    constraints = field.get("constraints", {})
    expected = [CONSTRAINT_CHECKS[c] for c in constraints if c in CONSTRAINT_CHECKS]
    if field["type"] == "date":
        expected += DATE_CHECKS
    names = [check.name for check in full_column(resource, field).checks]
    assert sorted(names) == sorted(expected)


@pytest.mark.parametrize("item", FIELDS, ids=field_id)
def test_each_constraint_check_carries_the_contract_value(item):
    resource, field = item
    constraints = field.get("constraints", {})
    column = full_column(resource, field)
    if "enum" in constraints:
        allowed = check_named(column, "enum").statistics["allowed_values"]
        assert list(allowed) == constraints["enum"]
    if "pattern" in constraints:
        # Table Schema patterns match the whole value, so the check anchors them.
        pattern = check_named(column, "pattern").statistics["pattern"]
        assert pattern == f"^(?:{constraints['pattern']})$"
    if "minimum" in constraints:
        assert check_named(column, "minimum").statistics["min_value"] == constraints["minimum"]
    if "maximum" in constraints:
        assert check_named(column, "maximum").statistics["max_value"] == constraints["maximum"]
    if "minLength" in constraints:
        statistics = check_named(column, "min_length").statistics
        assert statistics["min_value"] == constraints["minLength"]
    if "maxLength" in constraints:
        statistics = check_named(column, "max_length").statistics
        assert statistics["max_value"] == constraints["maxLength"]


# ---- every resource ------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(RESOURCES))
def test_schema_has_the_contract_columns_in_order(name):
    schema = schemas()[0][name]
    expected = [f["name"] for f in RESOURCES[name]["schema"]["fields"]]
    assert list(schema.columns) == expected
    assert schemas()[1][name].columns == expected
    assert schema.strict is True
    assert schema.ordered is True
    assert schema.name == name


@pytest.mark.parametrize("name", sorted(RESOURCES))
def test_primary_key_is_the_schema_unique(name):
    primary_key = RESOURCES[name]["schema"].get("primaryKey")
    assert schemas()[0][name].unique == (primary_key or None)


@pytest.mark.parametrize("item", UNIQUE_KEYS, ids=key_id)
def test_unique_key_is_a_frame_check(item):
    resource, key = item
    names = [check.name for check in schemas()[0][resource].checks]
    assert unique_key_name(tuple(key)) in names


@pytest.mark.parametrize("item", FOREIGN_KEYS, ids=key_id)
def test_foreign_key_is_checked_across_batches_on_kept_columns(item):
    """A foreign key may refer to a row of any batch: it is checked at the end on the
    columns kept of every batch (pipeline.check.keys), not by a batch's schema."""
    resource, fk = item
    reference = fk["reference"]
    key = ForeignKey(
        fields=tuple(fk["fields"]),
        resource=reference.get("resource") or resource,
        reference_fields=tuple(reference["fields"]),
    )
    kept = kept_columns(model())
    assert key in model().resource(resource).foreign_keys
    assert set(key.fields) <= set(kept[resource])
    assert set(key.reference_fields) <= set(kept[key.resource])


@pytest.mark.parametrize("name", sorted(RESOURCES))
def test_frame_checks_are_exactly_keys_and_the_semantic_checks_of_a_batch(name):
    schema = RESOURCES[name]["schema"]
    expected = [unique_key_name(tuple(key)) for key in schema.get("uniqueKeys", [])]
    expected += [c.name for c in SEMANTIC_CHECKS if c.resource == name and not c.across]
    assert sorted(check.name for check in schemas()[0][name].checks) == sorted(expected)


@pytest.mark.parametrize("check", [c for c in SEMANTIC_CHECKS if c.across], ids=str)
def test_a_check_across_batches_keeps_the_columns_it_uses(check):
    kept = kept_columns(model())
    assert check.uses and check.resource in check.uses
    for resource, columns in check.uses.items():
        assert set(columns) <= set(kept[resource])


# ---- semantic checks --------------------------------------------------------------------


def test_semantic_check_names_are_unique():
    names = [check.name for check in SEMANTIC_CHECKS]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("check", SEMANTIC_CHECKS, ids=lambda check: check.name)
def test_semantic_check_names_a_resource_and_field_in_the_contract(check):
    assert check.resource in RESOURCES
    reported_in = "figures" if check.at_figure else check.resource  # a quotes rule at its figure
    fields = [f["name"] for f in RESOURCES[reported_in]["schema"]["fields"]]
    assert check.field in fields
