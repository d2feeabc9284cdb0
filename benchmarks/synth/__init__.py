"""Synthetic corpora for benchmarks and tests (`python -m benchmarks.synth`).

Writes a project folder, a copy of the contract and a `raw/` tree of N figures
in article-sized source snapshots, with their statements and quotes, that
passes every check; the same N and seed always give the same bytes. It can
plant known errors (pipeline/synth_plant.py) and lists where in `synth.json`.
"""

from __future__ import annotations

import csv
import io
import math
import random
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from benchmarks.synth.plant import Plant, plan_plants, plant_in_rows, plant_in_text
from benchmarks.synth.text import (
    CLAIMS,
    INDICATORS,
    Indicator,
    figure_clause,
    filler_sentence,
    number_words,
    period_words,
    person_name,
)
from pipeline import __version__
from pipeline.assemble.json_text import indented
from pipeline.authoring.intake import ORIGINAL_FIELDS
from pipeline.check.numbers import QUALIFIER_WORDS
from pipeline.contract.model import Contract, load_contract
from pipeline.errors import InvalidInput, Problem, UsageProblem
from pipeline.files import hash_bytes
from pipeline.project import display_path

MANIFEST_NAME = "synth.json"
FIGURES_PER_SOURCE = (6, 14)
QUOTES_PER_FIGURE = (1, 1, 1, 1, 2, 2, 2, 3)
CLAIMS_PER_SOURCE = (1, 4)
ARTICLE_CHARACTERS = (3000, 6000)
YEARS = range(2001, 2025)
QUALIFIERS = ("almost", "approximately", "more_than", "less_than", "at_least", "at_most")
RESOURCE_FILES = ("figures", "statements", "quotes", "mentions")
# drafts whose number mentions are found together (one regex pass for them all)
MENTION_BATCH = 1_000


@dataclass(frozen=True)
class Area:
    code: str
    name: str

    @property
    def label(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def slug(self) -> str:
        return self.code.lower()


@dataclass
class QuotePlan:
    """A quote before its article is written: what it states and who says it."""

    row: dict
    speaker: dict  # the actor's row
    clause_of: Callable[[random.Random, float | None], str]  # (rng, stated) -> the words
    stated: float | None = None  # the number the words state


@dataclass
class Draft:
    """One source: its rows, its article and where errors were planted in it."""

    source_id: str
    area: Area
    period: str
    governor: str = ""
    headline: str = ""
    byline: str = ""
    figures: list[dict] = field(default_factory=list)
    statements: list[dict] = field(default_factory=list)
    quotes: list[QuotePlan] = field(default_factory=list)
    mentions: list[dict] = field(default_factory=list)
    snapshot: str = ""
    record: dict = field(default_factory=dict)
    planted: list[dict] = field(default_factory=list)


def synthesize(project: Path, out: Path, figures: int, seed: int, plants: dict[str, int]) -> dict:
    """Write a synthetic project into out (which must be new or empty); returns the manifest."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UsageProblem(
            [Problem("out-not-empty", "expected a new or empty folder", display_path(out))]
        )
    contract_path = project / "datapackage.json"
    contract = load_contract(contract_path, display_path(contract_path))
    sizes = source_sizes(figures, seed)
    slots = list(source_slots(len(sizes), seed, areas(contract), periods()))
    planned = plan_plants(plants, len(sizes), seed)
    raw = out / "raw"
    (raw / "sources").mkdir(parents=True)
    shutil.copyfile(contract_path, out / "datapackage.json")
    actors: dict[str, dict] = {}
    rows = dict.fromkeys(("sources", *RESOURCE_FILES), 0)
    planted: list[dict] = []
    pending: list[Draft] = []
    for index, (size, (area, period)) in enumerate(zip(sizes, slots, strict=True)):
        pending.append(draft_source(index, area, period, size, seed, actors, planned.get(index)))
        if len(pending) == MENTION_BATCH or index == len(sizes) - 1:
            set_aside_mentions(pending)
            for draft in pending:
                write_source(raw / "sources" / draft.source_id, draft, contract)
                rows["sources"] += 1
                for name in RESOURCE_FILES:
                    rows[name] += len(getattr(draft, name))
                planted += draft.planted
            pending.clear()
    write_rows(raw / "actors.csv", contract, "actors", [actors[k] for k in sorted(actors)])
    indicators = [_indicator_row(i) for i in INDICATORS] + _whole_rows()
    write_rows(raw / "indicators.csv", contract, "indicators", indicators)
    rows["actors"], rows["indicators"] = len(actors), len(indicators)
    shared = {
        "areas": _area_rows(sorted({area for area, _ in slots}, key=lambda a: a.code)),
        "area_names": [],
        "units": _unit_rows(),
    }
    for name, shared_rows in shared.items():
        write_rows(raw / f"{name}.csv", contract, name, shared_rows)
        rows[name] = len(shared_rows)
    manifest = {
        "generator": {"name": "benchmarks.synth", "version": __version__},
        "seed": seed,
        "rows": rows,
        "plants": {kind: plants[kind] for kind in sorted(plants)},
        "planted": sorted(planted, key=lambda p: (p["file"], p["line"], p["code"])),
    }
    text = indented(manifest) + "\n"
    (out / MANIFEST_NAME).write_bytes(text.encode("utf-8"))
    return manifest


# ---- the shape of the corpus -------------------------------------------------------


def source_sizes(figures: int, seed: int) -> list[int]:
    """How many figures each source states, adding up to figures."""
    rng = random.Random(f"{seed}/sizes")
    sizes, total = [], 0
    while total < figures:
        size = min(rng.randint(*FIGURES_PER_SOURCE), figures - total)
        sizes.append(size)
        total += size
    return sizes


def areas(contract: Contract) -> list[Area]:
    """Every ISO 3166-2 subdivision whose code the contract's area_code pattern allows."""
    import pycountry

    pattern = contract.resource("figures").field("area_code").constraints.get("pattern", ".*")
    return sorted(
        (Area(s.code, s.name) for s in pycountry.subdivisions if re.fullmatch(pattern, s.code)),
        key=lambda a: a.code,
    )


def periods() -> list[str]:
    return [str(y) for y in YEARS] + [f"{y}-{m:02d}" for y in YEARS for m in range(1, 13)]


def source_slots(count: int, seed: int, all_areas: list[Area], all_periods: list[str]):
    """A different (area, period) for each source: an affine map i -> a*i+b mod M,
    a bijection when a and M are coprime, spreads them over all combinations."""
    total = len(all_areas) * len(all_periods)
    if count > total:
        raise UsageProblem(
            [
                Problem(
                    "too-many-figures",
                    f"{count} sources asked for, but there are only {total} different "
                    "(area, period) pairs; expected fewer figures",
                )
            ]
        )
    rng = random.Random(f"{seed}/slots")
    step = rng.randrange(1, total)
    while math.gcd(step, total) != 1:
        step = rng.randrange(1, total)
    offset = rng.randrange(total)
    for index in range(count):
        slot = (step * index + offset) % total
        yield all_areas[slot // len(all_periods)], all_periods[slot % len(all_periods)]


# ---- one source -----------------------------------------------------------------------


def draft_source(index, area, period, size, seed, actors, plant: Plant | None) -> Draft:
    rng = random.Random(f"{seed}/source/{index}")
    draft = Draft(f"synth-{area.slug}-{period}", area, period)
    speakers = _speakers(area, seed, actors)
    draft.governor = speakers["governor"]["name"]
    for number, (indicator, measure) in enumerate(_figure_slots(rng, size), start=1):
        _draft_figure(draft, number, indicator, measure, speakers, rng)
    for number, claim in enumerate(_claims(rng), start=1):
        _draft_statement(draft, number, claim, speakers, rng)
    plant_rng = random.Random(f"{seed}/plant/{index}")
    if plant is not None:
        plant_in_text(draft, plant, plant_rng)
    _write_article(draft, rng)
    draft.record = _source_record(draft, seed, rng)
    if plant is not None:
        plant_in_rows(draft, plant, plant_rng)
    return draft


def _speakers(area: Area, seed: int, actors: dict) -> dict[str, dict]:
    """The area's administration and governor, added to actors on first use."""
    admin_id, governor_id = f"{area.slug}-administration", f"{area.slug}-governor"
    if admin_id not in actors:
        governor = person_name(random.Random(f"{seed}/governor/{area.code}"))
        role = f"Administration of {area.name}"
        actors[admin_id] = _actor(admin_id, f"{area.name} administration", "organisation", role)
        actors[governor_id] = _actor(governor_id, governor, "person", f"Governor of {area.name}")
        actors[admin_id]["area_code"] = actors[governor_id]["area_code"] = area.code
    return {"admin": actors[admin_id], "governor": actors[governor_id]}


def _actor(actor_id: str, name: str, kind: str, role: str) -> dict:
    note = "Synthetic actor generated by benchmarks.synth."
    return {"actor_id": actor_id, "name": name, "kind": kind, "role": role, "note": note}


def _figure_slots(rng: random.Random, size: int) -> list[tuple[Indicator, str]]:
    """Different (indicator, measure) pairs, so that figures never repeat a key."""
    slots = [
        (indicator, measure)
        for indicator in INDICATORS
        for measure in (("level", "change") if indicator.kind == "count" else ("share",))
    ]
    return rng.sample(slots, size)


def _reference(period: str) -> str:
    """The period a change is compared with: the year before (the same month of it)."""
    return f"{int(period[:4]) - 1}{period[4:]}"


def _value(measure: str, rng: random.Random) -> float:
    if measure == "level":
        value = rng.randint(1000, 250000)
        return value + 1000 if 1900 <= value <= 2100 else value  # never read as a year
    magnitude = rng.randint(1, 95) if rng.random() < 0.8 else round(rng.uniform(1, 60), 1)
    if measure == "share":
        return magnitude
    return -magnitude if rng.random() < 0.55 else magnitude


def _draft_figure(draft, number, indicator, measure, speakers, rng) -> None:
    value = _value(measure, rng)
    unit = indicator.unit if measure == "level" else "percent"
    qualifier = rng.choice(QUALIFIERS) if rng.random() < 0.4 else None
    reference = _reference(draft.period) if measure == "change" else None
    figure_id = f"{draft.source_id}-f{number:02d}"
    count = rng.choice(QUOTES_PER_FIGURE)
    draft.figures.append(
        {
            "figure_id": figure_id,
            "source_id": draft.source_id,
            "indicator_id": indicator.indicator_id,
            "area_code": draft.area.code,
            "period": draft.period,
            "period_basis": "stated",
            "period_note": None,
            "reference_period": reference,
            "measure": measure,
            "status": "measured",
            "value": str(int(value)) if measure == "level" else f"{value:g}",
            "unit": unit,
            "rate_base": None,
            "whole_indicator_id": whole_of(indicator) if measure == "share" else None,
            "whole_figure_id": None,
            "qualifier": qualifier,
            "note": f"Stated {count} time{'s' * (count > 1)}." if count > 1 else None,
        }
    )
    for quote in range(count):
        # a later quote may drop the hedge, as a second telling often does
        said = qualifier if quote == 0 or rng.random() < 0.7 else None

        row, speaker = _quote_row(draft, figure_id, None, speakers, rng, qualifier=said)

        def clause(rng, stated, said=said, row=row):
            n = number_words(stated, unit, said, rng)
            if said is not None:  # the hedge as written, the words number_words put first
                row["qualifier_words"] = max(
                    (w for w in QUALIFIER_WORDS[said] if n.startswith(f"{w} ")), key=len
                )
            return figure_clause(indicator, measure, value, reference, n, rng)

        draft.quotes.append(QuotePlan(row, speaker, clause, abs(value)))


def _claims(rng: random.Random):
    return rng.sample(CLAIMS, rng.randint(*CLAIMS_PER_SOURCE))


def _draft_statement(draft, number, claim, speakers, rng) -> None:
    statement_id = f"{draft.source_id}-s{number:02d}"
    changes = [f["figure_id"] for f in draft.figures if f["measure"] == "change"]
    linked = rng.choice(changes) if changes and claim.kind in ("attribution", "trend") else None
    when = period_words(draft.period)
    draft.statements.append(
        {
            "statement_id": statement_id,
            "kind": claim.kind,
            "summary": claim.summary.format(area=draft.area.label, when=when),
            "area_code": draft.area.code,
            "period": draft.period,
            "figure_id": linked,
            "note": None,
        }
    )
    for _ in range(rng.choice((1, 1, 2))):
        row, speaker = _quote_row(draft, None, statement_id, speakers, rng, qualifier=None)
        draft.quotes.append(QuotePlan(row, speaker, lambda rng, stated, text=claim.clause: text))


def _quote_row(draft, figure_id, statement_id, speakers, rng, qualifier) -> tuple[dict, dict]:
    number = len(draft.quotes) + 1
    speaker = speakers[rng.choice(("admin", "governor"))]
    row = {
        "quote_id": f"{draft.source_id}-q{number:02d}",
        "source_id": draft.source_id,
        "figure_id": figure_id,
        "statement_id": statement_id,
        "speaker_id": speaker["actor_id"],
        "attribution": rng.choice(("direct", "paraphrase")),
        "text": None,  # set when the article is written
        "start": None,
        "end": None,
        "page": None,  # a synthetic article has no pages
        "qualifier": qualifier,
        "qualifier_words": None,
        "note": None,
    }
    return row, speaker


# ---- the article ---------------------------------------------------------------------------


def _sentence(plan: QuotePlan, rng: random.Random) -> tuple[str, str, str]:
    """(before, quote, after): the quote's clause in a sentence that attributes it."""
    speaker = plan.speaker
    clause = plan.clause_of(rng, plan.stated)
    is_admin = speaker["kind"] == "organisation"
    if plan.row["attribution"] == "direct":
        said = "the report said" if is_admin else f"said {speaker['name']}, {speaker['role']}"
        return "“", clause[0].upper() + clause[1:], f",” {said}."
    who = f"The {speaker['name']}’s report" if is_admin else speaker["name"]
    verb = rng.choice(("said that", "said", "stated that", "noted that"))
    return f"{who} {verb} ", clause, "."


def _write_article(draft: Draft, rng: random.Random) -> None:
    """The snapshot text: headline, byline and paragraphs of quoted and other sentences."""
    sentences = [(_sentence(plan, rng), plan.row) for plan in draft.quotes]
    lead, rest = sentences[0], sentences[1:]
    rng.shuffle(rest)
    target = rng.randint(*ARTICLE_CHARACTERS)
    length = sum(len("".join(parts)) + 1 for parts, _ in sentences)
    while length < target:
        filler = filler_sentence(rng, draft.area.name, draft.governor)
        rest.insert(rng.randrange(len(rest) + 1), (("", filler, ""), None))
        length += len(filler) + 1
    draft.headline = f"{draft.area.name} publishes its figures for {period_words(draft.period)}"
    draft.byline = person_name(rng)
    text = f"{draft.headline}\nBy {draft.byline}\n\n"
    for number, ((before, quote, after), row) in enumerate([lead, *rest]):
        if number:
            text += "\n\n" if rng.random() < 0.45 else " "  # a new paragraph, or not
        text += before
        if row is not None:
            row["text"], row["start"], row["end"] = quote, len(text), len(text) + len(quote)
        text += quote + after
    draft.snapshot = text + "\n"


def set_aside_mentions(drafts: list[Draft]) -> None:
    """Each draft's mentions rows: every number mention of its article that no quote of
    a figure holds (pipeline.check.coverage), set aside. The generator knows what it
    wrote there: the headline's year, a date; "several dozen pages", no statistic."""
    import polars as pl

    from pipeline.check.coverage import found_mentions, quoted

    snapshots = {draft.source_id: draft.snapshot for draft in drafts}
    found = found_mentions(snapshots, list(snapshots))
    spans = [
        {name: plan.row[name] for name in ("quote_id", "source_id", "figure_id", "start", "end")}
        for draft in drafts
        for plan in draft.quotes
    ]
    quotes = pl.DataFrame(spans, schema=dict.fromkeys(spans[0], pl.String)).with_columns(
        pl.col("start", "end").cast(pl.Int64)
    )
    left = quoted(found.lazy(), quotes.lazy()).filter(pl.col("quoted").is_null()).collect()
    by_source: dict[str, list[dict]] = {}
    for source_id, start, end, text in left.select("source_id", "start", "end", "text").rows():
        year = re.fullmatch(r"\d{4}", text) is not None
        by_source.setdefault(source_id, []).append(
            {
                "source_id": source_id,
                "start": start,
                "end": end,
                "text": text,
                "reason": "date" if year else "not_a_statistic",
                "note": "Synthetic: the headline's period." if year else "Synthetic filler.",
            }
        )
    for draft in drafts:
        draft.mentions = sorted(by_source.get(draft.source_id, []), key=lambda m: m["start"])


def _source_record(draft: Draft, seed: int, rng: random.Random) -> dict:
    year, month = int(draft.period[:4]), int(draft.period[5:7] or 12)
    published = date(year + month // 12, month % 12 + 1, rng.randint(1, 28))
    received = published + timedelta(days=rng.randint(1, 60))
    data = draft.snapshot.encode("utf-8")
    return {
        "source_id": draft.source_id,
        "publisher": "Synthetic Gazette",
        "url": None,
        "headline": draft.headline,
        "headline_note": "The first line of the snapshot.",
        "byline": draft.byline,
        "byline_note": "The second line of the snapshot.",
        "published": published.isoformat(),
        "published_basis": "stated",
        "published_note": "Synthetic: the generator dates an article shortly after its period.",
        "language": "en",
        "accessed": None,
        "accessed_note": "A synthetic text is never read at a URL.",
        "received": received.isoformat(),
        "media_type": "text/plain; charset=utf-8",
        "bytes": len(data),
        "sha256": hash_bytes(data),
        "rights": "Synthetic text generated by benchmarks.synth; free to use (CC0-1.0).",
        "note": f"Synthetic source generated by benchmarks.synth (seed {seed}); not a real "
        "document.",
        **PLAIN_TEXT_ORIGINAL,
    }


# A synthetic source is its plain-text snapshot: no original, no extractor.
PLAIN_TEXT_ORIGINAL = dict.fromkeys(ORIGINAL_FIELDS)


def whole_of(indicator: Indicator) -> str:
    """The indicator a share indicator is a share of."""
    return f"{indicator.indicator_id}_whole"


def _whole_rows() -> list[dict]:
    return [
        {
            "indicator_id": whole_of(i),
            "title": f"Whole of {i.title.lower()}",
            "definition": f"The whole that {i.title.lower()} is a share of.",
            "definition_note": "Synthetic indicator generated by benchmarks.synth.",
        }
        for i in INDICATORS
        if i.kind == "share"
    ]


def _area_rows(used: list[Area]) -> list[dict]:
    """The areas the sources are about, and their countries."""
    import pycountry

    countries = sorted({area.code[:2] for area in used})
    return [
        {
            "area_code": code,
            "name": pycountry.countries.get(alpha_2=code).name,
            "kind": "country",
            "parent_code": None,
            "note": None,
        }
        for code in countries
    ] + [
        {
            "area_code": a.code,
            "name": a.name,
            "kind": "subdivision",
            "parent_code": a.code[:2],
            "note": None,
        }
        for a in used
    ]


def _unit_rows() -> list[dict]:
    units = sorted({i.unit for i in INDICATORS if i.kind == "count"})
    percent = {"unit_id": "percent", "title": "per cent", "kind": "percent", "note": None}
    return [percent] + [
        {"unit_id": unit, "title": unit.replace("_", " "), "kind": "count", "note": None}
        for unit in units
    ]


def _indicator_row(indicator: Indicator) -> dict:
    return {
        "indicator_id": indicator.indicator_id,
        "title": indicator.title,
        "definition": indicator.definition,
        "definition_note": "Synthetic indicator generated by benchmarks.synth.",
    }


# ---- writing ----------------------------------------------------------------------------------


def write_source(folder: Path, draft: Draft, contract: Contract) -> None:
    folder.mkdir()
    (folder / "snapshot.txt").write_bytes(draft.snapshot.encode("utf-8"))
    record = _in_contract_order(contract, "sources", draft.record)
    text = indented(record) + "\n"
    (folder / "source.json").write_bytes(text.encode("utf-8"))
    write_rows(folder / "figures.csv", contract, "figures", draft.figures)
    write_rows(folder / "statements.csv", contract, "statements", draft.statements)
    write_rows(folder / "quotes.csv", contract, "quotes", [plan.row for plan in draft.quotes])
    write_rows(folder / "mentions.csv", contract, "mentions", draft.mentions)


def _in_contract_order(contract: Contract, resource: str, row: dict) -> dict:
    names = contract.resource(resource).field_names
    if set(names) != set(row):
        unknown = sorted(set(names) ^ set(row))
        raise InvalidInput(
            [
                Problem(
                    "synth-contract",
                    f"resource {resource}: benchmarks.synth does not generate the fields "
                    f"{', '.join(unknown)}; expected the fields it knows",
                    file=contract.file,
                )
            ]
        )
    return {name: row[name] for name in names}


def write_rows(path: Path, contract: Contract, resource: str, rows: list[dict]) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(contract.resource(resource).field_names)
    for row in rows:
        ordered = _in_contract_order(contract, resource, row)
        writer.writerow("" if v is None else v for v in ordered.values())
    path.write_bytes(buffer.getvalue().encode("utf-8"))
