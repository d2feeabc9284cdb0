"""Finding a transcriber's words in a snapshot, so that quote offsets are never counted by hand.

The words are looked for exactly first; when they are not there, again with
quote marks, dashes and runs of white space folded together (typed ' for the
snapshot's ’, - for –, one space for a line break). Every hit is reported in the
snapshot's own code point offsets and characters, which is what a quote row holds.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.assemble.csv import csv_line as record_line
from pipeline.check import numbers
from pipeline.check.pages import page_of
from pipeline.contract.model import Contract
from pipeline.errors import InvalidInput, Problem, UsageProblem
from pipeline.files import LINE_BREAK, line_and_column
from pipeline.load.snapshots import source_folders
from pipeline.project import SNAPSHOT_NAME

QUOTES_RESOURCE = "quotes"
CONTEXT_CHARS = 40
# Hits described in full; past this many, only how many more there are (words that
# stand 100,000 times in a snapshot need more words, not 100,000 quote rows).
MAX_HITS = 20
ZWJ = "\u200d"
REGIONAL_RUN = re.compile("[\U0001f1e6-\U0001f1ff]+")  # flags: pairs of regional indicators
PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")  # one or more blank lines
# Characters that stand for the same thing when typed: what each folds to.
FOLDED = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u0060\u00b4", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
}


@dataclass(frozen=True)
class Hit:
    """One place the words stand in the snapshot, in its code point offsets."""

    start: int
    end: int
    text: str  # snapshot[start:end], the characters a quote row must hold
    page: str | None  # the page it stands on ("3", "3–4"); None for a snapshot without pages
    paragraph: int
    line: int
    column: int
    before: str
    after: str
    numbers: tuple[numbers.StatedNumber, ...]
    directions: tuple[str, ...]


@dataclass
class Located:
    words: str
    match: str  # "exact" or "normalised"
    hits: list[Hit]  # the first MAX_HITS
    differences: list[str] = field(default_factory=list)  # what folding had to ignore
    count: int = 0  # every hit, also those past MAX_HITS

    @property
    def ambiguous(self) -> bool:
        return self.count > 1

    @property
    def more(self) -> int:
        """How many hits there are past those described."""
        return self.count - len(self.hits)


def snapshot_of(source: str, snapshots: Path) -> tuple[Path, str | None]:
    """The snapshot file SOURCE names (a path, or a source_id under snapshots), and its
    source_id when it sits in a source folder."""
    given = Path(source)
    if given.is_file():
        return given, given.parent.name if given.name == SNAPSHOT_NAME else None
    snapshot = snapshots / source / SNAPSHOT_NAME
    if "/" not in source and snapshot.is_file():
        return snapshot, source
    known = ", ".join(folder.name for folder in source_folders(snapshots)) or "none"
    raise UsageProblem(
        [
            Problem(
                "unknown-source",
                f"{source!r} is neither a snapshot file nor a source_id with a snapshot in "
                f"{snapshots.as_posix()}/; known sources: {known}",
            )
        ]
    )


def fold(text: str) -> tuple[str, list[int]]:
    """text with quote marks, dashes and white space runs folded, and for each folded
    character the offset of the character it came from."""
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if char.isspace():
            if index and text[index - 1].isspace():
                continue  # a run of white space is one space
            char = " "
        folded.append(FOLDED.get(char, char))
        origin.append(index)
    return "".join(folded), origin


def find_all(text: str, words: str) -> list[int]:
    """Every offset where words start in text, overlapping ones included."""
    found, start = [], text.find(words)
    while start >= 0:
        found.append(start)
        start = text.find(words, start + 1)
    return found


def locate(snapshot: str, words: str, display: str) -> Located:
    """Where words stand in snapshot: exact hits, else hits after folding; InvalidInput if none.
    Each hit is widened to whole characters (Graphemes)."""
    if words and (starts := find_all(snapshot, words)):
        spans = whole_spans(snapshot, [(s, s + len(words)) for s in starts])
        return _located(snapshot, words, "exact", spans, [])
    typed = words.strip()
    if not typed:
        raise UsageProblem([Problem("no-words", "no words to look for; expected some text")])
    wanted, _ = fold(typed)
    folded, origin = fold(snapshot)
    spans = [(origin[s], origin[s + len(wanted) - 1] + 1) for s in find_all(folded, wanted)]
    if not spans:
        raise InvalidInput([not_found(snapshot, typed, display)])
    spans = whole_spans(snapshot, spans)
    first = snapshot[spans[0][0] : spans[0][1]]
    return _located(snapshot, words, "normalised", spans, differences(typed, first))


def _located(snapshot: str, words: str, match: str, spans: list, found: list[str]) -> Located:
    """The hits at spans, the first MAX_HITS of them described (each found in one pass
    over the snapshot: places, not a count from its start for every hit)."""
    places = Places(snapshot)
    hits = [make_hit(snapshot, start, end, places) for start, end in spans[:MAX_HITS]]
    widened = [_widened(snapshot, words, hit) for hit in hits[:1] if match == "exact"]
    return Located(words, match, hits, found + [w for w in widened if w], len(spans))


def whole_spans(snapshot: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Each span (in order) widened to whole characters, those that then coincide given
    once, in order."""
    graphemes = Graphemes(snapshot)
    return list(dict.fromkeys((graphemes.start_of(s), graphemes.end_of(e)) for s, e in spans))


class Graphemes:
    """Grapheme boundaries (where a user-perceived character may end) in a text, for
    offsets that come in order: a quote neither starts on nor ends before a combining
    mark, nor cuts a ZWJ sequence (an emoji family), an emoji and its skin tone, a
    flag's pair of letters or a CR LF. Each offset moved remembers how far it went, so
    that a run of 100,000 combining marks is walked once, not once for every hit in it."""

    def __init__(self, text: str):
        self.text = text
        self.regional_runs = [m.start() for m in REGIONAL_RUN.finditer(text)]
        self._back = (0, 0)  # (offset, boundary): offsets in (boundary, offset] are none
        self._ahead = (0, 0)  # (offset, boundary): offsets in [offset, boundary) are none

    def start_of(self, offset: int) -> int:
        """The nearest boundary at or before offset."""
        last, boundary = self._back
        at = offset
        while not (boundary < at <= last) and not self.is_boundary(at):
            at -= 1
        at = boundary if boundary < at <= last else at
        self._back = (offset, at)
        return at

    def end_of(self, offset: int) -> int:
        """The nearest boundary at or after offset."""
        last, boundary = self._ahead
        at = offset
        while not (last <= at < boundary) and not self.is_boundary(at):
            at += 1
        at = boundary if last <= at < boundary else at
        self._ahead = (offset, at)
        return at

    def is_boundary(self, offset: int) -> bool:
        """The rules of Unicode's extended grapheme clusters (UAX #29) that prose meets."""
        text = self.text
        if not 0 < offset < len(text):
            return True
        before, char = text[offset - 1], text[offset]
        if before == "\r" and char == "\n":
            return False
        if unicodedata.category(char) in ("Mn", "Mc", "Me") or ZWJ in (before, char):
            return False
        if "\U0001f3fb" <= char <= "\U0001f3ff" or "\u1160" <= char <= "\u11ff":
            return False  # a skin tone modifier; a Hangul vowel or final consonant jamo
        if "\ud800" <= before <= "\udbff" and "\udc00" <= char <= "\udfff":
            return False  # a surrogate pair (as Python decodes a file name's bytes)
        if REGIONAL_RUN.match(before) and REGIONAL_RUN.match(char):  # a flag is a pair
            run = self.regional_runs[bisect_right(self.regional_runs, offset - 1) - 1]
            return (offset - run) % 2 == 0
        return True


def _widened(snapshot: str, words: str, hit: Hit) -> str | None:
    """What a hit took in beyond the words, so as not to split a character; None if nothing."""
    if hit.text == words:
        return None
    offset = hit.text.find(words)
    added = hit.text[:offset] + hit.text[offset + len(words) :]
    return (
        f"the snapshot has {_describe(added)} joined to the words, which the hit takes in "
        "(a quote starts and ends at whole characters)"
    )


class Places:
    """Line, column and paragraph of offsets in a text, from the line and paragraph
    breaks found once (bisected for each offset: hits are many, the text long)."""

    def __init__(self, text: str):
        self.text = text
        breaks = [(m.start(), m.end()) for m in LINE_BREAK.finditer(text)]
        self.break_starts = [start for start, _ in breaks]
        self.break_ends = [end for _, end in breaks]
        paragraphs = [(m.start(), m.end()) for m in PARAGRAPH_BREAK.finditer(text)]
        self.paragraph_starts = [start for start, _ in paragraphs]
        self.paragraph_ends = [end for _, end in paragraphs]

    def line_and_column(self, offset: int) -> tuple[int, int]:
        """As pipeline.files.line_and_column: a CR just before offset ends a line."""
        ended = bisect_right(self.break_ends, offset)  # breaks wholly before offset
        line_start = self.break_ends[ended - 1] if ended else 0
        if ended < len(self.break_starts) and self.break_starts[ended] < offset:
            ended, line_start = ended + 1, offset  # offset splits a CR LF after its CR
        return ended + 1, offset - line_start + 1

    def paragraph(self, offset: int) -> int:
        """1 + the paragraph breaks in text[:offset] (as PARAGRAPH_BREAK finds them there)."""
        ended = bisect_right(self.paragraph_ends, offset)
        cut = bisect_left(self.paragraph_starts, offset)  # a break that offset cuts short
        if cut > ended and self.text.count("\n", self.paragraph_starts[ended], offset) >= 2:
            ended += 1
        return ended + 1


def make_hit(snapshot: str, start: int, end: int, places: Places | None = None) -> Hit:
    places = places or Places(snapshot)
    text = snapshot[start:end]
    line, column = places.line_and_column(start)
    return Hit(
        start=start,
        end=end,
        text=text,
        page=page_of(snapshot, start, end),
        paragraph=places.paragraph(start),
        line=line,
        column=column,
        before=snapshot[max(0, start - CONTEXT_CHARS) : start],
        after=snapshot[end : end + CONTEXT_CHARS],
        numbers=numbers.find_numbers(text),
        directions=tuple(
            name for name, sign in (("decline", -1), ("rise", 1)) if sign in numbers.direction(text)
        ),
    )


def differences(typed: str, found: str) -> list[str]:
    """What the snapshot has where the typed words differ, e.g. ’ (U+2019) for '."""
    typed_folded, typed_origin = fold(typed)
    found_folded, found_origin = fold(found)
    seen: dict[tuple[str, str], None] = {}
    for index in range(len(typed_folded)):
        a = _span(typed, typed_origin, index)
        b = _span(found, found_origin, index)
        if a != b:
            seen[(a, b)] = None
    return [f"the snapshot has {_describe(b)} where you typed {_describe(a)}" for a, b in seen]


def _span(text: str, origin: list[int], index: int) -> str:
    end = origin[index + 1] if index + 1 < len(origin) else len(text)
    return text[origin[index] : end]


def _describe(chars: str) -> str:
    if chars.isspace():
        kinds = {"\n": "a line break", " ": "a space", "\t": "a tab", "\f": "a page break"}
        return " and ".join(dict.fromkeys(kinds.get(c, f"U+{ord(c):04X}") for c in chars))
    return " ".join(f"{c} (U+{ord(c):04X} {unicodedata.name(c, '?')})" for c in chars)


def not_found(snapshot: str, typed: str, display: str) -> Problem:
    """Say how far the words match, and what the snapshot has where they stop matching."""
    folded, origin = fold(snapshot)
    wanted, typed_origin = fold(typed)
    length = longest_found_prefix(folded, wanted)
    message = "the words are not in the snapshot, not even ignoring differences in quote marks, "
    message += "dashes and white space"
    if length >= 3:
        start = folded.find(wanted[:length])
        stop = origin[start + length - 1] + 1
        typed_stop = typed_origin[length - 1] + 1
        line, column = line_and_column(snapshot, origin[start])
        message += (
            f"; they match up to {typed[:typed_stop]!r} (line {line}, column {column}), after "
            f"which you typed {typed[typed_stop : typed_stop + 20]!r} and the snapshot has "
            f"{snapshot[stop : stop + 20]!r}"
        )
    return Problem("not-found", message + "; expected words copied from the snapshot", display)


def longest_found_prefix(folded: str, wanted: str) -> int:
    low, high = 0, len(wanted)  # a prefix of length low is found; binary search the longest
    while low < high:
        middle = (low + high + 1) // 2
        if wanted[:middle] in folded:
            low = middle
        else:
            high = middle - 1
    return low


def quote_row(contract: Contract, source_id: str | None, hit: Hit, quote_id: str | None) -> dict:
    """A quotes row in the contract's column order: what the hit tells filled in, the rest empty."""
    written = [n for n in hit.numbers if not n.scaled]  # "466 million" is one number
    lone = written[0] if len(written) == 1 else None
    known = {
        "quote_id": quote_id,
        "source_id": source_id,
        "text": hit.text,
        "start": hit.start,
        "end": hit.end,
        "page": hit.page,
        # Only a lone number's hedge is a safe guess; a statement's quote keeps it empty.
        "qualifier": lone and lone.qualifier,
        "qualifier_words": lone and lone.qualifier and lone.qualifier_words,
    }
    return {name: known.get(name) for name in contract.resource(QUOTES_RESOURCE).field_names}


def csv_line(row: dict) -> str:
    """The row as one CSV record, quoted as the build writes it (no line break)."""
    return record_line(["" if value is None else value for value in row.values()])[:-1]


def next_quote_id(quotes_csv: Path, source_id: str) -> str | None:
    """<source_id>-qNN, one past the highest such id already in the source's quotes.csv;
    None when that file cannot be read (`pipeline check` says why)."""
    pattern = re.compile(rf"{re.escape(source_id)}-q(\d+)")
    highest = 0
    if quotes_csv.is_file():
        try:
            with quotes_csv.open(encoding="utf-8", newline="") as file:
                for record in csv.DictReader(file):
                    found = pattern.fullmatch(record.get("quote_id") or "")
                    if found:
                        highest = max(highest, int(found.group(1)))
        except (OSError, UnicodeDecodeError, csv.Error):
            return None
    return f"{source_id}-q{highest + 1:02d}"
