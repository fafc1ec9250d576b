"""The demo clinic's bulk path: the same decisions as ``services.sessions``, written at once.

Logging a year of sessions one call at a time re-reads the walker's program and whole history
for every session and check-in (fine for a person, slow for 1,000 simulated patients). Here the
history is kept in memory: every session and check-in is validated by the same domain checks
and followed by ``progression.decide`` on the full history, with the rules of
``services.deciding.decide_and_apply`` (a decision after every session and check-in; one
session moves the target at most once; a stop pauses the program). The rows are written at the
end with ``BulkRepository``. ``tests/integration/test_demo.py`` checks that both paths store
the same decisions for the same seed.
"""

from __future__ import annotations

from datetime import datetime

from retrowalk.domain import progression
from retrowalk.domain.models import (
    CheckIn,
    Decision,
    DecisionKind,
    Goal,
    LoggedSession,
    SessionTarget,
)
from retrowalk.domain.validation import validate_checkin, validate_logged_session
from retrowalk.errors import Conflict
from retrowalk.store._base import new_id
from retrowalk.store.records import ProgramStatus
from retrowalk.store.unit_of_work import UnitOfWork


class BulkLog:
    """A walker's log kept in memory until ``flush``; implements ``demo_sessions.WalkerLog``."""

    def __init__(self, work: UnitOfWork, walker_id: str) -> None:
        walker = work.walkers.get(walker_id)
        stored = work.programs.current(walker_id)
        if stored is None:  # pragma: no cover - demo patients always get a program
            raise ValueError(f"walker {walker_id} has no program")
        self._work = work
        self._walker_id = walker_id
        self._program_id = stored.id
        self._goal: Goal = stored.goal
        self._body_mass_kg = walker.profile.body_mass_kg
        self._target = stored.current_target or stored.program.sessions[0].target
        self._status = stored.status
        self._changes = 0
        self._sessions: list[LoggedSession] = []
        self._checkins: list[CheckIn] = []
        self._session_rows: list[tuple[str, LoggedSession, datetime]] = []
        self._checkin_rows: list[tuple[str, CheckIn]] = []
        self._decision_rows: list[tuple[str, Decision, datetime, str | None]] = []
        self._checkin_days: set[object] = set()
        self._last: tuple[str | None, Decision] | None = None

    def target(self) -> SessionTarget:
        return self._target

    def log(self, session: LoggedSession, *, now: datetime) -> None:
        validate_logged_session(session, now)
        session_id = new_id()
        self._sessions.append(session)
        self._session_rows.append((session_id, session, now))
        self._decide_and_apply(now)

    def check_in(self, checkin: CheckIn, *, now: datetime) -> None:
        validate_checkin(checkin, checkin.on)
        if checkin.on in self._checkin_days:
            raise Conflict(f"there is already a check-in for {checkin.on.isoformat()}")
        self._checkin_days.add(checkin.on)
        self._checkins.append(checkin)
        self._checkin_rows.append((new_id(), checkin))
        self._decide_and_apply(now)

    def _decide_and_apply(self, now: datetime) -> None:
        decision = progression.decide(
            self._target,
            self._sessions,
            self._checkins,
            goal=self._goal,
            body_mass_kg=self._body_mass_kg,
        )
        session_id = self._session_rows[-1][0] if self._session_rows else None
        last = self._last
        already_moved = (
            last is not None
            and session_id is not None
            and last[0] == session_id
            and bool(last[1].changes)
        )
        if already_moved and decision.kind is not DecisionKind.STOP:
            return
        self._decision_rows.append((new_id(), decision, now, session_id))
        self._last = (session_id, decision)
        if decision.kind is DecisionKind.STOP:
            if self._status is ProgramStatus.ACTIVE:
                self._status = ProgramStatus.PAUSED
                self._changes += 1
        elif decision.changes and decision.next_target is not None:
            self._target = decision.next_target
            self._changes += 1

    def flush(self) -> None:
        """Write everything logged so far (sessions first: decisions refer to them)."""
        bulk = self._work.bulk
        bulk.add_sessions(self._walker_id, self._program_id, self._session_rows)
        bulk.add_checkins(self._walker_id, self._checkin_rows)
        bulk.add_decisions(self._walker_id, self._decision_rows)
        bulk.set_program_state(
            self._program_id,
            current_target=self._target,
            status=self._status,
            changes=self._changes,
        )
        self._session_rows, self._checkin_rows, self._decision_rows = [], [], []
        self._changes = 0
