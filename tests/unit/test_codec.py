"""The JSON codec: exact round trips (property tests) and the documented format (tables)."""

from __future__ import annotations

import dataclasses
import json
import math
import types
import typing
from datetime import UTC, date, datetime, timedelta, timezone
from enum import Enum
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrowalk.domain.evidence import SOURCES
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
    StartMethod,
    Verdict,
)
from retrowalk.errors import InvalidInput
from retrowalk.formats.codec import decode, encode
from retrowalk.store import records

# --- strategies built from the dataclasses' type hints ---------------------------------------

OFFSETS = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
AWARE = st.datetimes(
    min_value=datetime(1970, 1, 2), max_value=datetime(2100, 1, 1), timezones=OFFSETS
)
JSON_DATA = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
REASON = st.builds(
    Reason,
    rule_id=st.text(max_size=12),
    text=st.text(max_size=30),
    citation=st.sampled_from(sorted(SOURCES)),
)


def strategy_for(hint: Any) -> st.SearchStrategy[Any]:
    origin = typing.get_origin(hint)
    if hint is Reason:
        return REASON
    if hint is type(None):
        return st.none()
    if hint is bool:
        return st.booleans()
    if hint is int:
        return st.integers(-1000, 10**6)
    if hint is float:
        return st.floats(allow_nan=False, allow_infinity=False)
    if hint is str:
        return st.text(max_size=20)
    if hint is datetime:
        return AWARE
    if hint is date:
        return st.dates()
    if isinstance(hint, type) and issubclass(hint, Enum):
        return st.sampled_from(list(hint))
    if origin is typing.Union or origin is types.UnionType:
        return st.one_of([strategy_for(arg) for arg in typing.get_args(hint)])
    if origin is tuple:
        return st.lists(strategy_for(typing.get_args(hint)[0]), max_size=3).map(tuple)
    if origin is frozenset:
        return st.frozensets(strategy_for(typing.get_args(hint)[0]), max_size=5)
    if origin is dict:
        return st.dictionaries(st.text(max_size=6), JSON_DATA, max_size=3)
    if dataclasses.is_dataclass(hint):
        hints = typing.get_type_hints(hint)
        fields = {f.name: strategy_for(hints[f.name]) for f in dataclasses.fields(hint)}
        return st.fixed_dictionaries(fields).map(lambda kw: hint(**kw))
    raise TypeError(hint)


DOMAIN_TYPES = [
    Reason,
    ScreeningAnswers,
    ScreeningResult,
    SessionTarget,
    PlannedSession,
    Program,
    LoggedSession,
    CheckIn,
    Change,
    Decision,
    OutcomeResult,
]
RECORD_TYPES = [
    records.Walker,
    records.StoredScreening,
    records.StoredProgram,
    records.StoredSession,
    records.SessionRevision,
    records.StoredCheckIn,
    records.StoredOutcome,
    records.StoredDecision,
    records.ImportedFile,
]


def _through_json_text(data: dict[str, Any]) -> Any:
    return json.loads(json.dumps(data, allow_nan=False))


@pytest.mark.parametrize("cls", DOMAIN_TYPES + RECORD_TYPES, ids=lambda c: c.__name__)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_every_object_survives_a_json_round_trip_exactly(cls: type, data: st.DataObject) -> None:
    original = data.draw(strategy_for(cls))
    encoded = encode(original)
    decoded = decode(cls, _through_json_text(encoded))
    assert decoded == original
    # Stronger than ==: aware datetimes compare by instant, the text also keeps the offset.
    assert encode(decoded) == encoded


@settings(max_examples=60, deadline=None)
@given(session=strategy_for(LoggedSession))
def test_logged_session_keeps_its_utc_offset(session: LoggedSession) -> None:
    decoded = decode(LoggedSession, _through_json_text(encode(session)))
    assert decoded.performed_at.utcoffset() == session.performed_at.utcoffset()


# --- the documented format, written out by hand ----------------------------------------------

KNEE = Reason("pain-safe", "Pain 0-2 during the session is safe.", "nemex2010")


def test_screening_answers_use_enum_values_and_sorted_equipment_lists() -> None:
    answers = ScreeningAnswers(
        goal=Goal.KNEE_PAIN,
        knee_pain_nprs=4,
        pain_with_squats_lunges=True,
        falls_last_12_months=0,
        balance_or_neuro_condition=False,
        recent_knee_injury_without_clearance=False,
        knee_swelling_or_giving_way=False,
        heart_symptoms_on_exertion=False,
        age_years=58,
        body_mass_kg=72.5,
        equipment=frozenset({Equipment.TREADMILL, Equipment.NONE, Equipment.SLED}),
        place=Place.PARK,
        companion_available=True,
        backward_walk_3m_s=3.2,
        backward_walk_3m_start=StartMethod.STATIC,
    )
    assert encode(answers) == {
        "goal": "knee-pain",
        "knee_pain_nprs": 4,
        "pain_with_squats_lunges": True,
        "falls_last_12_months": 0,
        "balance_or_neuro_condition": False,
        "recent_knee_injury_without_clearance": False,
        "knee_swelling_or_giving_way": False,
        "heart_symptoms_on_exertion": False,
        "age_years": 58,
        "body_mass_kg": 72.5,
        "equipment": ["none", "sled", "treadmill"],
        "place": "park",
        "companion_available": True,
        "backward_walk_3m_s": 3.2,
        "backward_walk_3m_start": "static",
        "forward_speed_m_s": None,
    }


def test_logged_session_datetime_is_iso_8601_with_its_offset() -> None:
    session = LoggedSession(
        performed_at=datetime(2025, 3, 1, 7, 30, tzinfo=timezone(timedelta(hours=2))),
        modality=Modality.TREADMILL,
        duration_s=600.0,
        pain_during_nprs=2,
        pain_after_nprs=1,
        speed_m_s=0.6,
    )
    encoded = encode(session)
    assert encoded["performed_at"] == "2025-03-01T07:30:00+02:00"
    assert encoded["modality"] == "treadmill"
    assert encoded["notes"] == "" and encoded["load_kg"] is None  # defaults are written out


def test_decision_nests_reasons_changes_and_target() -> None:
    decision = Decision(
        kind=DecisionKind.PROGRESS,
        reasons=(KNEE,),
        changes=(Change("duration_s", 300.0, 420.0), Change("rails", True, False)),
        next_target=SessionTarget(Modality.OVERGROUND, 420.0, None),
    )
    assert encode(decision) == {
        "kind": "progress",
        "reasons": [{"rule_id": "pain-safe", "text": KNEE.text, "citation": "nemex2010"}],
        "changes": [
            {"variable": "duration_s", "from_value": 300.0, "to_value": 420.0},
            {"variable": "rails", "from_value": True, "to_value": False},
        ],
        "next_target": {
            "modality": "overground",
            "duration_s": 420.0,
            "speed_m_s": None,
            "incline_pct": 0.0,
            "load_pct_body_mass": None,
            "rails": False,
        },
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), (False, False), (2.5, 2.5), ("overground", "overground"), (None, None)],
)
def test_change_values_keep_their_json_type(value: Any, expected: Any) -> None:
    decoded = decode(Change, {"variable": "x", "from_value": value, "to_value": None})
    assert decoded.from_value == expected
    assert type(decoded.from_value) is type(expected)


def test_checkin_date_is_a_plain_iso_date() -> None:
    checkin = CheckIn(on=date(2025, 3, 2), pain_next_morning_nprs=1, usual_pain_nprs=2)
    assert encode(checkin)["on"] == "2025-03-02"


# --- refusals: path, value and what is allowed ------------------------------------------------


def _outcome() -> dict[str, Any]:
    return encode(OutcomeResult(OutcomeKind.TUG, 9.5, "s", (KNEE,)))


@pytest.mark.parametrize(
    ("mutate", "field", "allowed_part"),
    [
        (lambda d: d.update(kind="sprint"), "outcomeResult.kind", "3mbwt"),
        (lambda d: d.pop("unit"), "outcomeResult.unit", "text"),
        (lambda d: d.update(colour="red"), "outcomeResult.colour", "the fields"),
        (lambda d: d.update(value="fast"), "outcomeResult.value", "finite number"),
        (lambda d: d.update(value=True), "outcomeResult.value", "finite number"),
        (
            lambda d: d["interpretation"][0].update(citation="nobody2020"),
            "outcomeResult.interpretation[0]",
            "unknown citation key",
        ),
    ],
)
def test_damaged_documents_are_refused_naming_the_path(
    mutate: Any, field: str, allowed_part: str
) -> None:
    data = _outcome()
    mutate(data)
    with pytest.raises(InvalidInput) as caught:
        decode(OutcomeResult, data)
    assert caught.value.field == field
    assert allowed_part in caught.value.allowed


def test_naive_datetimes_are_refused_both_ways() -> None:
    naive = LoggedSession(datetime(2025, 3, 1, 7, 30), Modality.OVERGROUND, 300.0, 0, 0)
    with pytest.raises(InvalidInput) as caught:
        encode(naive)
    assert caught.value.field == "loggedSession.performed_at"
    data = encode(dataclasses.replace(naive, performed_at=naive.performed_at.replace(tzinfo=UTC)))
    data["performed_at"] = "2025-03-01T07:30:00"
    with pytest.raises(InvalidInput):
        decode(LoggedSession, data)


def test_non_finite_numbers_are_refused() -> None:
    target = SessionTarget(Modality.TREADMILL, math.inf, 0.5)
    with pytest.raises(InvalidInput) as caught:
        encode(target)
    assert caught.value.field == "sessionTarget.duration_s"


def test_unknown_screening_verdict_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        decode(ScreeningResult, {"verdict": "maybe", "reasons": []})
    assert "see-clinician" in caught.value.allowed
    assert decode(ScreeningResult, {"verdict": "suitable", "reasons": []}).verdict is (
        Verdict.SUITABLE
    )
