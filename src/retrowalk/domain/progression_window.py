"""When the latest sessions are enough to take the decision the whole history would take.

A walker logging for a year has hundreds of sessions and check-ins, but a decision reads only
the recent end of them: the last session and its next-morning check-in, the trailing run of
clean sessions at the current level (``sessions_at_level_before_progress`` of them count), the
last two weeks' pain (silbernagel2007), the latest check-in day, and, for a regression or the
rails step, a look back to the last session that was not done as set. ``progression.decide_recent``
decides on a recent slice of the history; this module says whether that slice was provably
enough, so the answer is the one ``decide`` gives on everything (else the caller reads it all).

The slice is the walker's latest sessions (``window``) with every check-in dated after the
earliest local day among them (``cutoff``), plus the check-ins of the walker's latest check-in
day when that is older. Why each condition makes the slice exact:

- A check-in dated after ``cutoff`` belongs (``checkins_by_session``) to the latest session done
  before its day; one of the window's sessions is (the one on ``cutoff``), and the window's
  sessions are the latest, so the owner is the same as in the whole history. A session of the
  window dated after ``cutoff`` owns only such check-ins: its next morning is exact ("trusted").
- Pain week on week compares the 7 days ending on the latest day with the 7 before: every
  session and check-in of those 14 days must be in the slice. Sessions left out are earlier in
  time, so their local day is at most ``cutoff`` plus two days (time zones): the window must
  reach back ``TREND_DAYS + TZ_MARGIN_DAYS`` days before the latest day.
- The clean run at this level is scanned from the latest session back; it must end on a trusted
  session (a session not done as set, or not clean) or have reached the number that counts.
- "The variable raised most recently" and "a near-fall since going onto the rails" scan back to
  the first session not done as set (or not on the rails); they must find it in the window.
"""

from __future__ import annotations

from datetime import date, timedelta

from retrowalk.domain.models import Decision, DecisionKind, LoggedSession
from retrowalk.domain.progression_history import (
    checkins_by_session,
    clean,
    next_morning,
    shortfalls,
)
from retrowalk.domain.progression_ladder import RAILS
from retrowalk.domain.progression_rules import RAILS_HOLD, History

TREND_DAYS = 14
"""The two weeks compared for a week-on-week rise (``progression_history.weekly_rises``)."""
TZ_MARGIN_DAYS = 2
"""How much later an earlier session's local day can be (offsets from -12 to +14 hours)."""


def cutoff_day(window: tuple[LoggedSession, ...] | list[LoggedSession]) -> date:
    """The earliest local day among the window's sessions: the slice holds every check-in
    dated after it (and those of the latest check-in day)."""
    return min(session.performed_at.date() for session in window)


def recent_is_enough(h: History, decision: Decision) -> bool:
    """Whether ``decision``, taken on the slice ``h``, is the one the whole history gives."""
    window = h.sessions
    if len(window) < 2:
        return False
    cutoff = cutoff_day(window)
    days = [s.performed_at.date() for s in window] + [c.on for c in h.checkins]
    if cutoff > max(days) - timedelta(days=TREND_DAYS + TZ_MARGIN_DAYS):
        return False
    if not _clean_run_settled(h, cutoff):
        return False
    if decision.kind is DecisionKind.REGRESS and not any(_short(h, s) for s in window[:-1]):
        return False
    rails_checked = any(r.rule_id == RAILS_HOLD for r in decision.reasons) or any(
        change.variable == RAILS for change in decision.changes
    )
    return not (rails_checked and all(s.rails and not s.near_falls for s in window))


def _short(h: History, session: LoggedSession) -> bool:
    """Not done as set at the current target (``at_level_run``'s test, the same reference)."""
    reference = h.sessions[-1].load_kg
    return bool(
        shortfalls(
            session, h.current, h.limits, body_mass_kg=h.body_mass_kg, reference_load_kg=reference
        )
    )


def _clean_run_settled(h: History, cutoff: date) -> bool:
    """The clean run ends on a trusted session, or already has every session that counts."""
    window = h.sessions
    owned = checkins_by_session(window, h.checkins)
    needed = h.limits.sessions_at_level_before_progress
    for counted, index in enumerate(range(len(window) - 1, -1, -1)):
        if counted >= needed:
            return True
        session = window[index]
        if session.performed_at.date() <= cutoff:
            return False  # its next morning may lie outside the slice
        if _short(h, session) or not clean(session, next_morning(owned[index])):
            return True
    return False  # pragma: no cover - the window's earliest session is on the cutoff day
