"""The demo clinic, on a real SQLite file and on PostgreSQL."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher

from retrowalk.domain.flags import FlagKind, Severity
from retrowalk.domain.models import DecisionKind, OutcomeKind
from retrowalk.errors import InvalidInput
from retrowalk.services import accounts, credentials, demo
from retrowalk.services.uow import UowFactory
from retrowalk.store.unit_of_work import UnitOfWork, close_store, open_store

NOW = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(credentials, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024))


def _history(uow: UowFactory) -> dict[str, dict[str, Any]]:
    """Everything stored per walker, by display name (ids are random)."""
    found: dict[str, dict[str, Any]] = {}
    with uow(read_only=True) as work:
        for walker in work.walkers.list():
            program = work.programs.current(walker.id)
            found[walker.profile.display_name] = {
                "sessions": [s.session for s in work.sessions.list(walker.id)],
                "checkins": [c.checkin for c in work.checkins.list(walker.id)],
                "decisions": [(d.made_at, d.decision) for d in work.decisions.list(walker.id)],
                "outcomes": sorted(
                    (o.taken_at, o.outcome.kind.value) for o in work.outcomes.list(walker.id)
                ),
                "program": None
                if program is None
                else (program.status, program.version, program.current_target),
                "created_at": walker.created_at,
                "goal": walker.profile.goal,
            }
    return found


def test_the_demo_clinic_is_realistic_flagged_and_filled_once(uow: UowFactory) -> None:
    """One fill per back end (the default clinic goes through the services: a few seconds)."""
    filled = demo.fill_demo_clinic(uow, now=NOW)
    _check_realistic(uow, filled)
    _check_flags(uow)
    _check_idempotent(uow, filled)


def _check_realistic(uow: UowFactory, filled: demo.DemoSummary) -> None:
    assert filled.created
    assert (filled.therapists, filled.patients) == (1, 12)
    history = _history(uow)
    assert len(history) == 12
    # the summary counts what is stored
    assert filled.sessions == sum(len(h["sessions"]) for h in history.values())
    assert filled.checkins == sum(len(h["checkins"]) for h in history.values())
    assert filled.decisions == sum(len(h["decisions"]) for h in history.values())
    assert filled.outcome_tests == sum(len(h["outcomes"]) for h in history.values())
    # a decision after every session and every check-in (one per session when it moved)
    assert filled.sessions <= filled.decisions <= filled.sessions + filled.checkins
    assert {h["goal"].value for h in history.values()} == {
        "knee-pain",
        "knee-oa",
        "balance",
        "athletic-knee-strength",
        "general-fitness",
    }
    for name, h in history.items():
        logged = h["sessions"]
        days = [s.performed_at.date() for s in logged]
        assert len(days) == len(set(days)), f"{name}: two sessions on one day"
        assert all(s.performed_at < NOW for s in logged)
        assert h["created_at"] < logged[0].performed_at
        assert NOW - h["created_at"] <= timedelta(weeks=8, days=4)
        # 2 or 3 sessions a week on average (stories end some early)
        weeks = (logged[-1].performed_at - logged[0].performed_at).days / 7
        assert 1.4 <= len(logged) / max(weeks, 1) <= 3.6, name
        # next-morning check-ins follow sessions
        session_days = set(days)
        assert all(c.on - timedelta(days=1) in session_days for c in h["checkins"]), name
        assert len(h["checkins"]) >= 0.7 * len(logged) - 1
        kinds = Counter(o for _, o in h["outcomes"])
        assert kinds[OutcomeKind.BACKWARD_WALK_3M.value] in (1, 2)
        bwt = OutcomeKind.BACKWARD_WALK_3M.value
        baseline, *retest = [t for t, k in h["outcomes"] if k == bwt]
        assert baseline == h["created_at"]
        for taken_at in retest:
            assert timedelta(weeks=6) <= taken_at - baseline <= timedelta(weeks=8, hours=2)
    # the programs really moved: most walkers progressed at least once
    progressed = [
        name
        for name, h in history.items()
        if any(d.kind is DecisionKind.PROGRESS and d.changes for _, d in h["decisions"])
    ]
    assert len(progressed) >= 8
    # pain mostly settles: next-morning pain back to usual in most check-ins
    mornings = [c for h in history.values() for c in h["checkins"]]
    settled = sum(c.pain_next_morning_nprs <= c.usual_pain_nprs for c in mornings)
    assert settled / len(mornings) > 0.8


def _check_flags(uow: UowFactory) -> None:
    token = accounts.sign_in(
        uow,
        email=demo.THERAPIST_EMAIL,
        password=demo.THERAPIST_PASSWORD,
        client_key="demo",
        now=NOW,
    )
    therapist = accounts.identify_session(uow, token, now=NOW)
    assert therapist is not None
    rows = accounts.patient_list(uow, therapist, now=NOW)
    assert len(rows) == 12
    flags = {(f.kind, f.severity) for r in rows for f in r.flags}
    assert (FlagKind.PAIN_FLARE, Severity.URGENT) in flags
    assert (FlagKind.FALL, Severity.URGENT) in flags
    assert (FlagKind.NO_DATA, Severity.WARNING) in flags
    assert (FlagKind.MISSED_SESSIONS, Severity.WARNING) in flags
    flagged = [r for r in rows if r.flags]
    assert 4 <= len(flagged) <= 6  # most of the clinic is fine
    assert rows[0].flags and rows[0].flags[0].severity is Severity.URGENT  # sorted by flags
    fall = next(r for r in rows if any(f.kind is FlagKind.FALL for f in r.flags))
    assert fall.program_status == "paused"
    silent = next(r for r in rows if any(f.kind is FlagKind.NO_DATA for f in r.flags))
    assert silent.last_session_at is not None
    assert timedelta(days=10) <= NOW - silent.last_session_at < timedelta(days=13)
    flare = next(r for r in rows if any(f.kind is FlagKind.PAIN_FLARE for f in r.flags))
    assert flare.mean_pain_last_7_days is not None and flare.mean_pain_last_7_days > 2
    # a patient signs in with the documented password and sees only themself
    walker_token = accounts.sign_in(
        uow,
        email=demo.walker_email(1),
        password=demo.WALKER_PASSWORD,
        client_key="demo",
        now=NOW,
    )
    walker = accounts.identify_session(uow, walker_token, now=NOW)
    assert walker is not None and walker.walker_id is not None
    assert accounts.patient_ids(uow, walker) == {walker.walker_id}
    assert walker.walker_id in accounts.patient_ids(uow, therapist)


def _check_idempotent(uow: UowFactory, filled: demo.DemoSummary) -> None:
    before = _history(uow)
    again = demo.fill_demo_clinic(uow, now=NOW + timedelta(days=1), seed=7)
    assert not again.created
    assert (again.patients, again.sessions, again.decisions) == (
        filled.patients,
        filled.sessions,
        filled.decisions,
    )
    assert _history(uow) == before


def test_the_bulk_path_takes_the_same_decisions_as_the_services(tmp_path: Path) -> None:
    """Same seed, two databases: one call per session through the services, or in bulk."""
    results = []
    for bulk in (False, True):
        factory = open_store(f"sqlite:///{tmp_path / f'bulk-{bulk}.sqlite'}")
        try:
            uow = partial(UnitOfWork, factory)
            summary = demo.fill_demo_clinic(uow, now=NOW, weeks=4, seed=3, bulk=bulk)
            results.append((summary, _history(uow)))
        finally:
            close_store(factory)
    (by_service, service_history), (by_bulk, bulk_history) = results
    assert by_service == by_bulk
    assert service_history == bulk_history
    kinds = Counter(d.kind for h in bulk_history.values() for _, d in h["decisions"])
    assert kinds[DecisionKind.STOP] >= 1 and kinds[DecisionKind.PROGRESS] >= 1


def test_a_seed_gives_the_same_clinic(tmp_path: Path) -> None:
    histories = []
    for run in range(2):
        factory = open_store(f"sqlite:///{tmp_path / f'seed-{run}.sqlite'}")
        try:
            uow = partial(UnitOfWork, factory)
            demo.fill_demo_clinic(uow, now=NOW, patients=3, weeks=2, seed=11)
            histories.append(_history(uow))
        finally:
            close_store(factory)
    assert histories[0] == histories[1]


def test_a_larger_clinic_is_shared_by_several_therapists(tmp_path: Path) -> None:
    factory = open_store(f"sqlite:///{tmp_path / 'large.sqlite'}")
    try:
        uow = partial(UnitOfWork, factory)
        summary = demo.fill_demo_clinic(uow, now=NOW, patients=30, weeks=10, therapists=3)
        assert (summary.therapists, summary.patients) == (3, 30)
        with uow(read_only=True) as work:
            second = work.accounts.by_email("therapist2@demo.retrowalk")
            assert second is not None
            assert len(work.care.patient_ids(second.id)) == 10
            names = [w.profile.display_name for w in work.walkers.list()]
        assert len(set(names)) == 30
    finally:
        close_store(factory)


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("patients", {"patients": 0}),
        ("weeks", {"weeks": 53}),
        ("therapists", {"therapists": 13}),
        ("now", {"now": datetime(2026, 11, 20, 18, 0)}),
    ],
)
def test_bad_demo_parameters_name_the_field(
    sqlite_url: str, field: str, kwargs: dict[str, Any]
) -> None:
    factory = open_store(sqlite_url)
    try:
        values: dict[str, Any] = {"now": NOW, **kwargs}
        with pytest.raises(InvalidInput) as info:
            demo.fill_demo_clinic(partial(UnitOfWork, factory), **values)
        assert info.value.field == field
    finally:
        close_store(factory)
