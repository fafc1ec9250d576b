"""The light reads of the logging path give what the full records give (SQLite and PostgreSQL),
and writers to one SQLite file take turns."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from retrowalk.domain.models import (
    CheckIn,
    Goal,
    LoggedSession,
    Modality,
    PlannedSession,
    Program,
    Reason,
    SessionTarget,
)
from retrowalk.store.engine import normalise_url
from retrowalk.store.records import ProgramStatus, WalkerProfile
from retrowalk.store.unit_of_work import UnitOfWork, close_store, open_store
from retrowalk.store.writer_turns import writer_turn

CEST = timezone(timedelta(hours=2))
NEW_YORK_WINTER = timezone(timedelta(hours=-5))
T0 = datetime(2026, 3, 2, 7, 30, tzinfo=CEST)
REASON = Reason("pain-safe", "Pain 0-2 during the session is safe.", "nemex2010")
FIRST = SessionTarget(Modality.OVERGROUND, 300.0, 0.6)


def _walker(uow: Callable[..., UnitOfWork]) -> str:
    with uow() as work:
        walker = work.walkers.add(WalkerProfile("Ana", 58, 72.5, Goal.KNEE_PAIN, 3))
        work.commit()
    return walker.id


def _program() -> Program:
    sessions = tuple(
        PlannedSession(week, day, FIRST, warmup=("march in place",), safety_cues=(REASON,))
        for week in (1, 2)
        for day in range(3)
    )
    return Program(2, 3, sessions, (REASON,), squats_lunges_note=None)


def _session(at: datetime, **changes: object) -> LoggedSession:
    values: dict[str, object] = {
        "performed_at": at,
        "modality": Modality.TREADMILL,
        "duration_s": 600.0,
        "pain_during_nprs": 2,
        "pain_after_nprs": None,
        "speed_m_s": 0.55,
        "distance_m": 330.0,
        "incline_pct": 5.0,
        "load_kg": 4.5,
        "rails": True,
        "rpe": 12,
        "near_falls": True,
        "swelling": True,
        "notes": "windy",
    }
    values.update(changes)
    return LoggedSession(**values)  # type: ignore[arg-type]


def test_session_history_is_the_list_of_sessions_with_their_local_times(
    uow: Callable[..., UnitOfWork],
) -> None:
    walker_id = _walker(uow)
    with uow() as work:
        work.sessions.add(walker_id, _session(T0 + timedelta(days=2)))
        work.sessions.add(walker_id, _session(T0.astimezone(NEW_YORK_WINTER), fell=True))
        gone = work.sessions.add(walker_id, _session(T0 + timedelta(days=1)))
        work.sessions.add(walker_id, _session(T0 + timedelta(days=2), notes="same time"))
        work.sessions.delete(gone.id, expected_version=1)
        work.commit()
    with uow(read_only=True) as work:
        full = work.sessions.list(walker_id)
        light = work.sessions.history(walker_id)
        latest = work.sessions.latest_id(walker_id)
        newest = work.sessions.list(walker_id, newest_first=True, limit=1)[0].id
    assert light == [s.session for s in full]
    assert len(light) == 3
    assert [s.performed_at.utcoffset() for s in light] == [
        timedelta(hours=-5),
        timedelta(hours=2),
        timedelta(hours=2),
    ]
    assert latest == newest


def test_checkin_history_is_the_list_of_checkins(uow: Callable[..., UnitOfWork]) -> None:
    walker_id = _walker(uow)
    with uow() as work:
        work.checkins.add(walker_id, CheckIn(date(2026, 3, 4), 3, 2, giving_way=True))
        work.checkins.add(walker_id, CheckIn(date(2026, 3, 3), 1, 2, swelling=True))
        work.commit()
    with uow(read_only=True) as work:
        light = work.checkins.history(walker_id)
        full = [c.checkin for c in work.checkins.list(walker_id)]
    assert light == full
    assert [c.on for c in light] == [date(2026, 3, 3), date(2026, 3, 4)]


def test_recent_sessions_are_the_end_of_the_history(uow: Callable[..., UnitOfWork]) -> None:
    walker_id = _walker(uow)
    with uow() as work:
        for day in (3, 1, 2, 5, 4):
            work.sessions.add(walker_id, _session(T0 + timedelta(days=day), rpe=day))
        gone = work.sessions.add(walker_id, _session(T0 + timedelta(days=9)))
        work.sessions.delete(gone.id, expected_version=1)
        work.commit()
    with uow(read_only=True) as work:
        history = work.sessions.history(walker_id)
        last_two = work.sessions.recent(walker_id, 2)
        all_five = work.sessions.recent(walker_id, 5)
        more = work.sessions.recent(walker_id, 8)
        work_latest = work.sessions.latest_id(walker_id)
        nobody = work.sessions.recent(_walker(uow), 3)
    assert nobody == ([], True, None)
    assert work_latest is not None
    latest = work_latest
    assert last_two == (history[-2:], False, latest)
    assert [s.rpe for s in last_two.sessions] == [4, 5]
    assert all_five == (history, True, latest)
    assert more == (history, True, latest)


def test_recent_checkins_are_those_after_a_day_else_the_latest(
    uow: Callable[..., UnitOfWork],
) -> None:
    walker_id = _walker(uow)
    with uow() as work:
        for day in (4, 2, 9, 6):
            work.checkins.add(walker_id, CheckIn(date(2026, 3, day), day % 3, 1, swelling=day == 9))
        work.commit()
    with uow(read_only=True) as work:
        history = work.checkins.history(walker_id)
        after_5 = work.checkins.recent(walker_id, after=date(2026, 3, 5))
        after_9 = work.checkins.recent(walker_id, after=date(2026, 3, 9))
        nothing = work.checkins.recent(_walker(uow), after=date(2026, 3, 1))
    assert after_5 == history[-2:]
    assert [c.on.day for c in after_5] == [6, 9]
    assert after_9 == history[-1:] and after_9[0].swelling
    assert nothing == []


def test_a_walker_without_sessions_has_no_latest_session(uow: Callable[..., UnitOfWork]) -> None:
    walker_id = _walker(uow)
    with uow(read_only=True) as work:
        assert work.sessions.history(walker_id) == []
        assert work.sessions.latest_id(walker_id) is None
        assert work.checkins.history(walker_id) == []
        assert work.programs.current_state(walker_id) is None


def test_program_state_is_the_current_program_without_its_plan(
    uow: Callable[..., UnitOfWork],
) -> None:
    walker_id = _walker(uow)
    longer = SessionTarget(Modality.OVERGROUND, 360.0, 0.6)
    with uow() as work:
        stored = work.programs.add(walker_id, _program(), goal=Goal.KNEE_PAIN, created_at=T0)
        work.commit()
    with uow(read_only=True) as work:
        state = work.programs.current_state(walker_id)
    assert state is not None
    assert (state.id, state.walker_id, state.goal, state.status, state.version) == (
        stored.id,
        walker_id,
        Goal.KNEE_PAIN,
        ProgramStatus.ACTIVE,
        1,
    )
    assert state.created_at == T0
    assert state.target == FIRST
    with uow() as work:
        work.programs.current(walker_id)  # the row is now held by this unit of work
        work.programs.move_target(stored.id, longer)
        held = work.programs.current(walker_id)
        work.commit()
    assert held is not None
    assert (held.current_target, held.version) == (longer, 2)
    with uow(read_only=True) as work:
        state = work.programs.current_state(walker_id)
        again = work.programs.current(walker_id)
    assert state is not None and again is not None
    assert (state.target, state.version) == (longer, 2)
    assert again.current_target == longer


def test_without_a_target_the_state_takes_the_first_planned_session(
    uow: Callable[..., UnitOfWork],
) -> None:
    walker_id = _walker(uow)
    with uow() as work:
        work.programs.add(walker_id, _program(), goal=Goal.BALANCE, current_target=None)
        work.commit()
    with uow(read_only=True) as work:
        state = work.programs.current_state(walker_id)
    assert state is not None
    assert state.target == FIRST


# --- writer turns (SQLite files) ----------------------------------------------------------------


def test_a_second_writer_waits_for_the_first_to_finish(sqlite_url: str) -> None:
    factory = open_store(sqlite_url)
    first_in, first_may_leave, second_in = threading.Event(), threading.Event(), threading.Event()

    def first() -> None:
        with UnitOfWork(factory):
            first_in.set()
            first_may_leave.wait(10)

    def second() -> None:
        first_in.wait(10)
        with UnitOfWork(factory):
            second_in.set()

    try:
        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for thread in threads:
            thread.start()
        assert first_in.wait(10)
        assert not second_in.wait(0.3), "the second writer got in while the first held its turn"
        with UnitOfWork(factory, read_only=True) as reader:  # readers never wait for writers
            assert reader.walkers.list() == []
        first_may_leave.set()
        assert second_in.wait(10)
        for thread in threads:
            thread.join(10)
    finally:
        first_may_leave.set()
        close_store(factory)


def test_a_writer_does_not_wait_for_its_own_turn(sqlite_url: str) -> None:
    url = normalise_url(sqlite_url)
    outside = writer_turn(url)
    assert type(outside).__name__ != "nullcontext"
    with outside:
        # nested: not taken again (it would wait for itself for ever)
        assert type(writer_turn(url)).__name__ == "nullcontext"
    assert type(writer_turn(url)).__name__ != "nullcontext"


def test_only_sqlite_files_take_turns() -> None:
    for url in ("sqlite://", "postgresql+psycopg://u@127.0.0.1/test"):
        assert type(writer_turn(normalise_url(url))).__name__ == "nullcontext"


# --- the partial index of sessions awaiting a direction answer (SQLite's planner) ----------------


def _plans_of(factory: sessionmaker[Session], read: Callable[[UnitOfWork], object]) -> list[str]:
    """SQLite's query plan of every statement ``read`` sends that looks for unconfirmed
    directions."""
    engine = factory.kw["bind"]
    sent: list[tuple[str, object]] = []

    def keep(
        _conn: object, _cursor: object, statement: str, parameters: object, *_: object
    ) -> None:
        if "direction_unconfirmed" in statement:
            sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        with UnitOfWork(factory, read_only=True) as work:
            read(work)
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    assert sent, "no statement looked for unconfirmed directions"
    with engine.connect() as connection:
        return [
            " | ".join(
                row[-1]
                for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params)  # type: ignore[arg-type]
            )
            for sql, params in sent
        ]


def test_unconfirmed_directions_are_found_on_the_partial_index(sqlite_url: str) -> None:
    factory = open_store(sqlite_url)
    try:
        walker_id = _walker(lambda **kw: UnitOfWork(factory, **kw))
        with UnitOfWork(factory) as work:  # a few weeks of sessions, none awaiting an answer
            for day in range(30):
                work.sessions.add(walker_id, _session(T0 + timedelta(days=day)))
            work.commit()
        plans = _plans_of(factory, lambda work: work.care.overview(None, since=T0))
        plans += _plans_of(factory, lambda work: work.sessions.awaiting_direction(walker_id))
    finally:
        close_store(factory)
    assert len(plans) == 2
    for plan in plans:
        assert "USING INDEX ix_session_log_direction_unconfirmed" in plan, plan
