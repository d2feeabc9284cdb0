"""JSON text written by orjson, with the numbers it writes otherwise written as Python
writes them: any JSON value gives exactly json.dumps(indent=2, ensure_ascii=False),
keys in order or sorted."""

from __future__ import annotations

import json

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

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
@given(number=st.one_of(st.floats(), st.integers()))
@example(number=1e-05)
@example(number=9.999999999999999e-05)
@example(number=1e-4)
@example(number=2**64 - 1)
@example(number=2**64)
@example(number=-(2**63) - 1)
def test_any_number_is_written_as_the_json_module_writes_it(number):
    assert indented({"value": [number, {"n": number}]}) == json.dumps(
        {"value": [number, {"n": number}]}, indent=2, ensure_ascii=False
    )
    assert indented(number) == json.dumps(number)


@pytest.mark.parametrize("number", [float("nan"), float("inf"), float("-inf")])
def test_a_number_json_cannot_hold_is_refused_when_asked(number):
    with pytest.raises(ValueError):
        indented({"value": [number]}, allow_nan=False)
    assert indented({"value": [number]}) == json.dumps({"value": [number]}, indent=2)
