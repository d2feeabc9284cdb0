"""Ways to break files, as hypothesis strategies: what transcribers and other
people's tools do to CSV, JSON and text files, and what an attacker would try."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from pathlib import Path

from hypothesis import strategies as st

# Cells that have broken pipelines: numbers that are not numbers, dates that are not
# dates, offsets out of range, text that spreadsheets run, Unicode that looks the same.
HOSTILE_CELLS = [
    "",
    " ",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "1e309",
    "-1e309",
    "-0",
    "0",
    "1e-400",
    "+5",
    " 5",
    "5 ",
    "1_000",
    "1,000",
    "١٢",
    "0x10",
    "99999999999999999999",
    "9223372036854775808",
    "-9223372036854775809",
    "-1",
    "2022-02-30",
    "2022-13-01",
    "0000-00-00",
    "2022-02",
    "20222",
    "=cmd|' /C calc'!A0",
    "@SUM(A1)",
    "+1",
    "-78",
    "\t",
    "\r",
    "\n",
    "'",
    '"',
    "\x00",
    "a\u0301",
    "\u0301",
    "\ufeff",
    "\u202e",
    "\ud7ff",
    "../../etc/passwd",
    "/etc/passwd",
    "https://example.org/x",
    "kandal-crime-2022",
    "kong-sophorn",
    "x" * 140_000,
    "é" * 70_000,
]

cell_values = st.one_of(st.sampled_from(HOSTILE_CELLS), st.text(max_size=40))

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(HOSTILE_CELLS[:30]),
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.reader(file))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8"))


def json_paths(value, prefix=()) -> list[tuple]:
    """Every path to a value inside a JSON document."""
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += json_paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += json_paths(child, (*prefix, index))
    return found


def set_path(document, path: tuple, value):
    if not path:
        return value
    target = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return document


def delete_path(document, path: tuple):
    if not path:
        return document
    target = document
    for step in path[:-1]:
        target = target[step]
    del target[path[-1]]
    return document


# ---- byte-level breakage of any file --------------------------------------------------


def break_bytes(data: bytes, draw) -> bytes:
    how = draw(
        st.sampled_from(
            [
                "truncate",
                "random",
                "insert",
                "bom",
                "crlf",
                "cr",
                "mixed",
                "empty",
                "first-line",
                "latin-1",
                "nul",
                "utf-16",
            ]
        )
    )
    if how == "truncate":
        return data[: draw(st.integers(0, max(0, len(data) - 1)))]
    if how == "random":
        return draw(st.binary(max_size=400))
    if how == "insert":
        at = draw(st.integers(0, len(data)))
        return data[:at] + draw(st.binary(min_size=1, max_size=20)) + data[at:]
    if how == "bom":
        return b"\xef\xbb\xbf" + data
    if how == "crlf":
        return data.replace(b"\n", b"\r\n")
    if how == "cr":
        return data.replace(b"\n", b"\r")
    if how == "mixed":
        lines = data.split(b"\n")
        ends = draw(st.lists(st.sampled_from([b"\n", b"\r\n", b"\r"]), min_size=len(lines)))
        return b"".join(line + end for line, end in zip(lines, ends, strict=False))[:-1]
    if how == "empty":
        return b""
    if how == "first-line":
        return data.split(b"\n")[0] + b"\n"
    if how == "latin-1":
        return data.decode("utf-8", "replace").encode("latin-1", "replace")
    if how == "nul":
        at = draw(st.integers(0, len(data)))
        return data[:at] + b"\x00" + data[at:]
    return data.decode("utf-8", "replace").encode("utf-16")


# ---- CSV structure --------------------------------------------------------------------


def break_csv(path: Path, draw) -> None:
    rows = read_rows(path)
    how = draw(
        st.sampled_from(
            [
                "cell",
                "cell",
                "cell",
                "drop-column",
                "extra-column",
                "duplicate-header",
                "duplicate-row",
                "drop-row",
                "short-row",
                "long-row",
                "swap-rows",
                "header-only",
            ]
        )
    )
    if how == "cell" and len(rows) > 1:
        row = draw(st.integers(1, len(rows) - 1))
        column = draw(st.integers(0, len(rows[row]) - 1))
        rows[row][column] = draw(cell_values)
    elif how == "drop-column":
        column = draw(st.integers(0, len(rows[0]) - 1))
        rows = [r[:column] + r[column + 1 :] for r in rows]
    elif how == "extra-column":
        rows = [
            r + [draw(cell_values) if i else draw(st.text(max_size=8))] for i, r in enumerate(rows)
        ]
    elif how == "duplicate-header":
        column = draw(st.integers(0, len(rows[0]) - 1))
        rows[0][draw(st.integers(0, len(rows[0]) - 1))] = rows[0][column]
    elif how == "duplicate-row" and len(rows) > 1:
        rows.append(list(rows[draw(st.integers(1, len(rows) - 1))]))
    elif how == "drop-row" and len(rows) > 1:
        del rows[draw(st.integers(1, len(rows) - 1))]
    elif how == "short-row" and len(rows) > 1:
        rows[-1] = rows[-1][:-1]
    elif how == "long-row" and len(rows) > 1:
        rows[-1] = rows[-1] + [draw(cell_values)]
    elif how == "swap-rows" and len(rows) > 2:
        rows[1], rows[-1] = rows[-1], rows[1]
    elif how == "header-only":
        rows = rows[:1]
    write_rows(path, rows)


# ---- JSON structure ---------------------------------------------------------------------


def break_json(path: Path, draw) -> None:
    document = json.loads(path.read_bytes().decode("utf-8"))
    how = draw(st.sampled_from(["replace", "replace", "delete", "add", "deep", "not-object"]))
    paths = json_paths(document)
    if how == "replace":
        document = set_path(document, draw(st.sampled_from(paths)), draw(json_values))
    elif how == "delete":
        document = delete_path(document, draw(st.sampled_from(paths)))
    elif how == "add":
        containers = [p for p in paths if isinstance(_get(document, p), dict)]
        target = _get(document, draw(st.sampled_from(containers)))
        target[draw(st.text(max_size=12))] = draw(json_values)
    elif how == "deep":
        depth = draw(st.sampled_from([40, 500, 5000, 100_000]))
        path.write_bytes(b"[" * depth + b"]" * depth)
        return
    else:
        document = draw(st.one_of(json_scalars, st.lists(json_scalars, max_size=3)))
    path.write_bytes(json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8"))


def _get(document, path: tuple):
    for step in path:
        document = document[step]
    return document


# ---- snapshot text ------------------------------------------------------------------------


def normalise_snapshot(path: Path, form: str) -> None:
    text = path.read_bytes().decode("utf-8")
    path.write_bytes(unicodedata.normalize(form, text).encode("utf-8"))


# ---- names and paths that become file paths -----------------------------------------------

# Device names Windows reserves in any folder, with any extension, in any case.
WINDOWS_RESERVED = ["con", "PRN", "aux", "Nul", "com1", "COM9", "lpt1", "LPT9", "nul.txt", "aux.db"]
CONTROL_CHARACTERS = [chr(code) for code in range(1, 32)] + ["\x7f"]  # never NUL
NAME_PIECES = [
    *WINDOWS_RESERVED,
    *CONTROL_CHARACTERS,
    ".",
    "..",
    "...",
    "\\",
    "..\\..",
    "C:",
    "c:\\x",
    "\\\\server\\share",
    "~",
    "$HOME",
    "%TEMP%",
    " ",
    "a.",
    "-",
    "a:b",
    "a*b?<>|",
    "x" * 300,  # longer than a file name may be (255 bytes)
    "é" * 200,  # short in characters, too long in bytes
    "名前",
    "e\u0301",
    "\u202e",
    "\ufeff",
    "kandal-crime-2022",
]
# An absolute path would reach anywhere on the machine running the tests: a generated
# one always starts with this placeholder, which the test replaces with a folder outside
# the project that it watches (place_outside).
OUTSIDE = "<outside>"
# How far up a generated path may climb with "..": the tests nest the project deep
# enough in their scratch folder that no path generated here leads out of it.
MAX_UP = 3
NESTING = 4 * MAX_UP

_path_characters = st.one_of(
    st.sampled_from("/\\.-_ "), st.characters(codec="utf-8", exclude_characters="\x00")
)


@st.composite
def path_values(draw) -> str:
    """A value that a careless or hostile contract could hold where a name or a path
    is expected: pieces joined with / or \\, relative or (through OUTSIDE) absolute."""
    pieces = st.one_of(st.sampled_from(NAME_PIECES), st.text(_path_characters, max_size=12))
    separator = draw(st.sampled_from(["/", "/", "\\"]))
    value = separator.join(draw(st.lists(pieces, min_size=1, max_size=4)))
    value = bound_climbing(value).lstrip("/") or "."
    if draw(st.integers(0, 4)) == 0:
        value = f"{OUTSIDE}/{value}"
    return value


def bound_climbing(value: str) -> str:
    """value with its "/.." steps after the first MAX_UP left out."""
    kept, up = [], 0
    for step in value.split("/"):
        if step == "..":
            up += 1
            if up > MAX_UP:
                continue
        kept.append(step)
    return "/".join(kept)


def place_outside(value, outside: Path):
    """A generated value with OUTSIDE made the absolute path of the watched folder."""
    return value.replace(OUTSIDE, str(outside)) if isinstance(value, str) else value


def folder_name(value: str) -> str | None:
    """value if a folder can have it as its name on this system, else None."""
    if "/" in value or value in ("", ".", "..") or len(value.encode("utf-8")) > 255:
        return None
    return value


# ---- a built package's descriptor, for `pipeline diff` ---------------------------------------


def mutate_descriptor(descriptor: dict, draw, escapes: list[str]) -> dict:
    """One change to a resource of a built package's descriptor: its path (generated, or
    one of escapes, paths that lead to a file outside the package), its name (a path, a
    value of another type, or none), or its schema (anything, or one part of it)."""
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        return descriptor
    resource = resources[draw(st.integers(0, len(resources) - 1))]
    if not isinstance(resource, dict):
        return descriptor
    how = draw(
        st.sampled_from(
            ["path", "escape", "escape", "name", "name-type", "no-name", "schema", "schema-part"]
        )
    )
    if how == "path":
        resource["path"] = draw(path_values())
    elif how == "escape":
        resource["path"] = draw(st.sampled_from(escapes))
    elif how == "name":
        resource["name"] = draw(path_values())
    elif how == "name-type":
        resource["name"] = draw(st.one_of(json_values, st.lists(st.text(max_size=5), max_size=2)))
    elif how == "no-name":
        resource.pop("name", None)
    elif how == "schema":
        resource["schema"] = draw(st.one_of(json_values, st.text(max_size=10)))
    elif isinstance(resource.get("schema"), dict):
        schema = resource["schema"]
        where = draw(st.sampled_from(json_paths(schema)[1:] or [()]))
        value = draw(st.one_of(json_values, path_values()))
        resource["schema"] = set_path(schema, where, value)
    return descriptor
