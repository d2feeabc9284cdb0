"""Reading text and JSON files strictly, with errors that name file, line and column.

Every read is bounded: a file larger than MAX_FILE_BYTES (JSON: MAX_JSON_BYTES)
is refused before it is read, anything but a regular file is refused without
waiting on it, and a file can be required to stay inside a folder once every
symlink is followed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.assemble.json_text import levels
from pipeline.contract.names import DEVICE_NAMES
from pipeline.errors import InvalidInput, Problem
from pipeline.project import display_path

BOM = "\ufeff"

# Limits: far above any hand-made input, far below what would exhaust the machine.
MAX_FILE_BYTES = 256 * 1024 * 1024  # any one file read (CSV, snapshot)
MAX_JSON_BYTES = 16 * 1024 * 1024  # a contract or source.json
# A built package's files are as large as the corpus makes them: at a million figures
# the quotes are 332 MB. `validate` reads them with this limit.
MAX_BUILT_FILE_BYTES = 4 * 1024 * 1024 * 1024
MAX_JSON_DEPTH = 32  # nesting of arrays and objects in a JSON file
MAX_JSON_INTEGER_DIGITS = 30  # longer integers are refused, not rounded

LINE_BREAK = re.compile(r"\r\n|\r|\n")
LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def descriptor_limit(folder: Path) -> int:
    """The largest built descriptor to read from a package folder: MAX_JSON_BYTES, or as
    many bytes as the package's other files hold if that is more. A descriptor lists
    every input file (87 MB beside 571 MB of data at a million figures), but one far
    larger than its data is not a package's, and is refused before it is parsed."""
    data = 0
    for root, _, names in os.walk(folder):  # symlinks to folders are not followed
        for name in names:
            path = os.path.join(root, name)
            if path != os.path.join(folder, "datapackage.json"):
                try:
                    data += os.lstat(path).st_size
                except OSError:
                    continue
    return descriptor_limit_for(data)


def descriptor_limit_for(data: int) -> int:
    """descriptor_limit of a package whose other files hold data bytes (also for one
    read from git, whose files are not in a folder)."""
    return min(max(MAX_JSON_BYTES, data), MAX_BUILT_FILE_BYTES)


def hash_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def hash_file(path: Path, display: str | None = None, inside: Path | None = None) -> str:
    return hash_bytes(read_bytes(path, display or path.as_posix(), inside=inside))


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset in text; a line ends at
    LF, CRLF or CR, as the csv module and editors count them."""
    before = text[:offset]
    line = before.count("\n") + before.count("\r") - before.count("\r\n") + 1
    start = max(before.rfind("\n"), before.rfind("\r")) + 1
    return line, offset - start + 1


def escapes(path: Path, root: Path) -> bool:
    """True when path, with every symlink followed, is not inside root.

    A path written under root stays inside it unless a part below root is a symlink
    (or ..): those parts are looked at with lstat, and the path is resolved in full
    only where one of them is a symlink (resolving every path walks every part from
    /, which dominated reading a hundred thousand snapshots)."""
    if not _plainly_inside(path, root):
        try:
            return not path.resolve().is_relative_to(root.resolve())
        except (OSError, RuntimeError):  # a symlink loop
            return True
    return False


def _plainly_inside(path: Path, root: Path) -> bool:
    """True when path is written under root and no part of it below root is a
    symlink (a part that does not exist ends the walk: nothing below it can be)."""
    if not path.is_relative_to(root):
        return False
    parts = path.relative_to(root).parts
    if ".." in parts:
        return False
    current = os.fspath(root)
    for part in parts:
        current = os.path.join(current, part)
        try:
            if stat.S_ISLNK(os.lstat(current).st_mode):
                return False
        except FileNotFoundError:
            return True
        except OSError:
            return False
    return True


def outside_problem(display: str, root: Path) -> Problem:
    return Problem(
        "outside-folder",
        f"leads outside {display_path(root)} (through a symlink or ..); expected a file inside it",
        file=display,
    )


# O_NONBLOCK: opening a named pipe must not wait for a writer.
_READ_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


def _open_regular(
    path: str | Path, display: str, inside: Path | None
) -> tuple[int, os.stat_result]:
    """An open regular file (its descriptor) and its stat, refusing one outside `inside`
    and a folder, pipe or device (without waiting on a pipe)."""
    if inside is not None and escapes(Path(path), inside):
        raise InvalidInput([outside_problem(display, inside)])
    try:
        descriptor = os.open(path, _READ_FLAGS)
    except FileNotFoundError:
        raise InvalidInput([Problem("missing-file", "file not found", file=display)]) from None
    except OSError as error:
        raise InvalidInput([_unreadable(error, display)]) from None
    mode = os.fstat(descriptor)
    if not stat.S_ISREG(mode.st_mode):
        os.close(descriptor)
        found = "a folder" if stat.S_ISDIR(mode.st_mode) else "a pipe or device"
        raise InvalidInput([Problem("not-a-file", f"expected a file, found {found}", file=display)])
    return descriptor, mode


@contextmanager
def _regular_file(path: Path, display: str, inside: Path | None):
    """_open_regular's file as a Python file object."""
    descriptor, mode = _open_regular(path, display, inside)
    with os.fdopen(descriptor, "rb") as file:
        yield file, mode


def read_bytes(
    path: str | Path, display: str, inside: Path | None = None, limit: int = MAX_FILE_BYTES
) -> bytes:
    """The bytes of a regular file, refusing one outside `inside`, a pipe or device,
    and one larger than limit (checked before reading). Read with os.read, asking for
    one byte more than its size to see it has not grown: hundreds of thousands of
    small files are read, and a Python file object costs more than the read itself
    (and a Path more than a str: raw/ is read by str paths)."""
    descriptor, mode = _open_regular(path, display, inside)
    try:
        if mode.st_size > limit:
            raise InvalidInput([_too_large(mode.st_size, limit, display)])
        try:
            data = _read_up_to(descriptor, mode.st_size + 1)  # never the limit: the size
        except OSError as error:
            raise InvalidInput([_unreadable(error, display)]) from None
    finally:
        os.close(descriptor)
    if len(data) != mode.st_size:
        raise InvalidInput(
            [Problem("unreadable-file", "file changed while it was read", file=display)]
        )
    return data


def _read_up_to(descriptor: int, most: int) -> bytes:
    """Up to `most` bytes from an open regular file (fewer at its end), in the fewest
    reads: a read of a regular file that returns fewer bytes than asked for has reached
    its end, so a file read whole takes one read, not a second one to see the end."""
    blocks = []
    while most > 0:
        asked = min(most, 1 << 30)
        block = os.read(descriptor, asked)
        blocks.append(block)
        most -= len(block)
        if len(block) < asked:
            break
    return blocks[0] if len(blocks) == 1 else b"".join(blocks)


def size_and_hash(path: Path, display: str, inside: Path | None = None) -> tuple[int, str]:
    """Bytes and SHA-256 of a regular file of any size, read a block at a time (a
    built package's outputs may be larger than any one input we read whole)."""
    with _regular_file(path, display, inside) as (file, _):
        digest, size = hashlib.sha256(), 0
        try:
            while block := file.read(1 << 20):
                digest.update(block)
                size += len(block)
        except OSError as error:
            raise InvalidInput([_unreadable(error, display)]) from None
    return size, digest.hexdigest()


class CsvPieces:
    """A CSV file of any size read a piece at a time: its header line, then its rows in
    pieces of about `size` bytes that each end where a row ends (at a line break outside
    quoted text). Iterating yields (header + piece, the lines of the file between the
    header and the piece); a file with a header alone yields it once. The file's size
    and SHA-256 are known once every piece is read (`size`, `sha256`)."""

    def __init__(self, path: Path, display: str, inside: Path | None, limit: int, size: int):
        self.path, self.display, self.inside, self.limit = path, display, inside, limit
        self.piece_bytes = size
        self.size, self.sha256 = 0, ""

    def __iter__(self) -> Iterator[tuple[bytes, int]]:
        digest = hashlib.sha256()
        with _regular_file(self.path, self.display, self.inside) as (file, mode):
            if mode.st_size > self.limit:
                raise InvalidInput([_too_large(mode.st_size, self.limit, self.display)])
            header, carry, skipped, yielded = None, b"", 0, False
            while True:
                try:
                    block = file.read(self.piece_bytes)
                except OSError as error:
                    raise InvalidInput([_unreadable(error, self.display)]) from None
                digest.update(block)
                self.size += len(block)
                carry += block
                end = len(carry) if not block else _rows_end(carry)
                if header is None and end:
                    header_end = _rows_end(carry, first=True) or end
                    header, carry = carry[:header_end], carry[header_end:]
                    end = len(carry) if not block else _rows_end(carry)
                if end:
                    piece, carry = carry[:end], carry[end:]
                    yield header + piece, skipped
                    yielded = True
                    skipped += _line_breaks(piece)
                if not block:
                    break
            if not yielded:
                yield header or b"", 0
        self.sha256 = digest.hexdigest()


def _rows_end(data: bytes, first: bool = False) -> int:
    """Where the last row (the first, with first) wholly in data ends: just after a line
    break with an even number of double quotes before it; 0 when none does. Each
    quote is counted once, whatever the number of line breaks inside quoted text."""
    if first:
        at = data.find(b"\n")
        quotes = data.count(b'"', 0, max(at, 0))
        while at != -1 and quotes % 2:
            after = data.find(b"\n", at + 1)
            quotes += data.count(b'"', at, after) if after != -1 else 0
            at = after
        return at + 1
    at = data.rfind(b"\n")
    quotes = data.count(b'"', 0, max(at, 0))
    while at != -1 and quotes % 2:
        before = data.rfind(b"\n", 0, at)
        quotes -= data.count(b'"', before, at) if before != -1 else 0
        at = before
    return at + 1


def _line_breaks(data: bytes) -> int:
    """The lines data ends, as LINE_BREAK counts them (CR LF, CR or LF)."""
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


def _unreadable(error: OSError, display: str) -> Problem:
    return Problem("unreadable-file", f"cannot read: {error.strerror}", file=display)


def too_large_problem(size: int, limit: int, display: str) -> Problem:
    """The problem of a file over a read limit, for one not read from the file system
    (a file committed in git)."""
    return _too_large(size, limit, display)


def _too_large(size: int, limit: int, display: str) -> Problem:
    return Problem(
        "file-too-large",
        f"file is {size} bytes; expected at most {limit} bytes (the pipeline's limit)",
        file=display,
    )


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


def read_text(path: Path, display: str, allow_bom: bool = True, **limits) -> str:
    return decode_utf8(read_bytes(path, display, **limits), display, allow_bom)


class _JsonValueError(ValueError):
    """A value that JSON's grammar allows but we refuse, with text to locate it by."""

    def __init__(self, message: str, needle: str, occurrence: int = 1):
        super().__init__(message)
        self.message, self.needle, self.occurrence = message, needle, occurrence


def _refuse_constant(name: str):
    raise _JsonValueError(f"{name} is not a JSON number; expected a finite number or null", name)


def _finite_float(literal: str) -> float:
    value = float(literal)
    if value in (float("inf"), float("-inf")):
        raise _JsonValueError(
            f"number {literal} is too large for a 64-bit float; expected at most about 1.8e308",
            literal,
        )
    return value


def _bounded_int(literal: str) -> int:
    if len(literal.lstrip("-")) > MAX_JSON_INTEGER_DIGITS:
        raise _JsonValueError(
            f"integer of {len(literal.lstrip('-'))} digits; expected at most "
            f"{MAX_JSON_INTEGER_DIGITS} digits",
            literal[:20],
        )
    return int(literal)


def _unique_keys(pairs: list[tuple[str, object]]) -> dict:
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise _JsonValueError(
                f"key {key!r} appears twice in one object; expected each key once",
                json.dumps(key, ensure_ascii=False),
                occurrence=2,
            )
        seen.add(key)
    return dict(pairs)


def parse_json(text: str, display: str) -> object:
    """Parse JSON, refusing NaN and infinities, duplicate keys, huge integers, NUL and
    lone surrogates, and nesting deeper than MAX_JSON_DEPTH, each at its line and column."""
    try:
        value = _loads(text, None if "\\u" not in text else _unique_keys)
        if "\\u" not in text and _dropped_a_key(text, value):
            _loads(text, _unique_keys)  # raises at the repeated key
    except json.JSONDecodeError as error:
        line, column = line_and_column(text, error.pos)
        raise InvalidInput(
            [Problem("json-syntax", f"not valid JSON: {error.msg}", display, line, column)]
        ) from None
    except _JsonValueError as error:
        line, column = _locate(text, error.needle, error.occurrence)
        raise InvalidInput([Problem("json-value", error.message, display, line, column)]) from None
    except RecursionError:
        raise InvalidInput([_too_deep(display)]) from None
    _check_nesting_and_strings(value, text, display)
    return value


def _loads(text: str, object_pairs_hook) -> object:
    return json.loads(
        text,
        object_pairs_hook=object_pairs_hook,
        parse_constant=_refuse_constant,
        parse_float=_finite_float,
        parse_int=_bounded_int,
    )


def _dropped_a_key(text: str, value: object) -> bool:
    """Whether parsing text (which has no \\u escape) kept only the last of a repeated
    key, without a Python call per object: the text's colons are one per member plus
    those inside strings, and written back compactly the value has the same, less one
    member (and its strings) for each key dropped; no other escape makes a colon."""
    written = json.dumps(value, ensure_ascii=False, separators=(",", ":"), check_circular=False)
    return text.count(":") != written.count(":")


def _locate(text: str, needle: str, occurrence: int = 1) -> tuple[int | None, int | None]:
    offset = -1
    for _ in range(occurrence):
        offset = text.find(needle, offset + 1)
        if offset < 0:
            return None, None
    return line_and_column(text, offset)


def _too_deep(display: str) -> Problem:
    return Problem(
        "json-too-deep",
        f"JSON nested more than {MAX_JSON_DEPTH} levels deep; expected a flatter document",
        file=display,
    )


def _check_nesting_and_strings(value: object, text: str, display: str) -> None:
    """Depth limit; no NUL character (no CSV reader takes it back); and no lone surrogate
    (an escape like \\ud800 that is not half of a pair): it is not a character, and no
    UTF-8 file could hold it."""
    if "\\u" not in text:  # strict decoding lets a NUL or a surrogate in only as \u
        deep = text.count("{") + text.count("[") > MAX_JSON_DEPTH
        if deep and any(depth > MAX_JSON_DEPTH for depth, _ in enumerate(levels(value), 1)):
            raise InvalidInput([_too_deep(display)])
        return
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise InvalidInput([_too_deep(display)])
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
        elif isinstance(item, str) and "\0" in item:
            line, column = _locate(text, "\\u0000")
            raise InvalidInput(
                [
                    Problem(
                        "json-value",
                        "string holds a NUL character (\\u0000); expected text without one",
                        display,
                        line,
                        column,
                    )
                ]
            )
        elif isinstance(item, str) and LONE_SURROGATE.search(item):
            found = SURROGATE_ESCAPE.search(text)
            line, column = line_and_column(text, found.start()) if found else (None, None)
            raise InvalidInput(
                [
                    Problem(
                        "json-value",
                        "string holds a lone surrogate escape (\\ud800 to \\udfff without its "
                        "pair), which is not a character; expected text that UTF-8 can encode",
                        display,
                        line,
                        column,
                    )
                ]
            )


def read_json_object(
    path: Path, display: str, inside: Path | None = None, limit: int = MAX_JSON_BYTES
) -> tuple[dict, str]:
    """The JSON object in a file, and the file's text (to locate keys in errors)."""
    text = read_text(path, display, inside=inside, limit=limit)
    return parse_json_object(text, display), text


def parse_json_object(text: str, display: str) -> dict:
    """The JSON object in a text, refusing any other JSON value at line 1, column 1."""
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
    return value


def locate_key(text: str, key: str) -> tuple[int | None, int | None]:
    """Line and column of the first `"key":` in a JSON text, if it is there."""
    if not isinstance(key, str):
        return None, None
    for needle in (json.dumps(key, ensure_ascii=False), json.dumps(key)):
        offset = text.find(needle)
        if offset >= 0:
            return line_and_column(text, offset)
    return None, None


# ---- writing: every file the pipeline writes is named through path_inside ----------------

UNPORTABLE_CHARACTERS = re.compile(r'[\x00-\x1f\x7f<>:"\\|?*]')
MAX_NAME_BYTES = 255  # the longest name most file systems take


def path_inside(root: Path, relative: str | os.PathLike, display: str | None = None) -> Path:
    """The absolute path of relative under root, for writing: refuses (InvalidInput,
    located at display, by default relative) an absolute path, `..`, a name that is not
    portable, and a path that a symlink leads out of root. Every file the pipeline
    writes is named here, so that nothing a contract or a user names lands elsewhere."""
    root = Path(os.path.abspath(root))
    text = os.fspath(relative)
    path = root / text
    reason = _unwritable_reason(text)
    if reason is None and escapes(path, root):
        reason = "leads out of the folder through a symlink"
    if reason is not None:
        raise InvalidInput(
            [
                Problem(
                    "write-outside",
                    f"would write {text!r} in {display_path(root)}, but that path {reason}; "
                    "expected a relative path of portable names inside the folder being written",
                    file=display or text,
                )
            ]
        )
    return path


def _unwritable_reason(relative: str) -> str | None:
    if not relative:
        return "is empty"
    if os.path.isabs(relative):
        return "is an absolute path"
    for name in relative.split("/"):
        if name == "..":
            return "goes up out of the folder with '..'"
        if name in ("", "."):
            return "has an empty name or '.' in it"
        found = UNPORTABLE_CHARACTERS.search(name)
        if found:
            return f"has the character {found.group()!r}, which not every system allows in a name"
        if name.split(".")[0].lower() in DEVICE_NAMES:  # any case, any extension
            return f"has the name {name!r}, reserved for a device on Windows"
        if name.endswith((".", " ")):
            return f"has the name {name!r}, which Windows would write without its last character"
        if len(name.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
            return f"has a name longer than {MAX_NAME_BYTES} bytes"
    return None


def write_inside(
    root: Path, relative: str | os.PathLike, data: bytes, display: str | None = None
) -> Path:
    """Write data as relative under root (path_inside's checks; folders made as needed)."""
    path = path_inside(root, relative, display)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write a file so that it is either the old one or the new one, never half."""
    # The user names this file; the fence refuses one that is a symlink out of its
    # folder, which the replace below would silently turn into a file of its own.
    path = path_inside(path.parent, path.name, display_path(path))
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o644
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
