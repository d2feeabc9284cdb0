"""The rules of areas: a code is an ISO 3166-1 country, an ISO 3166-2 subdivision
(both as pycountry's database has them), or a place below them named after the area
it lies in (KH-8.ta-khmau); and a figure's area is named in its source, by its ISO
name, the name the package gives it (areas.name) or a reviewed other name
(area_names), so that a real but wrong code (KH-8 on an article about another
province) is caught.
"""

from __future__ import annotations

from functools import cache

import polars as pl

from pipeline.check.rules import Context, SemanticCheck, _passes, iso_records

ISO_KINDS = {"country": "ISO 3166-1 alpha-2", "subdivision": "ISO 3166-2"}


@cache
def iso_areas() -> pl.DataFrame:
    """Every ISO 3166-1 country and 3166-2 subdivision: code, kind, parent (for a
    subdivision, the subdivision or country it lies in) and its ISO names."""
    countries = [
        (r["alpha_2"], "country", None, [r["name"], r.get("official_name"), r.get("common_name")])
        for r in iso_records("3166-1")
    ]
    subdivisions = [
        (r["code"], "subdivision", r.get("parent") or r["code"][:2], [r["name"]])
        for r in iso_records("3166-2")
    ]
    rows = countries + subdivisions
    return pl.DataFrame(
        {
            "area_code": [r[0] for r in rows],
            "iso_kind": [r[1] for r in rows],
            "iso_parent": [_parent_code(r[0], r[2]) for r in rows],
            "iso_names": [[name for name in r[3] if name] for r in rows],
        },
        schema={
            "area_code": pl.String,
            "iso_kind": pl.String,
            "iso_parent": pl.String,
            "iso_names": pl.List(pl.String),
        },
    )


def _parent_code(code: str, parent: str | None) -> str | None:
    """pycountry gives a subdivision's parent subdivision without its country prefix."""
    if parent is None or "-" in parent or len(parent) == 2 and parent == code[:2]:
        return parent
    return f"{code[:2]}-{parent}"


def _with_iso(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.join(iso_areas(), on="area_code", how="left", maintain_order="left")


def area_code_is_known(frame: pl.DataFrame, context: Context) -> pl.Series:
    """A code without a dot is an ISO code; one with a dot, a place below its parent."""
    looked_up = _with_iso(frame.select("area_code", "kind", "parent_code"))
    below = pl.col("area_code").str.contains(".", literal=True)
    iso_ok = pl.col("iso_kind").is_not_null() & (pl.col("iso_kind") == pl.col("kind"))
    place_ok = ~pl.col("kind").is_in(list(ISO_KINDS)) & pl.col("area_code").str.starts_with(
        pl.concat_str(pl.col("parent_code"), pl.lit("."))
    )
    return _passes(looked_up, pl.when(below).then(place_ok).otherwise(iso_ok))


def explain_area_code(row: dict, context: Context) -> str:
    code, kind = row["area_code"], row["kind"]
    if "." in code:
        return (
            f"{code!r} is a place below an ISO area: expected its parent_code, a dot and its "
            f"name (such as {row['parent_code'] or 'KH-8'}.ta-khmau), and a kind other than "
            "country or subdivision"
        )
    known = iso_areas().filter(pl.col("area_code") == code)
    if known.height:
        found = known["iso_kind"][0]
        return f"{code!r} is an {ISO_KINDS[found]} code; expected kind {found}, found {kind}"
    return (
        f"{code!r} is neither an ISO 3166-1 alpha-2 country code nor an ISO 3166-2 subdivision "
        "code; expected a code such as KH (Cambodia) or KH-8 (Kandal, Cambodia), or for a "
        "place ISO does not code, the code of the area it lies in, a dot and its name"
    )


def area_parent_is_iso_parent(frame: pl.DataFrame, context: Context) -> pl.Series:
    """A country has no parent; a subdivision's is its country or the subdivision ISO
    puts it in."""
    looked_up = _with_iso(frame.select("area_code", "parent_code"))
    parent, code = pl.col("parent_code"), pl.col("area_code")
    subdivision = pl.col("iso_kind") == "subdivision"
    right = (
        pl.when(pl.col("iso_kind") == "country")
        .then(parent.is_null())
        .when(subdivision)
        .then(parent.eq_missing(pl.col("iso_parent")) | parent.eq_missing(code.str.slice(0, 2)))
        .otherwise(parent.is_not_null())
    )
    return _passes(looked_up, right)


def explain_area_parent(row: dict, context: Context) -> str:
    code = row["area_code"]
    if "." in code:
        return "a place below an ISO area names the area it lies in; expected parent_code"
    if "-" not in code:
        return f"{code} is a country; expected parent_code empty"
    return f"{code} is a subdivision of {code[:2]}; expected parent_code {code[:2]}"


# ---- a figure's area is named in its source ----------------------------------------


def _names(context: Context) -> pl.DataFrame:
    """Every name of each area: its ISO names, its name here and its other names."""
    frames = context.frames
    parts = [iso_areas().select("area_code", name="iso_names").explode("name")]
    for resource in ("areas", "area_names"):  # this batch's rows, and those before
        for rows in (frames.get(resource), context.lent.get(resource)):
            if rows is not None:
                parts.append(rows.lazy().select("area_code", "name").collect())
    return pl.concat(parts).drop_nulls().unique(maintain_order=True)


def _as_words(text: pl.Expr) -> pl.Expr:
    """Text as its words, lower-cased, one space apart and a space at each end: a name
    stands in a text as whole words where its words, so written, are in the text's."""
    words = text.str.to_lowercase().str.replace_all(r"[^\p{L}\p{N}]+", " ")
    return pl.concat_str(pl.lit(" "), words.str.strip_chars(" "), pl.lit(" "))


def _area_words(context: Context) -> pl.DataFrame:
    """area_code, name and words (the name as _as_words writes it) of every name of
    each area, worked out once for the batch."""

    def words() -> pl.DataFrame:
        return _names(context).with_columns(words=_as_words(pl.col("name")))

    frame = context.lent.get("areas", context.frames.get("areas"))
    return context.share("area_words", frame if frame is not None else pl.DataFrame(), words)


def area_named_in_source(frame: pl.DataFrame, context: Context) -> pl.Series:
    """A figure's area is named in its source's snapshot (when the snapshot is at hand:
    one found elsewhere is checked by pipeline.check.keys), by any of its names, as
    whole words in any case. Each snapshot is read once, however many figures it has;
    each name is looked for as plain text (a regex a row took 1.7 ms)."""
    snapshots = context.snapshots or {}
    pairs = frame.select("source_id", "area_code")
    wanted = pairs.drop_nulls().unique()
    texts = pl.DataFrame(
        {"source_id": list(snapshots), "snapshot": list(snapshots.values())},
        schema={"source_id": pl.String, "snapshot": pl.String},
    ).join(wanted.select("source_id").unique(), on="source_id", how="semi")
    texts = texts.select("source_id", text=_as_words(pl.col("snapshot")))
    found = (
        wanted.join(texts, on="source_id", how="inner")
        .join(_area_words(context).select("area_code", "words"), on="area_code", how="inner")
        .with_columns(named=pl.col("text").str.contains(pl.col("words"), literal=True))
        .group_by("source_id", "area_code")
        .agg(pl.col("named").any())
    )
    answers = pairs.join(found, on=["source_id", "area_code"], how="left", maintain_order="left")
    return answers["named"].fill_null(True)


def explain_area_named(row: dict, context: Context) -> str:
    found = _area_words(context).filter(pl.col("area_code") == row["area_code"])
    names = ", ".join(found["name"].to_list()) or "none"
    return (
        f"area {row['area_code']} is not named in source {row['source_id']} (looked for: "
        f"{names}); expected the area the source states: check the code, or add the name "
        "this source uses to raw/area_names.csv with a note"
    )


CHECKS: tuple[SemanticCheck, ...] = (
    SemanticCheck(
        "area_code_is_known", "areas", "area_code", area_code_is_known, explain_area_code
    ),
    SemanticCheck(
        "area_parent_is_iso_parent",
        "areas",
        "parent_code",
        area_parent_is_iso_parent,
        explain_area_parent,
    ),
    SemanticCheck(
        "area_named_in_source",
        "figures",
        "area_code",
        area_named_in_source,
        explain_area_named,
        needs_snapshots=True,
        uses={"areas": ("area_code", "name"), "area_names": ("area_code", "name")},
    ),
)
