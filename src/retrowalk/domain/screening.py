"""Screening: may this walker start backward walking alone, with supervision, or not yet?

``screen`` runs every rule in ``RULES``; each rule is a small function that returns a
``Finding`` (a ``Reason`` with its rule id, plain-language text and citation key, plus the
verdict it asks for) or ``None``. The verdict is the most restrictive one asked for, in the order
see-clinician > supervised > alternative > suitable; the result lists every rule that fired.

Never a diagnosis: the texts repeat what the walker reported and refer them to a clinician;
test cut-offs are screening flags (evidence.md §3.1, §6.1).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Final

from retrowalk.domain.models import (
    Equipment,
    Goal,
    Place,
    Reason,
    ScreeningAnswers,
    ScreeningResult,
    StartMethod,
    Verdict,
)
from retrowalk.domain.validation import Range
from retrowalk.errors import InvalidInput

RANGES: Mapping[str, Range] = MappingProxyType(
    {
        "knee_pain_nprs": Range(0, 10, "points (0 = no pain, 10 = worst imaginable)", True),
        "falls_last_12_months": Range(0, 100, "falls", integer=True),
        "age_years": Range(10, 110, "years", integer=True),
        "body_mass_kg": Range(25, 300, "kg"),
        "backward_walk_3m_s": Range(0.5, 120, "s"),
        "forward_speed_m_s": Range(0.2, 2.5, "m/s"),
    }
)
"""field -> allowed range for every numeric answer; the CLI shows these in prompts."""

#: The forward walking speed as people type it (km/h).
FORWARD_SPEED_KMH = Range(
    round(RANGES["forward_speed_m_s"].low * 3.6, 1),
    round(RANGES["forward_speed_m_s"].high * 3.6, 1),
    "km/h",
)

_YES_NO_FIELDS = (
    "pain_with_squats_lunges",
    "balance_or_neuro_condition",
    "recent_knee_injury_without_clearance",
    "knee_swelling_or_giving_way",
    "heart_symptoms_on_exertion",
    "companion_available",
)

PRECEDENCE: tuple[Verdict, ...] = (
    Verdict.SEE_CLINICIAN,
    Verdict.SUPERVISED,
    Verdict.ALTERNATIVE,
    Verdict.SUITABLE,
)

SEVERE_PAIN_NPRS = 8
"""Knee pain now at or above this sends the walker to a clinician first (expert-opinion)."""

CUTOFF_3MBWT_STATIC_S = 4.5
"""3-metre backward walk, static start, community-dwelling older adults: >= 4.5 s high fall
risk (carter2019)."""

CUTOFF_3MBWT_NEURO_S = 4.2
"""3-metre backward walk cut-off in Parkinson disease (carter2020), used when a balance or
neurological condition is declared."""

SUGGEST_3MBWT_FROM_AGE = 65
"""From this age a missing 3-metre backward walk test is suggested (carter2019 population)."""


class RuleId:
    """Stable ids (plain strings) of the screening rules and benefit reasons, used in JSON."""

    HEART_SYMPTOMS: Final = "heart-symptoms-on-exertion"
    RECENT_KNEE_INJURY: Final = "recent-knee-injury-without-clearance"
    SWELLING_OR_GIVING_WAY: Final = "knee-swelling-or-giving-way"
    SEVERE_KNEE_PAIN: Final = "severe-knee-pain-now"
    FALLS: Final = "falls-last-12-months"
    BALANCE_OR_NEURO: Final = "balance-or-neuro-condition"
    BACKWARD_WALK_3M_SLOW: Final = "backward-walk-3m-at-or-over-cutoff"
    BACKWARD_WALK_3M_FLYING: Final = "backward-walk-3m-flying-start"
    SUGGEST_3MBWT: Final = "suggest-backward-walk-3m-test"
    SQUATS_LUNGES_ALTERNATIVE: Final = "squats-lunges-equally-effective"
    SQUATS_LUNGES_NOTE: Final = "squats-lunges-also-an-option"
    BENEFIT_KNEE_UNLOADING: Final = "benefit-front-of-knee-unloaded"
    BENEFIT_QUADRICEPS: Final = "benefit-quadriceps-work"
    BENEFIT_BALANCE: Final = "benefit-balance-promising"
    BENEFIT_CARDIO: Final = "benefit-cardio"


SEE_CLINICIAN_RULES = frozenset(
    {
        RuleId.HEART_SYMPTOMS,
        RuleId.RECENT_KNEE_INJURY,
        RuleId.SWELLING_OR_GIVING_WAY,
        RuleId.SEVERE_KNEE_PAIN,
    }
)
SQUATS_LUNGES_RULES = frozenset({RuleId.SQUATS_LUNGES_ALTERNATIVE, RuleId.SQUATS_LUNGES_NOTE})


@dataclass(frozen=True, slots=True)
class Finding:
    """A rule that fired: why, and the verdict it asks for (``None``: information only)."""

    reason: Reason
    verdict: Verdict | None


Rule = Callable[[ScreeningAnswers], Finding | None]


# --- validation -------------------------------------------------------------------------------


def allowed_text(field: str) -> str:
    """The allowed range of a numeric field as shown to people."""
    return RANGES[field].describe()


def _check_number(field: str, value: Any) -> None:
    allowed = RANGES[field]
    if allowed.integer and not isinstance(value, int):
        raise InvalidInput(field, value, allowed.describe())
    allowed.check(field, value)


def _check_enum(field: str, value: Any, enum: type[StrEnum]) -> None:
    if not isinstance(value, enum):
        raise InvalidInput(field, value, ", ".join(member.value for member in enum))


def validate(answers: ScreeningAnswers) -> None:
    """Raise ``InvalidInput`` naming the first answer that is out of range or of the wrong kind.

    A 3-metre backward walk time needs its start method: static and flying-start cut-offs must
    not be mixed (evidence.md §3.1, carter2019).
    """
    _check_enum("goal", answers.goal, Goal)
    _check_enum("place", answers.place, Place)
    if not isinstance(answers.equipment, frozenset):
        raise InvalidInput("equipment", answers.equipment, "a set of equipment values")
    for item in sorted(answers.equipment, key=str):
        _check_enum("equipment", item, Equipment)
    for field in ("knee_pain_nprs", "falls_last_12_months", "age_years", "body_mass_kg"):
        _check_number(field, getattr(answers, field))
    for field in _YES_NO_FIELDS:
        if not isinstance(getattr(answers, field), bool):
            raise InvalidInput(field, getattr(answers, field), "yes or no (true/false)")
    if answers.backward_walk_3m_start is not None:
        _check_enum("backward_walk_3m_start", answers.backward_walk_3m_start, StartMethod)
    if answers.backward_walk_3m_s is not None:
        _check_number("backward_walk_3m_s", answers.backward_walk_3m_s)
        if answers.backward_walk_3m_start is None:
            raise InvalidInput(
                "backward_walk_3m_start",
                None,
                "static or flying (required with a 3-metre backward walk time)",
            )
    if answers.forward_speed_m_s is not None:
        _check_number("forward_speed_m_s", answers.forward_speed_m_s)


# --- rules ------------------------------------------------------------------------------------


def heart_symptoms(a: ScreeningAnswers) -> Finding | None:
    """Heart symptoms on exertion: see a clinician first (evidence.md §6.1, §6.4; flynn1994)."""
    if not a.heart_symptoms_on_exertion:
        return None
    text = (
        "You reported chest pain, dizziness or other heart symptoms when you exert yourself. "
        "Backward walking is harder work for the heart and lungs than forward walking (at "
        "4 mph it took young men to 60 % of their peak oxygen uptake, flynn1994). Please see "
        "a clinician before you start, and stop any exercise that brings these symptoms on."
    )
    return Finding(Reason(RuleId.HEART_SYMPTOMS, text, "flynn1994"), Verdict.SEE_CLINICIAN)


def recent_knee_injury(a: ScreeningAnswers) -> Finding | None:
    """Trials excluded recent injury/surgery/injection; clearance first (expert-opinion, §6.1)."""
    if not a.recent_knee_injury_without_clearance:
        return None
    text = (
        "You reported a recent knee injury, operation or injection that a clinician has not "
        "yet cleared for exercise. Backward-walking trials left out people in this situation, "
        "so please get a clinician's clearance first (our rule, derived from those trial "
        "exclusions: expert opinion)."
    )
    return Finding(Reason(RuleId.RECENT_KNEE_INJURY, text, "expert-opinion"), Verdict.SEE_CLINICIAN)


def swelling_or_giving_way(a: ScreeningAnswers) -> Finding | None:
    """Swelling or giving way: a clinician looks first (expert-opinion, §6.1 effusion)."""
    if not a.knee_swelling_or_giving_way:
        return None
    text = (
        "You reported knee swelling or the knee giving way. Please have a clinician look at "
        "the knee before you start (expert opinion; trials left out people with a swollen or "
        "inflamed knee)."
    )
    return Finding(
        Reason(RuleId.SWELLING_OR_GIVING_WAY, text, "expert-opinion"), Verdict.SEE_CLINICIAN
    )


def severe_knee_pain(a: ScreeningAnswers) -> Finding | None:
    """NPRS >= 8 now: clinician first. Pain > 5 is high risk (nemex2010); 8 is expert-opinion."""
    if a.knee_pain_nprs < SEVERE_PAIN_NPRS:
        return None
    text = (
        f"Your knee pain now is {a.knee_pain_nprs}/10. In the pain-monitoring model pain over "
        "5/10 during exercise is already the high-risk zone (nemex2010); at 8/10 or more "
        "before starting we ask you to see a clinician first (the 8/10 threshold is expert "
        "opinion)."
    )
    return Finding(Reason(RuleId.SEVERE_KNEE_PAIN, text, "expert-opinion"), Verdict.SEE_CLINICIAN)


def falls(a: ScreeningAnswers) -> Finding | None:
    """Any fall in the last 12 months: supervised practice (fritz2013, evidence.md §6.1)."""
    if a.falls_last_12_months < 1:
        return None
    count = "1 fall" if a.falls_last_12_months == 1 else f"{a.falls_last_12_months} falls"
    text = (
        f"You reported {count} in the last 12 months. People who have fallen walk backward "
        "more slowly (every older faller in one study was below 0.6 m/s, fritz2013), so start "
        "with a helper beside you or a wall within reach."
    )
    return Finding(Reason(RuleId.FALLS, text, "fritz2013"), Verdict.SUPERVISED)


def balance_or_neuro(a: ScreeningAnswers) -> Finding | None:
    """Balance or neurological condition: supervised practice only (hackney2009, §6.1)."""
    if not a.balance_or_neuro_condition:
        return None
    text = (
        "You reported a balance or neurological condition. Backward walking can be much "
        "harder with some neurological conditions (hackney2009), so practise at first only "
        "with a helper or a therapist beside you."
    )
    return Finding(Reason(RuleId.BALANCE_OR_NEURO, text, "hackney2009"), Verdict.SUPERVISED)


def backward_walk_3m_slow(a: ScreeningAnswers) -> Finding | None:
    """Static-start 3MBWT at or over the cut-off: supervised (carter2019; carter2020 if neuro)."""
    time_s = a.backward_walk_3m_s
    if time_s is None or a.backward_walk_3m_start is not StartMethod.STATIC:
        return None
    if a.balance_or_neuro_condition:
        cutoff_s, key = CUTOFF_3MBWT_NEURO_S, "carter2020"
        group = "people with Parkinson disease, the closest studied group to yours"
    else:
        cutoff_s, key = CUTOFF_3MBWT_STATIC_S, "carter2019"
        group = "community-dwelling older adults"
    if time_s < cutoff_s:
        return None
    text = (
        f"Your 3-metre backward walk took {time_s:g} s from a static start. {cutoff_s:g} s or "
        f"more is the time linked with falls in {group} ({key}). It is a screening flag, not "
        "a diagnosis: practise with support at first."
    )
    return Finding(Reason(RuleId.BACKWARD_WALK_3M_SLOW, text, key), Verdict.SUPERVISED)


def backward_walk_3m_flying(a: ScreeningAnswers) -> Finding | None:
    """A flying-start time cannot be judged against static-start cut-offs (carter2019, §3.1)."""
    if a.backward_walk_3m_s is None or a.backward_walk_3m_start is not StartMethod.FLYING:
        return None
    text = (
        f"Your 3-metre backward walk ({a.backward_walk_3m_s:g} s) used a flying start. The "
        "published cut-offs (such as 4.5 s, carter2019) come from a static start and must not "
        "be mixed, so this time does not change the verdict. Repeat the test from a static "
        "start (heels on the line) to compare it."
    )
    return Finding(Reason(RuleId.BACKWARD_WALK_3M_FLYING, text, "carter2019"), None)


def suggest_backward_walk_3m(a: ScreeningAnswers) -> Finding | None:
    """Age >= 65 and no 3MBWT: suggest the test; no verdict change (carter2019, laufer2005)."""
    if a.age_years < SUGGEST_3MBWT_FROM_AGE or a.backward_walk_3m_s is not None:
        return None
    text = (
        "At 65 or over, consider a 3-metre backward walk test first: timed from a static "
        "start, with someone beside you. 4.5 s or more suggests practising with support "
        "(carter2019). This is a suggestion, not a requirement."
    )
    return Finding(Reason(RuleId.SUGGEST_3MBWT, text, "carter2019"), None)


def squats_lunges_alternative(a: ScreeningAnswers) -> Finding | None:
    """Athletic goal, no knee pain, painless squats/lunges: honest alternative (expert-opinion)."""
    if a.goal is not Goal.ATHLETIC or a.knee_pain_nprs != 0 or a.pain_with_squats_lunges:
        return None
    text = (
        "Your goal is knee strength and your knees take squats and lunges without pain. "
        "Squats and lunges are just as effective for that, so do them; backward walking can "
        "sit beside them (sled, incline or treadmill work). This comes from the guidance "
        "retrowalk is built on: expert opinion, not a trial comparison."
    )
    return Finding(
        Reason(RuleId.SQUATS_LUNGES_ALTERNATIVE, text, "expert-opinion"), Verdict.ALTERNATIVE
    )


def squats_lunges_note(a: ScreeningAnswers) -> Finding | None:
    """Knee pain/OA goal with painless squats/lunges: say they are an option (expert-opinion)."""
    if a.goal not in (Goal.KNEE_PAIN, Goal.KNEE_OA) or a.pain_with_squats_lunges:
        return None
    text = (
        "Squats and lunges do not hurt your knees, and they are just as effective as backward "
        "walking for the knee, so you can do them instead of or beside this program. This "
        "comes from the guidance retrowalk is built on: expert opinion."
    )
    return Finding(Reason(RuleId.SQUATS_LUNGES_NOTE, text, "expert-opinion"), None)


RULES: tuple[Rule, ...] = (
    heart_symptoms,
    recent_knee_injury,
    swelling_or_giving_way,
    severe_knee_pain,
    falls,
    balance_or_neuro,
    backward_walk_3m_slow,
    backward_walk_3m_flying,
    suggest_backward_walk_3m,
    squats_lunges_alternative,
    squats_lunges_note,
)

BENEFITS: tuple[Reason, ...] = (
    Reason(
        RuleId.BENEFIT_KNEE_UNLOADING,
        "Going backward loads the front of the knee (the kneecap joint) less: at the same "
        "speed, backward running compressed it with about 3.4 times body weight against 4.5 "
        "forward (roos2012; flynn1995 found a larger gap). Not everyone showed the effect, and "
        "going slowly helps too.",
        "roos2012",
    ),
    Reason(
        RuleId.BENEFIT_QUADRICEPS,
        "It works the muscles at the front of the thigh (quadriceps): in a knee trial, 10 "
        "minutes three times a week for 6 weeks improved quadriceps strength, pain and function "
        "more than usual care alone (alghadir2019).",
        "alghadir2019",
    ),
    Reason(
        RuleId.BENEFIT_BALANCE,
        "It may help balance and coordination: a meta-analysis found better balance after "
        "backward walking training, mostly in small trials of other groups (wang2019). "
        "Promising, not proven.",
        "wang2019",
    ),
    Reason(
        RuleId.BENEFIT_CARDIO,
        "It is a cardio workout like forward walking, in fact a costlier one: at the same "
        "speed heart rate and oxygen uptake are higher backward (chaloupka1997; flynn1994).",
        "chaloupka1997",
    ),
)
"""Why backward walking fits, listed when the verdict is suitable."""


# --- engine -----------------------------------------------------------------------------------


def _rank(verdict: Verdict | None) -> int:
    return len(PRECEDENCE) if verdict is None else PRECEDENCE.index(verdict)


def most_restrictive(*verdicts: Verdict) -> Verdict:
    """The verdict that wins: see-clinician > supervised > alternative > suitable."""
    return min(verdicts, key=_rank, default=Verdict.SUITABLE)


def findings(answers: ScreeningAnswers) -> tuple[Finding, ...]:
    """Every rule that fires for valid answers, most restrictive first (information last)."""
    fired = (rule(answers) for rule in RULES)
    return tuple(sorted((f for f in fired if f is not None), key=lambda f: _rank(f.verdict)))


def screen(answers: ScreeningAnswers) -> ScreeningResult:
    """Validate the answers, run every rule and return the verdict with all its reasons."""
    validate(answers)
    fired = findings(answers)
    verdict = most_restrictive(*(f.verdict for f in fired if f.verdict is not None))
    reasons = tuple(f.reason for f in fired)
    if verdict is Verdict.SUITABLE:
        reasons += BENEFITS
    return ScreeningResult(verdict=verdict, reasons=reasons)
