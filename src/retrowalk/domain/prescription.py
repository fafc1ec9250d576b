"""Prescription: an N-week backward-walking program from the screening answers and verdict.

Doses by goal (evidence.md §1, §2.3, §4.3, §5; every number cited in ``Program.reasons``):

- knee pain / knee OA: 3 sessions a week, 5 min in week 1, +1 min a week to 10 min, then held
  (alghadir2019: 10 min, 3x/week, 6 weeks; the 5 -> 10 ramp is expert-opinion). Level only.
- balance: overground along a wall, 3 a week, 5 -> 10 min (wang2019; expert-opinion).
- general fitness: 3 a week, 10 -> 20 min in 2.5-min steps (expert-opinion), then 5 % incline on
  a treadmill or slope (chaloupka1997) when there is no knee pain (incline loads the knee more,
  cipriani1995, evidence.md §5.3).
- athletic knee strength: 2 a week (uthoff2021); a sled ladder from 20 % body mass, +5 % a week,
  at most 55 % (uthoff2021), or an incline ladder 0 -> 5 -> 10 % (cipriani1995), or a
  non-motorised treadmill after a supervised familiarisation week (evidence.md §5.2).

Speed: about half the forward pace (expert-opinion, §2.3/§6.2), below the walk-run transition
(hreljac2005). ``SessionTarget.rails`` means hand support: treadmill rails, or a wall within reach
overground. The plan never raises two variables from one week to the next. Every session
starts with a 3-5 min forward-walking warm-up (later sensor work calibrates on it).
"""

from __future__ import annotations

from dataclasses import replace

from retrowalk.domain import screening
from retrowalk.domain.doses import (
    DEFAULT_FORWARD_SPEED_M_S,
    DOSES,
    MAX_BACKWARD_SPEED_M_S,
    WALK_RUN_TRANSITION_M_S,
    backward_start_speed_m_s,
)
from retrowalk.domain.models import (
    Modality,
    PlannedSession,
    Program,
    Reason,
    ScreeningAnswers,
    ScreeningResult,
    Verdict,
)
from retrowalk.domain.safety_cues import CueContext, safety_cues, warmup
from retrowalk.domain.validation import Range
from retrowalk.errors import Forbidden, InvalidInput

__all__ = [
    "DEFAULT_FORWARD_SPEED_M_S",
    "MAX_BACKWARD_SPEED_M_S",
    "MAX_WEEKS",
    "MIN_WEEKS",
    "WALK_RUN_TRANSITION_M_S",
    "backward_start_speed_m_s",
    "prescribe",
]

MIN_WEEKS = 1
MAX_WEEKS = 26
WEEKS = Range(MIN_WEEKS, MAX_WEEKS, "weeks", integer=True)


def _check_weeks(weeks: int) -> None:
    if isinstance(weeks, bool) or not isinstance(weeks, int) or not MIN_WEEKS <= weeks <= MAX_WEEKS:
        raise InvalidInput("weeks", weeks, f"{MIN_WEEKS}-{MAX_WEEKS} weeks (whole number)")


def _unique(reasons: tuple[Reason, ...]) -> tuple[Reason, ...]:
    return tuple(dict.fromkeys(reasons))


def prescribe(answers: ScreeningAnswers, result: ScreeningResult, weeks: int = 6) -> Program:
    """Build a ``weeks``-week program, or raise ``Forbidden`` when a clinician must see first.

    The answers are screened again and the more restrictive of that verdict and
    ``result.verdict`` applies, so a stale or hand-made result can never unlock a plan.
    Raises ``InvalidInput`` for weeks outside 1-26 or answers out of range.
    """
    _check_weeks(weeks)
    own = screening.screen(answers)
    verdict = screening.most_restrictive(result.verdict, own.verdict)
    all_reasons = _unique(result.reasons + own.reasons)
    if verdict is Verdict.SEE_CLINICIAN:
        stop = [r.text for r in all_reasons if r.rule_id in screening.SEE_CLINICIAN_RULES]
        raise Forbidden(
            "No backward-walking program until a clinician has seen you. "
            + (" ".join(stop) or "Your screening asks you to see a clinician first.")
        )
    supervised = verdict is Verdict.SUPERVISED
    speed_m_s = backward_start_speed_m_s(answers.forward_speed_m_s)
    dose = DOSES[answers.goal](answers, weeks, speed_m_s)
    sessions = []
    for week, target in enumerate(dose.targets, start=1):
        if supervised and target.modality in (Modality.OVERGROUND, Modality.INCLINE):
            target = replace(target, rails=True)
        ctx = CueContext(
            answers=answers,
            supervised=supervised,
            familiarisation=week in dose.familiarisation_weeks,
        )
        cues = safety_cues(target, ctx)
        for day in range(1, dose.sessions_per_week + 1):
            sessions.append(PlannedSession(week, day, target, warmup(target), cues))
    reasons = list(dose.reasons)
    if supervised:
        reasons.append(
            Reason(
                "dose-supervised",
                "Your screening asks for supervised practice, so every session is planned with "
                "a helper beside you or a wall or rail within reach (expert opinion).",
                "expert-opinion",
            )
        )
    note = next((r for r in all_reasons if r.rule_id in screening.SQUATS_LUNGES_RULES), None)
    return Program(
        weeks=weeks,
        sessions_per_week=dose.sessions_per_week,
        sessions=tuple(sessions),
        reasons=tuple(reasons),
        squats_lunges_note=note,
    )
