"""Keeping a long-running server's memory flat: fewer malloc arenas, and freed memory handed back after each job.

glibc gives each thread that allocates its own arena (up to 8 per core) and keeps what a job freed for later; a web
server runs its jobs on a pool of threads, so every thread's arena grows to the largest round it ran and stays there
(16 sessions with a round each: 3.7 GB at peak). Two arenas serve a 2-core server as well, and malloc_trim returns
the free pages. Elsewhere than glibc (macOS, musl) these do nothing. No torch import here.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

M_ARENA_MAX = -8  # mallopt's parameter number, from glibc's malloc.h
SERVER_ARENAS = 2


@functools.cache
def _libc() -> ctypes.CDLL | None:
    """glibc, where this process runs on it; None elsewhere."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None


def limit_arenas(arenas: int = SERVER_ARENAS) -> bool:
    """At most this many malloc arenas from now on (call at start, before the server's threads); whether it applied."""
    libc = _libc()
    return bool(libc is not None and libc.mallopt(M_ARENA_MAX, arenas))


def trim() -> bool:
    """Hand the free memory at the top of every arena back to the system; whether any was."""
    libc = _libc()
    return bool(libc is not None and libc.malloc_trim(0))
