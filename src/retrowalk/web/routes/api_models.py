"""Request bodies of the JSON API (pydantic, for the OpenAPI document).

Types only: the allowed ranges are the domain's and are checked there, so a pain of 11 gets the
same problem (naming the field and the allowed range) as everywhere else. Descriptions quote
the domain's ranges instead of restating them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

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
from retrowalk.domain.outcomes import BackwardWalkPopulation
from retrowalk.domain.validation import (
    DURATION_S,
    INCLINE_PCT,
    LOAD_KG,
    PAIN,
    RPE,
    SPEED_M_S,
)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TokenRequest(Strict):
    email: str = Field(max_length=254)
    password: str = Field(max_length=200)
    name: str = Field(default="script", max_length=80, description="What the token is for.")


class ScreeningIn(Strict):
    goal: Goal
    knee_pain_nprs: int = Field(description=f"Knee pain now: {PAIN.describe()}")
    pain_with_squats_lunges: bool
    falls_last_12_months: int
    balance_or_neuro_condition: bool
    recent_knee_injury_without_clearance: bool
    knee_swelling_or_giving_way: bool
    heart_symptoms_on_exertion: bool
    age_years: int
    body_mass_kg: float
    equipment: list[Equipment] = Field(default_factory=lambda: [Equipment.NONE])
    place: Place
    companion_available: bool
    backward_walk_3m_s: float | None = None
    backward_walk_3m_start: StartMethod | None = None
    forward_speed_m_s: float | None = None
    weeks: int = Field(default=6, description="Program length in weeks (1-26).")

    def answers(self) -> ScreeningAnswers:
        data = self.model_dump(exclude={"weeks"})
        data["equipment"] = frozenset(self.equipment)
        return ScreeningAnswers(**data)


class SessionIn(Strict):
    performed_at: datetime = Field(description="ISO 8601 with a UTC offset.")
    modality: Modality
    duration_s: float = Field(description=DURATION_S.describe())
    pain_during_nprs: int = Field(description=PAIN.describe())
    pain_after_nprs: int = Field(description=PAIN.describe())
    speed_m_s: float | None = Field(default=None, description=SPEED_M_S.describe())
    distance_m: float | None = None
    incline_pct: float = Field(default=0.0, description=INCLINE_PCT.describe())
    load_kg: float | None = Field(default=None, description=LOAD_KG.describe())
    rails: bool = False
    rpe: int | None = Field(default=None, description=RPE.describe())
    near_falls: bool = False
    fell: bool = False
    swelling: bool = False
    giving_way: bool = False
    chest_symptoms: bool = False
    notes: str = ""

    def session(self) -> LoggedSession:
        return LoggedSession(**self.model_dump())


class SessionPatch(Strict):
    """Only the fields to change; the rest stay as stored."""

    performed_at: datetime | None = None
    modality: Modality | None = None
    duration_s: float | None = None
    pain_during_nprs: int | None = None
    pain_after_nprs: int | None = None
    speed_m_s: float | None = None
    distance_m: float | None = None
    incline_pct: float | None = None
    load_kg: float | None = None
    rails: bool | None = None
    rpe: int | None = None
    near_falls: bool | None = None
    fell: bool | None = None
    swelling: bool | None = None
    giving_way: bool | None = None
    chest_symptoms: bool | None = None
    notes: str | None = None


class CheckInIn(Strict):
    on: date
    pain_next_morning_nprs: int = Field(description=PAIN.describe())
    usual_pain_nprs: int | None = Field(
        default=None, description="Default: the usual pain of the walker's profile."
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
    time_s: float | None = Field(default=None, description="3mbwt and tug.")
    start: StartMethod | None = Field(default=None, description="3mbwt: static or flying.")
    population: BackwardWalkPopulation | None = Field(
        default=None, description="3mbwt: whose cut-offs apply."
    )
    answers: dict[str, int | None] | None = Field(default=None, description="koos12 items.")


class TargetIn(Strict):
    modality: Modality
    duration_s: float
    speed_m_s: float | None = None
    incline_pct: float = 0.0
    load_pct_body_mass: float | None = None
    rails: bool = False

    def target(self) -> SessionTarget:
        return SessionTarget(**self.model_dump())


class InviteAccept(Strict):
    code: str = Field(max_length=100)
