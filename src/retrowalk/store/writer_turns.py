"""Writers to one SQLite file wait their turn on a lock instead of polling for it.

SQLite lets one writer at a time in; the others retry in its busy handler, which sleeps 1, 2,
5, 10 ... up to 100 ms between tries whatever happens meanwhile. Under load that sleeping, not
the work, makes the slowest answers: with two web workers logging sessions, the 95th
percentile was 10-40 times the median (``benchmarks/load_bench.py``). Here a writing unit of
work first takes an exclusive ``flock`` on ``<database>-writers`` next to the database file:
the kernel wakes the next writer the moment the lock is released, across threads and processes
alike (each turn opens its own file description). SQLite's own lock and busy timeout stay
underneath, unchanged, for writers that do not take turns (migrations, other programs).

Only file databases on systems with ``fcntl`` (Linux, macOS); elsewhere nothing changes. A
thread already holding a turn does not take another (a nested writer then meets SQLite's busy
timeout, as before, instead of waiting for itself forever).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from functools import cache
from pathlib import Path

from sqlalchemy.engine import URL

from retrowalk.store.engine import sqlite_file

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

SUFFIX = "-writers"
_held = threading.local()


@cache
def _lock_path(url: str) -> Path | None:
    file = sqlite_file(url)
    if file is None or fcntl is None:
        return None
    return file.with_name(file.name + SUFFIX)


def writer_turn(url: URL) -> AbstractContextManager[None]:
    """The turn of a writing unit of work on the database at ``url`` (a no-op unless it is a
    SQLite file)."""
    path = _lock_path(url.render_as_string(hide_password=False))
    if path is None or getattr(_held, "active", False):
        return nullcontext()
    return _turn(path)


@contextmanager
def _turn(path: Path) -> Iterator[None]:
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        _held.active = True
        try:
            yield
        finally:
            _held.active = False
    finally:
        os.close(descriptor)  # releases the lock
