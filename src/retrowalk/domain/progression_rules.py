"""The rules of pain-guided progression, each giving its reasons (rule id, text, citation).

``progression.decide`` asks them in order (stop, regress, hold, progress) and turns the first
that fires into a decision; see its module docstring for the model and the sources. Each rule
returns plain-language reasons with the numbers involved and an evidence key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from retrowalk.domain.models import Change, CheckIn, Goal, LoggedSession, Reason, SessionTarget
from retrowalk.domain.pain_zones import ACCEPTABLE_MAX_NPRS, SAFE_MAX_NPRS, URGENT_ABOVE_NPRS
from retrowalk.domain.progression_history import (
    at_level_run,
    checkins_by_session,
    clean,
    duration_threshold_text,
    next_morning,
    pain_reported,
    session_pain,
    settled,
    shortfalls,
    weekly_rises,
)
from retrowalk.domain.progression_ladder import (
    DURATION,
    INCLINE,
    LOAD,
    RAILS,
    SPEED,
    ProgressionLimits,
    describe,
    name_of,
    value_of,
)
from retrowalk.errors import InvalidInput

RAILS_HOLD = "hold-rails-near-fall"
"""The rule that keeps the rails after a near-fall on them (``progression._progress``); the
recent-window check (``progression_window``) looks for it too."""


@dataclass(frozen=True, slots=True)
class History:
    """The logged history, sorted and read against the current target."""

    current: SessionTarget
    sessions: tuple[LoggedSession, ...]
    checkins: tuple[CheckIn, ...]
    goal: Goal
    limits: ProgressionLimits
    body_mass_kg: float | None
    last: LoggedSession | None
    last_checkins: tuple[CheckIn, ...]
    morning: CheckIn | None
    clean_run: tuple[LoggedSession, ...]

    @classmethod
    def build(
        cls,
        current: SessionTarget,
        sessions: Sequence[LoggedSession],
        checkins: Sequence[CheckIn],
        goal: Goal,
        limits: ProgressionLimits,
        body_mass_kg: float | None,
    ) -> History:
        try:
            ordered = tuple(sorted(sessions, key=lambda s: s.performed_at))
        except TypeError as exc:
            raise InvalidInput(
                "sessions.performed_at", "mixed", "all with a time zone or all without"
            ) from exc
        ordered_checkins = tuple(sorted(checkins, key=lambda c: c.on))
        owned = checkins_by_session(ordered, ordered_checkins)
        run = at_level_run(ordered, current, limits, body_mass_kg)
        first_in_run = len(ordered) - len(run)
        clean_run: list[LoggedSession] = []
        for index in range(len(ordered) - 1, first_in_run - 1, -1):
            if not clean(ordered[index], next_morning(owned[index])):
                break
            clean_run.append(ordered[index])
        last_owned = tuple(owned[-1]) if ordered else ()
        return cls(
            current=current,
            sessions=ordered,
            checkins=ordered_checkins,
            goal=goal,
            limits=limits,
            body_mass_kg=body_mass_kg,
            last=ordered[-1] if ordered else None,
            last_checkins=last_owned,
            morning=next_morning(last_owned),
            clean_run=tuple(reversed(clean_run)),
        )


# --- stop -------------------------------------------------------------------------------------


def stop_reasons(h: History) -> tuple[Reason, ...]:
    reasons: list[Reason] = []
    pause = "The program is paused: see a clinician before the next session."
    if h.last is not None:
        when = f"in the last session ({h.last.performed_at.date().isoformat()})"
        flags = (
            (h.last.fell, "stop-fall", "a fall"),
            (h.last.swelling, "stop-swelling", "knee swelling"),
            (h.last.giving_way, "stop-giving-way", "the knee giving way"),
        )
        for fired, rule_id, what in flags:
            if fired:
                reasons.append(
                    Reason(rule_id, f"You reported {what} {when}. {pause}", "expert-opinion")
                )
        if h.last.chest_symptoms:
            reasons.append(
                Reason(
                    "stop-chest-symptoms",
                    f"You reported chest pain, dizziness or heart symptoms {when}. {pause} "
                    "If symptoms do not settle with rest, call emergency services.",
                    "expert-opinion",
                )
            )
        worst = session_pain(h.last)
        if worst is not None and worst > URGENT_ABOVE_NPRS:
            reasons.extend(_severe_pain(f"Pain {when} reached {worst}/10", pause))
    # The check-ins about the last session and those of the latest check-in day.
    seen: list[CheckIn] = list(h.last_checkins)
    latest_day = h.checkins[-1].on if h.checkins else None
    seen += [c for c in h.checkins if c.on == latest_day and c not in seen]
    for checkin in seen:
        when = f"in the check-in of {checkin.on.isoformat()}"
        if checkin.swelling:
            reasons.append(
                Reason(
                    "stop-swelling", f"You reported knee swelling {when}. {pause}", "expert-opinion"
                )
            )
        if checkin.giving_way:
            reasons.append(
                Reason(
                    "stop-giving-way",
                    f"You reported the knee giving way {when}. {pause}",
                    "expert-opinion",
                )
            )
        if checkin.pain_next_morning_nprs > URGENT_ABOVE_NPRS:
            reasons.extend(
                _severe_pain(
                    f"Next-morning pain {when} was {checkin.pain_next_morning_nprs}/10", pause
                )
            )
    return tuple(reasons)


def _pain_text(pain_nprs: int | None) -> str:
    return "not reported" if pain_nprs is None else f"{pain_nprs}/10"


def _severe_pain(what: str, pause: str) -> tuple[Reason, Reason]:
    return (
        Reason(
            "stop-severe-pain",
            f"{what}: over {URGENT_ABOVE_NPRS} is urgent (threshold: expert opinion). {pause}",
            "expert-opinion",
        ),
        Reason(
            "stop-severe-pain",
            f"Pain over {ACCEPTABLE_MAX_NPRS}/10 is already the high-risk zone of the "
            "pain-monitoring model.",
            "nemex2010",
        ),
    )


# --- regress ----------------------------------------------------------------------------------


def regress_reasons(h: History) -> tuple[Reason, ...]:
    last = h.last
    if last is None:
        return ()
    reasons: list[Reason] = []
    worst = session_pain(last)
    if worst is not None and worst > ACCEPTABLE_MAX_NPRS:
        reasons.append(
            Reason(
                "regress-pain-too-much",
                f"Pain during the last session was {_pain_text(last.pain_during_nprs)} and "
                f"after it {_pain_text(last.pain_after_nprs)}: over {ACCEPTABLE_MAX_NPRS} is "
                "too much.",
                "nemex2010",
            )
        )
    if h.morning is not None and not settled(h.morning):
        reasons.append(
            Reason(
                "regress-not-settled",
                f"Next-morning pain on {h.morning.on.isoformat()} was "
                f"{h.morning.pain_next_morning_nprs}/10, above your usual "
                f"{h.morning.usual_pain_nprs}/10: pain must be back to usual by the next morning.",
                "silbernagel2007",
            )
        )
    for rise in weekly_rises(h.sessions, h.checkins, h.limits):
        reasons.append(
            Reason(
                "regress-weekly-rise",
                f"Mean {rise.what} rose from {rise.previous_mean:.1f} to {rise.last_mean:.1f}/10 "
                f"week on week (a rise counts from {h.limits.weekly_rise_nprs:g} point): pain must "
                "not increase from week to week.",
                "silbernagel2007",
            )
        )
    if last.near_falls:
        reasons.append(
            Reason(
                "regress-near-fall",
                "You reported a near-fall or a loss of balance in the last session: back to a "
                "supported level (expert opinion).",
                "expert-opinion",
            )
        )
    return tuple(reasons)


# --- hold -------------------------------------------------------------------------------------


def hold_reasons(h: History) -> tuple[Reason, ...]:
    last = h.last
    limits = h.limits
    if last is None:
        return (
            Reason(
                "hold-no-sessions",
                "No session logged yet: do the first session as set (expert opinion).",
                "expert-opinion",
            ),
        )
    reasons: list[Reason] = []
    if not pain_reported(last):
        reasons.append(
            Reason(
                "hold-pain-not-reported",
                f"Pain not reported yet for the session of {last.performed_at.date().isoformat()}"
                ": add it with `retrowalk pain`. Progression is guided by the pain during and "
                "after each session, so the next step waits for it.",
                "thomee1997",
            )
        )
    worst = session_pain(last)
    if worst is not None and worst > SAFE_MAX_NPRS:
        reasons.append(
            Reason(
                "hold-acceptable-pain",
                f"Pain in the last session reached {worst}/10: acceptable "
                f"({SAFE_MAX_NPRS + 1}-{ACCEPTABLE_MAX_NPRS}), so stay at this level.",
                "nemex2010",
            )
        )
    if h.morning is None:
        reasons.append(
            Reason(
                "hold-no-checkin",
                "No next-morning check-in after the last session yet: pain must be confirmed "
                "back to usual before moving on.",
                "thomee1997",
            )
        )
    reasons.extend(_shortfall_reasons(h, last))
    needed = limits.sessions_at_level_before_progress
    done = len(h.clean_run)
    if done < needed:
        reasons.append(
            Reason(
                "hold-sessions-at-level",
                f"{done} of {needed} sessions needed at this level ({levels(h.current)}) done "
                "in a row in the safe zone (pain 0-2, settled next morning, no near-fall); "
                f"{needed} sessions (a week) per level is expert opinion.",
                "expert-opinion",
            )
        )
    return tuple(reasons)


def _shortfall_reasons(h: History, last: LoggedSession) -> list[Reason]:
    reference = last.load_kg
    found = shortfalls(
        last, h.current, h.limits, body_mass_kg=h.body_mass_kg, reference_load_kg=reference
    )
    reasons: list[Reason] = []
    others: list[str] = []
    for shortfall in found:
        if shortfall.variable == DURATION:
            reasons.append(
                Reason(
                    "hold-fell-short",
                    f"The last session lasted {describe(DURATION, last.duration_s)} of the "
                    f"{describe(DURATION, h.current.duration_s)} target; it counts from "
                    f"{duration_threshold_text(h.current.duration_s, h.limits)}. Progression "
                    "follows what was done (expert opinion).",
                    "expert-opinion",
                )
            )
        elif shortfall.variable == "modality":
            others.append(f"{shortfall.done} instead of {shortfall.target}")
        elif shortfall.variable == LOAD:
            others.append(f"a lighter sled load ({shortfall.done} kg)")
        else:
            others.append(
                f"{describe(shortfall.variable, shortfall.done)} instead of "
                f"{describe(shortfall.variable, shortfall.target)}"
            )
    if others:
        reasons.append(
            Reason(
                "hold-not-at-target",
                "The last session was not done as set: " + "; ".join(others) + ". Progression "
                "follows what was done (expert opinion).",
                "expert-opinion",
            )
        )
    return reasons


def progress_reasons(h: History) -> tuple[Reason, ...]:
    needed = h.limits.sessions_at_level_before_progress
    counted = h.clean_run[-needed:]
    pains = ", ".join(f"{session_pain(s)}" for s in counted)
    morning = h.morning
    assert morning is not None
    return (
        Reason(
            "progress-safe-zone",
            f"The last {len(counted)} sessions at this level ({levels(h.current)}) had pain of "
            f"at most {SAFE_MAX_NPRS}/10 (safe zone): {pains}.",
            "nemex2010",
        ),
        Reason(
            "progress-settled",
            f"Next-morning pain {morning.pain_next_morning_nprs}/10 was back to usual "
            f"({morning.usual_pain_nprs}/10), and pain did not rise week on week.",
            "silbernagel2007",
        ),
        Reason(
            "progress-sessions-at-level",
            f"{needed} sessions (a week) at a level before a step up is expert opinion.",
            "expert-opinion",
        ),
    )


def raise_reason(h: History, change: Change) -> Reason:
    variable, limits = change.variable, h.limits
    step = f"{describe(variable, change.from_value)} -> {describe(variable, change.to_value)}"
    if variable == DURATION:
        citation = "expert-opinion" if h.goal is Goal.ATHLETIC else "alghadir2019"
        text = (
            f"Duration goes up one step: {step}, up to {describe(DURATION, limits.max_duration_s)} "
            "(10 minutes is the knee OA trial dose; the 1-minute steps are expert opinion)."
        )
    elif variable == SPEED:
        citation = "hreljac2005"
        text = (
            f"Speed goes up one step: {step}, at most {describe(SPEED, limits.max_speed_m_s)}, "
            "below the backward walk-run transition at 1.63 m/s (margin: expert opinion)."
        )
    elif variable == INCLINE:
        citation = "cipriani1995"
        steps = ", ".join(f"{s:g}" for s in limits.incline_steps_pct)
        text = f"Incline goes up one step: {step} (steps {steps} %)."
    elif variable == LOAD:
        citation = "uthoff2021"
        text = (
            f"Sled load goes up one step: {step} (ladder {limits.min_load_pct_body_mass:g} -> "
            f"{limits.max_load_pct_body_mass:g} % body mass)."
        )
    else:
        citation = "expert-opinion"
        text = (
            "Let go of the rails: walk hands-free at the same speed, with someone beside you "
            "the first time and the safety key clipped on (a supervised step, expert opinion)."
        )
    return Reason(f"progress-{name_of(variable).replace(' ', '-')}", text, citation)


def levels(target: SessionTarget) -> str:
    parts = [describe(DURATION, target.duration_s)]
    for variable in (SPEED, INCLINE, LOAD):
        value = value_of(target, variable)
        if value is not None and (variable != INCLINE or value):
            parts.append(describe(variable, value))
    if target.rails:
        parts.append(describe(RAILS, True))
    return ", ".join(parts)
