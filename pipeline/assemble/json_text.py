"""JSON text as the package writes it: indented by two spaces, UTF-8 (escapes only
where JSON needs them), keys in the order given or sorted.

orjson writes it (Python's json module encodes an indented document in Python, a
few seconds for the descriptor or PROV graph of a million figures); for the values
we write, its bytes are the json module's (tests/test_json_text.py holds it to
that). Where they would differ the json module writes the document: a float not
finite, or under 1e-4 (orjson writes 0.00001, Python 1e-05); an integer past 64
bits, or anything else orjson does not take.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator

import orjson

CONTAINERS = (dict, list, tuple)
SMALLEST_SAME_FLOAT = 1e-4  # from here up (and 0), orjson writes a float as repr() does


def indented(value: object, sort_keys: bool = False, allow_nan: bool = True) -> str:
    """json.dumps(value, indent=2, ensure_ascii=False, sort_keys=sort_keys, allow_nan=...)."""
    if _floats_written_alike(value):
        option = orjson.OPT_INDENT_2 | (orjson.OPT_SORT_KEYS if sort_keys else 0)
        try:
            return orjson.dumps(value, option=option).decode("utf-8")
        except (orjson.JSONEncodeError, TypeError):
            pass
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=sort_keys, allow_nan=allow_nan)


def _floats_written_alike(value: object) -> bool:
    """True when every float in value is one orjson writes as the json module does."""
    if isinstance(value, float):
        return _alike(value)
    for level in levels(value):
        for item in level:
            children = item.values() if isinstance(item, dict) else item
            if not all(_alike(child) for child in children if isinstance(child, float)):
                return False
    return True


def levels(value: object) -> Iterator[list]:
    """The arrays and objects of a JSON value a level at a time, the value itself first
    (looking only at arrays and objects: no Python call per string or number)."""
    level = [value] if isinstance(value, CONTAINERS) else []
    while level:
        yield level
        level = [
            child
            for item in level
            for child in (item.values() if isinstance(item, dict) else item)
            if isinstance(child, CONTAINERS)
        ]


def _alike(number: float) -> bool:
    return math.isfinite(number) and (number == 0 or abs(number) >= SMALLEST_SAME_FLOAT)
