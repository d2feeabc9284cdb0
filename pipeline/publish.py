"""Putting a finished build in place without ever losing the previous one.

One build at a time per output folder (an flock on the folder that holds it),
leftovers of an interrupted build are cleared by the next one, and the new
build replaces the old in one atomic exchange of the two folders (Linux
renameat2), or, where that is not available, two renames whose gap the next
build repairs. A folder is a build only if it holds the marker file that every
build writes first (MARKER_NAME): nothing else is ever replaced, restored or removed.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import secrets
import shutil
import stat
from contextlib import contextmanager, suppress
from pathlib import Path

from pipeline.files import write_inside
from pipeline.project import MARKER_NAME

RENAME_EXCHANGE = 2  # from <linux/fs.h>
AT_FDCWD = -100
# Written first into every staging folder, so it is in every build, old build and
# leftover; always these bytes, so that builds stay byte-identical.
MARKER = (
    b"This folder was written by `pipeline build` (figures-pipeline). The next build\n"
    b"into it replaces it whole, so keep nothing else here. The pipeline replaces or\n"
    b"removes only a folder that holds this file.\n"
)


def staging_prefix(out: Path) -> str:
    return f".{out.name}-staging-"


def old_prefix(out: Path) -> str:
    return f".{out.name}-old-"


def is_build(folder: Path) -> bool:
    """Whether folder is one that a build wrote: a folder (not a symlink to one) holding
    the marker as a regular file with the marker's bytes."""
    marker = folder / MARKER_NAME
    try:
        if not stat.S_ISDIR(os.lstat(folder).st_mode):
            return False
        if not stat.S_ISREG(os.lstat(marker).st_mode):
            return False
        return marker.read_bytes() == MARKER
    except OSError:
        return False


def make_staging(out: Path) -> Path:
    """A new, marked staging folder beside out, under a name no one can guess (so that
    no folder of a user's is taken for one, or made ready in its place)."""
    staging = out.with_name(f"{staging_prefix(out)}{secrets.token_hex(16)}")
    staging.mkdir(mode=0o700)  # fails if the name exists: never a folder we did not make
    try:
        staging.chmod(0o755)  # the build is for publishing
        write_inside(staging, MARKER_NAME, MARKER)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)  # unmarked, no cleanup would take it
        raise
    return staging


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
    then remove every staging and old folder of out; only folders a build marked."""
    leftovers = [
        path
        for path in out.parent.iterdir()
        if path.name.startswith((staging_prefix(out), old_prefix(out)))
    ]
    olds = [p for p in leftovers if p.name.startswith(old_prefix(out)) and is_build(p)]
    if olds and not os.path.lexists(out):
        # killed between the two renames: out is the old build (the newest, if ever several)
        newest = max(olds, key=lambda path: os.lstat(path).st_ctime)
        os.replace(newest, out)
        leftovers.remove(newest)
    for path in leftovers:
        if is_build(path):
            shutil.rmtree(path, ignore_errors=True)
        else:  # a build killed before it marked its staging folder left it empty
            with suppress(OSError):
                os.rmdir(path)  # removes only an empty folder: nothing is lost


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
        old = out.with_name(f"{old_prefix(out)}{secrets.token_hex(16)}")
        os.replace(out, old)
        try:
            os.replace(staging, out)
        except BaseException:
            os.replace(old, out)
            raise
        shutil.rmtree(old, ignore_errors=True)
