"""How paths are shown to users: relative to the working folder when inside it."""

from __future__ import annotations

import os
from pathlib import Path


def display_path(path: Path) -> str:
    absolute = Path(os.path.abspath(path))
    try:
        shown = absolute.relative_to(Path.cwd()).as_posix() or "."
    except ValueError:
        shown = absolute.as_posix()
    # A name byte that is not UTF-8 (a lone surrogate here) is shown as \udcXX.
    return shown.encode("utf-8", "backslashreplace").decode("utf-8")
