"""What services hand to interfaces: plain frozen dataclasses of domain objects, no rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from retrowalk.domain.energy import EnergyEstimate
from retrowalk.domain.models import (
    CheckIn,
    Decision,
    LoggedSession,
    OutcomeResult,
    PlannedSession,
    Program,
    Reason,
    ScreeningResult,
    SessionTarget,
)
from retrowalk.store.records import StoredSession


@dataclass(frozen=True)
class Enrolment:
    walker_id: str
    display_name: str
    screening: ScreeningResult
    program: Program | None


@dataclass(frozen=True)
class ScreeningOutcome:
    screening: ScreeningResult
    saved: bool
    program_status: str | None = None


@dataclass(frozen=True)
class PlanView:
    walker_id: str
    display_name: str
    status: str
    program: Program
    program_started_at: datetime
    current_week: int
    current_target: SessionTarget
    body_mass_kg: float


@dataclass(frozen=True)
class LogResult:
    session_id: str
    session: LoggedSession
    decision: Decision


@dataclass(frozen=True)
class SessionLogged:
    """A session just logged, as stored, and the decision taken on it."""

    stored: StoredSession
    decision: Decision


@dataclass(frozen=True)
class CheckInResult:
    checkin: CheckIn
    decision: Decision


@dataclass(frozen=True)
class NextView:
    status: str
    target: SessionTarget
    planned: PlannedSession | None
    decision: Decision
    preview: Decision | None
    energy: EnergyEstimate | None
    safety_cues: tuple[Reason, ...]
    warmup: tuple[str, ...]


@dataclass(frozen=True)
class WeekRow:
    week: int
    starts_on: date
    planned_sessions: int
    done_sessions: int
    planned_minutes: float
    done_minutes: float
    mean_pain_during: float | None
    mean_pain_after: float | None
    mean_pain_next_morning: float | None


@dataclass(frozen=True)
class ProgressView:
    display_name: str
    weeks: tuple[WeekRow, ...]
    decisions: tuple[tuple[datetime, Decision], ...]
    outcomes: tuple[tuple[datetime, OutcomeResult], ...]


@dataclass(frozen=True)
class RecordedOutcome:
    outcome_id: str
    result: OutcomeResult
