"""What the logged history says: sessions against the target, check-ins per session, trends.

Progression follows what the walker actually did, never the plan alone (product.md). This
module compares logged sessions with the current target, pairs next-morning check-ins with the
session they are about, and computes the week-on-week pain trend (silbernagel2007). Pure
functions over value objects; the rules that use them are in ``progression``.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

from retrowalk.domain.models import CheckIn, LoggedSession, SessionTarget
from retrowalk.domain.pain_zones import SAFE_MAX_NPRS
from retrowalk.domain.progression_ladder import (
    DURATION,
    EPS,
    INCLINE,
    LOAD,
    RAILS,
    SPEED,
    ProgressionLimits,
)

MODALITY = "modality"
LOAD_KG_TOLERANCE = 0.25
"""Loads in kg closer than this are the same load (a quarter-kilo plate is the smallest)."""


@dataclass(frozen=True, slots=True)
class Shortfall:
    """One way a logged session did less than the target (or something else than the target)."""

    variable: str
    done: float | bool | str | None
    target: float | bool | str | None


def session_pain(session: LoggedSession) -> int | None:
    """The higher of pain during and pain after the session (both are monitored, nemex2010).

    Only reported values count; None when neither is reported yet.
    """
    known = [p for p in (session.pain_during_nprs, session.pain_after_nprs) if p is not None]
    return max(known) if known else None


def pain_reported(session: LoggedSession) -> bool:
    """Whether the walker reported both pain during and pain after the session.

    Progression is guided by the pain the walker reports (thomee1997): until both are in, the
    session cannot show that the load was safe.
    """
    return session.pain_during_nprs is not None and session.pain_after_nprs is not None


def duration_counts(duration_s: float, target_s: float, limits: ProgressionLimits) -> bool:
    """Whether a session of ``duration_s`` counts as done at a target of ``target_s``.

    It must reach ``done_fraction_of_duration`` (90 %) of the target (expert-opinion) and, when
    the target has a rung below it, last longer than that rung: otherwise a session of the
    previous level would count at the new one.
    """
    if duration_s < limits.done_fraction_of_duration * target_s - EPS:
        return False
    rung_below = target_s - limits.duration_step_s
    return not (rung_below >= limits.min_duration_s - EPS and duration_s <= rung_below + EPS)


def duration_threshold_text(target_s: float, limits: ProgressionLimits) -> str:
    """How long a session must last to count, in words (for reasons)."""
    share = limits.done_fraction_of_duration * target_s
    rung_below = target_s - limits.duration_step_s
    if rung_below >= limits.min_duration_s - EPS and rung_below >= share - EPS:
        return f"more than the previous step of {_minutes(rung_below)} min"
    percent = round(limits.done_fraction_of_duration * 100)
    return f"at least {percent} % of it ({_minutes(share)} min)"


def load_pct(session: LoggedSession, body_mass_kg: float | None) -> float | None:
    if session.load_kg is None or body_mass_kg is None:
        return None
    return session.load_kg / body_mass_kg * 100.0


def shortfalls(
    session: LoggedSession,
    target: SessionTarget,
    limits: ProgressionLimits,
    *,
    body_mass_kg: float | None,
    reference_load_kg: float | None,
) -> tuple[Shortfall, ...]:
    """Every way ``session`` fell short of ``target``; empty when it was done as set.

    Doing more than the target (longer, faster, steeper, hands-free) still counts as done.
    Unknown values (no speed measured, no load logged) are not held against the walker. Without
    the walker's body mass a load in kg cannot be compared with a target in % body mass; then
    a session counts only when its load was not lighter than ``reference_load_kg`` (the load
    of the latest session).
    """
    found: list[Shortfall] = []
    if session.modality != target.modality:
        found.append(Shortfall(MODALITY, session.modality.value, target.modality.value))
    if not duration_counts(session.duration_s, target.duration_s, limits):
        found.append(Shortfall(DURATION, session.duration_s, target.duration_s))
    if (
        target.speed_m_s is not None
        and session.speed_m_s is not None
        and session.speed_m_s < target.speed_m_s - limits.speed_step_m_s / 2 - EPS
    ):
        found.append(Shortfall(SPEED, session.speed_m_s, target.speed_m_s))
    if session.incline_pct < target.incline_pct - limits.incline_tolerance_pct - EPS:
        found.append(Shortfall(INCLINE, session.incline_pct, target.incline_pct))
    if target.load_pct_body_mass is not None and session.load_kg is not None:
        pct = load_pct(session, body_mass_kg)
        if pct is not None:
            lighter = pct < target.load_pct_body_mass - limits.load_step_pct_body_mass / 2 - EPS
        else:
            lighter = (
                reference_load_kg is not None
                and session.load_kg < reference_load_kg - LOAD_KG_TOLERANCE
            )
        if lighter:
            found.append(Shortfall(LOAD, session.load_kg, target.load_pct_body_mass))
    if session.rails and not target.rails:
        found.append(Shortfall(RAILS, True, False))
    return tuple(found)


def at_level_run(
    sessions: Sequence[LoggedSession],
    target: SessionTarget,
    limits: ProgressionLimits,
    body_mass_kg: float | None,
) -> tuple[LoggedSession, ...]:
    """The latest sessions done at the current target, oldest first (a trailing run)."""
    reference = sessions[-1].load_kg if sessions else None
    run: list[LoggedSession] = []
    for session in reversed(sessions):
        if shortfalls(
            session, target, limits, body_mass_kg=body_mass_kg, reference_load_kg=reference
        ):
            break
        run.append(session)
    return tuple(reversed(run))


def checkins_by_session(
    sessions: Sequence[LoggedSession], checkins: Sequence[CheckIn]
) -> list[list[CheckIn]]:
    """The check-ins about each session, oldest first.

    A check-in on day D is about the latest session done before day D (a next-morning check-in).
    When no session was done before day D it is about the latest session done on day D, so a
    walker who logs and checks in on the same day is not left waiting.
    """
    days = [session.performed_at.date() for session in sessions]
    owned: list[list[CheckIn]] = [[] for _ in sessions]
    in_order = all(a <= b for a, b in pairwise(days))
    for checkin in checkins:
        owner = _owner_sorted(days, checkin.on) if in_order else _owner_scan(days, checkin.on)
        if owner is not None:
            owned[owner].append(checkin)
    return owned


def _owner_sorted(days: list[date], on: date) -> int | None:
    """``_owner_scan`` for days in order (the usual case: one time zone), by bisection."""
    before = bisect_left(days, on)
    if before:
        return before - 1
    same = bisect_right(days, on)
    return same - 1 if same else None


def _owner_scan(days: list[date], on: date) -> int | None:
    """The latest session (in the given order) done before day ``on``, else the latest done on
    it: sessions logged in several time zones can have local days out of order."""
    before = [i for i, day in enumerate(days) if day < on]
    same = [i for i, day in enumerate(days) if day == on]
    return before[-1] if before else (same[-1] if same else None)


def next_morning(owned: Sequence[CheckIn]) -> CheckIn | None:
    """The first check-in about a session (the next morning); on a tie, the latest entry."""
    if not owned:
        return None
    first_day = min(checkin.on for checkin in owned)
    return [checkin for checkin in owned if checkin.on == first_day][-1]


def settled(checkin: CheckIn) -> bool:
    """Pain next morning back to (or below) usual pain (thomee1997, silbernagel2007)."""
    return checkin.pain_next_morning_nprs <= checkin.usual_pain_nprs


def clean(session: LoggedSession, morning: CheckIn | None) -> bool:
    """A session in the safe zone, without a near-fall, and (if checked in) settled next day.

    A session whose pain is not reported yet is never clean: it never counts at a level.
    """
    worst = session_pain(session)
    return (
        pain_reported(session)
        and worst is not None
        and worst <= SAFE_MAX_NPRS
        and not session.near_falls
        and (morning is None or settled(morning))
    )


@dataclass(frozen=True, slots=True)
class WeeklyRise:
    """Mean pain of the last 7 days against the 7 days before, for one kind of rating."""

    what: str
    previous_mean: float
    last_mean: float


def weekly_rises(
    sessions: Sequence[LoggedSession], checkins: Sequence[CheckIn], limits: ProgressionLimits
) -> tuple[WeeklyRise, ...]:
    """Week-on-week rises of session pain and of next-morning pain (silbernagel2007).

    The last 7 days end on the latest day with a session or a check-in. A rise counts when the
    mean went up by at least ``limits.weekly_rise_nprs``; both weeks need ratings. Pain not
    reported yet is left out (it is no rating).
    """
    days = [session.performed_at.date() for session in sessions] + [c.on for c in checkins]
    if not days:
        return ()
    end = max(days)
    series: tuple[tuple[str, list[tuple[date, int]]], ...] = (
        (
            "pain during sessions",
            [
                (s.performed_at.date(), s.pain_during_nprs)
                for s in sessions
                if s.pain_during_nprs is not None
            ],
        ),
        ("next-morning pain", [(c.on, c.pain_next_morning_nprs) for c in checkins]),
    )
    rises: list[WeeklyRise] = []
    for what, ratings in series:
        last = [pain for day, pain in ratings if end - timedelta(days=7) < day <= end]
        previous = [
            pain
            for day, pain in ratings
            if end - timedelta(days=14) < day <= end - timedelta(days=7)
        ]
        if not last or not previous:
            continue
        last_mean = sum(last) / len(last)
        previous_mean = sum(previous) / len(previous)
        if last_mean - previous_mean >= limits.weekly_rise_nprs - EPS:
            rises.append(WeeklyRise(what, previous_mean, last_mean))
    return tuple(rises)


def most_recently_raised(
    sessions: Sequence[LoggedSession],
    target: SessionTarget,
    limits: ProgressionLimits,
    body_mass_kg: float | None,
) -> str | None:
    """The variable the current target raised last, when the history shows it; else None.

    Looks back from the session before the latest one (the latest may itself have been cut
    short by pain) for the first session not done at the current target. If it fell short on
    exactly one variable, that variable was raised since.
    """
    reference = sessions[-1].load_kg if sessions else None
    for session in reversed(sessions[:-1]):
        found = shortfalls(
            session, target, limits, body_mass_kg=body_mass_kg, reference_load_kg=reference
        )
        if not found:
            continue
        variables = {shortfall.variable for shortfall in found}
        if len(variables) == 1 and MODALITY not in variables:
            return variables.pop()
        return None
    return None


def _minutes(seconds: float) -> str:
    text = f"{seconds / 60:.2f}".rstrip("0").rstrip(".")
    return text
