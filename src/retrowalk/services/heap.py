"""The C heap while recordings are read and analysed: freed blocks reused, not refaulted.

Reading and analysing a recording allocates many NumPy arrays of a few MB each (a 60-min
100 Hz recording: 8.6 MB per 3-axis stream, 1-3 MB per resampled channel). glibc's malloc
serves such blocks with fresh pages from the kernel (``mmap``, or heap memory it trimmed back
after the previous free), and the first touch of every fresh page is a page fault that the
kernel pays to zero. On that recording an import took about 20 000 faults, about a fifth of
its CPU time (measured in a fresh process, medians of 5: 545-630 ms CPU, 13 700 faults in
the analysis alone; with the settings below 495-530 ms, 6 000-6 800).

Within ``reusing_freed_memory()`` blocks up to ``MMAP_THRESHOLD_BYTES`` come from the heap and
up to ``TRIM_THRESHOLD_BYTES`` of freed heap is kept for the next block. On leaving, the
trimming threshold is glibc's default again and the heap's free memory goes back to the system
(``malloc_trim``), so the process does not keep what the import freed; blocks up to
``MMAP_THRESHOLD_BYTES`` keep coming from the heap (glibc raises its own threshold that way
after the first large free anyway). Peak memory: about +10 MB on that recording (299 -> 308 MB).
Anywhere but glibc (musl, macOS, Windows) nothing happens. Results are unchanged: only where
the bytes live differs.
"""

from __future__ import annotations

import ctypes
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

# mallopt parameters (glibc's malloc.h)
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
#: Blocks up to this size come from the heap (glibc's largest allowed value on 64-bit).
MMAP_THRESHOLD_BYTES = 32 << 20
#: Freed heap kept for reuse while reading (a few of the largest temporaries).
TRIM_THRESHOLD_BYTES = 64 << 20
#: glibc's default trimming threshold, restored on leaving.
DEFAULT_TRIM_THRESHOLD_BYTES = 128 << 10

_lock = threading.Lock()
_depth = 0


def _glibc() -> tuple[Callable[[int, int], int], Callable[[int], int]] | None:
    """glibc's ``mallopt`` and ``malloc_trim``, or None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None)
        gnu_get_libc_version = libc.gnu_get_libc_version  # glibc only (not musl)
        mallopt = libc.mallopt
        malloc_trim = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    del gnu_get_libc_version
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    malloc_trim.argtypes, malloc_trim.restype = [ctypes.c_size_t], ctypes.c_int
    return mallopt, malloc_trim


_GLIBC = _glibc()


@contextmanager
def reusing_freed_memory() -> Iterator[bool]:
    """Within: the heap keeps freed blocks for reuse (see the module doc). Yields whether the
    settings apply (glibc). Nested and concurrent uses share one setting; the last to leave
    restores it."""
    global _depth
    if _GLIBC is None:
        yield False
        return
    mallopt, malloc_trim = _GLIBC
    with _lock:
        if _depth == 0:
            mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)
            mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES)
        _depth += 1
    try:
        yield True
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                mallopt(_M_TRIM_THRESHOLD, DEFAULT_TRIM_THRESHOLD_BYTES)
                malloc_trim(0)
