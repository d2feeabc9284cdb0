"""JSON text as the package writes it: indented by two spaces, UTF-8 (escapes only
where JSON needs them), keys in the order given or sorted: the bytes of
json.dumps(indent=2, ensure_ascii=False), written by orjson (the json module
encodes an indented document in Python, seconds for the descriptor or PROV graph
of a million figures).

orjson writes every value as the json module does but a few numbers: a float
under 1e-4 (orjson writes 0.00001, Python 1e-05), one not finite, and an integer
past 64 bits (orjson refuses it). Those are handed to orjson already written, as
Python writes them (tests/assemble/test_json_text.py holds the bytes to the json module's).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import orjson

CONTAINERS = (dict, list, tuple)
PLAIN_TYPES = frozenset((str, bool, type(None)))  # written alike by both
SMALLEST_SAME_FLOAT = 1e-4  # from here up (and 0), orjson writes a float as repr() does
ORJSON_INTEGERS = range(-(2**63), 2**64)
NOT_FINITE = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}


def indented(value: object, sort_keys: bool = False, allow_nan: bool = True) -> str:
    """json.dumps(value, indent=2, ensure_ascii=False, sort_keys=sort_keys, allow_nan=...)."""
    if not _numbers_written_alike(value):
        value = _python_numbers(value, allow_nan)
    option = orjson.OPT_INDENT_2 | (orjson.OPT_SORT_KEYS if sort_keys else 0)
    return orjson.dumps(value, option=option).decode("utf-8")


def _numbers_written_alike(value: object) -> bool:
    """True when orjson writes every number in value as the json module does (a level
    of arrays and objects at a time, strings passed over by their type alone)."""
    if not isinstance(value, CONTAINERS):
        return _alike(value)
    level = [value]
    while level:
        nested = []
        for item in level:
            for child in item.values() if isinstance(item, dict) else item:
                if type(child) in PLAIN_TYPES:
                    continue
                if isinstance(child, CONTAINERS):
                    nested.append(child)
                elif not _alike(child):
                    return False
        level = nested
    return True


def _alike(value: object) -> bool:
    if isinstance(value, float):
        return math.isfinite(value) and (value == 0 or abs(value) >= SMALLEST_SAME_FLOAT)
    return not isinstance(value, int) or isinstance(value, bool) or value in ORJSON_INTEGERS


def _python_numbers(value: object, allow_nan: bool) -> object:
    """value with each number orjson would write otherwise as Python writes it."""
    if isinstance(value, dict):
        return {key: _python_numbers(child, allow_nan) for key, child in value.items()}
    if isinstance(value, (list, tuple)):
        return [_python_numbers(child, allow_nan) for child in value]
    if _alike(value):
        return value
    text = repr(value) if isinstance(value, int) else NOT_FINITE.get(repr(value), repr(value))
    if not allow_nan and text in NOT_FINITE.values():
        raise ValueError(f"Out of range float values are not JSON compliant: {text}")
    return orjson.Fragment(text)


def levels(value: object) -> Iterator[list]:
    """The arrays and objects of a JSON value a level at a time, the value itself first
    (looking only at arrays and objects: no Python call per string or number)."""
    if not isinstance(value, CONTAINERS):
        return _alike(value)
    level = [value]
    while level:
        yield level
        level = [
            child
            for item in level
            for child in (item.values() if isinstance(item, dict) else item)
            if isinstance(child, CONTAINERS)
        ]
