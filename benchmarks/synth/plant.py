"""Known errors planted in a synthetic corpus, each where the checks must find it.

At most one error goes into a source, so that errors never mask each other; each
planted error records the file, line and problem code that `pipeline check`
must report for it.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.errors import Problem, UsageProblem


@dataclass(frozen=True)
class PlantKind:
    code: str  # the problem code pipeline check reports
    resource: str
    field: str
    about: str


KINDS: dict[str, PlantKind] = {
    "quote-offset": PlantKind(
        "quote-matches-snapshot",
        "quotes",
        "text",
        "a statement's quote's start and end moved by one (a figure's would leave a number "
        "mention of the article open too)",
    ),
    "value-not-in-quote": PlantKind(  # reported at the figure's value, naming the quote
        "figure-value-in-quote", "figures", "value", "a quote states another number than its figure"
    ),
    "foreign-key": PlantKind(
        "foreign-key", "quotes", "speaker_id", "a quote's speaker is not a known actor"
    ),
    "duplicate-id": PlantKind(
        "duplicate-id", "quotes", "quote_id", "a quote reuses the id of the quote before it"
    ),
    "bad-area-code": PlantKind(
        "foreign-key",
        "figures",
        "area_code",
        "a figure's area code is no area of the package (ZZ is no country)",
    ),
    "type-error": PlantKind("type-error", "figures", "value", "a figure's value is not a number"),
}


MOST_PER_KIND = 36**3  # planted area codes ZZ-0 to ZZ-ZZZ are all different


@dataclass(frozen=True)
class Plant:
    kind: str
    number: int  # counts the plants of a kind from 0, to make planted values unique


def parse_plants(specs: Iterable[str]) -> dict[str, int]:
    """{kind: count} from KIND=COUNT texts."""
    plants: dict[str, int] = {}
    problems = []
    for spec in specs:
        kind, _, count = spec.partition("=")
        if kind not in KINDS or not count.isdigit() or kind in plants:
            problems.append(
                Problem(
                    "bad-plant",
                    f"--plant {spec!r}: expected KIND=COUNT once per kind, KIND one of "
                    f"{', '.join(KINDS)}",
                )
            )
            continue
        if int(count) > MOST_PER_KIND:
            problems.append(
                Problem("bad-plant", f"--plant {spec!r}: expected at most {MOST_PER_KIND}")
            )
            continue
        plants[kind] = int(count)
    if problems:
        raise UsageProblem(problems)
    return plants


def plan_plants(plants: dict[str, int], sources: int, seed: int) -> dict[int, Plant]:
    """Which source gets which error: a different source for each."""
    kinds = [(kind, n) for kind in sorted(plants) for n in range(plants[kind])]
    if len(kinds) > sources:
        raise UsageProblem(
            [
                Problem(
                    "too-many-plants",
                    f"{len(kinds)} errors to plant, but the corpus has {sources} sources; "
                    "expected at most one error per source (ask for more figures)",
                )
            ]
        )
    chosen = random.Random(f"{seed}/plants").sample(range(sources), len(kinds))
    return {source: Plant(*kind) for source, kind in zip(chosen, kinds, strict=True)}


def plant_in_text(draft, plant: Plant, rng: random.Random) -> None:
    """Errors that change what the article says (before it is written)."""
    if plant.kind != "value-not-in-quote":
        return
    index = rng.choice([i for i, q in enumerate(draft.quotes) if q.row["figure_id"]])
    draft.quotes[index].stated += 1
    figure_id = draft.quotes[index].row["figure_id"]
    _record(draft, plant, [f["figure_id"] for f in draft.figures].index(figure_id))


def plant_in_rows(draft, plant: Plant, rng: random.Random) -> None:
    """Errors in the transcription's rows (after the article is written)."""
    quotes = [q.row for q in draft.quotes]
    if plant.kind == "quote-offset":
        index = rng.choice([i for i, quote in enumerate(quotes) if not quote["figure_id"]])
        shift = rng.choice((-1, 1))
        quotes[index]["start"] += shift
        quotes[index]["end"] += shift
        _record(draft, plant, index)
    elif plant.kind == "foreign-key":
        index = rng.randrange(len(quotes))
        quotes[index]["speaker_id"] = f"unknown-speaker-{plant.number}"
        _record(draft, plant, index)
    elif plant.kind == "duplicate-id":
        index = rng.randrange(1, len(quotes))
        quotes[index]["quote_id"] = quotes[index - 1]["quote_id"]
        _record(draft, plant, index - 1)  # both rows are reported
        _record(draft, plant, index)
    elif plant.kind == "bad-area-code":
        index = rng.randrange(len(draft.figures))
        draft.figures[index]["area_code"] = f"ZZ-{_base36(plant.number)}"  # ZZ is no country
        _record(draft, plant, index)
    elif plant.kind == "type-error":
        index = rng.randrange(len(draft.figures))
        figure = draft.figures[index]
        value = figure["value"]
        figure["value"] = f"{value}%" if figure["unit"] == "percent" else f"{int(value):,}"
        _record(draft, plant, index)


def _base36(number: int) -> str:
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    text = ""
    while True:
        number, digit = divmod(number, 36)
        text = digits[digit] + text
        if number == 0:
            return text


def _record(draft, plant: Plant, index: int) -> None:
    kind = KINDS[plant.kind]
    draft.planted.append(
        {
            "kind": plant.kind,
            "plant": plant.number,  # a plant can cause more than one problem (duplicate-id)
            "code": kind.code,
            "file": f"raw/sources/{draft.source_id}/{kind.resource}.csv",
            "line": index + 2,  # after the header; no cell spans lines
            "field": kind.field,
        }
    )
