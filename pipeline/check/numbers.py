"""Numbers as prose states them: "78 per cent", "96%", "ten per cent", "1,234",
with the hedge in front of them ("almost", "about", "more than").

Number words are turned into digits by text2num; this module only finds the
digits, their percent sign and their qualifier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

# Canonical qualifier -> the words that express it, longest phrases first in the regex.
QUALIFIER_WORDS: dict[str, tuple[str, ...]] = {
    "almost": ("almost", "nearly", "just under", "close to", "just shy of"),
    "approximately": ("about", "around", "approximately", "roughly", "some", "an estimated"),
    "more_than": ("more than", "over", "above", "upwards of", "in excess of", "just over"),
    "less_than": ("less than", "fewer than", "under", "below"),
    "at_least": ("at least", "no fewer than", "no less than"),
    "at_most": ("at most", "up to", "no more than"),
}
_WORD_TO_QUALIFIER = {w: q for q, words in QUALIFIER_WORDS.items() for w in words}
_QUALIFIER_PATTERN = "|".join(
    re.escape(w).replace(r"\ ", r"\s+") for w in sorted(_WORD_TO_QUALIFIER, key=len, reverse=True)
)
_NUMBER = re.compile(
    rf"(?:\b(?P<qualifier>{_QUALIFIER_PATTERN})\s+)?"
    r"(?<![\w.,])(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\w,]?\d)"
    r"(?P<percent>\s*%|\s*per\s*cent\b|\s*percent\b)?",
    re.IGNORECASE,
)

DECLINE_WORDS = re.compile(
    r"\b(declin\w*|decreas\w*|fell|fall\w*|drop\w*|down|reduc\w*|plummet\w*|lower\w*|"
    r"cut|shr[ai]nk\w*|slump\w*|plunge\w*)\b",
    re.IGNORECASE,
)
INCREASE_WORDS = re.compile(
    r"\b(increas\w*|ris(e|es|ing)|rose|grew|grow\w*|up|higher|climb\w*|jump\w*|surge\w*|"
    r"soar\w*)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class StatedNumber:
    value: Decimal  # exactly as written: 9007199254740993 is not 9007199254740992
    percent: bool
    qualifier: str | None
    words: str  # the matched words, after number words became digits


@lru_cache(maxsize=65536)
def find_numbers(text: str) -> tuple[StatedNumber, ...]:
    """Every number stated in text, with its percent sign and qualifier."""
    found = []
    for match in _NUMBER.finditer(_digits(text)):
        qualifier_words = match.group("qualifier")
        qualifier = None
        if qualifier_words:
            qualifier = _WORD_TO_QUALIFIER[" ".join(qualifier_words.lower().split())]
        found.append(
            StatedNumber(
                value=Decimal(match.group("number").replace(",", "")),
                percent=match.group("percent") is not None,
                qualifier=qualifier,
                words=match.group(0).strip(),
            )
        )
    return tuple(found)


def _digits(text: str) -> str:
    from text_to_num import alpha2digit

    return alpha2digit(text, "en")


def matching_number(text: str, value, percent: bool) -> StatedNumber | None:
    """The number in text that states value (sign aside) exactly, as decimals, with a
    percent sign exactly when value is a percentage; or None. value: as written (a
    figure's cell, such as "-78" or "2.5e3"), or a number (a float as its shortest
    decimal, which reads back as that float)."""
    wanted = exact(value)
    for number in find_numbers(text):
        if number.value == wanted and number.percent == percent:
            return number
    return None


def exact(value) -> Decimal:
    """The magnitude of a number as written (str), or of an int, Decimal or float, as a
    Decimal: compared exactly, where floats would take 50.00000000000000001 for 50
    (copy_abs, as abs() rounds to the context's 28 digits)."""
    return Decimal(repr(float(value)) if isinstance(value, float) else value).copy_abs()


def direction(text: str) -> set[int]:
    """The directions of change the words state: -1 for a decline, +1 for a rise."""
    directions = set()
    if DECLINE_WORDS.search(text):
        directions.add(-1)
    if INCREASE_WORDS.search(text):
        directions.add(1)
    return directions
