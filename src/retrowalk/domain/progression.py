"""Pain-guided progression: what the next session should be, and why.

The pain-monitoring model (thomee1997; RCT: silbernagel2007) with the zones of NEMEX-TJR
(nemex2010): pain 0-2 safe, over 2 to 5 acceptable, over 5 too much; pain back to usual by the
next morning; no rise week on week. Warning signs stop the program (evidence.md §6.4). The
decision follows what the walker actually did (the logged sessions), never the plan alone.

Rules, first match wins:

- ``stop`` (see a clinician; program paused): a fall, knee swelling, giving way or chest
  symptoms in the last session or the last check-in, or pain over 7 (expert-opinion threshold;
  over 5 is already too much, nemex2010).
- ``regress``: pain over 5 in the last session (nemex2010); next-morning pain above usual
  (thomee1997, silbernagel2007); mean pain up 1 point or more week on week (silbernagel2007;
  salaffi2004 for the size); a near-fall (back to a supported level, expert-opinion). One
  variable goes down one step: rails back on after a near-fall; else the variable raised most
  recently (when the history shows it); else duration (athletes: load, then incline). Never
  below a floor.
- ``hold``: the last session's pain not reported yet (an imported recording; the model is
  guided by reported pain, thomee1997); pain 3-5 (nemex2010); no next-morning check-in yet;
  the last session fell short of the target; fewer than ``sessions_at_level_before_progress``
  clean sessions at this level (expert-opinion); already at every ceiling. A session whose
  pain is not reported never counts at a level, so it never justifies a raise; what is known
  (a red flag, a reported pain, an unsettled next morning) still stops or regresses.
- ``progress``: exactly one variable goes up one step, in a goal-specific order: knee pain, knee
  OA, general fitness: duration to 10 min (alghadir2019), then speed; balance: duration, then
  hands-free (only without near-falls at this level), then speed; athletes: sled load
  (uthoff2021) or incline (cipriani1995), then duration, then speed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from retrowalk.domain.models import (
    Change,
    CheckIn,
    Decision,
    DecisionKind,
    Goal,
    LoggedSession,
    Modality,
    Reason,
    SessionTarget,
)
from retrowalk.domain.pain_zones import ZONES, PainZone, zone_for
from retrowalk.domain.progression_history import most_recently_raised
from retrowalk.domain.progression_ladder import (
    DURATION,
    INCLINE,
    LOAD,
    RAILS,
    SPEED,
    VARIABLES,
    ProgressionLimits,
    applicable,
    describe,
    name_of,
    step_down,
    step_up,
    value_of,
    with_value,
)
from retrowalk.domain.progression_rules import (
    RAILS_HOLD,
    History,
    hold_reasons,
    levels,
    progress_reasons,
    raise_reason,
    regress_reasons,
    stop_reasons,
)
from retrowalk.domain.progression_window import recent_is_enough
from retrowalk.errors import InvalidInput

__all__ = [
    "VARIABLES",
    "ZONES",
    "PainZone",
    "ProgressionLimits",
    "decide",
    "decide_recent",
    "preview",
    "progress_order",
    "zone_for",
]

_DEFAULT_LIMITS = ProgressionLimits()


def progress_order(goal: Goal, target: SessionTarget) -> tuple[str, ...]:
    """The variables progression raises for ``goal``, first one first (one per decision)."""
    if goal is Goal.ATHLETIC:
        order: list[str] = []
        if target.modality is Modality.SLED_DRAG:
            order.append(LOAD)
        if target.modality in (Modality.INCLINE, Modality.TREADMILL):
            order.append(INCLINE)
        order.append(DURATION)
        if target.modality is not Modality.SLED_DRAG:
            order.append(SPEED)
        return tuple(order)
    if goal is Goal.BALANCE:
        return (DURATION, RAILS, SPEED)
    return (DURATION, SPEED)


def _regress_order(goal: Goal) -> tuple[str, ...]:
    if goal is Goal.ATHLETIC:
        return (LOAD, INCLINE, DURATION, SPEED)
    return (DURATION, SPEED, INCLINE, LOAD)


def decide(
    current: SessionTarget,
    sessions: Sequence[LoggedSession],
    checkins: Sequence[CheckIn],
    *,
    goal: Goal,
    limits: ProgressionLimits = _DEFAULT_LIMITS,
    body_mass_kg: float | None = None,
) -> Decision:
    """Decide the next session from the current target and what was actually done.

    ``sessions`` and ``checkins`` are oldest first (they are sorted here again, stably).
    ``body_mass_kg`` lets sled sessions logged in kg be compared with a load target in % body
    mass; without it a lighter load than in the latest session does not count at this level.
    Raises ``InvalidInput`` naming the field for values out of range.
    """
    return _decide(_checked(current, sessions, checkins, goal, limits, body_mass_kg, ""))


def decide_recent(
    current: SessionTarget,
    recent_sessions: Sequence[LoggedSession],
    recent_checkins: Sequence[CheckIn],
    *,
    goal: Goal,
    limits: ProgressionLimits = _DEFAULT_LIMITS,
    body_mass_kg: float | None = None,
) -> Decision | None:
    """``decide`` on the recent end of a longer history, or None when it is not enough.

    ``recent_sessions`` are the walker's latest sessions (oldest first; not all of them: with
    every session, call ``decide``); ``recent_checkins`` every check-in dated after the earliest
    local day among them, plus those of the latest check-in day when it is older. The decision
    returned is the one ``decide`` takes on the whole history (``progression_window`` says why);
    None means the caller must read the whole history.
    """
    history = _checked(
        current, recent_sessions, recent_checkins, goal, limits, body_mass_kg, "recent_"
    )
    decision = _decide(history)
    return decision if recent_is_enough(history, decision) else None


def _checked(
    current: SessionTarget,
    sessions: Sequence[LoggedSession],
    checkins: Sequence[CheckIn],
    goal: Goal,
    limits: ProgressionLimits,
    body_mass_kg: float | None,
    prefix: str,
) -> History:
    """The history, once every value is in range (``InvalidInput`` names the field)."""
    _check_target(current)
    _check_body_mass(body_mass_kg)
    for index, session in enumerate(sessions):
        _check_session(session, f"{prefix}sessions[{index}]")
    for index, checkin in enumerate(checkins):
        _check_checkin(checkin, f"{prefix}checkins[{index}]")
    return History.build(current, sessions, checkins, goal, limits, body_mass_kg)


def _decide(history: History) -> Decision:
    stop = stop_reasons(history)
    if stop:
        return Decision(DecisionKind.STOP, stop, (), None)
    regress = regress_reasons(history)
    if regress:
        return _regress(history, regress)
    hold = hold_reasons(history)
    if hold:
        return Decision(DecisionKind.HOLD, hold, (), history.current)
    return _progress(history)


def preview(
    current: SessionTarget,
    sessions: Sequence[LoggedSession],
    checkins: Sequence[CheckIn],
    hypothetical: LoggedSession,
    *,
    goal: Goal,
    limits: ProgressionLimits = _DEFAULT_LIMITS,
    body_mass_kg: float | None = None,
) -> Decision:
    """The decision if ``hypothetical`` were logged next ("what if pain is 6?"); stores nothing.

    The hypothetical session has no next-morning check-in yet, so the best it can give is a
    hold; pain over 5 shows the regression, pain over 7 or a red flag the stop.
    """
    _check_session(hypothetical, "hypothetical")
    if sessions and _before(hypothetical, max(sessions, key=lambda s: s.performed_at)):
        raise InvalidInput(
            "hypothetical.performed_at",
            hypothetical.performed_at.isoformat(),
            "not before the last logged session",
        )
    return decide(
        current,
        [*sessions, hypothetical],
        checkins,
        goal=goal,
        limits=limits,
        body_mass_kg=body_mass_kg,
    )


def _regress(h: History, reasons: tuple[Reason, ...]) -> Decision:
    current = h.current
    near_fall = h.last is not None and h.last.near_falls
    candidates: list[tuple[str, str]] = []
    if near_fall:
        candidates += [(RAILS, "back to a supported level"), (SPEED, "slower after a near-fall")]
    raised = most_recently_raised(h.sessions, current, h.limits, h.body_mass_kg)
    if raised is not None and (raised != RAILS or near_fall):
        candidates.append((raised, "the variable raised most recently"))
    candidates += [
        (v, f"in this goal's order: {_order_text(h.goal)}") for v in _regress_order(h.goal)
    ]
    for variable, why in candidates:
        lowered = step_down(current, variable, h.limits)
        if lowered is None:
            continue
        change = Change(variable, value_of(current, variable), lowered)
        text = (
            f"Next session easier: {name_of(variable)} "
            f"{describe(variable, change.from_value)} -> {describe(variable, lowered)} ({why})."
        )
        citation = "expert-opinion" if variable == RAILS else "nemex2010"
        return Decision(
            DecisionKind.REGRESS,
            (*reasons, Reason(f"regress-{name_of(variable).replace(' ', '-')}", text, citation)),
            (change,),
            with_value(current, variable, lowered),
        )
    floor = Reason(
        "regress-at-floor",
        f"Already at the easiest level ({levels(current)}): keep to it or rest, and see a "
        "clinician if pain does not settle (expert opinion).",
        "expert-opinion",
    )
    return Decision(DecisionKind.REGRESS, (*reasons, floor), (), current)


def _order_text(goal: Goal) -> str:
    return ", then ".join(name_of(v) for v in _regress_order(goal))


# --- progress ---------------------------------------------------------------------------------


def _progress(h: History) -> Decision:
    current, limits = h.current, h.limits
    for variable in progress_order(h.goal, current):
        raised = step_up(current, variable, limits)
        if raised is None:
            continue
        if variable == RAILS and _near_fall_with_rails(h.sessions):
            return Decision(
                DecisionKind.HOLD,
                (
                    Reason(
                        RAILS_HOLD,
                        "Next step would be letting go of the rails, but a near-fall was "
                        "reported while using them: keep holding the rails (expert opinion).",
                        "expert-opinion",
                    ),
                ),
                (),
                current,
            )
        change = Change(variable, value_of(current, variable), raised)
        next_target = with_value(current, variable, raised)
        return Decision(
            DecisionKind.PROGRESS,
            (*progress_reasons(h), raise_reason(h, change)),
            (change,),
            next_target,
        )
    ceilings = "; ".join(
        f"{name_of(v)} {describe(v, value_of(current, v))}"
        for v in progress_order(h.goal, current)
        if applicable(current, v)
    )
    return Decision(
        DecisionKind.HOLD,
        (
            Reason(
                "hold-at-ceiling",
                f"Already at every ceiling for this goal ({ceilings}): keep this level; ask a "
                "clinician or coach before going further (expert opinion).",
                "expert-opinion",
            ),
        ),
        (),
        current,
    )


def _near_fall_with_rails(sessions: Sequence[LoggedSession]) -> bool:
    """A near-fall since the walker last went onto the rails (the current supported stretch)."""
    for session in reversed(sessions):
        if not session.rails:
            return False
        if session.near_falls:
            return True
    return False


# --- input checks -----------------------------------------------------------------------------


def _before(a: LoggedSession, b: LoggedSession) -> bool:
    try:
        return a.performed_at < b.performed_at
    except TypeError as exc:
        raise InvalidInput(
            "hypothetical.performed_at", "mixed", "all with a time zone or all without"
        ) from exc


def _check_number(
    field: str, value: Any, low: float, high: float, *, optional: bool = False
) -> None:
    if value is None and optional:
        return
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or not low <= value <= high:
        raise InvalidInput(field, value, f"a number from {low:g} to {high:g}")


def _check_pain(field: str, value: Any, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise InvalidInput(field, value, "a whole number from 0 to 10")


def _check_target(target: SessionTarget) -> None:
    _check_number("current.duration_s", target.duration_s, 1, 24 * 3600)
    _check_number("current.speed_m_s", target.speed_m_s, 0.01, 10, optional=True)
    _check_number("current.incline_pct", target.incline_pct, 0, 40)
    _check_number("current.load_pct_body_mass", target.load_pct_body_mass, 0, 200, optional=True)


def _check_session(session: LoggedSession, where: str) -> None:
    _check_number(f"{where}.duration_s", session.duration_s, 0, 24 * 3600)
    _check_pain(f"{where}.pain_during_nprs", session.pain_during_nprs, optional=True)
    _check_pain(f"{where}.pain_after_nprs", session.pain_after_nprs, optional=True)
    _check_number(f"{where}.speed_m_s", session.speed_m_s, 0, 10, optional=True)
    _check_number(f"{where}.incline_pct", session.incline_pct, -40, 40)
    _check_number(f"{where}.load_kg", session.load_kg, 0, 1000, optional=True)


def _check_checkin(checkin: CheckIn, where: str) -> None:
    _check_pain(f"{where}.pain_next_morning_nprs", checkin.pain_next_morning_nprs)
    _check_pain(f"{where}.usual_pain_nprs", checkin.usual_pain_nprs)


def _check_body_mass(body_mass_kg: float | None) -> None:
    _check_number("body_mass_kg", body_mass_kg, 20, 400, optional=True)
