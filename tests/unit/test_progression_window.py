"""Deciding on the recent end of a long history gives the whole history's decision, or None."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from hypothesis import event, given, settings
from hypothesis import strategies as st

from retrowalk.domain.models import (
    CheckIn,
    DecisionKind,
    Goal,
    LoggedSession,
    Modality,
    SessionTarget,
)
from retrowalk.domain.progression import ProgressionLimits, decide, decide_recent
from retrowalk.domain.progression_window import cutoff_day

LIMITS = ProgressionLimits()
START = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)
TARGET = SessionTarget(Modality.OVERGROUND, 420.0, 0.6, 0.0)
ZONES = [timezone(timedelta(hours=h)) for h in (0, 1, -5, 14, -12)]


def slice_of(
    sessions: list[LoggedSession], checkins: list[CheckIn], keep: int
) -> tuple[list[LoggedSession], list[CheckIn]]:
    """What the store hands ``decide_recent``: the latest ``keep`` sessions, the check-ins dated
    after the earliest local day among them, and those of the latest check-in day if older."""
    window = sorted(sessions, key=lambda s: s.performed_at)[-keep:]
    cutoff = cutoff_day(window)
    recent = [c for c in checkins if c.on > cutoff]
    if not recent and checkins:
        latest = max(c.on for c in checkins)
        recent = [c for c in checkins if c.on == latest]
    return window, sorted(recent, key=lambda c: c.on)


@st.composite
def long_histories(draw: st.DrawFn) -> tuple[SessionTarget, list[LoggedSession], list[CheckIn]]:
    """Weeks of sessions around a target: mostly done as set and clean, sometimes short, painful,
    on the rails or after a near-fall; next-morning check-ins most days; local time zones that
    sometimes change (travel), so local days can run out of order; breaks of one to three
    weeks; check-ins the same day, the next morning or a few days later."""
    target = SessionTarget(
        Modality.OVERGROUND,
        draw(st.sampled_from([300.0, 420.0, LIMITS.max_duration_s])),
        draw(st.sampled_from([None, 0.6, LIMITS.max_speed_m_s])),
        0.0,
        rails=draw(st.booleans()),
    )
    travel = draw(st.booleans())
    short = draw(st.sampled_from([0.0, 0.05, 0.3]))
    sore = draw(st.sampled_from([0.0, 0.1, 0.4]))
    hours = 0
    sessions: list[LoggedSession] = []
    checkins: dict[date, CheckIn] = {}
    for _ in range(draw(st.integers(2, 45))):
        hours += draw(st.integers(1, 80) | st.integers(150, 500))  # sometimes a break
        zone = draw(st.sampled_from(ZONES)) if travel else UTC
        at = (START + timedelta(hours=hours)).astimezone(zone)
        is_short = draw(st.floats(0, 1)) < short
        pain = draw(st.integers(3, 9)) if draw(st.floats(0, 1)) < sore else draw(st.integers(0, 2))
        sessions.append(
            LoggedSession(
                performed_at=at,
                modality=target.modality,
                duration_s=target.duration_s - (120.0 if is_short else 0.0),
                pain_during_nprs=pain,
                pain_after_nprs=draw(st.sampled_from([pain, 0, None])),
                speed_m_s=target.speed_m_s,
                rails=target.rails or draw(st.sampled_from([False] * 9 + [True])),
                near_falls=draw(st.sampled_from([False] * 14 + [True])),
                fell=draw(st.sampled_from([False] * 40 + [True])),
            )
        )
        if draw(st.floats(0, 1)) < 0.8:
            day = at.date() + timedelta(days=draw(st.sampled_from([0, 1, 1, 1, 2, 3])))
            usual = draw(st.integers(0, 2))
            checkins[day] = CheckIn(
                day,
                draw(st.sampled_from([usual, usual, usual, usual + 2])),
                usual,
                swelling=draw(st.sampled_from([False] * 30 + [True])),
            )
    return target, sessions, sorted(checkins.values(), key=lambda c: c.on)


@settings(max_examples=400, deadline=None)
@given(long_histories(), st.sampled_from(list(Goal)), st.integers(2, 30))
def test_recent_decision_is_the_whole_history_decision_or_none(
    history: tuple[SessionTarget, list[LoggedSession], list[CheckIn]], goal: Goal, keep: int
) -> None:
    target, sessions, checkins = history
    whole = decide(target, sessions, checkins, goal=goal)
    window, recent = slice_of(sessions, checkins, keep)
    found = decide_recent(target, window, recent, goal=goal)
    event("decided on the slice" if found is not None else "whole history needed")
    if found is not None:
        assert found == whole


def steady_history(weeks: int) -> tuple[list[LoggedSession], list[CheckIn]]:
    """Three clean sessions a week at the target, each checked in the next morning."""
    sessions, checkins = [], []
    for week in range(weeks):
        for day in (0, 2, 4):
            at = START + timedelta(weeks=week, days=day)
            sessions.append(LoggedSession(at, Modality.OVERGROUND, 420.0, 1, 1, speed_m_s=0.6))
            checkins.append(CheckIn(at.date() + timedelta(days=1), 1, 1))
    return sessions, checkins


def test_a_steady_year_is_decided_on_its_last_21_sessions() -> None:
    sessions, checkins = steady_history(52)
    window, recent = slice_of(sessions, checkins, 21)
    found = decide_recent(TARGET, window, recent, goal=Goal.KNEE_PAIN)
    assert found is not None
    assert found == decide(TARGET, sessions, checkins, goal=Goal.KNEE_PAIN)
    assert found.kind is DecisionKind.PROGRESS


def test_a_slice_shorter_than_two_weeks_and_margin_is_not_enough() -> None:
    sessions, checkins = steady_history(8)
    window, recent = slice_of(sessions, checkins, 6)  # two weeks: the trend needs 16 days
    assert decide_recent(TARGET, window, recent, goal=Goal.KNEE_PAIN) is None
    window, recent = slice_of(sessions, checkins, 8)
    assert decide_recent(TARGET, window, recent, goal=Goal.KNEE_PAIN) is not None


def test_a_regression_after_a_long_stretch_at_target_needs_the_whole_history() -> None:
    """Which variable was raised most recently lies before the slice: None, not a guess."""
    sessions, checkins = steady_history(12)
    painful = LoggedSession(
        sessions[-1].performed_at + timedelta(days=2), Modality.OVERGROUND, 420.0, 6, 6, 0.6
    )
    sessions.append(painful)
    window, recent = slice_of(sessions, checkins, 21)
    assert decide(TARGET, sessions, checkins, goal=Goal.KNEE_PAIN).kind is DecisionKind.REGRESS
    assert decide_recent(TARGET, window, recent, goal=Goal.KNEE_PAIN) is None


def test_a_slice_with_a_session_not_done_as_set_decides_a_regression() -> None:
    sessions, checkins = steady_history(12)
    sessions[-10] = LoggedSession(
        sessions[-10].performed_at, Modality.OVERGROUND, 360.0, 1, 1, speed_m_s=0.6
    )
    sessions.append(
        LoggedSession(
            sessions[-1].performed_at + timedelta(days=2), Modality.OVERGROUND, 420.0, 6, 6, 0.6
        )
    )
    window, recent = slice_of(sessions, checkins, 21)
    found = decide_recent(TARGET, window, recent, goal=Goal.KNEE_PAIN)
    assert found is not None and found.kind is DecisionKind.REGRESS
    assert found == decide(TARGET, sessions, checkins, goal=Goal.KNEE_PAIN)
