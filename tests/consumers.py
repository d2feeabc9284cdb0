"""The consumers that live in virtual environments of their own (.ci/consumers/README.md):
their Python, or the test skipped saying how to install it (failed under CI=true)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import require_tool

ROOT = Path(__file__).resolve().parent.parent
VENVS = ROOT / ".venv-consumers"


def consumer_python(name: str) -> str:
    """The Python of .venv-consumers/NAME, made by `bash .ci/consumers/install NAME`."""
    if not (ROOT / ".ci" / "consumers" / f"{name}.txt").is_file():
        raise ValueError(f"no .ci/consumers/{name}.txt")  # a mistake in the test itself
    python = VENVS / name / "bin" / "python"
    found = str(python) if python.is_file() else None
    return require_tool(
        found, f"{name} environment not found: run `bash .ci/consumers/install {name}`"
    )
