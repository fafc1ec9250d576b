"""The export document (pure): records in, JSON out, the same records back; damage refused."""

from __future__ import annotations

import copy
import dataclasses
import json
import random
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

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
from retrowalk.errors import InvalidInput, UnsupportedFile
from retrowalk.formats.export import (
    FORMAT,
    KEYS,
    SessionHistory,
    WalkerData,
    build_document,
    counts,
    is_export_document,
    read_document,
)
from retrowalk.store.records import (
    ImportedFile,
    ProgramStatus,
    SessionRevision,
    SessionSource,
    StoredCheckIn,
    StoredDecision,
    StoredOutcome,
    StoredProgram,
    StoredScreening,
    StoredSession,
    Walker,
    WalkerProfile,
    WalkerStatus,
)

CEST = timezone(timedelta(hours=2))
EST = timezone(timedelta(hours=-5))
T0 = datetime(2025, 3, 3, 5, 30, 0, 123456, tzinfo=UTC)
NOW = datetime(2025, 4, 1, 12, 0, tzinfo=UTC)
REASON = Reason("pain-safe", "Pain 0-2 during the session is safe.", "nemex2010")
WALKER_ID = "0b7c2f4e-9a55-4f0e-8d6f-3f3e2b1a9c11"


def uid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def logged(minutes: float, at: datetime, *, pain: int = 1, notes: str = "") -> LoggedSession:
    return LoggedSession(
        performed_at=at,
        modality=Modality.TREADMILL,
        duration_s=minutes * 60,
        pain_during_nprs=pain,
        pain_after_nprs=pain,
        speed_m_s=0.55,
        rpe=3,
        notes=notes,
    )


def rich() -> WalkerData:
    """One walker with a record of every kind, in document order (time, then id)."""
    target = SessionTarget(Modality.OVERGROUND, 300.0, 0.6)
    plan = Program(6, 3, (PlannedSession(1, 0, target, ("march",), (REASON,)),), (REASON,))
    answers = ScreeningAnswers(
        Goal.KNEE_PAIN, 4, True, 0, False, False, False, False, 58, 72.5,
        frozenset({Equipment.TREADMILL}), Place.PARK, True,
    )  # fmt: skip
    profile = WalkerProfile("Ana", 58, 72.5, Goal.KNEE_PAIN, 3)
    screening = ScreeningResult(Verdict.SUITABLE, (REASON,))
    moved = SessionTarget(Modality.OVERGROUND, 420.0, 0.6)
    program = StoredProgram(
        uid(2), WALKER_ID, T0, T0 + timedelta(days=5), Goal.KNEE_PAIN, ProgramStatus.PAUSED, 4,
        plan, moved,
    )  # fmt: skip
    first = StoredSession(
        uid(10), WALKER_ID, uid(2), 1, SessionSource.MANUAL,
        logged(5, (T0 + timedelta(days=1)).astimezone(CEST)), T0, T0, details={"steps": 512},
    )  # fmt: skip
    edited = StoredSession(
        uid(11), WALKER_ID, None, 3, SessionSource.IMPORT,
        logged(7, (T0 + timedelta(days=2)).astimezone(EST), notes="fixed"),
        T0, T0 + timedelta(days=3), deleted_at=T0 + timedelta(days=4),
    )  # fmt: skip
    revisions = (
        SessionRevision(uid(11), 1, T0 + timedelta(days=2), "edited", logged(6, T0)),
        SessionRevision(
            uid(11), 2, T0 + timedelta(days=4), "deleted", logged(7, T0), {"steps": 1}, uid(2)
        ),
    )
    progress = Decision(
        DecisionKind.PROGRESS, (REASON,), (Change("duration_s", 300.0, 420.0),), moved
    )
    return WalkerData(
        walker=Walker(WALKER_ID, T0, WalkerStatus.PAUSED, profile),
        screenings=(StoredScreening(uid(1), WALKER_ID, T0, answers, screening),),
        programs=(program,),
        sessions=(SessionHistory(first), SessionHistory(edited, revisions)),
        checkins=(
            StoredCheckIn(uid(20), WALKER_ID, CheckIn(date(2025, 3, 4), 1, 3)),
            StoredCheckIn(uid(21), WALKER_ID, CheckIn(date(2025, 3, 5), 2, 3, swelling=True)),
        ),
        outcomes=(
            StoredOutcome(
                uid(30), WALKER_ID, T0, OutcomeResult(OutcomeKind.TUG, 9.1, "s"), {"start": "x"}
            ),
        ),
        decisions=(StoredDecision(uid(40), WALKER_ID, T0 + timedelta(days=1), progress, uid(10)),),
        imported_files=(
            ImportedFile(uid(50), WALKER_ID, "ab" * 32, "walk.fit", "fit", T0, uid(11)),
        ),
    )


def document() -> dict[str, Any]:
    return build_document(rich(), exported_at=NOW)


# --- round trip and layout ---------------------------------------------------------------------


def test_document_reads_back_to_the_same_records_through_json_text() -> None:
    text = json.dumps(document())
    assert read_document(json.loads(text), source="export.json") == rich()


def test_local_offset_of_a_session_survives_the_document() -> None:
    data = read_document(document(), source="export.json")
    performed_at = data.sessions[1].stored.session.performed_at
    assert performed_at.utcoffset() == timedelta(hours=-5)


def test_document_has_the_marker_version_time_and_every_list_even_when_empty() -> None:
    empty = build_document(WalkerData(rich().walker), exported_at=NOW)
    assert list(empty) == list(KEYS)
    assert (empty["format"], empty["format_version"]) == ("retrowalk-export", 1)
    assert empty["exported_at"] == "2025-04-01T12:00:00+00:00"
    assert all(empty[key] == [] for key in KEYS[4:])
    assert read_document(empty, source="e.json") == WalkerData(rich().walker)


def test_sessions_carry_their_revisions_beside_their_own_fields() -> None:
    session = document()["sessions"][1]
    assert session["id"] == uid(11) and session["deleted_at"] is not None
    assert [r["version"] for r in session["revisions"]] == [1, 2]
    assert session["session"]["pain_during_nprs"] == 1


def test_the_same_records_in_any_order_give_the_same_document() -> None:
    data = rich()
    shuffled_sessions = list(data.sessions)[::-1]
    shuffled_revisions = tuple(reversed(data.sessions[1].revisions))
    shuffled_sessions[0] = dataclasses.replace(shuffled_sessions[0], revisions=shuffled_revisions)
    checkins = list(data.checkins)
    random.Random(3).shuffle(checkins)
    other = dataclasses.replace(
        data, sessions=tuple(shuffled_sessions), checkins=tuple(reversed(checkins))
    )
    assert build_document(other, exported_at=NOW) == document()


def test_sessions_are_ordered_by_the_instant_they_were_performed_not_their_local_text() -> None:
    # 23:00 at UTC-5 on day 1 is 04:00 UTC on day 2: after 02:00 UTC on day 2
    late_local = datetime(2025, 3, 1, 23, 0, tzinfo=EST)
    early_utc = datetime(2025, 3, 2, 2, 0, tzinfo=UTC)
    data = rich()
    a = dataclasses.replace(data.sessions[0].stored, session=logged(5, late_local))
    b = dataclasses.replace(data.sessions[1].stored, session=logged(5, early_utc))
    ordered = build_document(
        dataclasses.replace(data, sessions=(SessionHistory(a), SessionHistory(b))),
        exported_at=NOW,
    )
    assert [s["id"] for s in ordered["sessions"]] == [b.id, a.id]


def test_counts_count_each_list_and_the_revisions() -> None:
    assert counts(rich()) == {
        "screenings": 1,
        "programs": 1,
        "sessions": 2,
        "checkins": 2,
        "outcomes": 1,
        "decisions": 1,
        "imported_files": 1,
        "session_revisions": 2,
    }


def test_export_time_needs_a_utc_offset() -> None:
    with pytest.raises(InvalidInput, match="exported_at"):
        build_document(rich(), exported_at=datetime(2025, 4, 1, 12, 0))


# --- what is not an export -------------------------------------------------------------------


@pytest.mark.parametrize(
    "not_an_export",
    [
        [{"time": "0", "x": "0.1"}],  # a phone sensor app's JSON: one array of objects
        {"walker": {}, "sessions": []},
        {"format": "gpx"},
        {"format": 1},
        "retrowalk-export",
        None,
    ],
)
def test_a_document_that_is_not_an_export_is_an_unsupported_file(not_an_export: Any) -> None:
    assert not is_export_document(not_an_export)
    with pytest.raises(UnsupportedFile) as caught:
        read_document(not_an_export, source="walk.json")
    assert caught.value.path == "walk.json" and "not a retrowalk export" in caught.value.problem


def test_an_export_is_recognised_by_its_marker() -> None:
    assert is_export_document(document()) and is_export_document({"format": FORMAT})


# --- damaged documents: the path of the problem is named -----------------------------------------


DELETE = object()
SAME = None


def _steps(path: str) -> list[str | int]:
    """``sessions[1].session.notes`` -> ["sessions", 1, "session", "notes"]."""
    steps: list[str | int] = []
    for part in path.split("."):
        name, *indexes = part.replace("]", "").split("[")
        steps.append(name)
        steps.extend(int(index) for index in indexes)
    return steps


def _damage(doc: dict[str, Any], where: str, value: Any) -> None:
    *parents, last = _steps(where)
    target: Any = doc
    for step in parents:
        target = target[step]
    if value is DELETE:
        del target[last]
    elif callable(value):
        target[last] = value(doc)
    else:
        target[last] = value


def _first_checkin_date(doc: dict[str, Any]) -> Any:
    return doc["checkins"][0]["checkin"]["on"]


def _first_session_id(doc: dict[str, Any]) -> Any:
    return doc["sessions"][0]["id"]


DAMAGE = [
    # (what is wrong, where the document is damaged, the damage, the path named if elsewhere)
    ("pain 11", "sessions[1].session.pain_during_nprs", 11, SAME),
    ("pain -1 in history", "sessions[1].revisions[0].previous.pain_after_nprs", -1, SAME),
    ("pain as text", "sessions[1].session.pain_after_nprs", "2", SAME),
    ("unknown key in a session", "sessions[0].mood", "fine", SAME),
    ("unknown key in a record", "checkins[0].checkin.mood", "fine", SAME),
    ("unknown key at the top", "comment", "hi", SAME),
    ("missing field", "checkins[0].checkin.usual_pain_nprs", DELETE, SAME),
    ("missing list", "outcomes", DELETE, SAME),
    ("missing revisions", "sessions[0].revisions", DELETE, SAME),
    ("newer version", "format_version", 2, SAME),
    ("version as text", "format_version", "1", SAME),
    ("version as true", "format_version", True, SAME),
    ("missing version", "format_version", DELETE, SAME),
    ("unknown modality", "sessions[0].session.modality", "skipping", SAME),
    ("naive time", "sessions[0].created_at", "2025-03-03T05:30:00", SAME),
    ("naive export time", "exported_at", "2025-04-01T12:00:00", SAME),
    ("not a UUID", "screenings[0].id", "screening-1", SAME),
    ("repeated id", "sessions[1].id", _first_session_id, SAME),
    ("other walker's record", "decisions[0].walker_id", uid(99), SAME),
    ("decision of a missing session", "decisions[0].session_id", uid(98), SAME),
    ("session of a missing program", "sessions[0].program_id", uid(97), SAME),
    ("file of a missing session", "imported_files[0].session_id", uid(96), SAME),
    ("revision from the future", "sessions[1].revisions[1].version", 3, SAME),
    ("revision of another session", "sessions[1].revisions[0].session_id", uid(10), SAME),
    ("two check-ins on one day", "checkins[1].checkin.on", _first_checkin_date, SAME),
    ("upper-case hash", "imported_files[0].content_sha256", "AB" * 32, SAME),
    ("short hash", "imported_files[0].content_sha256", "ab", SAME),
    ("NUL in notes", "sessions[0].session.notes", "a\x00b", SAME),
    ("no body mass", "walker.profile.body_mass_kg", 0, SAME),
    ("age 131", "walker.profile.age_years", 131, SAME),
    ("long name", "walker.profile.display_name", "A" * 201, SAME),
    ("rpe 21", "sessions[0].session.rpe", 21, SAME),
    ("negative distance", "sessions[0].session.distance_m", -1.0, SAME),
    ("version 0", "programs[0].version", 0, SAME),
    ("huge version", "sessions[0].version", 2**31, SAME),
    ("NaN", "outcomes[0].outcome.value", float("nan"), SAME),
    ("unknown status", "programs[0].status", "archived", SAME),
    ("sessions not a list", "sessions", {}, SAME),
    ("unknown citation", "decisions[0].decision.reasons[0].citation", "blog",
     "decisions[0].decision.reasons[0]"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("where", "damage", "named"), [row[1:] for row in DAMAGE], ids=[row[0] for row in DAMAGE]
)
def test_a_damaged_document_is_refused_naming_the_path(where: str, damage: Any, named: Any) -> None:
    damaged = copy.deepcopy(document())
    read_document(damaged, source="export.json")  # intact before the damage
    _damage(damaged, where, damage)
    with pytest.raises(InvalidInput) as caught:
        read_document(damaged, source="export.json")
    assert caught.value.field == (named or where)
