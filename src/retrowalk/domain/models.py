"""Value objects shared by the domain rules, the store and the interfaces.

SI units inside, named in identifiers (``duration_s``, ``speed_m_s``, ``incline_pct``,
``load_kg``, ``pain_nprs``). Enums carry stable string values used unchanged in JSON, the
database and the UI. Pure Python: no I/O, no framework imports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from retrowalk.domain.evidence import cite


class Goal(StrEnum):
    KNEE_PAIN = "knee-pain"
    KNEE_OA = "knee-oa"
    BALANCE = "balance"
    ATHLETIC = "athletic-knee-strength"
    FITNESS = "general-fitness"


class Equipment(StrEnum):
    TREADMILL = "treadmill"
    NON_MOTORISED_TREADMILL = "non-motorised-treadmill"
    SLED = "sled"
    SLOPE = "slope"
    NONE = "none"


class Place(StrEnum):
    INDOOR_HALL = "indoor-hall"
    TRACK = "track"
    PARK = "park"
    STREET = "street"

    @property
    def outdoors(self) -> bool:
        return self is not Place.INDOOR_HALL


class Modality(StrEnum):
    OVERGROUND = "overground"
    TREADMILL = "treadmill"
    NON_MOTORISED_TREADMILL = "non-motorised-treadmill"
    SLED_DRAG = "sled-drag"
    INCLINE = "incline"


class Verdict(StrEnum):
    SEE_CLINICIAN = "see-clinician"
    SUPERVISED = "supervised"
    ALTERNATIVE = "alternative"
    SUITABLE = "suitable"


class DecisionKind(StrEnum):
    PROGRESS = "progress"
    HOLD = "hold"
    REGRESS = "regress"
    STOP = "stop"


class WalkDirection(StrEnum):
    BACKWARD = "backward"
    FORWARD = "forward"
    SIDEWAYS = "sideways"
    UNKNOWN = "unknown"


class StartMethod(StrEnum):
    """How a 3-metre backward walk test was started; cut-offs must not be mixed (carter2019)."""

    STATIC = "static"
    FLYING = "flying"


class OutcomeKind(StrEnum):
    BACKWARD_WALK_3M = "3mbwt"
    TUG = "tug"
    KOOS12 = "koos12"
    NPRS = "nprs"


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a rule fired: a stable rule id, plain-language text and an evidence citation key."""

    rule_id: str
    text: str
    citation: str

    def __post_init__(self) -> None:
        cite(self.citation)


@dataclass(frozen=True, slots=True)
class ScreeningAnswers:
    """What a walker answers before starting. Ranges are checked by ``screening.validate``."""

    goal: Goal
    knee_pain_nprs: int
    pain_with_squats_lunges: bool
    falls_last_12_months: int
    balance_or_neuro_condition: bool
    recent_knee_injury_without_clearance: bool
    knee_swelling_or_giving_way: bool
    heart_symptoms_on_exertion: bool
    age_years: int
    body_mass_kg: float
    equipment: frozenset[Equipment]
    place: Place
    companion_available: bool
    backward_walk_3m_s: float | None = None
    backward_walk_3m_start: StartMethod | None = None
    forward_speed_m_s: float | None = None


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    verdict: Verdict
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class SessionTarget:
    """The dose of one session: what the walker is asked to do."""

    modality: Modality
    duration_s: float
    speed_m_s: float | None
    incline_pct: float = 0.0
    load_pct_body_mass: float | None = None
    rails: bool = False


@dataclass(frozen=True, slots=True)
class PlannedSession:
    week: int
    day_index: int
    target: SessionTarget
    warmup: tuple[str, ...] = ()
    safety_cues: tuple[Reason, ...] = ()


@dataclass(frozen=True, slots=True)
class Program:
    weeks: int
    sessions_per_week: int
    sessions: tuple[PlannedSession, ...]
    reasons: tuple[Reason, ...]
    squats_lunges_note: Reason | None = None


@dataclass(frozen=True, slots=True)
class LoggedSession:
    """What a walker actually did (progression follows this, never the plan alone).

    ``pain_during_nprs`` and ``pain_after_nprs`` are None while the walker has not reported
    them yet (an imported recording, before its pain is added): such a session never counts
    towards a raise (thomee1997: progression is guided by the reported pain).
    """

    performed_at: datetime
    modality: Modality
    duration_s: float
    pain_during_nprs: int | None
    pain_after_nprs: int | None
    speed_m_s: float | None = None
    distance_m: float | None = None
    incline_pct: float = 0.0
    load_kg: float | None = None
    rails: bool = False
    rpe: int | None = None
    near_falls: bool = False
    fell: bool = False
    swelling: bool = False
    giving_way: bool = False
    chest_symptoms: bool = False
    notes: str = ""


@dataclass(frozen=True, slots=True)
class CheckIn:
    """Next-morning pain, compared with the walker's usual pain (pain-monitoring model)."""

    on: date
    pain_next_morning_nprs: int
    usual_pain_nprs: int
    swelling: bool = False
    giving_way: bool = False


@dataclass(frozen=True, slots=True)
class Change:
    """One variable of the next session changed by a decision, from one value to another."""

    variable: str
    from_value: float | bool | str | None
    to_value: float | bool | str | None


@dataclass(frozen=True, slots=True)
class Decision:
    kind: DecisionKind
    reasons: tuple[Reason, ...]
    changes: tuple[Change, ...] = ()
    next_target: SessionTarget | None = None


@dataclass(frozen=True, slots=True)
class OutcomeResult:
    """A scored outcome test with its interpretation (never a diagnosis)."""

    kind: OutcomeKind
    value: float
    unit: str
    interpretation: tuple[Reason, ...] = field(default_factory=tuple)
