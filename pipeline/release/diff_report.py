"""A package diff for people and machines: plain text, Markdown short enough for a
pull-request comment, a changelog section, and JSON with every detail.

Text and Markdown show at most MAX_ITEMS rows per resource and shorten long
cells; the JSON keeps everything.
"""

from __future__ import annotations

from pipeline.release.diff import Change, PackageDiff, ResourceDiff
from pipeline.release.widening import DERIVED, Widening

MAX_ITEMS = 15
MAX_CELL = 40
MAX_ROW = 200


def diff_dict(diff: PackageDiff) -> dict:
    verdict = diff.verdict
    return {
        "old": _side(diff.old),
        "new": _side(diff.new),
        "differs": diff.differs,
        "version": {
            "old": verdict.old,
            "new": verdict.new,
            "due": verdict.due,
            "expected": verdict.expected,
            "ok": verdict.ok,
            "message": verdict.message,
            "reasons": list(verdict.reasons),
        },
        "resources": [
            {
                "name": r.name,
                "status": r.status,
                "key": list(r.key),
                "added": [{"key": c.name, "row": c.new} for c in r.added],
                "removed": [{"key": c.name, "row": c.old} for c in r.removed],
                "changed": [{"key": c.name, "old": c.old, "new": c.new} for c in r.changed],
                "unchanged": r.unchanged,
            }
            for r in diff.resources
        ],
        "schema": [_change_dict(c) for c in diff.schema],
        "metadata": [_change_dict(c) for c in diff.metadata],
        "widening": _widening_dict(diff.widening),
    }


def _widening_dict(widening: Widening) -> dict:
    return {
        "widens": bool(widening),
        "areas": widening.areas,
        "periods": widening.periods,
        "indicators": widening.indicators,
        "old_areas": widening.old_areas,
        "old_years": list(widening.old_years) if widening.old_years else None,
        "review": [{"metadata": what, "value": value} for what, value in widening.review],
    }


def _side(package) -> dict:
    return {
        "label": package.label,
        "name": package.descriptor.get("name"),
        "version": package.version,
    }


def _change_dict(change: Change) -> dict:
    return {
        "what": change.what,
        "how": change.how,
        "resource": change.resource,
        "name": change.name,
        "old": change.old,
        "new": change.new,
    }


# ---- plain text ------------------------------------------------------------------


def diff_text(diff: PackageDiff) -> str:
    lines = [
        f"old: {diff.old.label}, {diff.old.descriptor.get('name')} {diff.old.version}",
        f"new: {diff.new.label}, {diff.new.descriptor.get('name')} {diff.new.version}",
    ]
    width = max(len(r.name) for r in diff.resources) if diff.resources else 0
    for resource in diff.resources:
        lines.append(f"{resource.name:<{width}}  {resource.status:<9}  {_counts(resource)}")
        lines += [f"  {line}" for line in _row_lines(resource, _plain)]
    for title, changes in (("schema", diff.schema), ("metadata", diff.metadata)):
        lines.append(f"{title}: " + (f"{len(changes)} changed" if changes else "unchanged"))
        lines += [f"  {_describe(c, _plain)}" for c in changes]
    lines += _widening_lines(diff.widening, _plain)
    verdict = diff.verdict
    lines.append(f"version {verdict.old} -> {verdict.new}: {verdict.message}")
    lines += [f"  {reason}" for reason in verdict.reasons]
    return "\n".join(lines) + "\n"


def _widening_lines(widening: Widening, quote) -> list[str]:
    """What the figures cover beyond the old release, and the metadata to review."""
    if not widening:
        return []
    lines = ["widening: the figures go beyond what OLD covered; review datapackage.json:"]
    if widening.areas:
        old = ", ".join(map(quote, widening.old_areas)) or "none"
        lines.append(f"new areas: {', '.join(map(quote, widening.areas))} (OLD had {old})")
    if widening.periods:
        low, high = widening.old_years
        span = str(low) if low == high else f"{low} to {high}"
        periods = ", ".join(map(quote, widening.periods))
        lines.append(f"periods outside OLD's {span}: {periods}")
    if widening.indicators:
        lines.append(f"new indicators: {', '.join(map(quote, widening.indicators))}")
    lines += [f"review {what}: {quote(value)}" for what, value in widening.review]
    return [lines[0], *(f"  {line}" for line in lines[1:]), f"  also: {DERIVED}"]


def _counts(resource: ResourceDiff) -> str:
    if resource.status == "unchanged":
        return f"{resource.unchanged} row{'s' * (resource.unchanged != 1)}"
    parts = [
        f"{len(resource.added)} added",
        f"{len(resource.removed)} removed",
        f"{len(resource.changed)} changed",
        f"{resource.unchanged} unchanged",
    ]
    return ", ".join(parts)


def _row_lines(resource: ResourceDiff, quote) -> list[str]:
    lines = []
    for how, changes in (
        ("added", resource.added),
        ("removed", resource.removed),
        ("changed", resource.changed),
    ):
        for change in changes[:MAX_ITEMS]:
            lines.append(f"{how} {quote(change.name)}: {_row_detail(change, resource.key, quote)}")
        if len(changes) > MAX_ITEMS:
            lines.append(f"... and {len(changes) - MAX_ITEMS} more {how} (see --json)")
    return lines


def _row_detail(change: Change, key: tuple[str, ...], quote) -> str:
    if change.how == "changed":
        parts = [
            f"{name} {quote(_short(change.old[name]))} -> {quote(_short(change.new[name]))}"
            for name in change.new
        ]
    else:
        row = change.new if change.how == "added" else change.old
        parts = [f"{n}={quote(_short(v))}" for n, v in row.items() if v and n not in key]
    shown: list[str] = []
    for part in parts:  # whole cells only, so that no Markdown code span is cut open
        if shown and len(", ".join([*shown, part])) > MAX_ROW:
            return ", ".join(shown) + ", …"
        shown.append(part)
    return ", ".join(shown)


def _describe(change: Change, quote) -> str:
    place = (
        change.name
        if change.resource in (None, change.name)
        else f"{change.resource}.{change.name}"
    )
    what = change.what.replace("-docs", "").replace("-", " ")
    if change.how != "changed":
        return f"{what} {quote(place)} {change.how}"
    if isinstance(change.old, dict) and isinstance(change.new, dict):
        keys = [k for k in {**change.old, **change.new} if change.old.get(k) != change.new.get(k)]
        edits = "; ".join(
            f"{k} {quote(_short(change.old.get(k)))} -> {quote(_short(change.new.get(k)))}"
            for k in keys
        )
        return f"{what} {quote(place)} changed: {edits}"
    old, new = quote(_short(change.old)), quote(_short(change.new))
    return f"{what} {quote(place)} changed: {old} -> {new}"


def _short(value) -> str:
    text = "" if value is None else str(value)
    text = " ".join(text.split())  # line breaks would break the layout
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def _plain(text: str) -> str:
    return text


# ---- Markdown ----------------------------------------------------------------------


def _code(text: str) -> str:
    if not text:
        return "(empty)"
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def diff_markdown(diff: PackageDiff) -> str:
    """A pull-request comment: the version verdict, a table of counts, details folded."""
    verdict = diff.verdict
    name = diff.new.descriptor.get("name") or diff.old.descriptor.get("name")
    lines = [
        f"### Data diff: {_code(str(name))} {verdict.old} → {verdict.new}",
        "",
        f"Old: {_code(diff.old.label)}; new: {_code(diff.new.label)}.",
        "",
        f"**Version:** {'ok' if verdict.ok else 'NOT OK'}: {verdict.message}.",
    ]
    lines += [f"- {reason}" for reason in verdict.reasons]
    lines += [
        "",
        "| resource | status | added | removed | changed | unchanged |",
        "|---|---|--:|--:|--:|--:|",
    ]
    for r in diff.resources:
        counts = (len(r.added), len(r.removed), len(r.changed), r.unchanged)
        lines.append(f"| {_code(r.name)} | {r.status} | " + " | ".join(map(str, counts)) + " |")
    for resource in diff.resources:
        rows = _row_lines(resource, _code)
        if rows:
            lines += ["", f"<details><summary>{resource.name}: {_counts(resource)}</summary>", ""]
            lines += [f"- {row}" for row in rows]
            lines += ["", "</details>"]
    for title, changes in (("Schema", diff.schema), ("Metadata", diff.metadata)):
        lines += [
            "",
            f"**{title}:** " + ("unchanged" if not changes else f"{len(changes)} changed"),
        ]
        lines += [f"- {_describe(c, _code)}" for c in changes[:MAX_ITEMS]]
        if len(changes) > MAX_ITEMS:
            lines.append(f"- ... and {len(changes) - MAX_ITEMS} more (see `pipeline diff --json`)")
    widened = _widening_lines(diff.widening, _code)
    if widened:
        lines += [
            "",
            "**Widening:** "
            + widened[0].split(": ", 1)[1].replace("datapackage.json", "`datapackage.json`"),
        ]
        lines += [f"- {line.strip()}" for line in widened[1:]]
    return "\n".join(lines) + "\n"


def changelog_section(diff: PackageDiff) -> str:
    """The changelog entry for the new version: what changed, by resource, with row keys."""
    verdict = diff.verdict
    day = str(diff.new.descriptor.get("created", ""))[:10]
    lines = [f"## {verdict.new}" + (f" ({day})" if day else ""), ""]
    if verdict.due:
        why = "; ".join(reason.split(": ", 1)[1] for reason in verdict.reasons)
        lines += [f"A {verdict.due} release since {verdict.old}: {why}.", ""]
    else:
        lines += [f"No change to the data since {verdict.old}.", ""]
    for resource in diff.resources:
        for how, changes in (
            ("added", resource.added),
            ("removed", resource.removed),
            ("changed", resource.changed),
        ):
            if changes:
                keys = ", ".join(_code(c.name) for c in changes[:MAX_ITEMS])
                more = f" and {len(changes) - MAX_ITEMS} more" if len(changes) > MAX_ITEMS else ""
                lines.append(f"- {resource.name}: {len(changes)} {how} ({keys}{more})")
    for change in [*diff.schema, *diff.metadata]:
        lines.append(f"- {_describe(change, _code)}")
    return "\n".join(lines).rstrip("\n") + "\n"
