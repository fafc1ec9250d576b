"""What repositories hand out: domain objects wrapped with the ids and bookkeeping the domain
does not have (who, when, which version). Frozen dataclasses; no SQLAlchemy in sight.

Every record is encodable with ``store.codec`` (the export document uses that).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from retrowalk.domain.models import (
    CheckIn,
    Decision,
    Goal,
    LoggedSession,
    OutcomeResult,
    Program,
    ScreeningAnswers,
    ScreeningResult,
    SessionTarget,
)


class WalkerStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"


class ProgramStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"


class SessionSource(StrEnum):
    MANUAL = "manual"
    IMPORT = "import"


@dataclass(frozen=True, slots=True)
class WalkerProfile:
    """The walker's own description (editable); ``usual_pain_nprs`` anchors the pain model."""

    display_name: str
    age_years: int
    body_mass_kg: float
    goal: Goal
    usual_pain_nprs: int
    forward_speed_m_s: float | None = None


@dataclass(frozen=True, slots=True)
class Walker:
    id: str
    created_at: datetime
    status: WalkerStatus
    profile: WalkerProfile


@dataclass(frozen=True, slots=True)
class StoredScreening:
    id: str
    walker_id: str
    taken_at: datetime
    answers: ScreeningAnswers
    result: ScreeningResult


@dataclass(frozen=True, slots=True)
class StoredProgram:
    """A program, its status and the target of the next session (moved by decisions)."""

    id: str
    walker_id: str
    created_at: datetime
    updated_at: datetime
    goal: Goal
    status: ProgramStatus
    version: int
    program: Program
    current_target: SessionTarget | None


@dataclass(frozen=True, slots=True)
class ProgramState:
    """A program without its plan: what logging, check-ins and decisions read. ``target`` is
    the current target, or the first planned session's when none was set (``StoredProgram``'s
    rule); reading it does not decode the plan document (about 120 kB of JSON a program)."""

    id: str
    walker_id: str
    created_at: datetime
    goal: Goal
    status: ProgramStatus
    version: int
    target: SessionTarget


@dataclass(frozen=True, slots=True)
class StoredSession:
    """A logged session. ``version`` starts at 1 and grows with every edit (optimistic
    concurrency: an edit names the version it read). ``details`` holds source-specific extras
    (e.g. steps and cadence of an imported recording) as JSON-safe data."""

    id: str
    walker_id: str
    program_id: str | None
    version: int
    source: SessionSource
    session: LoggedSession
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None
    details: dict[str, Any] = field(default_factory=dict, hash=False)

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


@dataclass(frozen=True, slots=True)
class SessionRevision:
    """The state a session had at ``version``, kept when an edit or deletion replaced it."""

    session_id: str
    version: int
    recorded_at: datetime
    reason: str
    previous: LoggedSession
    previous_details: dict[str, Any] = field(default_factory=dict, hash=False)
    previous_program_id: str | None = None


@dataclass(frozen=True, slots=True)
class StoredCheckIn:
    id: str
    walker_id: str
    checkin: CheckIn


@dataclass(frozen=True, slots=True)
class StoredOutcome:
    """An outcome test; ``details`` keeps how it was taken (start method, item answers...)."""

    id: str
    walker_id: str
    taken_at: datetime
    outcome: OutcomeResult
    details: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, slots=True)
class StoredDecision:
    id: str
    walker_id: str
    made_at: datetime
    decision: Decision
    session_id: str | None = None


@dataclass(frozen=True, slots=True)
class ImportedFile:
    """A file already imported for a walker, by the SHA-256 of its bytes (idempotent import)."""

    id: str
    walker_id: str
    content_sha256: str
    original_name: str
    format: str
    imported_at: datetime
    session_id: str | None
