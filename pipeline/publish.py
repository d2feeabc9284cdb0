"""Putting a finished build in place without ever losing the previous one.

One build at a time per output folder (an flock on the folder that holds it),
leftovers of an interrupted build are cleared by the next one, and the new
build replaces the old in one atomic exchange of the two folders (Linux
renameat2), or, where that is not available, two renames whose gap the next
build repairs.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

RENAME_EXCHANGE = 2  # from <linux/fs.h>
AT_FDCWD = -100


def staging_prefix(out: Path) -> str:
    return f".{out.name}-staging-"


def old_prefix(out: Path) -> str:
    return f".{out.name}-old-"


@contextmanager
def build_lock(out: Path):
    """Hold an exclusive lock on out's parent folder (released if the process dies)."""
    folder = os.open(out.parent, os.O_RDONLY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        yield
    finally:
        os.close(folder)  # closing releases the lock


def clear_leftovers(out: Path) -> None:
    """Under the lock: put back a previous build that an interrupted swap left aside,
    then remove every staging and old folder of out."""
    parent = out.parent
    olds = sorted(p for p in parent.iterdir() if p.name.startswith(old_prefix(out)))
    if olds and not os.path.lexists(out):
        os.replace(olds[-1], out)  # killed between the two renames: out is the old build
    for path in parent.iterdir():
        if path.name.startswith((staging_prefix(out), old_prefix(out))) and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)


def exchange(first: Path, second: Path) -> bool:
    """Swap two folders atomically; False where the system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    done = renameat2(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE)
    if done == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def swap_into_place(staging: Path, out: Path) -> None:
    """Make staging the build at out; the previous build ends up in staging's place
    (or in an old folder) for the caller to remove."""
    if not os.path.lexists(out):
        os.replace(staging, out)
    elif not exchange(staging, out):
        old = out.with_name(f"{old_prefix(out)}{os.getpid()}")
        os.replace(out, old)
        try:
            os.replace(staging, out)
        except BaseException:
            os.replace(old, out)
            raise
        shutil.rmtree(old, ignore_errors=True)
