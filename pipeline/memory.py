"""Giving freed memory back to the system between stages."""

from __future__ import annotations

import ctypes
from functools import cache


def give_back() -> None:
    """Return the free pages of the C heap to the system, after a stage that made and
    dropped many objects. glibc keeps freed memory for later unless told to (its
    malloc_trim): after reading a million figures' raw/ in two processes it held about
    0.7 GB that nothing used. Elsewhere (another C library) nothing is done."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@cache
def _malloc_trim():
    try:
        return getattr(ctypes.CDLL(None), "malloc_trim", None)
    except OSError:
        return None
