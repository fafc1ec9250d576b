"""What every service takes: a factory of units of work (the composition root builds it)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from retrowalk.errors import Conflict, NotFound
from retrowalk.store.records import StoredProgram, Walker
from retrowalk.store.unit_of_work import UnitOfWork


class UowFactory(Protocol):
    def __call__(self, *, read_only: bool = False) -> UnitOfWork: ...


def current_week(stored: StoredProgram, now: datetime) -> int:
    """Program week of ``now`` (1-based, clipped to the program's length)."""
    days = (now - stored.created_at).days
    return max(1, min(stored.program.weeks, days // 7 + 1))


def find_walker(work: UnitOfWork, walker_ref: str | None) -> Walker:
    """The walker named ``walker_ref``, or the only one; errors say what to do next."""
    try:
        return work.walkers.default(walker_ref)
    except NotFound as error:
        hint = (
            "create your profile with `retrowalk start`"
            if walker_ref is None
            else "check the name given with --walker"
        )
        raise NotFound(f"{error}: {hint}") from None
    except Conflict:
        if walker_ref is None:
            raise Conflict(
                "several walkers are stored: choose one by name with --walker NAME"
            ) from None
        raise
