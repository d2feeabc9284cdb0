"""A direct quote lies inside quotation marks in its source's snapshot; a paraphrase need not.

Quotation marks are counted from the start of the quote's paragraph (a quotation
that runs on into the next paragraph opens again there, as the press writes it):
curly double and single marks open and close; a straight one opens after white space,
an opening bracket or a dash, or at the paragraph's start, and closes elsewhere; an
apostrophe between letters (don’t, the administration’s) is no quotation mark, and a
closing mark with none open (a plural's possessive, drivers’) closes nothing. The
quote's words (less any marks they start or end with) must stand where a double or a
single quotation is open, from their first character to their last.
"""

from __future__ import annotations

import re

import polars as pl

DIRECT = "direct"
MARKS = "“ ” ‘ ’ \" '"
CUT = "\x00"  # where the quote starts, in the text from its paragraph's start to its end
OPEN_BEFORE = r"(^|[\s(\[{\-\u2013\u2014\x00])"  # what may stand before an opening straight mark
PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")  # one or more blank lines
APOSTROPHE = r"([\p{L}\p{N}])[’]([\p{L}])"
LEADING_MARKS = r"^[“‘\"']*"
TRAILING_MARKS = r"[”’\"']*$"


def direct_quote_in_quotation_marks(frame: pl.DataFrame, context) -> pl.Series:
    """True for each quote that is not direct, or whose words lie inside quotation marks
    in its snapshot (a quote whose source has no snapshot, or whose offsets do not mark
    a stretch of it, passes: its own checks report that)."""
    snapshots = context.snapshots or {}
    rows = (
        frame.select("source_id", "attribution", "start", "end")
        .with_row_index("row")
        .filter(
            (pl.col("attribution") == DIRECT)
            & (pl.col("start") >= 0)
            & (pl.col("end") > pl.col("start"))
        )
    )
    ids = [s for s in rows["source_id"].drop_nulls().unique().to_list() if s in snapshots]
    rows = rows.filter(pl.col("source_id").is_in(pl.Series(ids, dtype=pl.String).implode()))
    passed = frame.select(passed=pl.repeat(True, pl.len())).to_series()
    for group in _batches(rows):
        answers = _inside(group, snapshots)
        passed = passed.scatter(answers["row"], answers["inside"])
    return passed


def _batches(rows: pl.DataFrame) -> list[pl.DataFrame]:
    """rows in groups of whole sources, each of about as many quotes as there are
    sources: each quote is given a copy of its snapshot's text, so a group's copies
    take about the room of the snapshots themselves."""
    counts = rows.group_by("source_id").len().sort("source_id")
    groups = counts.select(
        "source_id", group=(pl.col("len").cum_sum() - pl.col("len")) // max(counts.height, 1)
    )
    grouped = rows.join(groups, on="source_id", how="left")
    return [part.drop("group") for part in grouped.partition_by("group", maintain_order=True)]


def _inside(rows: pl.DataFrame, snapshots) -> pl.DataFrame:
    ids = rows["source_id"].unique().to_list()
    texts = pl.DataFrame(
        {"source_id": ids, "snapshot": [snapshots[s] for s in ids]},  # each decoded once
        schema={"source_id": pl.String, "snapshot": pl.String},
    )
    snapshot, start, end = pl.col("snapshot"), pl.col("start"), pl.col("end")
    words = snapshot.str.slice(start, end - start)
    lead = words.str.extract(f"({LEADING_MARKS})", 1).str.len_chars()
    trail = words.str.extract(f"({TRAILING_MARKS})", 1).str.len_chars()
    before = snapshot.str.slice(pl.col("paragraph"), start + lead - pl.col("paragraph"))
    inner = words.str.slice(lead, (end - start - lead - trail).clip(0))
    located = (
        rows.sort("start")
        .join_asof(
            paragraph_starts(texts),
            left_on="start",
            right_on="paragraph",
            by="source_id",
            check_sortedness=False,  # both sorted on the offsets (by source: not checkable)
        )
        .with_columns(pl.col("paragraph").fill_null(0))
        .join(texts, on="source_id", how="inner")
        .filter(end <= snapshot.str.len_chars())
    )
    marked = located.select(
        "row",
        marked=_marked(
            before.str.replace_all(CUT, "", literal=True),
            inner.str.replace_all(CUT, "", literal=True),
        ),
    )
    return marked.select("row", inside=_open_throughout("marked"))


def paragraph_starts(texts: pl.DataFrame) -> pl.DataFrame:
    """Where each paragraph after the first starts in each snapshot (after one or more
    blank lines), found once a snapshot, not once a quote."""
    found = [
        (source_id, match.end())
        for source_id, text in texts.iter_rows()
        for match in PARAGRAPH_BREAK.finditer(text)
    ]
    return pl.DataFrame(
        found, schema={"source_id": pl.String, "paragraph": pl.Int64}, orient="row"
    ).sort("paragraph")


def _marked(before: pl.Expr, inner: pl.Expr) -> pl.Expr:
    """The paragraph up to the quote, CUT, and the quote's words, with each straight mark
    written as the curly mark it stands for and apostrophes between letters left out."""
    text = before + CUT + inner
    text = text.str.replace_all(OPEN_BEFORE + '"', "$1“").str.replace_all('"', "”", literal=True)
    text = text.str.replace_all(OPEN_BEFORE + "'", "$1‘").str.replace_all("'", "’", literal=True)
    for _ in range(2):  # twice: rock’n’roll has two, next to each other
        text = text.str.replace_all(APOSTROPHE, "$1$2")
    return text


def _open_throughout(column: str) -> pl.Expr:
    """True where a quotation, of double or of single marks, is open at CUT and stays
    open to the end: the count of its marks (an opening one +1, a closing one -1, never
    below 0) is above 0 at CUT and at every mark after it."""
    mark = pl.element()
    after_cut = (mark == CUT).cum_sum() > 0

    def open_throughout(opening: str, closing: str) -> pl.Expr:
        running = ((mark == opening).cast(pl.Int32) - (mark == closing).cast(pl.Int32)).cum_sum()
        depth = running - running.cum_min().clip(upper_bound=0)
        return depth.filter(after_cut).min() > 0

    marks = pl.col(column).str.extract_all(f"[“”‘’{CUT}]")
    return marks.list.agg(open_throughout("“", "”") | open_throughout("‘", "’"))


def explain_direct_quote(row: dict, context) -> str:
    snapshot = (context.snapshots or {})[row["source_id"]]
    start = int(row["start"])
    before = snapshot[max(0, start - 30) : start].replace("\n", " ")
    return (
        f"attribution is direct, but the words at {start}:{row['end']} are not inside "
        f"quotation marks in snapshot {row['source_id']} (before them: …{before!r}); looked "
        f"for {MARKS} from the start of the paragraph (an apostrophe between letters is not "
        "one); expected the words between quotation marks, or attribution paraphrase"
    )
