"""Doses by goal: sessions per week and the target of each week, with cited reasons.

Used by ``prescription.prescribe`` (which adds the verdict, cues and warm-ups). Each builder takes
the screening answers, the number of weeks and the start speed (m/s) and returns a ``Dose``.
See the ``prescription`` module docstring for the evidence behind every number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from retrowalk.domain.models import (
    Equipment,
    Goal,
    Modality,
    Reason,
    ScreeningAnswers,
    SessionTarget,
)
from retrowalk.domain.units import format_speed, round_to_treadmill_step

DEFAULT_FORWARD_SPEED_M_S = 1.2
"""Assumed forward walking pace when the walker does not know theirs (expert-opinion)."""

START_FRACTION_OF_FORWARD = 0.5
"""Start backward at about half the forward pace (expert-opinion, evidence.md §2.3/§6.2)."""

WALK_RUN_TRANSITION_M_S = 1.63
"""Backward walking turns into running at 1.63 +/- 0.11 m/s in young adults (hreljac2005)."""

MAX_BACKWARD_SPEED_M_S = 1.6
"""Planned speeds stay below the walk-run transition (hreljac2005)."""

SLED_LOAD_START_PCT = 20.0
SLED_LOAD_MAX_PCT = 55.0
SLED_LOAD_STEP_PCT = 5.0
"""Sled load (% body mass): 20 % -> 55 % over 8 weeks in uthoff2021, i.e. +5 % a week."""

INCLINE_LADDER_PCT = (0.0, 5.0, 10.0)
"""Incline ladder of cipriani1995 (0, 5, 10 %), one step per third of the program."""

FITNESS_INCLINE_PCT = 5.0
"""Backward walking at 5 % grade may maintain cardiorespiratory fitness (chaloupka1997)."""


@dataclass(slots=True)
class Dose:
    """Sessions per week and one target per week, with the reasons for the dose."""

    sessions_per_week: int
    targets: list[SessionTarget]  # one per week
    reasons: list[Reason]
    familiarisation_weeks: frozenset[int] = field(default_factory=frozenset)


def backward_start_speed_m_s(forward_speed_m_s: float | None) -> float:
    """Half the forward pace (1.2 m/s assumed when unknown), capped below 1.63 m/s."""
    forward = DEFAULT_FORWARD_SPEED_M_S if forward_speed_m_s is None else forward_speed_m_s
    return min(START_FRACTION_OF_FORWARD * forward, MAX_BACKWARD_SPEED_M_S)


def _speed_for(modality: Modality, speed_m_s: float) -> float | None:
    if modality in (Modality.SLED_DRAG, Modality.NON_MOTORISED_TREADMILL):
        return None  # the walker drives the pace
    if modality is Modality.TREADMILL:
        return min(round_to_treadmill_step(speed_m_s), MAX_BACKWARD_SPEED_M_S)
    return round(speed_m_s, 2)


def _sled_load_pct(week: int) -> float:
    return _ramp(week, SLED_LOAD_START_PCT, SLED_LOAD_STEP_PCT, SLED_LOAD_MAX_PCT)


def _ramp(week: int, start: float, step: float, top: float) -> float:
    return min(start + step * (week - 1), top)


def _speed_reasons(a: ScreeningAnswers, speed_m_s: float, treadmill: bool) -> list[Reason]:
    shown = format_speed(speed_m_s, treadmill)
    if a.forward_speed_m_s is None:
        basis = (
            f"we assumed a forward pace of {DEFAULT_FORWARD_SPEED_M_S} m/s; tell us yours to "
            "tailor it"
        )
    else:
        basis = f"your forward pace is {a.forward_speed_m_s:g} m/s"
    return [
        Reason(
            "speed-half-forward",
            f"Start at about half your forward walking pace: {shown} ({basis}). Clinicians "
            "advise this for backward walking (expert opinion).",
            "expert-opinion",
        ),
        Reason(
            "speed-below-walk-run",
            "Backward walking turns into running at about 1.63 m/s (hreljac2005); the plan "
            f"stays below {MAX_BACKWARD_SPEED_M_S} m/s.",
            "hreljac2005",
        ),
    ]


def knee(a: ScreeningAnswers, weeks: int, speed_m_s: float) -> Dose:
    modality = Modality.TREADMILL if Equipment.TREADMILL in a.equipment else Modality.OVERGROUND
    speed = _speed_for(modality, speed_m_s)
    targets = [
        SessionTarget(
            modality=modality,
            duration_s=60.0 * _ramp(w, 5, 1, 10),
            speed_m_s=speed,
            rails=modality is Modality.TREADMILL,
        )
        for w in range(1, weeks + 1)
    ]
    reasons = [
        Reason(
            "dose-knee-trial",
            "Ten minutes of backward walking three times a week for 6 weeks eased pain and "
            "improved function in a knee trial (alghadir2019); the program builds up to it.",
            "alghadir2019",
        ),
        Reason(
            "dose-knee-ramp",
            "It starts at 5 minutes and adds 1 minute a week up to 10 minutes, a gentle "
            "build-up from the guidance retrowalk is built on (expert opinion, not a trial).",
            "expert-opinion",
        ),
        Reason(
            "dose-knee-level",
            "No incline: walking backward uphill bends the knee more under load (cipriani1995), "
            "which adds load to a painful knee.",
            "cipriani1995",
        ),
    ]
    if weeks > 6:
        reasons.append(
            Reason(
                "dose-knee-hold",
                "After week 6 the plan holds 10 minutes: the trial stopped at 6 weeks, and "
                "longer sessions should follow your pain reports (expert opinion).",
                "expert-opinion",
            )
        )
    if modality is Modality.TREADMILL:
        reasons.append(_treadmill_reason())
    return Dose(3, targets, reasons + _speed_reasons(a, speed_m_s, modality is Modality.TREADMILL))


def _treadmill_reason() -> Reason:
    return Reason(
        "modality-treadmill-rails",
        "You have a treadmill: walk backward on it holding the rails, as clinicians advise "
        "for a start (expert opinion).",
        "expert-opinion",
    )


def balance(a: ScreeningAnswers, weeks: int, speed_m_s: float) -> Dose:
    targets = [
        SessionTarget(
            modality=Modality.OVERGROUND,
            duration_s=60.0 * _ramp(w, 5, 1, 10),
            speed_m_s=_speed_for(Modality.OVERGROUND, speed_m_s),
            rails=True,
        )
        for w in range(1, weeks + 1)
    ]
    reasons = [
        Reason(
            "dose-balance-evidence",
            "Backward walking training improved balance in small trials, mostly of other "
            "groups (wang2019): promising, not proven.",
            "wang2019",
        ),
        Reason(
            "dose-balance-wall",
            "Walk along a wall or a hallway you can touch, 5 minutes building to 10, three "
            "times a week (expert opinion: clinicians' advice for a supported start).",
            "expert-opinion",
        ),
    ]
    return Dose(3, targets, reasons + _speed_reasons(a, speed_m_s, treadmill=False))


def fitness(a: ScreeningAnswers, weeks: int, speed_m_s: float) -> Dose:
    has_treadmill = Equipment.TREADMILL in a.equipment
    can_climb = (has_treadmill or Equipment.SLOPE in a.equipment) and a.knee_pain_nprs == 0
    level = Modality.TREADMILL if has_treadmill else Modality.OVERGROUND
    uphill = Modality.TREADMILL if has_treadmill else Modality.INCLINE
    plateau_week = 5  # 10 + 4 x 2.5 = 20 min
    targets = []
    for w in range(1, weeks + 1):
        incline = FITNESS_INCLINE_PCT if can_climb and w > plateau_week else 0.0
        modality = uphill if incline else level
        targets.append(
            SessionTarget(
                modality=modality,
                duration_s=60.0 * _ramp(w, 10, 2.5, 20),
                speed_m_s=_speed_for(modality, speed_m_s),
                incline_pct=incline,
                rails=modality is Modality.TREADMILL,
            )
        )
    reasons = [
        Reason(
            "dose-fitness-ramp",
            "Three sessions a week, 10 minutes building by 2.5 minutes a week to 20 (expert "
            "opinion: a common build-up for walking programs).",
            "expert-opinion",
        ),
    ]
    if can_climb:
        reasons.append(
            Reason(
                "dose-fitness-incline",
                "Once you reach 20 minutes, a 5 % incline is added: backward walking at 5 % "
                "grade may be enough to keep up cardio fitness (chaloupka1997).",
                "chaloupka1997",
            )
        )
    elif a.knee_pain_nprs > 0:
        reasons.append(
            Reason(
                "dose-fitness-level-with-knee-pain",
                "No incline while you have knee pain: walking backward uphill bends the knee "
                "more under load (cipriani1995).",
                "cipriani1995",
            )
        )
    if has_treadmill:
        reasons.append(_treadmill_reason())
    return Dose(3, targets, reasons + _speed_reasons(a, speed_m_s, has_treadmill))


def athletic(a: ScreeningAnswers, weeks: int, speed_m_s: float) -> Dose:
    frequency = Reason(
        "dose-athletic-frequency",
        "Two sessions a week, as in the backward sled-towing study (uthoff2021).",
        "uthoff2021",
    )
    if Equipment.SLED in a.equipment:
        targets = [
            SessionTarget(
                modality=Modality.SLED_DRAG,
                duration_s=600.0,
                speed_m_s=None,
                load_pct_body_mass=_sled_load_pct(w),
            )
            for w in range(1, weeks + 1)
        ]
        reasons = [
            frequency,
            Reason(
                "dose-sled-ladder",
                "Sled load starts at 20 % of body mass and rises by 5 % a week, never above "
                "55 % (uthoff2021: 20 -> 55 % over 8 weeks in 13-15-year-old athletes; it "
                "measured sprint and jump, not knee strength).",
                "uthoff2021",
            ),
            Reason(
                "dose-sled-time",
                "About 10 minutes of drags with rests between them; friction differs between "
                "sleds and surfaces, so if a load feels too heavy go by effort (expert "
                "opinion).",
                "expert-opinion",
            ),
        ]
        return Dose(2, targets, reasons)
    if Equipment.TREADMILL in a.equipment or Equipment.SLOPE in a.equipment:
        return _incline_ladder(a, weeks, speed_m_s, frequency)
    if Equipment.NON_MOTORISED_TREADMILL in a.equipment:
        targets = [
            SessionTarget(
                modality=Modality.NON_MOTORISED_TREADMILL,
                duration_s=300.0 if w == 1 else 600.0,
                speed_m_s=None,
                rails=True,
            )
            for w in range(1, weeks + 1)
        ]
        reasons = [
            frequency,
            Reason(
                "dose-nmt-familiarisation",
                "Week 1 is a supervised familiarisation of 5 minutes: a curved or "
                "non-motorised treadmill needs more coordination, and no study has tested "
                "backward walking on one (expert opinion). Then 10 minutes a session.",
                "expert-opinion",
            ),
        ]
        return Dose(2, targets, reasons, familiarisation_weeks=frozenset({1}))
    targets = [
        SessionTarget(
            modality=Modality.OVERGROUND,
            duration_s=60.0 * _ramp(w, 10, 2.5, 20),
            speed_m_s=_speed_for(Modality.OVERGROUND, speed_m_s),
        )
        for w in range(1, weeks + 1)
    ]
    reasons = [
        frequency,
        Reason(
            "dose-athletic-no-resistance",
            "Without a sled, treadmill or slope there is no resistance to add, so the plan "
            "builds time from 10 to 20 minutes (expert opinion).",
            "expert-opinion",
        ),
    ]
    return Dose(2, targets, reasons + _speed_reasons(a, speed_m_s, treadmill=False))


def _incline_ladder(a: ScreeningAnswers, weeks: int, speed_m_s: float, first: Reason) -> Dose:
    has_treadmill = Equipment.TREADMILL in a.equipment
    targets = []
    for w in range(1, weeks + 1):
        incline = INCLINE_LADDER_PCT[min(2, (w - 1) * 3 // weeks)]
        if has_treadmill:
            modality = Modality.TREADMILL
        else:
            modality = Modality.INCLINE if incline else Modality.OVERGROUND
        targets.append(
            SessionTarget(
                modality=modality,
                duration_s=600.0,
                speed_m_s=_speed_for(modality, speed_m_s),
                incline_pct=incline,
                rails=has_treadmill,
            )
        )
    reasons = [
        first,
        Reason(
            "dose-incline-ladder",
            "Incline rises 0 -> 5 -> 10 %, one step per third of the program: uphill "
            "backward walking bends the knee more and works every leg muscle harder "
            "(cipriani1995).",
            "cipriani1995",
        ),
        Reason(
            "dose-incline-time",
            "10 minutes a session, the dose of the knee trial (alghadir2019).",
            "alghadir2019",
        ),
    ]
    if has_treadmill:
        reasons.append(_treadmill_reason())
    return Dose(2, targets, reasons + _speed_reasons(a, speed_m_s, has_treadmill))


DOSES: dict[Goal, Callable[[ScreeningAnswers, int, float], Dose]] = {
    Goal.KNEE_PAIN: knee,
    Goal.KNEE_OA: knee,
    Goal.BALANCE: balance,
    Goal.FITNESS: fitness,
    Goal.ATHLETIC: athletic,
}
