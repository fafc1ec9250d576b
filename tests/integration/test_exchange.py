"""Export and import of a walker's data on a real SQLite file and the real PostgreSQL server.

The data is built through the repositories (several sessions, an edited and a deleted one with
their history, check-ins, outcomes, decisions, an ended and a paused program, an imported file)
and goes export -> JSON text -> import into an empty database -> export.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import re
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy.orm import Session, sessionmaker

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
from retrowalk.errors import Conflict, InvalidInput, NotFound, UnsupportedFile
from retrowalk.services.exchange import export_walker, import_document
from retrowalk.store.records import ProgramStatus, SessionSource, WalkerProfile, WalkerStatus
from retrowalk.store.unit_of_work import UnitOfWork, close_store, open_store

UowFactory = Callable[..., UnitOfWork]
CEST = timezone(timedelta(hours=2))
EST = timezone(timedelta(hours=-5))
T0 = datetime(2025, 3, 3, 7, 30, tzinfo=CEST)
EXPORTED = datetime(2025, 4, 1, 12, 0, tzinfo=UTC)
REASON = Reason("pain-safe", "Pain 0-2 during the session is safe.", "nemex2010")
ANA = WalkerProfile("Ana", 58, 72.5, Goal.KNEE_PAIN, 3, forward_speed_m_s=1.2)
BEN = WalkerProfile("Ben", 30, 80.0, Goal.ATHLETIC, 0)


# --- two databases of the same back end ---------------------------------------------------------


def _open(url: str) -> Iterator[UowFactory]:
    factory: sessionmaker[Session] = open_store(url)
    yield functools.partial(UnitOfWork, factory)
    close_store(factory)


@pytest.fixture
def uow(database_url: str) -> Iterator[UowFactory]:
    yield from _open(database_url)


@pytest.fixture
def other_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A second, empty database on the same back end (a file, or a schema of its own)."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'other.sqlite'}"
        return
    match = re.search(r"search_path%3D(\w+)", database_url)
    assert match is not None, "the PostgreSQL fixture names its schema in the URL"
    schema = f"{match.group(1)}_b"
    dsn = database_url.split("?")[0].replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield database_url.replace(match.group(1), schema)
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def other(other_url: str) -> Iterator[UowFactory]:
    yield from _open(other_url)


# --- a rich walker, built through the repositories ----------------------------------------------


def logged(minutes: float, at: datetime, *, pain: int = 1, notes: str = "") -> LoggedSession:
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


def plan(weeks: int) -> Program:
    target = SessionTarget(Modality.OVERGROUND, 300.0, 0.6)
    sessions = tuple(
        PlannedSession(week, day, target, warmup=("march in place",), safety_cues=(REASON,))
        for week in range(1, weeks + 1)
        for day in range(3)
    )
    return Program(weeks, 3, sessions, (REASON,))


ANSWERS = ScreeningAnswers(
    Goal.KNEE_PAIN, 4, True, 0, False, False, False, False, 58, 72.5,
    frozenset({Equipment.TREADMILL, Equipment.NONE}), Place.PARK, True,
)  # fmt: skip


@pytest.fixture
def ana(uow: UowFactory) -> dict[str, str]:
    """Ana's data (times from the real clock where the repositories pick them, so microseconds
    are exercised) and another walker, Ben, whose data must stay out of Ana's export."""
    ids: dict[str, str] = {}
    with uow() as work:
        walker = work.walkers.add(ANA)
        ids["walker"] = walker.id
        work.screenings.add(walker.id, ANSWERS, ScreeningResult(Verdict.SUPERVISED, (REASON,)))
        work.screenings.add(walker.id, ANSWERS, ScreeningResult(Verdict.SUITABLE, (REASON,)))
        work.programs.add(walker.id, plan(6), goal=Goal.KNEE_PAIN, created_at=T0)
        program = work.programs.add(
            walker.id, plan(8), goal=Goal.KNEE_PAIN, created_at=T0 + timedelta(days=1)
        )
        ids["program"] = program.id
        work.programs.update_current_target(
            program.id, SessionTarget(Modality.OVERGROUND, 420.0, 0.6)
        )
        work.programs.pause(program.id)
        sessions = [
            work.sessions.add(
                walker.id,
                logged(5 + day, (T0 + timedelta(days=day)).astimezone(EST if day == 2 else CEST)),
                program_id=program.id,
                details={"steps": 500 + day, "cadence_spm": [88.5, 90.0]},
            )
            for day in range(4)
        ]
        ids["edited"], ids["deleted"] = sessions[1].id, sessions[2].id
        edited = work.sessions.edit(sessions[1].id, logged(6, T0, notes="typo"), expected_version=1)
        work.sessions.edit(
            edited.id, logged(6.5, T0, notes="fixed"), expected_version=2, details={"steps": 1}
        )
        work.sessions.delete(sessions[2].id, expected_version=1)
        fit = work.sessions.add(
            walker.id, logged(8, T0 + timedelta(days=5)), source=SessionSource.IMPORT
        )
        ids["imported_session"] = fit.id
        work.imports.add(
            walker.id,
            content_sha256=hashlib.sha256(b"a FIT file").hexdigest(),
            original_name="walk.fit",
            format="fit",
            session_id=fit.id,
        )
        work.checkins.add(walker.id, CheckIn(date(2025, 3, 4), 1, 3))
        work.checkins.add(walker.id, CheckIn(date(2025, 3, 5), 4, 3, swelling=True))
        work.outcomes.add(
            walker.id,
            OutcomeResult(OutcomeKind.BACKWARD_WALK_3M, 3.4, "s", (REASON,)),
            details={"start": "static"},
        )
        work.outcomes.add(walker.id, OutcomeResult(OutcomeKind.TUG, 9.1, "s"))
        work.decisions.add(walker.id, Decision(DecisionKind.HOLD, (REASON,)))
        decision = work.decisions.add(
            walker.id,
            Decision(
                DecisionKind.PROGRESS,
                (REASON,),
                (Change("duration_s", 300.0, 420.0),),
                SessionTarget(Modality.OVERGROUND, 420.0, 0.6),
            ),
            session_id=sessions[3].id,
        )
        ids["decision"], ids["decided_session"] = decision.id, sessions[3].id
        work.walkers.set_status(walker.id, WalkerStatus.PAUSED)
        ben = work.walkers.add(BEN)
        work.sessions.add(ben.id, logged(20, T0))
        work.commit()
    return ids


EXPECTED_COUNTS = {
    "screenings": 2,
    "programs": 2,
    "sessions": 5,
    "session_revisions": 3,  # two edits of one session, the deletion of another
    "checkins": 2,
    "outcomes": 2,
    "decisions": 2,
    "imported_files": 1,
}


def without_time(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if key != "exported_at"}


def through_json(document: dict[str, Any]) -> Any:
    return json.loads(json.dumps(document))


def nothing_stored(uow: UowFactory) -> bool:
    with uow(read_only=True) as work:
        return work.walkers.list() == []


# --- round trip ----------------------------------------------------------------------------------


def test_export_import_export_gives_the_same_document(
    uow: UowFactory, other: UowFactory, ana: dict[str, str]
) -> None:
    first = export_walker(uow, "Ana", now=EXPORTED)
    report = import_document(other, through_json(first), source="ana.json")
    second = export_walker(other, None, now=EXPORTED + timedelta(days=1))
    assert without_time(second) == without_time(first)
    assert second["exported_at"] != first["exported_at"]
    assert report == {
        "walker_id": ana["walker"],
        "display_name": "Ana",
        "created": True,
        "counts": EXPECTED_COUNTS,
        "skipped": dict.fromkeys(EXPECTED_COUNTS, 0),
    }


def test_imported_walker_reads_back_through_the_repositories_unchanged(
    uow: UowFactory, other: UowFactory, ana: dict[str, str]
) -> None:
    import_document(other, through_json(export_walker(uow, "Ana", now=EXPORTED)), source="a")
    with uow(read_only=True) as source, other(read_only=True) as copy_:
        walker_id = ana["walker"]
        assert copy_.walkers.get(walker_id) == source.walkers.get(walker_id)
        assert copy_.walkers.get(walker_id).status is WalkerStatus.PAUSED
        program = copy_.programs.get(ana["program"])
        assert program == source.programs.get(ana["program"])
        assert (program.status, program.version) == (ProgramStatus.PAUSED, 3)
        assert program.current_target == SessionTarget(Modality.OVERGROUND, 420.0, 0.6)
        for session_id in (ana["edited"], ana["deleted"]):
            assert copy_.sessions.get(session_id, include_deleted=True) == source.sessions.get(
                session_id, include_deleted=True
            )
            assert copy_.sessions.revisions(session_id) == source.sessions.revisions(session_id)
        assert [r.reason for r in copy_.sessions.revisions(ana["edited"])] == ["edited", "edited"]
        with pytest.raises(NotFound):
            copy_.sessions.get(ana["deleted"])  # still deleted
        assert copy_.sessions.count(walker_id) == 4
        performed = copy_.sessions.get(ana["edited"]).session.performed_at
        assert performed.utcoffset() == timedelta(hours=2)  # the walker's local offset kept
        latest = copy_.decisions.latest(walker_id)
        assert latest is not None and latest.session_id == ana["decided_session"]
        assert copy_.checkins.list(walker_id) == source.checkins.list(walker_id)
        assert copy_.outcomes.list(walker_id) == source.outcomes.list(walker_id)
        assert copy_.imports.list(walker_id) == source.imports.list(walker_id)
        assert copy_.screenings.list(walker_id) == source.screenings.list(walker_id)


def test_export_holds_all_of_the_walkers_records_and_nobody_elses(
    uow: UowFactory, ana: dict[str, str]
) -> None:
    document = export_walker(uow, "Ana", now=EXPORTED)
    assert document["format"] == "retrowalk-export" and document["format_version"] == 1
    assert document["exported_at"] == "2025-04-01T12:00:00+00:00"
    assert document["walker"]["id"] == ana["walker"]
    assert document["walker"]["status"] == "paused"
    assert {len(document[key]) for key in ("checkins", "outcomes", "decisions")} == {2}
    assert len(document["sessions"]) == 5 and len(document["programs"]) == 2
    owners = {record["walker_id"] for key in EXPECTED_COUNTS if key != "session_revisions"
              for record in document[key]}  # fmt: skip
    assert owners == {ana["walker"]}
    deleted = next(s for s in document["sessions"] if s["id"] == ana["deleted"])
    assert deleted["deleted_at"] is not None
    assert [r["reason"] for r in deleted["revisions"]] == ["deleted"]
    assert [p["status"] for p in document["programs"]] == ["ended", "paused"]
    assert json.loads(json.dumps(document)) == document  # JSON-safe as it is


def test_export_chooses_the_walker_by_name_or_id(uow: UowFactory, ana: dict[str, str]) -> None:
    by_id = export_walker(uow, ana["walker"], now=EXPORTED)
    assert by_id == export_walker(uow, "Ana", now=EXPORTED)
    assert export_walker(uow, "Ben", now=EXPORTED)["walker"]["profile"]["display_name"] == "Ben"
    with pytest.raises(Conflict):  # two walkers: None is ambiguous
        export_walker(uow, None, now=EXPORTED)
    with pytest.raises(NotFound):
        export_walker(uow, "Cleo", now=EXPORTED)
    with pytest.raises(NotFound):
        export_walker(uow, str(uuid.uuid4()), now=EXPORTED)


# --- idempotence ---------------------------------------------------------------------------------


def test_importing_the_same_document_twice_leaves_one_copy(
    uow: UowFactory, other: UowFactory, ana: dict[str, str]
) -> None:
    document = through_json(export_walker(uow, "Ana", now=EXPORTED))
    import_document(other, document, source="ana.json")
    again = import_document(other, document, source="ana.json")
    assert again["created"] is False
    assert again["counts"] == dict.fromkeys(EXPECTED_COUNTS, 0)
    assert again["skipped"] == EXPECTED_COUNTS
    assert without_time(export_walker(other, "Ana", now=EXPORTED)) == without_time(document)
    with other(read_only=True) as work:
        assert len(work.walkers.list()) == 1
        assert work.sessions.count(ana["walker"], include_deleted=True) == 5


def test_importing_an_export_into_its_own_database_changes_nothing(
    uow: UowFactory, ana: dict[str, str]
) -> None:
    document = export_walker(uow, "Ana", now=EXPORTED)
    report = import_document(uow, through_json(document), source="ana.json")
    assert report["created"] is False and sum(report["counts"].values()) == 0
    assert without_time(export_walker(uow, "Ana", now=EXPORTED)) == without_time(document)


# --- refused documents: nothing written ----------------------------------------------------------


def _pain_11(doc: dict[str, Any]) -> None:
    doc["sessions"][3]["session"]["pain_during_nprs"] = 11


def _unknown_key(doc: dict[str, Any]) -> None:
    doc["outcomes"][1]["outcome"]["colour"] = "blue"


def _missing_field(doc: dict[str, Any]) -> None:
    del doc["imported_files"][0]["content_sha256"]


def _wrong_marker(doc: dict[str, Any]) -> None:
    doc["format"] = "retrowalk-backup"


def _wrong_version(doc: dict[str, Any]) -> None:
    doc["format_version"] = 2


@pytest.mark.parametrize(
    ("damage", "error", "named"),
    [
        (_pain_11, InvalidInput, "sessions[3].session.pain_during_nprs"),
        (_unknown_key, InvalidInput, "outcomes[1].outcome.colour"),
        (_missing_field, InvalidInput, "imported_files[0].content_sha256"),
        (_wrong_marker, UnsupportedFile, "ana.json"),
        (_wrong_version, InvalidInput, "format_version"),
    ],
)
def test_a_tampered_document_is_refused_naming_the_path_and_nothing_is_written(
    uow: UowFactory,
    other: UowFactory,
    ana: dict[str, str],
    damage: Callable[[dict[str, Any]], None],
    error: type[Exception],
    named: str,
) -> None:
    document = through_json(export_walker(uow, "Ana", now=EXPORTED))
    damage(document)
    with pytest.raises(error) as caught:
        import_document(other, document, source="ana.json")
    assert named in str(caught.value)
    assert nothing_stored(other)


# --- conflicts: nothing overwritten, nothing written ----------------------------------------------


def _edit_session_notes(doc: dict[str, Any], ids: dict[str, str]) -> str:
    session = next(s for s in doc["sessions"] if s["id"] == ids["edited"])
    session["session"]["notes"] = "changed after the export"
    return ids["edited"]


def _edit_decision(doc: dict[str, Any], ids: dict[str, str]) -> str:
    decision = next(d for d in doc["decisions"] if d["id"] == ids["decision"])
    decision["session_id"] = None
    return ids["decision"]


def _move_session_offset(doc: dict[str, Any], ids: dict[str, str]) -> str:
    """The same instant at another UTC offset is another local time: different content."""
    session = next(s for s in doc["sessions"] if s["id"] == ids["edited"])
    performed = datetime.fromisoformat(session["session"]["performed_at"])
    session["session"]["performed_at"] = performed.astimezone(UTC).isoformat()
    return ids["edited"]


def _change_walker(doc: dict[str, Any], ids: dict[str, str]) -> str:
    doc["walker"]["profile"]["body_mass_kg"] = 70.0
    return ids["walker"]


def _new_checkin_id_same_day(doc: dict[str, Any], ids: dict[str, str]) -> str:
    doc["checkins"][0]["id"] = str(uuid.uuid4())
    return doc["checkins"][0]["checkin"]["on"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "change",
    [
        _edit_session_notes,
        _edit_decision,
        _move_session_offset,
        _change_walker,
        _new_checkin_id_same_day,
    ],
)
def test_other_content_under_a_stored_id_is_a_conflict_and_nothing_is_written(
    uow: UowFactory,
    other: UowFactory,
    ana: dict[str, str],
    change: Callable[[dict[str, Any], dict[str, str]], str],
) -> None:
    original = through_json(export_walker(uow, "Ana", now=EXPORTED))
    import_document(other, original, source="ana.json")
    changed = copy.deepcopy(original)
    named = change(changed, ana)
    # a new screening: written before the conflicting record, so it must be rolled back too
    extra = copy.deepcopy(changed["screenings"][0])
    extra["id"] = str(uuid.uuid4())
    changed["screenings"].append(extra)
    with pytest.raises(Conflict) as caught:
        import_document(other, changed, source="ana-v2.json")
    assert named in str(caught.value) and "ana-v2.json" in str(caught.value)
    assert without_time(export_walker(other, "Ana", now=EXPORTED)) == without_time(original)


def test_a_display_name_used_by_another_walker_is_a_conflict(
    uow: UowFactory, other: UowFactory, ana: dict[str, str]
) -> None:
    document = through_json(export_walker(uow, "Ana", now=EXPORTED))
    with other() as work:
        someone = work.walkers.add(WalkerProfile("Ana", 40, 60.0, Goal.BALANCE, 1))
        work.commit()
    with pytest.raises(Conflict, match=r"display name 'Ana' is already used by another walker"):
        import_document(other, document, source="ana.json")
    with other(read_only=True) as work:
        assert work.walkers.list() == [someone]
        assert work.sessions.count(ana["walker"], include_deleted=True) == 0
