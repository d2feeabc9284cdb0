"""Numbers as prose states them: "78 per cent", "96%", "ten per cent", "1,234",
with the hedge in front of them ("almost", "about", "more than"), and the words
that state a direction of change.

One implementation, for a whole column of texts at once (`stated_numbers`) and
for one text (`find_numbers`, which asks it about that text): number words become
digits by text2num, once per distinct text that holds one; the digits, their
percent sign and their qualifier are found by regular expressions over the column.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path

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
# Digits grouped by a space, a no-break space (U+00A0, U+202F) or a thin space (U+2009)
GROUP_SPACE = "[ \u00a0\u202f\u2009]"
PERCENT = r"\s*%|\s*per\s*cent\b|\s*percent\b"
# A number starts a run of word characters, "." and ",", never inside one (so 12,34 is
# no number and v1.2 none either): each text is cut into such runs, each with the
# qualifier words right before it and what may be its percent sign right after it. A run
# may also be digits in groups of three apart by a space ("1 234"): 1 to 3 digits, then
# groups of three, then no digit (what follows is taken into the run, so "1 2345" is 1
# and 2345, and "2022 123" is 2022 and 123).
_GROUPED = (
    rf"\d{{1,3}}(?:{GROUP_SPACE}\d{{3}})+(?:[.,_\p{{L}}](?:{WORD}|[.,])*|[^\p{{N}}\p{{L}}_.,]|$)"
)
_RUN = rf"(?:{_GROUPED}|(?:{WORD}|[.,])+)"
_TOKEN = rf"(?is)(?:\b(?:{_QUALIFIER})\s+)*{_RUN}(?:\s*(?:%|per\s*cent\b|percent\b|cent\b))?"
_TOKEN_PARTS = rf"(?is)^(?P<prefix>(?:\b(?:{_QUALIFIER})\s+)*)(?P<run>{_RUN})(?P<suffix>.*)$"
# The number at the start of a run: digits with thousands separators (commas, or spaces
# as above) or plain, and decimals; the rest of the run must not go on with a digit
# (12,345,6 is none) ...
_NUMBER_PARTS = (
    rf"(?s)^(?P<whole>\d{{1,3}}(?:,\d{{3}})+|\d{{1,3}}(?:{GROUP_SPACE}\d{{3}})+|\d+)"
    r"(?P<fraction>\.\d+)?(?P<rest>.*)$"
)
_SEPARATORS = rf"[,{GROUP_SPACE[1:-1]}]"
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

# The reviewed vocabularies (a note per entry): words that state a direction of change,
# number words read as percentages, and scale words.
VOCABULARY = Path(__file__).parent / "vocabulary"
DIRECTIONS_FILE = VOCABULARY / "directions.csv"
NUMBER_WORDS_FILE = VOCABULARY / "number_words.csv"
SCALES_FILE = VOCABULARY / "scales.csv"
NOT_A_DIRECTION = "none"


@cache
def vocabulary(path: Path) -> tuple[dict, ...]:
    """A reviewed vocabulary file's rows."""
    with path.open(encoding="utf-8", newline="") as file:
        return tuple(csv.DictReader(file))


def _phrase(words: str) -> str:
    """A vocabulary entry as a regex: words apart by any spaces, "*" any further
    letters, "<year>" a four-digit year."""
    parts = []
    for word in words.split():
        if word == "<year>":
            parts.append(r"\d{4}")
        else:
            stem = word.rstrip("*")
            parts.append(re.escape(stem) + (f"{WORD}*" if word.endswith("*") else ""))
    return r"\s+".join(parts)


def _whole_words(entries: list[str]) -> str:
    longest = sorted(entries, key=len, reverse=True)
    return rf"(?i)(?:^|{NOT_WORD})(?:{'|'.join(map(_phrase, longest))})(?:{NOT_WORD}|$)"


def direction_words(direction: str) -> list[str]:
    """The entries of the direction vocabulary for "rise", "decline" or "none"."""
    return [row["words"] for row in vocabulary(DIRECTIONS_FILE) if row["direction"] == direction]


@cache
def _direction_pattern(direction: str) -> str:
    return _whole_words(direction_words(direction))


@dataclass(frozen=True)
class StatedNumber:
    value: Decimal  # exactly as written: 9007199254740993 is not 9007199254740992
    percent: bool
    qualifier: str | None
    words: str  # the matched words, after number words became digits
    scaled: bool = False  # the number times its scale word ("466 million": 466000000)
    qualifier_words: str | None = None  # the hedge as written ("nearly" for almost)


def with_digits(texts: pl.Series) -> pl.Series:
    """Each text with its number words turned into digits (text2num), asked once per
    distinct text that holds a number word."""
    worded = texts.filter(texts.str.contains(HAS_NUMBER_WORD)).unique()
    if worded.is_empty():
        return texts
    from text_to_num import alpha2digit

    digits = [alpha2digit(text, "en") for text in worded.to_list()]
    return texts.replace(worded, pl.Series(digits, dtype=pl.String))


@cache
def _scales() -> tuple[str, dict[str, str], str]:
    """The scale words: a regex of those right after a number's run, each word's power
    of ten, and a regex of the long ones written apart ("466 million"), which are
    joined to their number before text2num reads the text (it would read "million" as
    a number of its own)."""
    rows = vocabulary(SCALES_FILE)
    words = sorted((row["words"] for row in rows), key=len, reverse=True)
    powers = {row["words"]: row["exponent"] for row in rows}
    apart = "|".join(w for w in words if len(w) > 1)
    return rf"(?i)^(?:{'|'.join(words)})\b", powers, rf"(?i)(\d){GROUP_SPACE}+({apart})\b"


@cache
def _number_words() -> tuple[str, dict[str, str]]:
    """The number words read as a percentage (half, doubled): a regex and their values."""
    rows = vocabulary(NUMBER_WORDS_FILE)
    values = {row["words"]: row["value"] for row in rows if row["percent"] == "true"}
    return _whole_words(list(values)), values


def stated_numbers(texts: pl.Series) -> pl.DataFrame:
    """Every number stated in each of texts (without missing values), one row per
    number, in the texts' order and then reading order: at (the text's position in
    texts), value (its magnitude in exact_numbers' form), written (its digits without
    separators), percent, qualifier, words (as stated, number words as digits),
    scaled and qualifier_words (the hedge's words as written). A number with a scale
    word ("466 million", "$1.2bn") is read twice: as written (466, scaled false) and
    scaled (466000000, scaled true)."""
    scales, powers, apart = _scales()
    glued = texts.str.replace_all(apart, "${1}${2}")
    numbers = _runs_of_digits(with_digits(glued)).with_columns(
        said=pl.col("after").str.extract(f"(?i)^({PERCENT})"),
        scale=pl.col("after").str.extract(f"({scales})"),
        qualified=pl.col("prefix").str.extract_groups(_LAST_QUALIFIER),
        written=pl.col("digits").fill_null(pl.col("number")).str.replace_all(_SEPARATORS, ""),
    )
    scale = pl.col("scale")
    power = scale.str.to_lowercase().replace_strict(powers, default=None, return_dtype=pl.String)
    qualifier_words = pl.col("qualified").struct.field("words")
    found = (
        numbers.select(
            "at",
            written=pl.when(scale.is_null())
            .then(pl.concat_list("written"))
            .otherwise(pl.concat_list("written", pl.col("written") + "e" + power)),
            scaled=pl.when(scale.is_null())
            .then(pl.concat_list(pl.lit(False)))
            .otherwise(pl.concat_list(pl.lit(False), pl.lit(True))),
            percent=pl.col("said").is_not_null() | pl.col("word_percent"),
            qualifier=qualifier_words.str.to_lowercase()
            .str.replace_all(r"\s+", " ")
            .replace_strict(_WORD_TO_QUALIFIER, default=None, return_dtype=pl.String),
            qualifier_words=qualifier_words,
            words=pl.concat_str(
                pl.col("qualified").struct.field("said").fill_null(""),
                "number",
                pl.when(scale.str.len_chars() > 2).then(" " + scale).otherwise(scale).fill_null(""),
                pl.col("said").fill_null(""),
            ),
        )
        .explode("written", "scaled")
        .select("at", "written", "percent", "qualifier", "words", "scaled", "qualifier_words")
        .collect(engine="streaming")  # in morsels: the regexes' matches are not all held at once
    )
    return found.insert_column(1, exact_numbers(found["written"]).alias("value"))


def _runs_of_digits(texts: pl.Series) -> pl.LazyFrame:
    """The runs of texts that start with a number, or are a number word (half): at (the
    text's position), the qualifier words before the run (prefix), the number (as
    written, or the number word's value) and what follows it (after, where a percent
    sign may be), and word_percent (a number word read as a percentage)."""
    words, values = _number_words()
    runs = (
        pl.LazyFrame({"text": texts})
        .with_row_index("at")
        .select("at", token=pl.col("text").str.extract_all(_TOKEN))
        .explode("token")
        .filter(pl.col("token").str.contains(r"\d") | pl.col("token").str.contains(words))
        .select("at", pl.col("token").str.extract_groups(_TOKEN_PARTS).struct.unnest())
        .with_columns(
            pl.col("run").str.extract_groups(_NUMBER_PARTS).struct.unnest(),
            worded=pl.col("run")
            .str.strip_chars_end(".,")
            .str.to_lowercase()
            .replace_strict(values, default=None, return_dtype=pl.String),
        )
        .filter(pl.col("whole").is_not_null() | pl.col("worded").is_not_null())
    )
    goes_on = pl.col("rest").str.contains(_GOES_ON)
    fraction = pl.col("fraction").fill_null("")
    worded = pl.col("worded").is_not_null()
    return runs.select(
        "at",
        "prefix",
        number=pl.when(worded)
        .then(pl.col("run").str.strip_chars_end(".,"))
        .when(~goes_on)
        .then(pl.col("whole") + fraction)
        .when(pl.col("fraction").is_not_null())
        .then(pl.col("whole")),
        digits=pl.when(worded).then("worded"),
        after=pl.when(worded)
        .then(pl.lit(""))
        .when(goes_on)
        .then(fraction + pl.col("rest"))
        .otherwise(pl.col("rest"))
        + pl.col("suffix"),
        word_percent=worded,
    ).filter(pl.col("number").is_not_null())


# ---- years stated beside a number ----------------------------------------------------

# A quote cut for years_beside into its numbers, each with the words after it up to the
# next number or the sentence's end (gap), and the sentence ends (. ; ! ? before a space
# or the end of the text, so not a decimal point nor the dots of "U.S.")
_NUMBER_TOKEN = (
    rf"(?:\d{{1,3}}(?:{GROUP_SPACE}\d{{3}})+|\d+(?:,\d{{3}})*)(?:\.\d+)?"
    r"(?:\s*(?:%|per\s*cent\b|percent\b))?"
)
_GAP = r"(?:[^\p{N}.;!?]|[.;!?]\S)*"
_BESIDE_TOKEN = rf"(?is){_NUMBER_TOKEN}{_GAP}|[.;!?]"
_BESIDE_PARTS = rf"(?is)^(?P<number>{_NUMBER_TOKEN})(?P<gap>.*)$"
YEAR = r"^(?:1[89]|20)\d\d$"  # 1800 to 2099, four digits without a separator
YEARS_APART = 3  # words between a year and the number it goes with, at most


def years_beside(texts: pl.Series) -> pl.DataFrame:
    """The years each text states beside a number: at (the text's position), value (the
    number's magnitude in exact_numbers' form), percent, and year. A year goes with the
    number nearest to it in the same sentence, at most YEARS_APART words away, with no
    other number or year between them ("312 in 2023", "In 2023, 312", "78 per cent
    compared to 2021"); a tie goes to the number before it ("312 in 2023, from 250")."""
    tokens = (
        pl.LazyFrame({"text": with_digits(texts)})
        .with_row_index("at")
        .select("at", token=pl.col("text").str.extract_all(_BESIDE_TOKEN))
        .explode("token")
        .drop_nulls("token")
        .with_columns(sentence=pl.col("token").str.contains(r"^[.;!?]$").cum_sum())
        .filter(pl.col("token").str.contains(r"^\d"))
        .select(
            "at",
            "sentence",
            pl.col("token").str.extract_groups(_BESIDE_PARTS).struct.unnest(),
        )
        .select(
            "at",
            "sentence",
            digits=pl.col("number")
            .str.replace_all(_SEPARATORS, "")
            .str.extract(r"^(\d+(?:\.\d+)?)"),
            percent=pl.col("number").str.contains(r"(?i)(?:%|cent)$"),
            words_after=pl.col("gap").str.count_matches(r"\p{L}+"),
        )
        .with_columns(year=pl.col("digits").str.contains(YEAR) & ~pl.col("percent"))
    )
    columns = ["at", "sentence", "year", "digits", "percent", "words_after"]
    near = tokens.with_columns(
        *[pl.col(c).shift(1).alias(f"before_{c}") for c in columns],
        *[pl.col(c).shift(-1).alias(f"after_{c}") for c in columns],
    ).filter("year")

    def beside(side: str, gap: pl.Expr) -> pl.Expr:
        return (
            (pl.col(f"{side}_at") == pl.col("at"))
            & (pl.col(f"{side}_sentence") == pl.col("sentence"))
            & ~pl.col(f"{side}_year")
            & (gap <= YEARS_APART)
        ).fill_null(False)

    before_gap, after_gap = pl.col("before_words_after"), pl.col("words_after")
    before, after = beside("before", before_gap), beside("after", after_gap)
    takes_before = before & (~after | (before_gap <= after_gap))
    found = (
        near.filter(before | after)
        .select(
            "at",
            digits=pl.when(takes_before).then("before_digits").otherwise("after_digits"),
            percent=pl.when(takes_before).then("before_percent").otherwise("after_percent"),
            year=pl.col("digits").cast(pl.Int32),
        )
        .collect()
    )
    return found.select("at", exact_numbers(found["digits"]).alias("value"), "percent", "year")


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
            scaled=number["scaled"],
            qualifier_words=number["qualifier_words"],
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


def _directed(texts: pl.Expr) -> pl.Expr:
    """texts with the phrases that are not directions ("set up", "up to") blanked out."""
    return texts.str.replace_all(_direction_pattern(NOT_A_DIRECTION), " ")


def states_decline(texts: pl.Expr) -> pl.Expr:
    return _directed(texts).str.contains(_direction_pattern("decline"))


def states_rise(texts: pl.Expr) -> pl.Expr:
    return _directed(texts).str.contains(_direction_pattern("rise"))


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
    r"(?:\p{Sc}" + _SPACE + r"?)?[\p{L}_]*(?:\d{1,3}(?:" + _SEPARATORS + r"\d{3})+|\d+)"
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
