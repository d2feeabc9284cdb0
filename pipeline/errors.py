"""The problems the pipeline finds, and the exceptions that carry them.

A Problem points at a place in a file (file, line, column) or in a table
(resource, row, field); the CLI is the only place that turns them into messages.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

# C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as we can."""

    code: str
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    resource: str | None = None
    row: int | None = None
    field: str | None = None

    def sort_key(self) -> tuple:
        return (
            self.file or "",
            self.line or 0,
            self.column or 0,
            self.resource or "",
            self.row or 0,
            self.field or "",
            self.code,
            self.message,
        )

    def location(self) -> str:
        """`file:line:column`, or `resource R, row N, field F` when there is no file."""
        if self.file:
            parts = [self.file]
            if self.line is not None:
                parts.append(str(self.line))
                if self.column is not None:
                    parts.append(str(self.column))
            return ":".join(parts)
        parts = []
        if self.resource:
            parts.append(f"resource {self.resource}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.field:
            parts.append(f"field {self.field}")
        return ", ".join(parts)

    def __str__(self) -> str:
        place = self.location()
        prefix = f"{place}: " if place else ""
        return one_line(printable(f"{prefix}{self.message} [{self.code}]"))

    def to_dict(self) -> dict:
        return {k: printable(v) if isinstance(v, str) else v for k, v in asdict(self).items()}


def printable(text: str) -> str:
    """text with any lone surrogate (a file name byte that is not UTF-8, as Python
    decodes it) written as a \\udcXX escape, so that it can always be printed as UTF-8."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def one_line(text: str) -> str:
    """text with every control character (a line break, a tab, a terminal escape, a
    Unicode line separator) written as an escape such as \\n: a report shows one
    problem a line, whatever a file or field name holds (--json keeps the text as is)."""
    return CONTROL.sub(_escape, text)


def _escape(found: re.Match) -> str:
    char = found.group()
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char)
    return named or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def counted(count: int, noun: str) -> str:
    """e.g. "1 problem", "2 problems" (noun in the singular, its plural taking an s)."""
    return f"{count} {noun}{'s' * (count != 1)}"


def sorted_problems(problems) -> list[Problem]:
    unique = {p: None for p in problems}
    return sorted(unique, key=Problem.sort_key)


class PipelineError(Exception):
    """Base of our own errors: each carries the problems that caused it."""

    exit_code = 1

    def __init__(self, problems: list[Problem]):
        self.problems = sorted_problems(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class InvalidInput(PipelineError):
    """The data, the contract or a built package failed a check (exit 1)."""


class UsageProblem(PipelineError):
    """The command was asked for something it cannot do (exit 2)."""

    exit_code = 2


def fail_if_any(problems: list[Problem]) -> None:
    if problems:
        raise InvalidInput(problems)
