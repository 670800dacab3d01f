"""The C library through ctypes, loaded once per process (forked children inherit it).

``ctypes.util.find_library`` runs ``ldconfig -p`` in a child process on every call, so it is not called per use.
"""

import ctypes
import ctypes.util
import functools


@functools.cache
def libc() -> ctypes.CDLL | None:
    """The C library (errno kept for ctypes.get_errno), or None where it cannot be loaded."""
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    except OSError:
        return None
