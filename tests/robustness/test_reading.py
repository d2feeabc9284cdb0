"""The reading layer as units, thousands of times: any bytes as a CSV file of any
resource, any text as JSON, any JSON as a contract. Each either reads or raises
InvalidInput whose problems name the file (and a line inside it where there is one);
no other exception escapes."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.contract.model import load_contract, parse_contract
from pipeline.errors import InvalidInput
from pipeline.files import MAX_JSON_DEPTH, parse_json, read_json_object
from pipeline.load.tables import parse_csv_table
from tests.robustness.conftest import REPO, examples, scratch
from tests.robustness.mutations import (
    HOSTILE_CELLS,
    json_paths,
    json_values,
    set_path,
)

CONTRACT_TEXT = (REPO / "datapackage.json").read_text(encoding="utf-8")
CONTRACT = load_contract(REPO / "datapackage.json", "datapackage.json")
RESOURCES = list(CONTRACT.resources)
CONTRACT_PATHS = json_paths(json.loads(CONTRACT_TEXT))


def lines_in(text: str) -> int:
    return len(re.split(r"\r\n|\r|\n", text))


def assert_located(error: InvalidInput, display: str, text: str | None = None) -> None:
    assert error.problems
    for problem in error.problems:
        assert problem.file == display, problem
        assert problem.message and problem.code
        if problem.line is not None and text is not None:
            assert 1 <= problem.line <= lines_in(text), problem
        if problem.column is not None:
            assert problem.column >= 1, problem


def csv_like_text(resource):
    """Text shaped like the resource's CSV, with hostile cells and broken structure."""
    header = st.just(",".join(resource.field_names))
    cell = st.one_of(
        st.sampled_from(HOSTILE_CELLS[:-2]),
        st.text(alphabet=st.sampled_from(list(',"\r\n ab\u0301é\x00\ufeff')), max_size=12),
    )
    row = st.lists(cell, min_size=0, max_size=len(resource.fields) + 2).map(",".join)
    end = st.sampled_from(["\n", "\r\n", "\r"])
    return st.tuples(header, st.lists(st.tuples(row, end), max_size=6)).map(
        lambda parts: parts[0] + "\n" + "".join(r + e for r, e in parts[1])
    )


@settings(max_examples=examples(600))
@given(data=st.binary(max_size=600), index=st.integers(0, len(RESOURCES) - 1))
def test_any_bytes_as_a_csv_file_read_or_fail_with_located_problems(data, index):
    try:
        table = parse_csv_table(data, "x.csv", RESOURCES[index])
    except InvalidInput as error:
        assert_located(error, "x.csv", data.decode("utf-8", "replace"))
    else:
        assert list(table.frame.columns) == RESOURCES[index].field_names


@settings(max_examples=examples(800))
@given(data=st.data(), index=st.integers(0, len(RESOURCES) - 1))
def test_csv_shaped_text_reads_or_fails_with_located_problems(data, index):
    resource = RESOURCES[index]
    text = data.draw(csv_like_text(resource))
    try:
        table = parse_csv_table(text.encode("utf-8"), "x.csv", resource)
    except InvalidInput as error:
        assert_located(error, "x.csv", text)
    else:
        assert len(table.row_line) == len(table.frame)
        for line in table.row_line:
            assert 1 <= line <= lines_in(text)


@settings(max_examples=examples(800))
@given(
    text=st.one_of(
        st.text(max_size=200),
        json_values.map(lambda v: json.dumps(v, ensure_ascii=False)),
        st.sampled_from(
            [
                '{"a": NaN}',
                '{"a": Infinity}',
                '{"a": -Infinity}',
                '{"a": 1e309}',
                '{"a": ' + "9" * 5000 + "}",
                '{"a": 1, "a": 2}',
                '{"a": "\\ud800"}',
                '{"\\udc00": 1}',
                '{"a": "\\ud83d\\ude00"}',
                "[" * 100_000 + "]" * 100_000,
                '{"a":' * (MAX_JSON_DEPTH + 1) + "1" + "}" * (MAX_JSON_DEPTH + 1),
                "\ufeff{}",
                "",
            ]
        ),
    )
)
def test_any_text_parses_as_json_or_fails_with_located_problems(text):
    try:
        value = parse_json(text, "x.json")
    except InvalidInput as error:
        assert_located(error, "x.json", text)
    else:
        # What we accept can be written back as JSON and UTF-8, and reads the same.
        again = json.dumps(value, ensure_ascii=False, allow_nan=False)
        assert json.loads(again.encode("utf-8").decode("utf-8")) == value


@settings(max_examples=examples(300))
@given(data=st.binary(max_size=300))
def test_any_bytes_as_a_json_file_read_or_fail_with_located_problems(data):
    with scratch() as folder:
        path = folder / "source.json"
        path.write_bytes(data)
        try:
            value, _ = read_json_object(path, "source.json")
        except InvalidInput as error:
            assert_located(error, "source.json", data.decode("utf-8", "replace"))
        else:
            assert isinstance(value, dict)


@settings(max_examples=examples(1000))
@given(data=st.data())
def test_any_change_to_the_contract_parses_or_fails_with_located_problems(data):
    descriptor = json.loads(CONTRACT_TEXT)
    for _ in range(data.draw(st.integers(1, 3))):
        paths = json_paths(descriptor)
        descriptor = set_path(descriptor, data.draw(st.sampled_from(paths)), data.draw(json_values))
    if not isinstance(descriptor, dict):
        return  # read_json_object refuses it (tested above)
    text = json.dumps(descriptor, ensure_ascii=False, indent=2)
    try:
        parse_contract(descriptor, text, "datapackage.json")
    except InvalidInput as error:
        assert_located(error, "datapackage.json", text)


@pytest.mark.parametrize("resources", [0, 1001])
def test_contract_with_no_resources_or_too_many_is_refused(resources):
    listed = [{"name": f"r{i}", "path": f"{i}.csv"} for i in range(resources)]
    descriptor = {"name": "package", "resources": listed}
    with pytest.raises(InvalidInput) as caught:
        parse_contract(descriptor, json.dumps(descriptor), "datapackage.json")
    [problem] = caught.value.problems
    assert problem.code == ("contract-resources" if resources == 0 else "contract-too-large")


# A JSON tree whose objects are lists of (key, value) pairs, so that a key may repeat;
# keys and strings are drawn with colons, quotes and backslashes in them.
_keys = st.sampled_from(["a", "b", ":", "a:b", '"', "\\", ""])
_pair_trees = st.recursive(
    st.one_of(st.none(), st.integers(-5, 5), _keys, st.text(alphabet=':a"\\/\n', max_size=4)),
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.lists(st.tuples(_keys, children), max_size=3).map(tuple),
    ),
    max_leaves=12,
)


def _pairs_text(tree) -> str:
    if isinstance(tree, tuple):
        return "{" + ", ".join(f"{json.dumps(k)}: {_pairs_text(v)}" for k, v in tree) + "}"
    if isinstance(tree, list):
        return "[" + ",".join(_pairs_text(item) for item in tree) + "]"
    return json.dumps(tree, ensure_ascii=False)


def _repeats_a_key(tree) -> bool:
    if isinstance(tree, tuple):
        keys = [k for k, _ in tree]
        return len(set(keys)) < len(keys) or any(_repeats_a_key(v) for _, v in tree)
    if isinstance(tree, list):
        return any(_repeats_a_key(item) for item in tree)
    return False


@settings(max_examples=examples(1000))
@given(tree=_pair_trees)
def test_a_repeated_key_is_refused_at_any_depth_and_only_then(tree):
    """parse_json finds a repeated key without a Python call per object (it counts
    colons); held here to the plain rule, with colons in keys and strings."""
    text = _pairs_text(tree)
    if _repeats_a_key(tree):
        with pytest.raises(InvalidInput) as caught:
            parse_json(text, "x.json")
        [problem] = caught.value.problems
        assert "appears twice in one object" in problem.message
        assert problem.line is not None
    else:
        assert parse_json(text, "x.json") == json.loads(text)
