"""The logging path's writes without ORM objects (Core inserts) answer the records a later read
gives and keep the guarded writes' behaviour (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest

from retrowalk.domain.models import (
    Change,
    Decision,
    DecisionKind,
    Goal,
    LoggedSession,
    Modality,
    PlannedSession,
    Program,
    Reason,
    SessionTarget,
)
from retrowalk.errors import Conflict, NotFound
from retrowalk.store.records import SessionSource, WalkerProfile
from retrowalk.store.unit_of_work import UnitOfWork

NEW_YORK_WINTER = timezone(timedelta(hours=-5))
T0 = datetime(2026, 3, 2, 7, 30, 15, 250000, tzinfo=NEW_YORK_WINTER)
REASON = Reason("pain-safe", "Pain 0-2 during the session is safe.", "nemex2010")
FIRST = SessionTarget(Modality.OVERGROUND, 300.0, 0.6)
SESSION_ID = "0b7c2a52-8a9e-4c55-9d7e-4a1e7f3c0001"


@pytest.fixture
def walker_id(uow: Callable[..., UnitOfWork]) -> str:
    with uow() as work:
        walker = work.walkers.add(WalkerProfile("Ana", 58, 72.5, Goal.KNEE_PAIN, 3))
        work.commit()
    return walker.id


def _logged(minutes: float = 5, *, at: datetime = T0) -> LoggedSession:
    return LoggedSession(
        performed_at=at,
        modality=Modality.TREADMILL,
        duration_s=minutes * 60,
        distance_m=minutes * 60 * 0.55,
        speed_m_s=0.55,
        incline_pct=2.5,
        load_kg=None,
        rails=True,
        rpe=12,
        pain_during_nprs=2,
        pain_after_nprs=None,
        near_falls=True,
        notes="windy",
    )


def test_an_added_session_is_the_record_a_later_read_gives(
    uow: Callable[..., UnitOfWork], walker_id: str
) -> None:
    program = Program(6, 3, (PlannedSession(1, 0, FIRST),), (REASON,))
    details = {"steps": 512, "direction_needs_confirmation": True}
    with uow() as work:
        program_id = work.programs.add(walker_id, program, goal=Goal.KNEE_PAIN).id
        added = work.sessions.add(
            walker_id,
            _logged(),
            program_id=program_id,
            source=SessionSource.IMPORT,
            details=details,
            created_at=T0 + timedelta(hours=1),
        )
        work.commit()
    with uow(read_only=True) as work:
        read = work.sessions.get(added.id)
        awaiting = work.sessions.awaiting_direction(walker_id)
    assert added == read
    assert added.session.performed_at.utcoffset() == timedelta(hours=-5)
    assert added.session.modality is Modality.TREADMILL
    assert added.source is SessionSource.IMPORT and added.program_id == program_id
    assert [s.id for s in awaiting] == [added.id]  # the direction column follows the details


def test_an_added_decision_is_the_record_a_later_read_gives(
    uow: Callable[..., UnitOfWork], walker_id: str
) -> None:
    progress = Decision(
        DecisionKind.PROGRESS,
        (REASON,),
        (Change("duration_s", 300.0, 360.0),),
        SessionTarget(Modality.OVERGROUND, 360.0, 0.6),
    )
    with uow() as work:
        session_id = work.sessions.add(walker_id, _logged()).id
        added = work.decisions.add(walker_id, progress, session_id=session_id, made_at=T0)
        work.commit()
    with uow(read_only=True) as work:
        read = work.decisions.get(added.id)
        link = work.decisions.latest_link(walker_id)
    assert added == read
    assert added.decision == progress and added.session_id == session_id
    assert link == (added.id, session_id, True)


def test_a_duplicate_session_is_a_conflict_and_the_unit_of_work_carries_on(
    uow: Callable[..., UnitOfWork], walker_id: str
) -> None:
    with uow() as work:
        work.sessions.add(walker_id, _logged(5), id=SESSION_ID)
        with pytest.raises(Conflict, match="already stored"):
            work.sessions.add(walker_id, _logged(6), id=SESSION_ID)
        later = work.sessions.add(walker_id, _logged(7, at=T0 + timedelta(days=1)))
        work.commit()
    with uow(read_only=True) as work:
        kept = work.sessions.list(walker_id)
    assert [(s.id, s.session.duration_s) for s in kept] == [(SESSION_ID, 300), (later.id, 420)]


def test_a_decision_about_a_missing_session_is_not_found_and_nothing_is_written(
    uow: Callable[..., UnitOfWork], walker_id: str
) -> None:
    hold = Decision(DecisionKind.HOLD, (REASON,), (), FIRST)
    with uow() as work:
        with pytest.raises(NotFound):
            work.decisions.add(walker_id, hold, session_id=SESSION_ID, made_at=T0)
        work.commit()
    with uow(read_only=True) as work:
        assert work.decisions.list(walker_id) == []


def test_find_gives_the_walker_or_none(uow: Callable[..., UnitOfWork], walker_id: str) -> None:
    with uow(read_only=True) as work:
        found = work.walkers.find(walker_id)
        assert found == work.walkers.get(walker_id)
        assert work.walkers.find(SESSION_ID) is None
