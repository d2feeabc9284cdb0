"""The numbers stated in a whole column of texts at once: what numbers.find_numbers
finds in each text, found in one pass over all of them.

Most quotes state their numbers in digits, so text2num runs only on the texts
that hold a number word; the digits of every text are found in one pass of a
regular expression over all texts joined by a separator; a number's qualifier
is read backwards from where the number starts to where its text starts, and only
for the numbers a check asks about. numbers.find_numbers stays the reference (and
explains a failing row); tests/test_stated_numbers.py holds the two to the same
answers.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.check import numbers
from pipeline.check.columns import arrow_text, string_values

# Texts are joined by a character that none of them holds and that is neither a word
# character, a space, a digit nor punctuation a number reads, so no match reaches across it.
SEPARATORS = [chr(c) for c in (*range(0x00, 0x09), *range(0x0E, 0x1C))]
# Every word text2num reads as a number starts with one of these, in any case and with
# any ending ("tenth", "Nineties", "twenty-one"); a text holding none of them is left
# as it is, so only texts that hold one go to text2num. Kelvin sign and dotted capital I
# lower-case to ASCII letters, so a text with either goes to text2num too, and so does
# one with "o" as a word ("o o" is 00).
NUMBER_WORD_STEMS = (
    "zero", "nought", "one", "first", "two", "second", "three", "thir", "four", "fiv",
    "fif", "six", "seven", "eight", "nin", "ten", "eleven", "twel", "twen", "fort",
    "hundred", "thousand", "million", "billion",
)  # fmt: skip
HAS_NUMBER_WORD = (
    "(?i)(?:" + "|".join(NUMBER_WORD_STEMS) + ")|[\u0130\u212a]|(?:^|[^a-z])os*(?:[^a-z]|$)"
)

# numbers._NUMBER without its qualifier, and with the lookbehind moved past the first
# digit so that the regex engine can skip quickly to digits (same matches).
_DIGITS = re.compile(
    r"(?P<number>\d(?<![\w.,]\d)(?:\d{0,2}(?:,\d{3})+(?:\.\d+)?|\d*(?:\.\d+)?))(?![\w,]?\d)"
    r"(?P<percent>\s*%|\s*per\s*cent\b|\s*percent\b)?",
    re.IGNORECASE,
)
# The qualifier words spelled backwards, longest first, read from a number's start
# towards the beginning of its text: the longest phrase wins, as it does in numbers._NUMBER.
_QUALIFIER_BACKWARDS = re.compile(
    r"\s+(?P<qualifier>"
    + "|".join(
        re.escape(word[::-1]).replace(r"\ ", r"\s+")
        for word in sorted(numbers._WORD_TO_QUALIFIER, key=len, reverse=True)
    )
    + r")\b",
    re.IGNORECASE,
)


@dataclass
class StatedNumbers:
    """Every number stated in some texts: one row per number in `found`, in text order
    and then reading order, with columns text (position in the texts given), value (its
    magnitude in exact_numbers' form), percent and start (where the number starts in the
    texts joined: each text, number words as digits, followed by `separator`, which none
    of them holds), kept as `joined`."""

    found: pd.DataFrame
    joined: str
    separator: str

    def qualifiers(self, rows: np.ndarray) -> list[str | None]:
        """The qualifier stated before each of the numbers found at rows: read backwards
        from where the number starts to where its text starts."""
        if "qualifier" in self.found:
            return self.found["qualifier"].to_numpy()[rows].tolist()
        starts = self.found["start"].to_numpy()[rows].tolist()
        may_qualify = self.found["may_qualify"].to_numpy()[rows].tolist()
        text = self.joined
        qualifiers = []
        for start, may in zip(starts, may_qualify, strict=True):
            match = None
            if may:
                before = text[text.rfind(self.separator, 0, start) + 1 : start]
                match = _QUALIFIER_BACKWARDS.match(before[::-1])
            qualifiers.append(_qualifier(match.group("qualifier")[::-1]) if match else None)
        return qualifiers


@cache
def _qualifier(words: str) -> str:
    return numbers._WORD_TO_QUALIFIER[" ".join(words.lower().split())]


def with_digits(texts: pd.Series) -> pa.Array:
    """Each text (an Arrow string array) with its number words turned into digits, as
    find_numbers reads it."""
    from text_to_num import alpha2digit

    array = arrow_text(texts)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    array = array.cast(pa.large_string())
    has_words = texts.str.contains(HAS_NUMBER_WORD, regex=True).to_numpy(dtype=bool)
    if not has_words.any():
        return array
    mask = pa.array(has_words)
    worded = array.filter(mask).to_pylist()
    digits = pa.array([alpha2digit(text, "en") for text in worded], type=pa.large_string())
    return pc.replace_with_mask(array, mask, digits)


def stated_numbers(texts: pd.Series) -> StatedNumbers:
    """The numbers stated in each of texts (a string Series without missing values)."""
    separator = next((s for s in SEPARATORS if not texts.str.contains(s, regex=False).any()), None)
    if separator is None:
        return _by_reference(texts)
    found, joined = numbers_in(texts, separator)
    return StatedNumbers(_frame(found), joined, separator)


def _frame(found: dict) -> pd.DataFrame:
    """StatedNumbers.found from its columns (value an Arrow array, the others NumPy)."""
    return pd.DataFrame({**found, "value": pd.arrays.ArrowStringArray(found["value"])})


def numbers_in(texts: pd.Series, separator: str) -> tuple[dict, str]:
    """The columns of StatedNumbers.found for texts, and the texts (number words as
    digits) each followed by separator, which none of them holds, end to end. The
    texts are joined in Arrow: no Python string per text is made."""
    digits = with_digits(texts)
    lengths = pc.utf8_length(digits).to_numpy(zero_copy_only=False).astype(np.int64) + 1
    text_starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    ended = pc.binary_join_element_wise(digits, _large(""), _large(separator))
    joined = str(string_values(ended), "utf-8")
    starts, written, percent = array("q"), [], bytearray()
    for match in _DIGITS.finditer(joined):  # one match at a time: a match object is large
        number, stated_percent = match.groups()
        starts.append(match.start())
        written.append(number)
        percent.append(stated_percent is not None)
    start = np.frombuffer(starts, dtype=np.int64)
    text = np.searchsorted(text_starts, start, side="right") - 1
    found = {
        "text": text,
        "value": exact_numbers(pa.array(written, type=pa.large_string())),
        "percent": np.frombuffer(percent, dtype=bool),
        "start": start,
        "may_qualify": _may_qualify(digits)[text],
    }
    return found, joined


def _large(text: str) -> pa.Scalar:
    return pa.scalar(text, type=pa.large_string())


def _may_qualify(texts: pa.Array) -> np.ndarray:
    """False for texts that hold none of the qualifier phrases (in any case, with
    anything between their words): their numbers have no qualifier."""
    phrases = (".+".join(map(re.escape, words.split())) for words in numbers._WORD_TO_QUALIFIER)
    pattern = "(?is)" + "|".join(phrases)
    found = pc.match_substring_regex(texts, pattern)
    return found.to_numpy(zero_copy_only=False).astype(bool)


def exact_numbers(written: pa.Array, longest: int | None = None) -> pa.Array:
    """The magnitude of each number as written (digits with an optional sign, thousands
    separators, decimal point and exponent) in one plain decimal form: ASCII digits, no
    separator, sign, exponent, leading zero or trailing zero after the point. Two numbers
    are equal exactly when their forms are; as floats, 9007199254740993 is 9007199254740992.
    A number whose plain form would be longer than `longest` characters (a tiny or huge
    exponent) gets a form with an "e" instead, which no plain form equals."""
    plain = pc.utf8_ltrim(pc.replace_substring(written.cast(pa.large_string()), ",", ""), "-+")
    unusual = pc.invert(pc.string_is_ascii(plain))  # digits of another script, such as ٣
    for exponent in ("e", "E"):
        unusual = pc.or_(unusual, pc.match_substring(plain, exponent))
    if pc.any(unusual).as_py():  # few: read digit by digit
        rewritten = [_plain(text, longest) for text in plain.filter(unusual).to_pylist()]
        plain = pc.replace_with_mask(plain, unusual, pa.array(rewritten, pa.large_string()))
    point = pc.match_substring(plain, ".")
    if pc.any(point).as_py():  # "2.50" is 2.5 and "78.0" is 78 (trailing zeros stop at the point)
        plain = pc.if_else(point, pc.utf8_rtrim(pc.utf8_rtrim(plain, "0"), "."), plain)
    leading = pc.starts_with(plain, "0")
    if pc.any(leading).as_py():  # "007" is 7, and "0.5" keeps its zero
        trimmed = pc.utf8_ltrim(plain, "0")
        bare = pc.or_(pc.equal(trimmed, ""), pc.starts_with(trimmed, "."))
        zero = pc.binary_join_element_wise(_large("0"), trimmed, _large(""))
        plain = pc.if_else(leading, pc.if_else(bare, zero, trimmed), plain)
    return plain


_WRITTEN = re.compile(r"(?P<whole>\d*)(?:\.(?P<fraction>\d*))?(?:[eE](?P<power>[-+]?\d+))?")


def _plain(text: str, longest: int | None) -> str:
    """A number (with an exponent, or digits of another script) in exact_numbers' form,
    digit by digit: no float or Decimal on the way (Decimal refuses an exponent of 20
    digits, which a cell may hold)."""
    written = _WRITTEN.fullmatch(text)
    if written is None:
        return text  # not a number as written (it equals no number stated)
    whole, fraction, power = written.group("whole", "fraction", "power")
    fraction, power = _ascii(fraction or ""), _ascii(power or "0")
    digits = (_ascii(whole) + fraction).lstrip("0")
    if not digits:
        return "0"
    if len(power.lstrip("+-").lstrip("0")) > 18:
        return f"{digits}e{power}"  # its plain form would not fit in memory
    kept = digits.rstrip("0")
    exponent = int(power) - len(fraction) + len(digits) - len(kept)
    point = len(kept) + exponent  # digits before the decimal point
    size = point if exponent >= 0 else max(point, 1) + 1 - exponent
    if longest is not None and size > longest:
        return f"{kept}e{exponent}"
    if exponent >= 0:
        return kept + "0" * exponent
    if point > 0:
        return f"{kept[:point]}.{kept[point:]}"
    return "0." + "0" * -point + kept


def _ascii(digits: str) -> str:
    return digits if digits.isascii() else "".join(str(unicodedata.decimal(d)) for d in digits)


def _by_reference(texts: pd.Series) -> StatedNumbers:
    """The numbers found one text at a time by find_numbers, for texts that hold
    every separator (the qualifiers are found at once)."""
    rows = [
        (position, format(number.value, "f"), number.percent, order, number.qualifier)
        for position, text in enumerate(texts.tolist())
        for order, number in enumerate(numbers.find_numbers(text))
    ]
    columns = ["text", "value", "percent", "start", "qualifier"]
    found = pd.DataFrame(rows, columns=columns)
    values = exact_numbers(pa.array(found["value"].tolist(), type=pa.large_string()))
    found["value"] = pd.arrays.ArrowStringArray(values)
    return StatedNumbers(found, "", "")


def stated_directions(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """numbers.direction of each text, as two arrays: states a decline, states a rise.

    RE2 (in pyarrow) reads the ASCII texts, where its ASCII \\b and \\w are what
    Python's are; Python's re reads the others.
    """
    array = pa.array(texts, type=pa.large_string())
    ascii_only = pc.string_is_ascii(array).to_numpy(zero_copy_only=False)
    found = []
    for words in (numbers.DECLINE_WORDS, numbers.INCREASE_WORDS):
        matched = pc.match_substring_regex(array, words.pattern, ignore_case=True)
        matched = matched.to_numpy(zero_copy_only=False).astype(bool)
        for position in np.flatnonzero(~ascii_only).tolist():
            matched[position] = words.search(texts[position]) is not None
        found.append(matched)
    return found[0], found[1]
