"""JSON text written by orjson where it writes the json module's bytes, and by the
json module elsewhere: any JSON value gives exactly json.dumps(indent=2,
ensure_ascii=False), keys in order or sorted."""

from __future__ import annotations

import json

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pipeline.assemble.json_text
from pipeline.assemble.json_text import indented
from tests.conftest import examples

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),  # past 64 bits too
    st.floats(),  # nan, infinities, subnormals, tiny and huge
    st.text(),  # control characters, non-BMP, U+2028
)
VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=4), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=examples(1000), deadline=None, derandomize=True)
@given(value=VALUES, sort_keys=st.booleans())
def test_any_json_value_is_written_as_the_json_module_writes_it(value, sort_keys):
    try:
        expected = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=sort_keys)
    except ValueError:  # a lone surrogate in a key, written as the json module does
        return
    assert indented(value, sort_keys=sort_keys) == expected


@settings(max_examples=examples(300), deadline=None, derandomize=True)
@given(number=st.floats(allow_nan=False, allow_infinity=False))
def test_floats_orjson_writes_are_written_as_repr(number):
    if pipeline.assemble.json_text._alike(number):
        assert orjson.dumps(number).decode() == json.dumps(number)


def test_orjson_writes_a_descriptor_like_value(monkeypatch):
    calls = []
    real = orjson.dumps
    monkeypatch.setattr(orjson, "dumps", lambda *a, **k: calls.append(1) or real(*a, **k))
    value = {"name": "kandal", "resources": [{"bytes": 2875, "value": -78.0, "note": None}]}

    assert indented(value) == json.dumps(value, indent=2, ensure_ascii=False)
    assert calls


@pytest.mark.parametrize("number", [float("nan"), float("inf"), float("-inf")])
def test_a_number_json_cannot_hold_is_refused_when_asked(number):
    with pytest.raises(ValueError):
        indented({"value": [number]}, allow_nan=False)
    assert indented({"value": [number]}) == json.dumps({"value": [number]}, indent=2)
