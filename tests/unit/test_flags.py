"""Tiered patient flags (domain.flags): one row per rule and edge."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest

from retrowalk.domain.evidence import SOURCES
from retrowalk.domain.flags import (
    URGENT_PAIN_NPRS,
    Flag,
    FlagKind,
    Severity,
    patient_flags,
    severity_counts,
)
from retrowalk.domain.models import CheckIn, Decision, DecisionKind, LoggedSession, Modality, Reason
from retrowalk.errors import InvalidInput

NOW = datetime(2026, 3, 20, 18, 0, tzinfo=UTC)
LONG_AGO = NOW - timedelta(weeks=8)
STOP_SWELLING = Decision(
    DecisionKind.STOP, (Reason("stop-swelling", "You reported knee swelling.", "expert-opinion"),)
)


def s(days_ago: float, during: int = 1, after: int = 1, *, fell: bool = False) -> LoggedSession:
    return LoggedSession(
        performed_at=NOW - timedelta(days=days_ago),
        modality=Modality.OVERGROUND,
        duration_s=600.0,
        pain_during_nprs=during,
        pain_after_nprs=after,
        fell=fell,
    )


def c(days_ago: int, pain: int = 2, usual: int = 2) -> CheckIn:
    return CheckIn(NOW.date() - timedelta(days=days_ago), pain, usual)


ON_PLAN = [s(1), s(3), s(5)]


@dataclass
class Case:
    sessions: list[LoggedSession]
    expected: list[tuple[FlagKind, Severity]]
    checkins: list[CheckIn] = field(default_factory=list)
    decisions: list[tuple[datetime, Decision]] = field(default_factory=list)
    per_week: int | None = 3
    started_at: datetime | None = LONG_AGO
    paused: bool = False
    reviewed_at: datetime | None = None


URGENT, WARNING, INFO = Severity.URGENT, Severity.WARNING, Severity.INFO
CASES = {
    "on plan: no flag": Case(ON_PLAN, []),
    "pain 6 is not urgent": Case([s(1, 6, 6), s(3), s(5)], []),
    "pain 7 during is urgent": Case([s(1, 7, 3), s(3), s(5)], [(FlagKind.PAIN_FLARE, URGENT)]),
    "pain 7 after is urgent": Case([s(1, 2, 7), s(3), s(5)], [(FlagKind.PAIN_FLARE, URGENT)]),
    "pain 7 next morning is urgent": Case(
        ON_PLAN, [(FlagKind.PAIN_FLARE, URGENT)], checkins=[c(0, pain=7)]
    ),
    "pain 7 eight days ago has left the window": Case([*ON_PLAN, s(8, 7, 7)], []),
    "pain 7 before the therapist's review is acknowledged": Case(
        [s(1), s(3, 8, 8), s(5)], [], reviewed_at=NOW - timedelta(days=2)
    ),
    "a fall is urgent however long ago, until reviewed": Case(
        [*ON_PLAN, s(30, fell=True)], [(FlagKind.FALL, URGENT)]
    ),
    "a reviewed fall is gone": Case(
        [*ON_PLAN, s(30, fell=True)], [], reviewed_at=NOW - timedelta(days=20)
    ),
    "a fall while paused: the fall says why, no paused flag": Case(
        [s(4, fell=True), s(6), s(7.5)],
        [(FlagKind.FALL, URGENT)],
        decisions=[(NOW - timedelta(days=4), STOP_SWELLING)],
        paused=True,
    ),
    "paused by another stop": Case(
        [s(2), s(4), s(6)],
        [(FlagKind.PROGRAM_PAUSED, URGENT)],
        decisions=[(NOW - timedelta(days=2), STOP_SWELLING)],
        paused=True,
    ),
    "no data for 10 days is a softer flag": Case([s(10), s(12)], [(FlagKind.NO_DATA, WARNING)]),
    "a check-in is data": Case([s(10)], [(FlagKind.MISSED_SESSIONS, WARNING)], checkins=[c(2)]),
    "no data while paused is only information": Case(
        [s(10)],
        [(FlagKind.PROGRAM_PAUSED, URGENT), (FlagKind.NO_DATA, INFO)],
        decisions=[(NOW - timedelta(days=10), STOP_SWELLING)],
        paused=True,
    ),
    "a new program is not flagged for silence": Case(
        [], [], started_at=NOW - timedelta(days=3)
    ),
    "a week-old program without data is": Case(
        [], [(FlagKind.NO_DATA, WARNING)], started_at=NOW - timedelta(days=7)
    ),
    "two of three sessions is a missed session": Case(
        [s(1), s(4)], [(FlagKind.MISSED_SESSIONS, WARNING)]
    ),
    "today's session still to come is not missed": Case([s(2), s(4), s(7.5)], []),
    "no adherence flag while paused": Case(
        [s(1)],
        [(FlagKind.PROGRAM_PAUSED, URGENT)],
        decisions=[(NOW - timedelta(days=1), STOP_SWELLING)],
        paused=True,
    ),
    "no adherence flag without a program": Case([s(1)], [], per_week=None),
    "no silence flag without a program": Case([s(20)], [], per_week=None),
    "twice a week is enough for a twice-a-week plan": Case([s(1), s(4)], [], per_week=2),
    "most severe first": Case(
        [s(1, 8, 8), s(20, fell=True)], [(FlagKind.FALL, URGENT), (FlagKind.PAIN_FLARE, URGENT),
                                        (FlagKind.MISSED_SESSIONS, WARNING)]
    ),
    "sessions after now do not count": Case([s(-1, 9, 9), s(-2), s(1)],
                                            [(FlagKind.MISSED_SESSIONS, WARNING)]),
}  # fmt: skip


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_flags(case: Case) -> None:
    flags = patient_flags(
        case.sessions,
        case.checkins,
        case.decisions,
        now=NOW,
        sessions_per_week=case.per_week,
        program_started_at=case.started_at,
        program_paused=case.paused,
        reviewed_at=case.reviewed_at,
    )
    assert [(f.kind, f.severity) for f in flags] == case.expected
    assert all(f.citation in SOURCES and f.text for f in flags)


def test_texts_name_what_happened() -> None:
    flags = patient_flags(
        [s(1, 2, 7), s(13), s(30, fell=True)],
        [],
        [],
        now=NOW,
        sessions_per_week=3,
        last_data_on=date(2026, 3, 19),
    )
    texts = {f.kind: f.text for f in flags}
    assert "Pain 7/10 after the session of 2026-03-19" in texts[FlagKind.PAIN_FLARE]
    assert "2026-02-18" in texts[FlagKind.FALL]
    assert texts[FlagKind.MISSED_SESSIONS].startswith("1 session in the last 8 days")


def test_no_data_text_counts_the_days_since_the_last_data() -> None:
    (flag,) = patient_flags(
        [], [], [], now=NOW, sessions_per_week=3, last_data_on=date(2026, 3, 10)
    )
    assert flag.kind is FlagKind.NO_DATA
    assert "for 10 days (last on 2026-03-10)" in flag.text


def test_the_urgent_pain_threshold_is_seven() -> None:
    assert URGENT_PAIN_NPRS == 7


def test_severity_values_are_the_contract_strings() -> None:
    assert [v.value for v in Severity] == ["urgent", "warning", "info"]
    assert Severity.URGENT == "urgent"


def test_severity_counts() -> None:
    flags = [
        Flag(FlagKind.FALL, Severity.URGENT, "x", "expert-opinion"),
        Flag(FlagKind.PAIN_FLARE, Severity.URGENT, "x", "expert-opinion"),
        Flag(FlagKind.NO_DATA, Severity.INFO, "x", "expert-opinion"),
    ]
    assert severity_counts(flags) == (2, 0, 1)


def test_an_unknown_citation_is_refused() -> None:
    with pytest.raises(KeyError):
        Flag(FlagKind.FALL, Severity.URGENT, "x", "no-such-source")


@pytest.mark.parametrize(
    ("now", "per_week", "field"),
    [(datetime(2026, 3, 20, 18, 0), 3, "now"), (NOW, 0, "sessions_per_week")],
)
def test_bad_input_names_the_field(now: datetime, per_week: int, field: str) -> None:
    with pytest.raises(InvalidInput) as info:
        patient_flags([], [], [], now=now, sessions_per_week=per_week)
    assert info.value.field == field


def test_an_unconfirmed_direction_is_a_warning_until_the_walker_answers() -> None:
    walked = [NOW - timedelta(days=40), NOW - timedelta(days=2)]
    flags = patient_flags([s(1)] * 3, [], [], now=NOW, sessions_per_week=3)
    assert FlagKind.DIRECTION_UNCONFIRMED not in [f.kind for f in flags]
    flags = patient_flags(
        [s(1)] * 3, [], [], now=NOW, sessions_per_week=3, unconfirmed_directions=walked
    )
    (flag,) = flags
    assert flag.kind is FlagKind.DIRECTION_UNCONFIRMED and flag.severity is Severity.WARNING
    assert "2 sessions" in flag.text and walked[1].date().isoformat() in flag.text
    assert "confirm" in flag.text
    # below an urgent flag: a fall still comes first
    fell = patient_flags(
        [s(1, fell=True)], [], [], now=NOW, sessions_per_week=1, unconfirmed_directions=walked
    )
    assert [f.kind for f in fell] == [FlagKind.FALL, FlagKind.DIRECTION_UNCONFIRMED]
