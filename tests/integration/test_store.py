"""The store on a real SQLite file and on the real PostgreSQL server (``database_url``)."""

from __future__ import annotations

import dataclasses
import hashlib
import sqlite3
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from retrowalk.domain.models import (
    Change,
    CheckIn,
    Decision,
    DecisionKind,
    Equipment,
    Goal,
    LoggedSession,
    Modality,
    OutcomeKind,
    OutcomeResult,
    Place,
    PlannedSession,
    Program,
    Reason,
    ScreeningAnswers,
    ScreeningResult,
    SessionTarget,
    Verdict,
)
from retrowalk.errors import Conflict, InvalidInput, NotFound
from retrowalk.settings import Settings
from retrowalk.store.engine import make_engine, normalise_url, redact_url
from retrowalk.store.records import ProgramStatus, SessionSource, WalkerProfile
from retrowalk.store.unit_of_work import UnitOfWork, close_store, open_store

CEST = timezone(timedelta(hours=2))
T0 = datetime(2025, 3, 3, 7, 30, tzinfo=CEST)
REASON = Reason("pain-safe", "Pain 0-2 during the session is safe.", "nemex2010")
PROFILE = WalkerProfile("Ana", 58, 72.5, Goal.KNEE_PAIN, 3, forward_speed_m_s=1.2)


@pytest.fixture
def walker_id(uow: Callable[..., UnitOfWork]) -> str:
    with uow() as work:
        walker = work.walkers.add(PROFILE)
        work.commit()
    return walker.id


def logged(minutes: float, *, at: datetime = T0, pain: int = 1, notes: str = "") -> LoggedSession:
    return LoggedSession(
        performed_at=at,
        modality=Modality.TREADMILL,
        duration_s=minutes * 60,
        pain_during_nprs=pain,
        pain_after_nprs=pain,
        speed_m_s=0.55,
        distance_m=minutes * 60 * 0.55,
        incline_pct=5.0,
        rails=True,
        rpe=3,
        notes=notes,
    )


def program(weeks: int = 6) -> Program:
    target = SessionTarget(Modality.OVERGROUND, 300.0, 0.6)
    sessions = tuple(
        PlannedSession(week, day, target, warmup=("march in place",), safety_cues=(REASON,))
        for week in range(1, weeks + 1)
        for day in range(3)
    )
    return Program(weeks, 3, sessions, (REASON,), squats_lunges_note=None)


# --- walkers -----------------------------------------------------------------------------------


def test_walker_round_trip_keeps_id_profile_and_time(uow: Callable[..., UnitOfWork]) -> None:
    given_id = "0b7c2f4e-9a55-4f0e-8d6f-3f3e2b1a9c11"
    with uow() as work:
        added = work.walkers.add(PROFILE, id=given_id, created_at=T0)
        work.commit()
    with uow(read_only=True) as work:
        stored = work.walkers.get(given_id)
    assert stored == added
    assert stored.id == given_id and stored.profile == PROFILE and stored.created_at == T0


def test_default_walker_is_the_only_one_or_the_named_one(uow: Callable[..., UnitOfWork]) -> None:
    with uow() as work:
        with pytest.raises(NotFound):
            work.walkers.default()
        ana = work.walkers.add(PROFILE)
        assert work.walkers.default() == ana
        ben = work.walkers.add(WalkerProfile("Ben", 30, 80.0, Goal.ATHLETIC, 0))
        with pytest.raises(Conflict):
            work.walkers.default()
        assert work.walkers.default("Ben") == ben
        with pytest.raises(NotFound):
            work.walkers.default("Cleo")
        assert [w.id for w in work.walkers.list()] == [ana.id, ben.id]


# --- screening and programs --------------------------------------------------------------------


def test_latest_screening_comes_back_whole(uow: Callable[..., UnitOfWork], walker_id: str) -> None:
    answers = ScreeningAnswers(
        Goal.KNEE_PAIN, 4, True, 0, False, False, False, False, 58, 72.5,
        frozenset({Equipment.TREADMILL, Equipment.NONE}), Place.PARK, True,
    )  # fmt: skip
    first = ScreeningResult(Verdict.SUPERVISED, (REASON,))
    second = ScreeningResult(Verdict.SUITABLE, (REASON, REASON))
    with uow() as work:
        work.screenings.add(walker_id, answers, first, taken_at=T0)
        work.screenings.add(walker_id, answers, second, taken_at=T0 + timedelta(days=1))
        work.commit()
    with uow(read_only=True) as work:
        latest = work.screenings.latest(walker_id)
        assert len(work.screenings.list(walker_id)) == 2
    assert latest is not None
    assert (latest.answers, latest.result) == (answers, second)


def test_program_target_status_and_versions(uow: Callable[..., UnitOfWork], walker_id: str) -> None:
    plan = program()
    with uow() as work:
        stored = work.programs.add(walker_id, plan, goal=Goal.KNEE_PAIN)
        work.commit()
    assert stored.program == plan and stored.version == 1
    assert stored.current_target == plan.sessions[0].target
    longer = SessionTarget(Modality.OVERGROUND, 420.0, 0.6)
    with uow() as work:
        moved = work.programs.update_current_target(stored.id, longer)
        paused = work.programs.pause(stored.id)
        assert work.programs.current(walker_id) == paused
        resumed = work.programs.resume(stored.id)
        work.commit()
    assert moved.current_target == longer and moved.version == 2
    assert (paused.status, resumed.status, resumed.version) == (
        ProgramStatus.PAUSED,
        ProgramStatus.ACTIVE,
        4,
    )
    with uow() as work, pytest.raises(Conflict):
        work.programs.update(stored.id, program(weeks=8), expected_version=1)


def test_a_new_program_ends_the_previous_one(
    uow: Callable[..., UnitOfWork], walker_id: str
) -> None:
    with uow() as work:
        old = work.programs.add(walker_id, program(), goal=Goal.KNEE_PAIN, created_at=T0)
        new = work.programs.add(
            walker_id, program(8), goal=Goal.KNEE_PAIN, created_at=T0 + timedelta(weeks=6)
        )
        work.commit()
    with uow(read_only=True) as work:
        assert work.programs.current(walker_id) == new
        assert work.programs.get(old.id).status is ProgramStatus.ENDED


# --- logged sessions ---------------------------------------------------------------------------


def test_sessions_list_in_time_order_with_their_local_offsets(
    uow: Callable[..., UnitOfWork], walker_id: str
) -> None:
    utc_minus_5 = timezone(timedelta(hours=-5))
    times = [T0 + timedelta(days=2), T0.astimezone(utc_minus_5), T0 + timedelta(days=1)]
    with uow() as work:
        for minutes, at in zip((7, 5, 6), times, strict=True):
            work.sessions.add(walker_id, logged(minutes, at=at), details={"steps": 512})
        work.commit()
    with uow(read_only=True) as work:
        listed = work.sessions.list(walker_id)
        newest = work.sessions.list(walker_id, newest_first=True, limit=1)
        assert work.sessions.count(walker_id) == 3
    assert [s.session.duration_s for s in listed] == [300, 360, 420]
    assert listed[0].session == logged(5, at=times[1])
    assert listed[0].session.performed_at.utcoffset() == timedelta(hours=-5)
    assert listed[0].details == {"steps": 512} and listed[0].source is SessionSource.MANUAL
    assert newest[0].session.duration_s == 420


def test_edit_keeps_history_and_bumps_the_version(
    uow: Callable[..., UnitOfWork], walker_id: str
) -> None:
    with uow() as work:
        first = work.sessions.add(walker_id, logged(5))
        work.commit()
    assert first.version == 1
    with uow() as work:
        edited = work.sessions.edit(first.id, logged(6, notes="typo"), expected_version=1)
        work.commit()
    assert edited.version == 2 and edited.session == logged(6, notes="typo")
    with uow(read_only=True) as work:
        assert work.sessions.get(first.id) == edited
        revisions = work.sessions.revisions(first.id)
    assert [(r.version, r.reason, r.previous) for r in revisions] == [(1, "edited", logged(5))]


def test_stale_edit_is_a_conflict_and_leaves_the_data_intact(
    uow: Callable[..., UnitOfWork], walker_id: str
) -> None:
    with uow() as work:
        session_id = work.sessions.add(walker_id, logged(5)).id
        work.commit()
    with uow() as work:  # first writer: read version 1, saved
        work.sessions.edit(session_id, logged(6), expected_version=1)
        work.commit()
    with uow() as work:  # second writer also read version 1
        with pytest.raises(Conflict, match="version 2, not 1"):
            work.sessions.edit(session_id, logged(9), expected_version=1)
        work.commit()
    with uow(read_only=True) as work:
        stored = work.sessions.get(session_id)
        assert len(work.sessions.revisions(session_id)) == 1
    assert (stored.version, stored.session) == (2, logged(6))


def test_interleaved_writers_on_postgresql_second_gets_conflict(
    postgres_url: str,
) -> None:
    factory = open_store(postgres_url)
    try:
        with UnitOfWork(factory) as setup:
            walker = setup.walkers.add(PROFILE)
            session_id = setup.sessions.add(walker.id, logged(5)).id
            setup.commit()
        with UnitOfWork(factory) as slow:
            read = slow.sessions.get(session_id)  # reads version 1 first
            with UnitOfWork(factory) as fast:
                fast.sessions.edit(session_id, logged(6), expected_version=read.version)
                fast.commit()
            with pytest.raises(Conflict):
                slow.sessions.edit(session_id, logged(9), expected_version=read.version)
        with UnitOfWork(factory, read_only=True) as check:
            assert check.sessions.get(session_id).session == logged(6)
    finally:
        close_store(factory)


def test_soft_delete_hides_the_session_and_keeps_a_revision(
    uow: Callable[..., UnitOfWork], walker_id: str
) -> None:
    with uow() as work:
        kept = work.sessions.add(walker_id, logged(5))
        gone = work.sessions.add(walker_id, logged(6, at=T0 + timedelta(days=1)))
        work.sessions.delete(gone.id, expected_version=1, reason="logged twice")
        work.commit()
    with uow(read_only=True) as work:
        assert [s.id for s in work.sessions.list(walker_id)] == [kept.id]
        with pytest.raises(NotFound):
            work.sessions.get(gone.id)
        deleted = work.sessions.get(gone.id, include_deleted=True)
        revisions = work.sessions.revisions(gone.id)
    assert deleted.deleted and deleted.version == 2
    assert [(r.version, r.reason, r.previous) for r in revisions] == [
        (1, "logged twice", logged(6, at=T0 + timedelta(days=1)))
    ]
    with uow() as work, pytest.raises(NotFound):
        work.sessions.edit(gone.id, logged(7), expected_version=2)


# --- check-ins, outcomes, decisions, imports ---------------------------------------------------


def test_checkins_one_per_day_duplicate_is_conflict_replace_corrects(
    uow: Callable[..., UnitOfWork], walker_id: str
) -> None:
    monday = CheckIn(date(2025, 3, 3), pain_next_morning_nprs=2, usual_pain_nprs=3)
    with uow() as work:
        work.checkins.add(walker_id, monday)
        work.checkins.add(walker_id, CheckIn(date(2025, 3, 1), 1, 3, swelling=True))
        with pytest.raises(Conflict):
            work.checkins.add(walker_id, CheckIn(date(2025, 3, 3), 6, 3))
        # The unit of work is still usable after the refused duplicate.
        work.checkins.replace(walker_id, CheckIn(date(2025, 3, 3), 4, 3, giving_way=True))
        work.commit()
    with uow(read_only=True) as work:
        listed = [c.checkin for c in work.checkins.list(walker_id)]
        since = work.checkins.list(walker_id, since=date(2025, 3, 2))
        assert work.checkins.on(walker_id, date(2025, 3, 2)) is None
    assert listed == [
        CheckIn(date(2025, 3, 1), 1, 3, swelling=True),
        CheckIn(date(2025, 3, 3), 4, 3, giving_way=True),
    ]
    assert len(since) == 1


def test_outcomes_round_trip_with_details(uow: Callable[..., UnitOfWork], walker_id: str) -> None:
    walk = OutcomeResult(OutcomeKind.BACKWARD_WALK_3M, 3.4, "s", (REASON,))
    tug = OutcomeResult(OutcomeKind.TUG, 9.1, "s")
    with uow() as work:
        work.outcomes.add(walker_id, walk, details={"start": "static"}, taken_at=T0)
        work.outcomes.add(walker_id, tug, taken_at=T0 + timedelta(minutes=5))
        work.commit()
    with uow(read_only=True) as work:
        both = work.outcomes.list(walker_id)
        only_tug = work.outcomes.list(walker_id, kind=OutcomeKind.TUG)
    assert [o.outcome for o in both] == [walk, tug]
    assert both[0].details == {"start": "static"} and both[0].taken_at == T0
    assert [o.outcome for o in only_tug] == [tug]


def test_decisions_round_trip_and_latest(uow: Callable[..., UnitOfWork], walker_id: str) -> None:
    hold = Decision(DecisionKind.HOLD, (REASON,))
    progress = Decision(
        DecisionKind.PROGRESS,
        (REASON,),
        (Change("duration_s", 300.0, 420.0),),
        SessionTarget(Modality.OVERGROUND, 420.0, 0.6),
    )
    with uow() as work:
        session_id = work.sessions.add(walker_id, logged(5)).id
        work.decisions.add(walker_id, hold, made_at=T0)
        work.decisions.add(walker_id, progress, session_id=session_id, made_at=T0 + timedelta(1))
        work.commit()
    with uow(read_only=True) as work:
        latest = work.decisions.latest(walker_id)
        listed = work.decisions.list(walker_id)
    assert latest is not None
    assert (latest.decision, latest.session_id) == (progress, session_id)
    assert [d.decision for d in listed] == [hold, progress]


def test_same_file_hash_is_one_import_per_walker(
    uow: Callable[..., UnitOfWork], walker_id: str
) -> None:
    digest = hashlib.sha256(b"a FIT file").hexdigest()
    with uow() as work:
        session = work.sessions.add(walker_id, logged(5), source=SessionSource.IMPORT)
        first = work.imports.add(
            walker_id,
            content_sha256=digest,
            original_name="walk.fit",
            format="fit",
            session_id=session.id,
        )
        work.commit()
    with uow() as work:
        assert work.imports.find(walker_id, digest) == first
        assert work.imports.find(walker_id, "0" * 64) is None
        with pytest.raises(Conflict):
            work.imports.add(
                walker_id,
                content_sha256=digest.upper(),
                original_name="copy.fit",
                format="fit",
                session_id=None,
            )
        other = work.walkers.add(WalkerProfile("Ben", 30, 80.0, Goal.ATHLETIC, 0))
        work.imports.add(
            other.id, content_sha256=digest, original_name="walk.fit", format="fit", session_id=None
        )
        work.commit()
    with uow(read_only=True) as work:
        assert work.imports.count(walker_id) == 1
        assert work.imports.list(other.id)[0].content_sha256 == digest


# --- transactions, constraints, engine -----------------------------------------------------------


def test_a_failing_unit_of_work_writes_nothing(
    uow: Callable[..., UnitOfWork], walker_id: str
) -> None:
    with pytest.raises(RuntimeError), uow() as work:
        work.sessions.add(walker_id, logged(5))
        work.checkins.add(walker_id, CheckIn(date(2025, 3, 3), 1, 3))
        raise RuntimeError("the service failed half-way")
    with uow() as work:  # and one that never commits
        work.walkers.add(WalkerProfile("Ben", 30, 80.0, Goal.ATHLETIC, 0))
    with uow(read_only=True) as work:
        assert work.sessions.list(walker_id) == []
        assert work.checkins.list(walker_id) == []
        assert len(work.walkers.list()) == 1


def test_session_for_a_missing_walker_is_refused_by_the_foreign_key(
    uow: Callable[..., UnitOfWork],
) -> None:
    with uow() as work:
        with pytest.raises(NotFound):
            work.sessions.add("5d0f8f0e-0000-4000-8000-000000000000", logged(5))
        work.commit()
    with uow(read_only=True) as work:
        assert work.sessions.count("5d0f8f0e-0000-4000-8000-000000000000") == 0


def test_database_refuses_pain_out_of_range_even_past_the_domain(
    uow: Callable[..., UnitOfWork], walker_id: str
) -> None:
    too_much = dataclasses.replace(logged(5), pain_during_nprs=11)
    with uow() as work, pytest.raises(InvalidInput, match="pain_during_nprs"):
        work.sessions.add(walker_id, too_much)


def test_naive_times_and_bad_ids_are_refused(
    uow: Callable[..., UnitOfWork], walker_id: str
) -> None:
    with uow() as work:
        with pytest.raises(InvalidInput, match=r"session\.performed_at"):
            work.sessions.add(walker_id, logged(5, at=datetime(2025, 3, 3, 7, 30)))
        with pytest.raises(InvalidInput, match=r"walker\.id"):
            work.walkers.add(PROFILE, id="walker-1")


def test_read_only_unit_of_work_cannot_commit(uow: Callable[..., UnitOfWork]) -> None:
    with uow(read_only=True) as work, pytest.raises(RuntimeError):
        work.commit()


def test_times_come_back_aware_in_utc(uow: Callable[..., UnitOfWork]) -> None:
    fixed = datetime(2025, 3, 3, 5, 30, tzinfo=UTC)
    with uow(clock=lambda: fixed) as work:
        walker = work.walkers.add(PROFILE)
        work.commit()
    with uow(read_only=True) as work:
        stored = work.walkers.get(walker.id)
    assert stored.created_at == fixed and stored.created_at.utcoffset() == timedelta(0)


def test_sqlite_connections_use_wal_full_sync_and_foreign_keys(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    try:
        with engine.connect() as connection:
            pragma = {
                name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
            }
    finally:
        engine.dispose()
    assert pragma == {
        "journal_mode": "wal",
        "synchronous": 2,
        "foreign_keys": 1,
        "busy_timeout": 15000,
    }


def test_sqlite_unit_of_work_really_is_one_transaction(sqlite_url: str) -> None:
    """Two writers queue on SQLite: the second waits for the first (BEGIN IMMEDIATE)."""
    factory = open_store(sqlite_url)
    other = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), timeout=0.05)
    other.isolation_level = None
    try:
        with UnitOfWork(factory) as work:
            work.walkers.add(PROFILE)
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            work.commit()
        other.execute("BEGIN IMMEDIATE")  # free once the unit of work is over
        other.execute("ROLLBACK")
    finally:
        other.close()
        close_store(factory)


# --- settings and URLs ---------------------------------------------------------------------------


def test_settings_default_to_a_sqlite_file_in_the_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RETROWALK_DATABASE_URL", raising=False)
    monkeypatch.setenv("RETROWALK_DATA_DIR", str(tmp_path / "data"))
    settings = Settings()
    assert settings.database_url == f"sqlite:///{tmp_path / 'data' / 'retrowalk.sqlite'}"
    factory = open_store(settings.database_url)  # creates the folder and the file
    close_store(factory)
    assert (tmp_path / "data" / "retrowalk.sqlite").is_file()


def test_settings_take_the_database_url_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RETROWALK_DATABASE_URL", "postgresql://me:s3cret@db.example/rw")
    settings = Settings()
    assert settings.database_url == "postgresql://me:s3cret@db.example/rw"
    assert "s3cret" not in repr(settings) and "s3cret" not in settings.database_url_redacted


@pytest.mark.parametrize(
    ("url", "driver"),
    [
        ("postgresql://u@h/db", "postgresql+psycopg"),
        ("postgres://u@h/db", "postgresql+psycopg"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg"),
        ("sqlite:///x.sqlite", "sqlite"),
    ],
)
def test_urls_are_normalised_to_our_drivers(url: str, driver: str) -> None:
    assert normalise_url(url).drivername == driver


@pytest.mark.parametrize(
    "url",
    ["mysql://root:hunter2@h/db", "not a url :hunter2@", "postgresql+asyncpg://u:hunter2@h/d"],
)
def test_unsupported_urls_are_refused_without_their_password(url: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        normalise_url(url)
    assert "hunter2" not in str(caught.value)
    assert "sqlite:///" in caught.value.allowed


def test_redact_url_hides_passwords_in_userinfo_and_query() -> None:
    assert redact_url("postgresql://me:pw@h/db") == "postgresql://me:***@h/db"
    assert redact_url("postgresql://h/db?password=pw&x=1") == "postgresql://h/db?password=***&x=1"
