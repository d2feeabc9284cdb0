"""Snapshot texts held as UTF-8 bytes (pipeline.load.snapshots.SnapshotTexts) read as the
texts themselves, and the quote checks that walk them a source at a time give each
row its own snapshot's answer whatever order the rows come in."""

from __future__ import annotations

import random

import polars as pl

from pipeline.check.rules import Context, quote_keeps_characters_whole, quote_matches_snapshot
from pipeline.load.snapshots import SnapshotTexts

TEXTS = {
    "ascii": "Reported crime fell 78 per cent on 2021.",
    "latin": "Kandal's governor, Kong Sophorn, said crime fell – café.",
    "dashes": "Traffic accidents rose 10 per cent \u2014 \u201cworrying\u201d.",
    "marks": "Cafe\u0301 owners said crime fell 78 per cent.",  # e + combining acute
    "astral": "Solved: almost 96 per cent \U0001f4c8 of cases.",
}


def held(texts: dict[str, str]) -> SnapshotTexts:
    snapshots = SnapshotTexts()
    for source_id, text in texts.items():
        snapshots.add(source_id, text.encode("utf-8"))
    return snapshots


def test_texts_held_as_bytes_read_back_as_the_texts_in_any_order_and_after_pickling():
    snapshots = held(TEXTS)
    assert list(snapshots) == list(TEXTS) and len(snapshots) == len(TEXTS)
    asked = [*TEXTS, *reversed(TEXTS), "marks", "marks", "ascii"]
    assert [snapshots[source_id] for source_id in asked] == [TEXTS[s] for s in asked]
    assert "latin" in snapshots and "nowhere" not in snapshots
    assert snapshots.get("nowhere") is None
    assert snapshots == TEXTS


def quotes_frame(rows: list[tuple[str, int, int, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={"source_id": pl.String, "start": pl.Int64, "end": pl.Int64, "text": pl.String},
        orient="row",
    )


def test_quote_checks_answer_each_row_from_its_own_snapshot_with_sources_interleaved():
    rng = random.Random(5)
    rows, matches, whole = [], [], []
    for _ in range(300):
        source_id = rng.choice([*TEXTS, "no-snapshot"])
        text = TEXTS.get(source_id, "Nothing archived here.")
        start = rng.randrange(0, len(text))
        end = rng.randrange(start, len(text) + 2)  # sometimes past the end
        words = rng.choice([text[start:end]] * 6 + ["78 per cent", None])
        rows.append((source_id, start, end, words))
        has = source_id in TEXTS
        matches.append(not has or words is None or (end <= len(text) and text[start:end] == words))
        splits = [0 < offset < len(text) and text[offset] == "\u0301" for offset in (start, end)]
        whole.append(not has or not any(splits))
    frame = quotes_frame(rows)
    context = Context(frames={"quotes": frame}, snapshots=held(TEXTS))
    assert quote_matches_snapshot(frame, context).to_list() == matches
    assert quote_keeps_characters_whole(frame, context).to_list() == whole
    assert not all(matches) and not all(whole) and any(whole)  # both answers occur
    plain = Context(frames={"quotes": frame}, snapshots=dict(TEXTS))
    assert quote_matches_snapshot(frame, plain).to_list() == matches
