"""Names that become file and folder names: the package name (<name>.db), resource
names (raw/<name>.csv) and source ids (raw/sources/<source_id>/). One rule for all of
them, checked before anything is written, so that no name can lead out of a folder
or mean a device rather than a file on any system the package is copied to.
"""

from __future__ import annotations

import re

# The Data Package v2 rule for `name`: lower-case English letters and digits plus
# ".", "-" and "_". Starting with a letter or digit also rules out ".", ".." and
# hidden names; a name is one path segment, never a path.
PLAIN_NAME = re.compile(r"[a-z0-9][a-z0-9._-]*")
# Windows opens a device for these, whatever the case and extension (aux.db, nul.tar.gz).
DEVICE_NAMES = frozenset(
    ["con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))]
)
# Far below any file system's 255-byte limit, with room for the extension added to it.
MAX_NAME_CHARS = 200
RULE = (
    "expected lower-case letters, digits, '.', '-' and '_', starting with a letter or digit "
    "(the Data Package name rule; it also names a file or folder)"
)


def name_problem(name: object) -> str | None:
    """What is wrong with name as a file or folder name, or None for a plain, portable one."""
    if not isinstance(name, str) or not PLAIN_NAME.fullmatch(name):
        return f"{name!r} is not a plain name; {RULE}"
    if name.split(".")[0] in DEVICE_NAMES:
        return (
            f"{name!r} is a device name on Windows (CON, PRN, AUX, NUL, COM0-9, LPT0-9, with "
            "any extension), which cannot name a file there; expected another name"
        )
    if name.endswith("."):
        return f"{name!r} ends with '.', which Windows drops from a file name; expected another"
    if len(name) > MAX_NAME_CHARS:
        return f"{name[:20]!r}... has {len(name)} characters; expected at most {MAX_NAME_CHARS}"
    return None
