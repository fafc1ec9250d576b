"""What every service takes: a factory of units of work (the composition root builds it)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from retrowalk.store.records import StoredProgram
from retrowalk.store.unit_of_work import UnitOfWork


class UowFactory(Protocol):
    def __call__(self, *, read_only: bool = False) -> UnitOfWork: ...


def current_week(stored: StoredProgram, now: datetime) -> int:
    """Program week of ``now`` (1-based, clipped to the program's length)."""
    days = (now - stored.created_at).days
    return max(1, min(stored.program.weeks, days // 7 + 1))
