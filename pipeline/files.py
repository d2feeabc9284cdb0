"""Reading text and JSON files strictly, with errors that name file, line and column."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pipeline.errors import InvalidInput, Problem

BOM = "\ufeff"


def hash_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def hash_file(path: Path) -> str:
    return hash_bytes(path.read_bytes())


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset in text."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def read_bytes(path: Path, display: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InvalidInput([Problem("missing-file", "file not found", file=display)]) from None
    except IsADirectoryError:
        raise InvalidInput(
            [Problem("not-a-file", "expected a file, found a folder", file=display)]
        ) from None
    except OSError as error:
        raise InvalidInput(
            [Problem("unreadable-file", f"cannot read: {error.strerror}", file=display)]
        ) from None


def decode_utf8(data: bytes, display: str, allow_bom: bool = True) -> str:
    """Decode UTF-8 strictly; a bad byte is reported at its line and column."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        good = data[: error.start].decode("utf-8")
        line, column = line_and_column(good, len(good))
        raise InvalidInput(
            [
                Problem(
                    "encoding-error",
                    f"byte 0x{data[error.start]:02x} at byte offset {error.start} is not valid "
                    "UTF-8; expected the file to be saved as UTF-8",
                    file=display,
                    line=line,
                    column=column,
                )
            ]
        ) from None
    if text.startswith(BOM):
        if not allow_bom:
            raise InvalidInput(
                [
                    Problem(
                        "byte-order-mark",
                        "file starts with a byte order mark; expected UTF-8 without one",
                        file=display,
                        line=1,
                        column=1,
                    )
                ]
            )
        text = text[1:]
    return text


def read_text(path: Path, display: str, allow_bom: bool = True) -> str:
    return decode_utf8(read_bytes(path, display), display, allow_bom)


def parse_json(text: str, display: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput(
            [
                Problem(
                    "json-syntax",
                    f"not valid JSON: {error.msg}",
                    file=display,
                    line=error.lineno,
                    column=error.colno,
                )
            ]
        ) from None
    except RecursionError:
        raise InvalidInput(
            [Problem("json-too-deep", "JSON nested too deeply to read", file=display)]
        ) from None


def read_json_object(path: Path, display: str) -> tuple[dict, str]:
    """The JSON object in a file, and the file's text (to locate keys in errors)."""
    text = read_text(path, display)
    value = parse_json(text, display)
    if not isinstance(value, dict):
        raise InvalidInput(
            [
                Problem(
                    "json-not-object",
                    f"expected a JSON object, found {type(value).__name__}",
                    file=display,
                    line=1,
                    column=1,
                )
            ]
        )
    return value, text


def locate_key(text: str, key: str) -> tuple[int | None, int | None]:
    """Line and column of the first `"key":` in a JSON text, if it is there."""
    needle = json.dumps(key)
    offset = text.find(needle)
    if offset < 0:
        return None, None
    return line_and_column(text, offset)
