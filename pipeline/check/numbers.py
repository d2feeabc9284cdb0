"""Numbers as prose states them: "78 per cent", "96%", "ten per cent", "1,234",
with the hedge in front of them ("almost", "about", "more than"), and the words
that state a direction of change.

One implementation, for a whole column of texts at once (`stated_numbers`) and
for one text (`find_numbers`, which asks it about that text): number words become
digits by text2num, once per distinct text that holds one; the digits, their
percent sign and their qualifier are found by regular expressions over the column.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import polars as pl

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
_QUALIFIER = "|".join(
    w.replace(" ", r"\s+") for w in sorted(_WORD_TO_QUALIFIER, key=len, reverse=True)
)
# Python's \w (letters, digits, "_"; not combining marks), which Rust's \w is not
WORD = r"[\p{L}\p{N}_]"
NOT_WORD = r"[^\p{L}\p{N}_]"
PERCENT = r"\s*%|\s*per\s*cent\b|\s*percent\b"
# A number starts a run of word characters, "." and ",", never inside one (so 12,34 is
# no number and v1.2 none either): each text is cut into such runs, each with the
# qualifier words right before it and what may be its percent sign right after it.
_RUN = rf"(?:{WORD}|[.,])+"
_TOKEN = rf"(?is)(?:\b(?:{_QUALIFIER})\s+)*{_RUN}(?:\s*(?:%|per\s*cent\b|percent\b|cent\b))?"
_TOKEN_PARTS = rf"(?is)^(?P<prefix>(?:\b(?:{_QUALIFIER})\s+)*)(?P<run>{_RUN})(?P<suffix>.*)$"
# The number at the start of a run: digits with thousands separators or plain, and
# decimals; the rest of the run must not go on with a digit (12,345,6 is none) ...
_NUMBER_PARTS = r"(?s)^(?P<whole>\d{1,3}(?:,\d{3})+|\d+)(?P<fraction>\.\d+)?(?P<rest>.*)$"
_GOES_ON = r"^(?:\p{L}|\p{N}|[_,])?\d"
# ... or if it does after a decimal point, the number ends before the point (1.5x5 is 1)
_LAST_QUALIFIER = rf"(?i)\b(?P<said>(?P<words>{_QUALIFIER})\s+)$"

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

DECLINE_WORDS = (
    rf"(?i)(?:^|{NOT_WORD})(?:declin{WORD}*|decreas{WORD}*|fell|fall{WORD}*|drop{WORD}*|down|"
    rf"reduc{WORD}*|plummet{WORD}*|lower{WORD}*|cut|shr[ai]nk{WORD}*|slump{WORD}*|"
    rf"plunge{WORD}*)(?:{NOT_WORD}|$)"
)
INCREASE_WORDS = (
    rf"(?i)(?:^|{NOT_WORD})(?:increas{WORD}*|ris(?:e|es|ing)|rose|grew|grow{WORD}*|up|higher|"
    rf"climb{WORD}*|jump{WORD}*|surge{WORD}*|soar{WORD}*)(?:{NOT_WORD}|$)"
)


@dataclass(frozen=True)
class StatedNumber:
    value: Decimal  # exactly as written: 9007199254740993 is not 9007199254740992
    percent: bool
    qualifier: str | None
    words: str  # the matched words, after number words became digits


def with_digits(texts: pl.Series) -> pl.Series:
    """Each text with its number words turned into digits (text2num), asked once per
    distinct text that holds a number word."""
    worded = texts.filter(texts.str.contains(HAS_NUMBER_WORD)).unique()
    if worded.is_empty():
        return texts
    from text_to_num import alpha2digit

    digits = [alpha2digit(text, "en") for text in worded.to_list()]
    return texts.replace(worded, pl.Series(digits, dtype=pl.String))


def stated_numbers(texts: pl.Series) -> pl.DataFrame:
    """Every number stated in each of texts (without missing values), one row per
    number, in the texts' order and then reading order: at (the text's position in
    texts), value (its magnitude in exact_numbers' form), written (its digits without
    separators), percent, qualifier and words (as stated, number words as digits)."""
    numbers = _runs_of_digits(with_digits(texts)).with_columns(
        said=pl.col("after").str.extract(f"(?i)^({PERCENT})"),
        qualified=pl.col("prefix").str.extract_groups(_LAST_QUALIFIER),
        written=pl.col("number").str.replace_all(",", "", literal=True),
    )
    qualifier_words = pl.col("qualified").struct.field("words")
    found = numbers.select(
        "at",
        "written",
        percent=pl.col("said").is_not_null(),
        qualifier=qualifier_words.str.to_lowercase()
        .str.replace_all(r"\s+", " ")
        .replace_strict(_WORD_TO_QUALIFIER, default=None, return_dtype=pl.String),
        words=pl.concat_str(
            pl.col("qualified").struct.field("said").fill_null(""),
            "number",
            pl.col("said").fill_null(""),
        ),
    ).collect(engine="streaming")  # in morsels: the regexes' matches are not all held at once
    return found.insert_column(1, exact_numbers(found["written"]).alias("value"))


def _runs_of_digits(texts: pl.Series) -> pl.LazyFrame:
    """The runs of texts that start with a number: at (the text's position), the
    qualifier words before the run (prefix), the number and what follows it (after,
    where a percent sign may be)."""
    runs = (
        pl.LazyFrame({"text": texts})
        .with_row_index("at")
        .select("at", token=pl.col("text").str.extract_all(_TOKEN))
        .explode("token")
        .filter(pl.col("token").str.contains(r"\d"))
        .select("at", pl.col("token").str.extract_groups(_TOKEN_PARTS).struct.unnest())
        .with_columns(pl.col("run").str.extract_groups(_NUMBER_PARTS).struct.unnest())
        .filter(pl.col("whole").is_not_null())
    )
    goes_on = pl.col("rest").str.contains(_GOES_ON)
    fraction = pl.col("fraction").fill_null("")
    return runs.select(
        "at",
        "prefix",
        number=pl.when(~goes_on)
        .then(pl.col("whole") + fraction)
        .when(pl.col("fraction").is_not_null())
        .then(pl.col("whole")),
        after=pl.when(goes_on).then(fraction + pl.col("rest")).otherwise(pl.col("rest"))
        + pl.col("suffix"),
    ).filter(pl.col("number").is_not_null())


@lru_cache(maxsize=65536)
def find_numbers(text: str) -> tuple[StatedNumber, ...]:
    """Every number stated in text, with its percent sign and qualifier."""
    found = stated_numbers(pl.Series([text], dtype=pl.String))
    return tuple(
        StatedNumber(
            value=Decimal(number["written"]),
            percent=number["percent"],
            qualifier=number["qualifier"],
            words=number["words"],
        )
        for number in found.iter_rows(named=True)
    )


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


def states_decline(texts: pl.Expr) -> pl.Expr:
    return texts.str.contains(DECLINE_WORDS)


def states_rise(texts: pl.Expr) -> pl.Expr:
    return texts.str.contains(INCREASE_WORDS)


def direction(text: str) -> set[int]:
    """The directions of change the words state: -1 for a decline, +1 for a rise."""
    said = pl.lit(text, dtype=pl.String)
    declines, rises = pl.select(states_decline(said).alias("d"), states_rise(said).alias("r")).row(
        0
    )
    return {sign for sign, stated in ((-1, declines), (1, rises)) if stated}


def exact_numbers(written: pl.Series, longest: int | None = None) -> pl.Series:
    """The magnitude of each number as written (digits with an optional sign, thousands
    separators, decimal point and exponent) in one plain decimal form: ASCII digits, no
    separator, sign, exponent, leading zero or trailing zero after the point. Two numbers
    are equal exactly when their forms are; as floats, 9007199254740993 is 9007199254740992.
    A number whose plain form would be longer than `longest` characters (a tiny or huge
    exponent) gets a form with an "e" instead, which no plain form equals."""
    plain = written.str.replace_all(",", "", literal=True).str.strip_chars_start("-+")
    frame = pl.DataFrame({"plain": plain})
    text = pl.col("plain")
    pointless = pl.when(text.str.contains(".", literal=True)).then(
        text.str.strip_chars_end("0").str.strip_chars_end(".")
    )
    frame = frame.with_columns(trimmed=pointless.otherwise(text))  # 2.50 is 2.5, 78.0 is 78
    trimmed = pl.col("trimmed")
    bare = trimmed.str.strip_chars_start("0")
    zero = pl.when((bare == "") | bare.str.starts_with(".")).then("0" + bare).otherwise(bare)
    usual = text.str.contains(r"^[0-9.]*$")  # others: an exponent, digits of other scripts
    odd = frame.filter(~usual)["plain"].unique()
    rewritten = pl.Series([_plain(t, longest) for t in odd.to_list()], dtype=pl.String)
    formed = frame.select(
        pl.when(usual)
        .then(pl.when(trimmed.str.starts_with("0")).then(zero).otherwise(trimmed))
        .otherwise(text.replace(odd, rewritten))
    )
    return formed.to_series().rename(written.name)


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


# ---- number mentions: where a text states a number, at code point offsets -------------

# The words that state a number or a rank, as a whole word in any case: cardinals, their
# tens and scales (and the plurals "hundreds", "dozens"), ordinals, and the fractions and
# multiples that state an amount ("half", "doubled"). Digits are found by MENTION_NUMERAL.
_CARDINALS = (
    "zero", "nought", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy",
    "eighty", "ninety",
)  # fmt: skip
_SCALES = ("hundred", "thousand", "million", "billion", "trillion", "dozen")
_ORDINALS = (
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
    "seventeenth", "eighteenth", "nineteenth", "twentieth", "thirtieth", "fortieth",
    "fiftieth", "sixtieth", "seventieth", "eightieth", "ninetieth", "hundredth",
    "thousandth", "millionth", "billionth",
)  # fmt: skip
_AMOUNTS = (
    "half", "halves", "halved", "halving", "quarter", "quarters", "double", "doubled",
    "doubling", "triple", "tripled", "tripling", "quadruple", "quadrupled", "twice", "thrice",
)  # fmt: skip
_SCALE = "(?:" + "|".join(_SCALES) + ")s?"
_NUMBER_WORD = (
    r"(?:" + "|".join(sorted(_CARDINALS + _ORDINALS + _AMOUNTS, key=len, reverse=True))
    + f"|{_SCALE})"
)  # fmt: skip
_SPACE = r"[^\S\n]"  # white space within a line
# "twenty-one", "one hundred and five", "two million": one mention
MENTION_WORDS = (
    rf"\b(?:{_NUMBER_WORD}(?:{_SPACE}+|-)|{_SCALE}{_SPACE}+and{_SPACE}+)*{_NUMBER_WORD}\b"
)
# digits with thousands separators (",", a space, a no-break or thin space) or none, and
# decimals; with a currency sign before, letters glued on either side ("v1.2", "1st",
# "466m") and a scale word after ("1.2 million")
MENTION_NUMERAL = (
    r"(?:\p{Sc}" + _SPACE + r"?)?[\p{L}_]*(?:\d{1,3}(?:[,\u00a0\u2009\u202f ]\d{3})+|\d+)"
    rf"(?:[.,]\d+)*{WORD}*(?:{_SPACE}+{_SCALE}\b)*"
)
# Word boundaries as ASCII ones: on a text past ASCII (a curly quote will do), a Unicode
# \b sends the regex engine from its DFA to a far slower one (50 times, measured on
# synthetic articles); a letter past ASCII next to a number word is not one (rare).
MENTION = rf"(?i)(?:{MENTION_NUMERAL}|{MENTION_WORDS})(?:{PERCENT})?".replace(r"\b", r"(?-u:\b)")


def number_mentions(texts: pl.Series) -> pl.DataFrame:
    """Every number mention in each of texts, at its Unicode code point offsets: at (the
    text's position in texts), start, end (exclusive) and text (the mention as written,
    with its percent sign: "78 per cent" is one mention), in the texts' order and then
    reading order. Digits, number words, ordinals, percentages and years are mentions.

    Each mention is found twice by the regex engine, once alone and once with the text
    before it since the last (the same matches, in the same order): the lengths of the
    second, added up, give each mention's end."""
    lazy = (
        pl.LazyFrame({"text": texts})
        .with_row_index("at")
        .select(
            "at",
            piece=pl.col("text").str.extract_all(f"(?s:.*?)(?:{MENTION})"),
            mention=pl.col("text").str.extract_all(MENTION),
        )
        .explode("piece", "mention")
        .drop_nulls("mention")
        .with_columns(end=pl.col("piece").str.len_chars().cast(pl.Int64).cum_sum().over("at"))
    )
    return lazy.select(
        "at",
        start=pl.col("end") - pl.col("mention").str.len_chars().cast(pl.Int64),
        end="end",
        text="mention",
    ).collect()
