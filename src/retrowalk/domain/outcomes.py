"""Outcome tests: 3-metre backward walk, Timed Up and Go, NPRS change and KOOS-12.

Each score comes with its interpretation as reasons citing the evidence base (evidence.md §3).
Interpretations are screening flags and change thresholds, never a diagnosis.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any, TypeVar

from retrowalk.domain.models import OutcomeKind, OutcomeResult, Reason, StartMethod
from retrowalk.errors import InvalidInput

_EPS = 1e-9
_E = TypeVar("_E", bound=StrEnum)
NOT_A_DIAGNOSIS = "a screening flag, not a diagnosis"


class BackwardWalkPopulation(StrEnum):
    """Who took the 3-metre backward walk test; cut-offs are population-specific (§3.1)."""

    COMMUNITY_OLDER_ADULTS = "community-older-adults"
    PARKINSON = "parkinson"
    NURSING_HOME = "nursing-home"


# --- 3-metre backward walk test ---------------------------------------------------------------

BWT_MIN_S, BWT_MAX_S = 0.5, 120.0
CARTER_LOW_RISK_S = 3.0
"""At or under: low fall risk, community-dwelling older adults (carter2019)."""
CARTER_HIGH_RISK_S = 4.5
"""At or over: high fall risk, community-dwelling older adults (carter2019)."""
POLOFERRERO_CUTOFF_S = 5.5
"""Second reference cut-off, community older adults (poloferrero2025)."""
PARKINSON_CUTOFF_S = 4.2
"""Cut-off in Parkinson disease (carter2020)."""
NURSING_HOME_PROSPECTIVE_S = 8.15
"""At or over: future falls, nursing-home residents (kapan2025)."""
NURSING_HOME_RETROSPECTIVE_S = 9.31
"""At or over: past falls, nursing-home residents (kapan2025)."""


def score_3mbwt(
    time_s: float, start: StartMethod, population: BackwardWalkPopulation
) -> OutcomeResult:
    """Interpret a 3-metre backward walk time against the population's cut-offs.

    The cut-offs were derived with a static start, heels on the start line (carter2019); a
    flying start is recorded but no cut-off is applied to it. Raises ``InvalidInput`` for a
    time outside 0.5-120 s or an unknown start method or population.
    """
    time_s = _number("time_s", time_s, BWT_MIN_S, BWT_MAX_S)
    start = _enum("start", start, StartMethod)
    population = _enum("population", population, BackwardWalkPopulation)
    t = f"{time_s:g} s"
    reasons: list[Reason] = []
    if start is StartMethod.FLYING:
        reasons.append(
            Reason(
                "3mbwt-flying-start",
                f"{t} recorded with a flying start. The published cut-offs were derived with a "
                "static start (heels on the start line), so they cannot be applied; repeat "
                "with a static start to compare.",
                "carter2019",
            )
        )
    elif population is BackwardWalkPopulation.COMMUNITY_OLDER_ADULTS:
        reasons.extend(_community(time_s, t))
    elif population is BackwardWalkPopulation.PARKINSON:
        over = time_s >= PARKINSON_CUTOFF_S - _EPS
        reasons.append(
            Reason(
                "3mbwt-parkinson-over" if over else "3mbwt-parkinson-under",
                f"{t} is {'at or over' if over else 'under'} {PARKINSON_CUTOFF_S:g} s, the "
                "fall cut-off in Parkinson disease (modest accuracy, AUC 0.70)"
                + (": practise backward walking supervised only" if over else "")
                + f"; {NOT_A_DIAGNOSIS}.",
                "carter2020",
            )
        )
    else:
        reasons.extend(_nursing_home(time_s, t))
    if population is BackwardWalkPopulation.COMMUNITY_OLDER_ADULTS:
        reasons.append(
            Reason(
                "3mbwt-reliability",
                "The test repeats well in community-dwelling older adults (test-retest ICC 0.94).",
                "ozden2021",
            )
        )
    return OutcomeResult(OutcomeKind.BACKWARD_WALK_3M, time_s, "s", tuple(reasons))


def _community(time_s: float, t: str) -> list[Reason]:
    if time_s <= CARTER_LOW_RISK_S + _EPS:
        rule, text = "3mbwt-low-risk", f"at or under {CARTER_LOW_RISK_S:g} s: low fall risk"
    elif time_s >= CARTER_HIGH_RISK_S - _EPS:
        rule, text = (
            "3mbwt-high-risk",
            f"at or over {CARTER_HIGH_RISK_S:g} s: high fall risk; practise backward walking "
            "supervised or with support",
        )
    else:
        rule, text = (
            "3mbwt-between-cut-offs",
            f"between {CARTER_LOW_RISK_S:g} s (low) and {CARTER_HIGH_RISK_S:g} s (high fall "
            "risk): no clear flag either way",
        )
    over = time_s >= POLOFERRERO_CUTOFF_S - _EPS
    return [
        Reason(
            rule,
            f"{t} is {text} in community-dwelling older adults; {NOT_A_DIAGNOSIS}.",
            "carter2019",
        ),
        Reason(
            "3mbwt-poloferrero-over" if over else "3mbwt-poloferrero-under",
            f"{t} is {'at or over' if over else 'under'} {POLOFERRERO_CUTOFF_S:g} s, the "
            "cut-off of a second study in older adults (sensitivity 60 %, specificity 69 %).",
            "poloferrero2025",
        ),
    ]


def _nursing_home(time_s: float, t: str) -> list[Reason]:
    if time_s >= NURSING_HOME_RETROSPECTIVE_S - _EPS:
        rule, text = (
            "3mbwt-nursing-home-over-both",
            f"at or over {NURSING_HOME_RETROSPECTIVE_S:g} s (linked with past falls) and "
            f"{NURSING_HOME_PROSPECTIVE_S:g} s (linked with falls in the following months)",
        )
    elif time_s >= NURSING_HOME_PROSPECTIVE_S - _EPS:
        rule, text = (
            "3mbwt-nursing-home-over-prospective",
            f"at or over {NURSING_HOME_PROSPECTIVE_S:g} s (linked with falls in the following "
            f"months) but under {NURSING_HOME_RETROSPECTIVE_S:g} s (past falls)",
        )
    else:
        rule, text = (
            "3mbwt-nursing-home-under",
            f"under {NURSING_HOME_PROSPECTIVE_S:g} s, the lower nursing-home cut-off",
        )
    advice = "" if rule.endswith("under") else "; practise backward walking supervised only"
    return [
        Reason(
            rule,
            f"{t} is {text} in nursing-home residents{advice}; {NOT_A_DIAGNOSIS}.",
            "kapan2025",
        )
    ]


# --- Timed Up and Go --------------------------------------------------------------------------

TUG_MIN_S, TUG_MAX_S = 1.0, 300.0
TUG_FALLS_CUTOFF_S = 13.5
"""At or over: associated with falls; do not use alone (barry2014)."""
TUG_MDC_S = 1.10
"""Smallest real change (minimal detectable change) in knee OA (tug2015)."""


def score_tug(time_s: float, previous_s: float | None = None) -> OutcomeResult:
    """Interpret a Timed Up and Go time and, with ``previous_s``, its change.

    Raises ``InvalidInput`` for times outside 1-300 s.
    """
    time_s = _number("time_s", time_s, TUG_MIN_S, TUG_MAX_S)
    if previous_s is not None:
        previous_s = _number("previous_s", previous_s, TUG_MIN_S, TUG_MAX_S)
    t = f"{time_s:g} s"
    if time_s >= TUG_FALLS_CUTOFF_S - _EPS:
        cutoff = Reason(
            "tug-over-cutoff",
            f"{t} is at or over {TUG_FALLS_CUTOFF_S:g} s, which is associated with falls in "
            "older adults; the test misses many fallers (sensitivity 31 %, specificity 74 %), "
            f"so do not use it alone; {NOT_A_DIAGNOSIS}.",
            "barry2014",
        )
    else:
        cutoff = Reason(
            "tug-under-cutoff",
            f"{t} is under {TUG_FALLS_CUTOFF_S:g} s; a time under the cut-off does not rule out "
            "fall risk (the test is better at ruling in than out; do not use it alone).",
            "barry2014",
        )
    reasons = [cutoff]
    if previous_s is not None:
        change = round(time_s - previous_s, 6)
        if change == 0:
            size = f"the same time as the previous {previous_s:g} s"
        else:
            direction = "faster" if change < 0 else "slower"
            size = f"{abs(change):.2f} s {direction} than the previous {previous_s:g} s"
        if abs(change) >= TUG_MDC_S - _EPS:
            reasons.append(
                Reason(
                    "tug-real-change",
                    f"{size}: at least the smallest real change of {TUG_MDC_S:.2f} s "
                    "(measured in knee OA).",
                    "tug2015",
                )
            )
        else:
            reasons.append(
                Reason(
                    "tug-within-error",
                    f"{size}: under the smallest real change of {TUG_MDC_S:.2f} s (knee OA), "
                    "so within measurement error.",
                    "tug2015",
                )
            )
    return OutcomeResult(OutcomeKind.TUG, time_s, "s", tuple(reasons))


# --- NPRS change ------------------------------------------------------------------------------

NPRS_MINIMAL_POINTS, NPRS_MINIMAL_PCT = 1, 15.0
"""Minimal change: 1 point or 15 % (salaffi2004)."""
NPRS_IMPORTANT_POINTS, NPRS_IMPORTANT_PCT = 2, 30.0
"""Clinically important change: 2 points or 30 % (farrar2001)."""


def nprs_change(baseline_nprs: int, current_nprs: int) -> OutcomeResult:
    """Pain change from baseline (negative = better) against the minimal and important change.

    Thresholds were derived for improvement; a worsening of the same size is reported with the
    same yardstick so it is noticed. Raises ``InvalidInput`` for values other than 0-10.
    """
    _pain("baseline_nprs", baseline_nprs)
    _pain("current_nprs", current_nprs)
    change = current_nprs - baseline_nprs
    points = abs(change)
    pct = points / baseline_nprs * 100.0 if baseline_nprs else None
    size = f"{points} point{'s' if points != 1 else ''}"
    if pct is not None:
        size += f" ({pct:.0f} %)"
    important = points >= NPRS_IMPORTANT_POINTS or (
        pct is not None and pct >= NPRS_IMPORTANT_PCT - _EPS
    )
    minimal = points >= NPRS_MINIMAL_POINTS or (pct is not None and pct >= NPRS_MINIMAL_PCT - _EPS)
    span = f"from {baseline_nprs}/10 to {current_nprs}/10"
    if change == 0:
        reason = Reason(
            "nprs-no-change",
            f"Pain unchanged at {current_nprs}/10; a minimal change is 1 point or 15 %.",
            "salaffi2004",
        )
    elif change < 0 and important:
        reason = Reason(
            "nprs-important-improvement",
            f"Pain down {size}, {span}: a clinically important improvement (2 points or 30 %).",
            "farrar2001",
        )
    elif change < 0:
        reason = Reason(
            "nprs-minimal-improvement",
            f"Pain down {size}, {span}: a minimal improvement (1 point or 15 %), under the "
            "clinically important 2 points or 30 %.",
            "salaffi2004",
        )
    elif important:
        reason = Reason(
            "nprs-important-worsening",
            f"Pain up {size}, {span}: as large as a clinically important change (2 points or "
            "30 %); tell your clinician.",
            "farrar2001",
        )
    else:
        assert minimal
        reason = Reason(
            "nprs-minimal-worsening",
            f"Pain up {size}, {span}: a minimal change (1 point or 15 %).",
            "salaffi2004",
        )
    return OutcomeResult(OutcomeKind.NPRS, float(change), "points", (reason,))


# --- KOOS-12 ----------------------------------------------------------------------------------

KOOS12_ITEMS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "pain": ("pain_frequency", "pain_walking", "pain_stairs", "pain_sitting_lying"),
        "function": (
            "function_rising_sitting",
            "function_standing",
            "function_car",
            "function_twisting",
        ),
        "qol": ("qol_awareness", "qol_lifestyle", "qol_confidence", "qol_difficulty"),
    }
)
"""KOOS-12 item ids per scale (koos12); items score 0 (none) to 4 (extreme)."""
KOOS12_MIN_ANSWERED = 2
"""A scale is scored when at least 2 of its 4 items are answered (koos12)."""
_ALL_ITEMS = frozenset(item for items in KOOS12_ITEMS.values() for item in items)


@dataclass(frozen=True, slots=True)
class Koos12Score:
    """KOOS-12 scale scores, 0 = worst, 100 = best; None when a scale has too few answers."""

    pain: float | None
    function: float | None
    qol: float | None
    summary: float | None
    reasons: tuple[Reason, ...]


def score_koos12(answers: Mapping[str, int | None]) -> Koos12Score:
    """Score KOOS-12 answers (item id -> 0-4, or None / absent when not answered).

    Each scale needs at least 2 answered items; a missing item is filled with the person's mean
    of the answered items of that scale, then ``score = 100 - mean * 25``. The Summary Knee
    Impact score is the mean of the three scales, given only when all three are scored (koos12).
    Raises ``InvalidInput`` naming the item for an unknown item id or a value outside 0-4.
    """
    for item, value in answers.items():
        if item not in _ALL_ITEMS:
            raise InvalidInput(item, value, "a KOOS-12 item id: " + ", ".join(sorted(_ALL_ITEMS)))
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 4
        ):
            raise InvalidInput(item, value, "a whole number from 0 (none) to 4 (extreme)")
    scores: dict[str, float | None] = {}
    reasons: list[Reason] = []
    for scale, items in KOOS12_ITEMS.items():
        answered = [v for v in (answers.get(item) for item in items) if v is not None]
        if len(answered) < KOOS12_MIN_ANSWERED:
            scores[scale] = None
            reasons.append(
                Reason(
                    f"koos12-{scale}-not-scored",
                    f"{scale.upper() if scale == 'qol' else scale.capitalize()}: "
                    f"{len(answered)} of {len(items)} items answered; at least "
                    f"{KOOS12_MIN_ANSWERED} are needed, so this scale is not scored.",
                    "koos12",
                )
            )
            continue
        mean = sum(answered) / len(answered)
        score = 100.0 - mean * 25.0
        scores[scale] = score
        filled = len(items) - len(answered)
        note = (
            f"; {filled} missing item{'s' if filled != 1 else ''} filled with the mean of the "
            "answered ones"
            if filled
            else ""
        )
        reasons.append(
            Reason(
                f"koos12-{scale}-scored",
                f"{scale.upper() if scale == 'qol' else scale.capitalize()}: {score:.1f} "
                f"(0 worst, 100 best) from {len(answered)} of {len(items)} items{note}.",
                "koos12",
            )
        )
    pain, function, qol = scores["pain"], scores["function"], scores["qol"]
    summary = None
    if pain is not None and function is not None and qol is not None:
        summary = (pain + function + qol) / 3.0
        reasons.append(
            Reason(
                "koos12-summary",
                f"Summary Knee Impact {summary:.1f}: the mean of Pain, Function and QOL.",
                "koos12",
            )
        )
    else:
        reasons.append(
            Reason(
                "koos12-summary-not-scored",
                "No Summary Knee Impact score: it needs all three scales scored.",
                "koos12",
            )
        )
    return Koos12Score(pain, function, qol, summary, tuple(reasons))


# --- input checks -----------------------------------------------------------------------------


def _number(field: str, value: Any, low: float, high: float) -> float:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or not low <= value <= high:
        raise InvalidInput(field, value, f"a number of seconds from {low:g} to {high:g}")
    return float(value)


def _pain(field: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise InvalidInput(field, value, "a whole number from 0 to 10")


def _enum(field: str, value: Any, kind: type[_E]) -> _E:
    try:
        return kind(value)
    except ValueError as exc:
        allowed = ", ".join(member.value for member in kind)
        raise InvalidInput(field, value, allowed) from exc
