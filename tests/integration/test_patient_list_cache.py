"""The patient list reuses what it read while no patient changed: the database's own change
counters (``walker_stamp``, kept by triggers) say when, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from retrowalk.domain.access import Role
from retrowalk.domain.models import CheckIn, Decision, DecisionKind, Reason
from retrowalk.services import accounts, credentials, programs, records, sessions
from retrowalk.services.patients import OverviewCache
from retrowalk.services.uow import UowFactory
from retrowalk.store.care import PatientData
from retrowalk.store.tables import WalkerRow, WalkerStampRow
from tests.integration.test_accounts import CHEAP, NOW, T0, _patient, session, sign_up


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(credentials, "HASHER", CHEAP)


def _stamp(uow: UowFactory, walker_id: str) -> int:
    with uow(read_only=True) as work:
        stamps = dict(work.care.stamps(None))
    return stamps[walker_id]


def test_every_change_a_patient_list_reads_moves_the_walkers_counter(
    uow: UowFactory, store: sessionmaker[Session]
) -> None:
    tess = sign_up(uow, "tess@example.org", Role.THERAPIST)
    ana = _patient(uow, tess, "ana@example.org")
    ben = _patient(uow, tess, "ben@example.org")
    seen = [_stamp(uow, ana)]

    def moved(change: Callable[[], object]) -> None:
        before_ben = _stamp(uow, ben)
        change()
        seen.append(_stamp(uow, ana))
        assert seen[-1] > seen[-2], change
        assert _stamp(uow, ben) == before_ben  # another walker's changes leave it alone

    logged = session(1)
    moved(lambda: sessions.log_session(uow, ana, logged, now=logged.performed_at))
    day = date(2026, 3, 4)
    moved(
        lambda: sessions.check_in(
            uow, ana, CheckIn(day, 2, 2), today=day, now=T0 + timedelta(days=2)
        )
    )
    with uow(read_only=True) as work:
        stored = work.sessions.list(ana)[0]
    moved(
        lambda: records.delete_session(
            uow, ana, stored.id, expected_version=stored.version, now=T0 + timedelta(days=3)
        )
    )
    fall = session(5, fell=True)
    moved(lambda: sessions.log_session(uow, ana, fall, now=fall.performed_at))  # pauses

    def resume() -> None:
        assert accounts.resume_program(uow, tess, ana, now=NOW)

    moved(resume)

    def edit_target() -> None:  # the program alone changes (a clinician's dose)
        program = programs.current_program(uow, ana)
        target = program.current_target or program.program.sessions[0].target
        programs.edit_target(
            uow,
            ana,
            replace(target, duration_s=target.duration_s + 60.0),
            expected_version=program.version,
            now=NOW,
        )

    moved(edit_target)
    stop = Decision(DecisionKind.STOP, (Reason("stop-fall", "A fall.", "expert-opinion"),))

    def decide() -> None:
        with uow() as work:
            work.decisions.add(ana, stop, made_at=NOW)
            work.commit()

    moved(decide)

    def rename() -> None:  # no service does it: straight SQL, still seen
        with store() as db:
            db.execute(update(WalkerRow).where(WalkerRow.id == ana).values(display_name="Anna"))
            db.commit()

    moved(rename)


def test_a_new_walker_gets_a_counter(uow: UowFactory, store: sessionmaker[Session]) -> None:
    tess = sign_up(uow, "tess@example.org", Role.THERAPIST)
    with uow(read_only=True) as work:
        assert work.care.stamps(tess.account_id) == ()
    ana = _patient(uow, tess, "ana@example.org")
    with uow(read_only=True) as work:
        (only,) = work.care.stamps(tess.account_id)
    with store() as db:
        rows = db.execute(select(WalkerStampRow.walker_id)).scalars().all()
    assert only[0] == ana and only[1] >= 0
    assert ana in rows


def test_the_cached_list_is_the_list_read_afresh_through_a_month_of_changes(
    uow: UowFactory,
) -> None:
    """Therapist Tess's list, read with the cache and without it, at times moving forward
    through a month of sessions, check-ins, a fall, a resume, a deletion and a new patient:
    always the same rows and flags; most reads between changes come from the cache."""
    tess = sign_up(uow, "tess@example.org", Role.THERAPIST)
    ids = [_patient(uow, tess, f"{name}@example.org") for name in ("flo", "gil", "hal")]
    cache = OverviewCache()
    reads = {"cached": 0, "fresh": 0}
    original_get = cache.get

    def counting_get(*args: object) -> object:
        found = original_get(*args)  # type: ignore[arg-type]
        reads["cached" if found is not None else "fresh"] += 1
        return found

    cache.get = counting_get  # type: ignore[method-assign]

    def same(now_days: float) -> None:
        now = T0 + timedelta(days=now_days)
        for sort in ("flags", "name"):
            assert accounts.patient_list(uow, tess, now=now, sort=sort, cache=cache) == (
                accounts.patient_list(uow, tess, now=now, sort=sort)
            )

    same(0)
    for day in range(1, 31):
        walker = ids[day % len(ids)]
        logged = session(day, fell=day == 12, pain=7 if day == 20 else 1)
        sessions.log_session(uow, walker, logged, now=logged.performed_at + timedelta(hours=1))
        same(day + 0.1)
        same(day + 0.5)  # nothing changed: the cache answers, the window moved on
        if day % 3 == 0:
            on = (T0 + timedelta(days=day + 1)).date()
            sessions.check_in(
                uow, walker, CheckIn(on, 3, 2), today=on, now=T0 + timedelta(days=day + 1)
            )
        if day == 15:
            accounts.resume_program(uow, tess, ids[0], now=T0 + timedelta(days=day, hours=2))
        if day == 18:
            with uow(read_only=True) as work:
                stored = work.sessions.list(ids[1])[-1]
            records.delete_session(
                uow,
                ids[1],
                stored.id,
                expected_version=stored.version,
                now=T0 + timedelta(days=day, hours=3),
            )
        if day == 22:
            ids.append(_patient(uow, tess, "ivy@example.org"))
        same(day + 0.9)
    same(45)  # weeks later: the no-data flags, from the cached reads
    assert reads["cached"] >= 30
    assert reads["fresh"] >= 30


def test_a_later_window_keeps_only_what_the_overview_would_read() -> None:
    recent = (session(1), session(3), session(5))
    checkins = (CheckIn(date(2026, 3, 3), 1, 1), CheckIn(date(2026, 3, 5), 1, 1))
    data = PatientData(
        "w", "Ann", "knee-pain", "active", 3, T0, None, None, None, recent, (), checkins
    )
    later = data.narrowed(T0 + timedelta(days=3))
    assert later.recent_sessions == recent[1:]
    assert later.recent_checkins == checkins[1:]
    assert data.narrowed(T0) == data
