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
