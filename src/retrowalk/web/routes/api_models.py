"""Request bodies of the JSON API (pydantic, for the OpenAPI document).

The allowed ranges are the domain's and are checked there, so a pain of 11 gets the same
problem (naming the field and the allowed range) as everywhere else; the OpenAPI document shows
them (``minimum``/``maximum`` and the description, both taken from the domain's ranges, never
restated). What no field may hold is refused here: text with a NUL character (PostgreSQL cannot
store one) and numbers that are not finite (``NaN``, ``Infinity``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.config import JsonDict

from retrowalk.domain.models import (
    CheckIn,
    Equipment,
    Goal,
    LoggedSession,
    Modality,
    Place,
    ScreeningAnswers,
    SessionTarget,
    StartMethod,
)
from retrowalk.domain.outcomes import (
    BWT_MAX_S,
    BWT_MIN_S,
    TUG_MAX_S,
    TUG_MIN_S,
    BackwardWalkPopulation,
)
from retrowalk.domain.prescription import WEEKS
from retrowalk.domain.screening import RANGES
from retrowalk.domain.validation import (
    DISTANCE_M,
    DURATION_S,
    INCLINE_PCT,
    LOAD_KG,
    NOTES_MAX_CHARS,
    PAIN,
    RPE,
    SPEED_M_S,
    Range,
)
from retrowalk.services.programs import LOAD_PCT_BODY_MASS

OUTCOME_TIME_S = Range(min(BWT_MIN_S, TUG_MIN_S), max(BWT_MAX_S, TUG_MAX_S), "s")


def ranged(allowed: Range, description: str = "", **field: Any) -> Any:
    """A field whose OpenAPI schema carries the domain's range (the domain checks it)."""
    text = f"{description} {allowed.describe()}".strip()
    bounds: JsonDict = {"minimum": allowed.low, "maximum": allowed.high}
    return Field(description=text, json_schema_extra=bounds, **field)


def _no_nul(value: Any) -> Any:
    """Refuse text holding a NUL character, however deep in lists and mappings."""
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("text may not hold a NUL character")
    if isinstance(value, dict):
        for key, item in value.items():
            _no_nul(key)
            _no_nul(item)
    if isinstance(value, list):
        for item in value:
            _no_nul(item)
    return value


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _text_without_nul(cls, value: Any) -> Any:
        return _no_nul(value)


class TokenRequest(Strict):
    email: str = Field(max_length=254)
    password: str = Field(max_length=200)
    name: str = Field(default="script", max_length=80, description="What the token is for.")


class ScreeningIn(Strict):
    goal: Goal
    knee_pain_nprs: int = ranged(RANGES["knee_pain_nprs"], "Knee pain now:")
    pain_with_squats_lunges: bool
    falls_last_12_months: int = ranged(RANGES["falls_last_12_months"])
    balance_or_neuro_condition: bool
    recent_knee_injury_without_clearance: bool
    knee_swelling_or_giving_way: bool
    heart_symptoms_on_exertion: bool
    age_years: int = ranged(RANGES["age_years"])
    body_mass_kg: float = ranged(RANGES["body_mass_kg"])
    equipment: list[Equipment] = Field(default_factory=lambda: [Equipment.NONE])
    place: Place
    companion_available: bool
    backward_walk_3m_s: float | None = ranged(RANGES["backward_walk_3m_s"], default=None)
    backward_walk_3m_start: StartMethod | None = None
    forward_speed_m_s: float | None = ranged(RANGES["forward_speed_m_s"], default=None)
    weeks: int = ranged(WEEKS, "Program length:", default=6)

    def answers(self) -> ScreeningAnswers:
        data = self.model_dump(exclude={"weeks"})
        data["equipment"] = frozenset(self.equipment)
        return ScreeningAnswers(**data)


class SessionIn(Strict):
    performed_at: datetime = Field(
        description="ISO 8601 with a UTC offset; within the last year, not in the future."
    )
    modality: Modality
    duration_s: float = ranged(DURATION_S)
    pain_during_nprs: int = ranged(PAIN)
    pain_after_nprs: int = ranged(PAIN)
    speed_m_s: float | None = ranged(SPEED_M_S, default=None)
    distance_m: float | None = ranged(DISTANCE_M, default=None)
    incline_pct: float = ranged(INCLINE_PCT, default=0.0)
    load_kg: float | None = ranged(LOAD_KG, default=None)
    rails: bool = False
    rpe: int | None = ranged(RPE, default=None)
    near_falls: bool = False
    fell: bool = False
    swelling: bool = False
    giving_way: bool = False
    chest_symptoms: bool = False
    notes: str = Field(default="", description=f"At most {NOTES_MAX_CHARS} characters.")

    def session(self) -> LoggedSession:
        return LoggedSession(**self.model_dump())


class SessionPatch(Strict):
    """Only the fields to change; the rest stay as stored."""

    performed_at: datetime | None = None
    modality: Modality | None = None
    duration_s: float | None = ranged(DURATION_S, default=None)
    pain_during_nprs: int | None = ranged(PAIN, default=None)
    pain_after_nprs: int | None = ranged(PAIN, default=None)
    speed_m_s: float | None = ranged(SPEED_M_S, default=None)
    distance_m: float | None = ranged(DISTANCE_M, default=None)
    incline_pct: float | None = ranged(INCLINE_PCT, default=None)
    load_kg: float | None = ranged(LOAD_KG, default=None)
    rails: bool | None = None
    rpe: int | None = ranged(RPE, default=None)
    near_falls: bool | None = None
    fell: bool | None = None
    swelling: bool | None = None
    giving_way: bool | None = None
    chest_symptoms: bool | None = None
    notes: str | None = None


class CheckInIn(Strict):
    on: date = Field(description="The morning after a session: today or earlier.")
    pain_next_morning_nprs: int = ranged(PAIN)
    usual_pain_nprs: int | None = ranged(
        PAIN, "Default: the usual pain of the walker's profile.", default=None
    )
    swelling: bool = False
    giving_way: bool = False
    replace: bool = Field(default=False, description="Correct the check-in of that date.")

    def checkin(self, usual_pain_nprs: int) -> CheckIn:
        return CheckIn(
            on=self.on,
            pain_next_morning_nprs=self.pain_next_morning_nprs,
            usual_pain_nprs=usual_pain_nprs
            if self.usual_pain_nprs is None
            else self.usual_pain_nprs,
            swelling=self.swelling,
            giving_way=self.giving_way,
        )


class OutcomeIn(Strict):
    kind: Literal["3mbwt", "tug", "koos12"]
    taken_at: datetime | None = Field(default=None, description="Default: now.")
    time_s: float | None = ranged(OUTCOME_TIME_S, "3mbwt and tug:", default=None)
    start: StartMethod | None = Field(default=None, description="3mbwt: static or flying.")
    population: BackwardWalkPopulation | None = Field(
        default=None, description="3mbwt: whose cut-offs apply."
    )
    answers: dict[str, int | None] | None = Field(default=None, description="koos12 items.")


class TargetIn(Strict):
    modality: Modality
    duration_s: float = ranged(DURATION_S)
    speed_m_s: float | None = ranged(SPEED_M_S, default=None)
    incline_pct: float = ranged(INCLINE_PCT, default=0.0)
    load_pct_body_mass: float | None = ranged(LOAD_PCT_BODY_MASS, default=None)
    rails: bool = False

    def target(self) -> SessionTarget:
        return SessionTarget(**self.model_dump())


class InviteAccept(Strict):
    code: str = Field(max_length=100)


class DirectionAnswerIn(Strict):
    direction: str = Field(
        max_length=40,
        description="How the walker walked the session the sensor saw differently: "
        "backward or forward.",
    )
