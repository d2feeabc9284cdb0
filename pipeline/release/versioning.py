"""The package's version rule: which bump each kind of change calls for, as data.

MAJOR.MINOR.PATCH. A change that breaks consumers (a resource, column or key
they rely on is gone or different) is a major bump; new data, new columns and
changed rules on values a minor one; corrected values and reworded
documentation a patch. The bump due for a release is the largest any of its
changes calls for; a larger bump than due is allowed, a smaller one is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BUMPS = ("patch", "minor", "major")  # in increasing order

# (what changed, how) -> (bump, why); the README's table of the rule lists exactly these.
RULES: dict[tuple[str, str], tuple[str, str]] = {
    ("resource", "removed"): ("major", "a resource consumers read is gone"),
    ("resource-path", "changed"): ("major", "a resource's file moved"),
    ("primary-key", "changed"): ("major", "rows are identified by other fields"),
    ("field", "removed"): ("major", "a column consumers read is gone"),
    ("field-type", "changed"): ("major", "a column holds values of another type"),
    ("resource", "added"): ("minor", "a new resource"),
    ("field", "added"): ("minor", "a new column"),
    ("field-constraints", "changed"): ("minor", "the values a column may hold changed"),
    ("table-rules", "changed"): ("minor", "foreign keys, unique keys or missing values changed"),
    ("row", "added"): ("minor", "new data"),
    ("row", "removed"): ("minor", "data withdrawn"),
    ("row", "changed"): ("patch", "data corrected"),
    ("field-docs", "changed"): ("patch", "a column's title or description reworded"),
    ("resource-docs", "changed"): ("patch", "a resource's title or description reworded"),
    ("metadata", "added"): ("patch", "package metadata added"),
    ("metadata", "removed"): ("patch", "package metadata removed"),
    ("metadata", "changed"): ("patch", "package metadata changed"),
}

VERSION = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")


@dataclass(frozen=True)
class Verdict:
    """Whether a new version is bumped enough for the changes since the old one."""

    old: str | None
    new: str | None
    due: str | None  # the bump the changes call for; None when nothing changed
    expected: str | None  # the smallest version that satisfies it
    reasons: tuple[str, ...]  # "minor: new data (row added)", largest bump first
    ok: bool
    message: str


def parse_version(version) -> tuple[int, int, int] | None:
    found = VERSION.fullmatch(version) if isinstance(version, str) else None
    return tuple(int(part) for part in found.groups()) if found else None


def bumped(version: tuple[int, int, int], bump: str) -> tuple[int, int, int]:
    major, minor, patch = version
    if bump == "major":
        return (major + 1, 0, 0)
    if bump == "minor":
        return (major, minor + 1, 0)
    return (major, minor, patch + 1)


def due_bump(kinds) -> tuple[str | None, tuple[str, ...]]:
    """The bump a set of (what, how) change kinds calls for, and why."""
    found = sorted({RULES[kind] + kind for kind in kinds}, key=lambda r: -BUMPS.index(r[0]))
    reasons = tuple(f"{bump}: {why} ({what} {how})" for bump, why, what, how in found)
    return (found[0][0] if found else None), reasons


def judge(old: str | None, new: str | None, kinds) -> Verdict:
    due, reasons = due_bump(kinds)
    old_parts, new_parts = parse_version(old), parse_version(new)
    if old_parts is None or new_parts is None:
        bad = new if new_parts is None else old
        message = f"version {bad!r} is not MAJOR.MINOR.PATCH; expected e.g. 1.2.0"
        return Verdict(old, new, due, None, reasons, False, message)
    expected = bumped(old_parts, due) if due else old_parts
    text = ".".join(map(str, expected))
    if new_parts < old_parts:
        message = f"version went down from {old} to {new}; expected at least {text}"
        return Verdict(old, new, due, text, reasons, False, message)
    if due is None:
        return Verdict(old, new, None, text, reasons, True, "nothing changed; no bump is due")
    if new_parts >= expected:
        message = f"a {due} bump is due and {old} -> {new} is one"
        return Verdict(old, new, due, text, reasons, True, message)
    message = (
        f"a {due} bump is due since {old}, so expected version {text} (or higher); found {new}"
    )
    return Verdict(old, new, due, text, reasons, False, message)
