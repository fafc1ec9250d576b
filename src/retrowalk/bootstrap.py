"""The composition root: the one place that wires the store into the services.

Interfaces (CLI, web) get a ``Services`` object and never touch the store directly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from retrowalk.domain.access import Actor, Permission, Role
from retrowalk.domain.models import (
    CheckIn,
    LoggedSession,
    ScreeningAnswers,
    SessionTarget,
    StartMethod,
)
from retrowalk.domain.outcomes import BackwardWalkPopulation
from retrowalk.sensing.direction_calibration import Calibration
from retrowalk.services import (
    accounts,
    demo,
    direction,
    direction_confirm,
    imports,
    onboarding,
    outcomes,
    progress,
    records,
    sessions,
)
from retrowalk.services.accounts import Invitation, PatientRow
from retrowalk.services.demo import DemoSummary
from retrowalk.services.direction_confirm import DirectionAnswer
from retrowalk.services.imports import ImportOptions, ImportOutcome, ImportProgress
from retrowalk.services.uow import UowFactory
from retrowalk.services.views import (
    CheckInResult,
    Enrolment,
    LogResult,
    NextView,
    PlanView,
    ProgressView,
    RecordedOutcome,
    ScreeningOutcome,
    SessionLogged,
)
from retrowalk.settings import Settings
from retrowalk.store.records import SessionRevision, StoredSession
from retrowalk.store.unit_of_work import UnitOfWork, close_store, open_store


class Services:
    """Every use case, bound to one database. ``walker`` is a display name or None (the only
    walker). Times are passed in so the services never read a clock of their own."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory
        self.uow: UowFactory = partial(UnitOfWork, session_factory)

    def close(self) -> None:
        close_store(self._factory)

    # onboarding
    def enrol(
        self, name: str, answers: ScreeningAnswers, *, weeks: int, now: datetime
    ) -> Enrolment:
        return onboarding.enrol(self.uow, name, answers, weeks=weeks, now=now)

    def rescreen(
        self, walker: str | None, answers: ScreeningAnswers, *, now: datetime
    ) -> ScreeningOutcome:
        return onboarding.rescreen(self.uow, walker, answers, now=now)

    def plan(self, walker: str | None, *, now: datetime) -> PlanView:
        return onboarding.plan(self.uow, walker, now=now)

    # sessions and progression
    def current_target(self, walker: str | None) -> SessionTarget | None:
        return sessions.current_target(self.uow, walker)

    def usual_pain(self, walker: str | None) -> int:
        return sessions.usual_pain(self.uow, walker)

    def log_session(
        self, walker: str | None, session: LoggedSession, *, now: datetime
    ) -> LogResult:
        return sessions.log_session(self.uow, walker, session, now=now)

    def log_session_as(
        self, actor: Actor, walker_id: str, session: LoggedSession, *, now: datetime
    ) -> SessionLogged:
        """Log for ``actor`` (``Permission.RECORD`` checked first) in one unit of work."""
        return sessions.log_session_as(self.uow, actor, walker_id, session, now=now)

    def check_in(
        self,
        walker: str | None,
        checkin: CheckIn,
        *,
        today: date,
        now: datetime,
        replace: bool = False,
    ) -> CheckInResult:
        action = sessions.replace_check_in if replace else sessions.check_in
        return action(self.uow, walker, checkin, today=today, now=now)

    def resume(self, walker: str | None, *, now: datetime | None = None) -> bool:
        return sessions.resume(self.uow, walker, now=now)

    def next_session(
        self, walker: str | None, *, now: datetime, what_if_pain: int | None = None
    ) -> NextView:
        return sessions.next_session(self.uow, walker, now=now, what_if_pain=what_if_pain)

    # the session log: list, find, correct (history is kept)
    def sessions_page(
        self, walker: str | None, *, limit: int = 20, offset: int = 0
    ) -> records.Page[StoredSession]:
        return records.sessions_page(self.uow, walker, limit=limit, offset=offset)

    def find_session(
        self, walker: str | None, id_or_prefix: str, *, include_deleted: bool = False
    ) -> StoredSession:
        return records.find_session(self.uow, walker, id_or_prefix, include_deleted=include_deleted)

    def edit_session(
        self,
        walker: str | None,
        session_id: str,
        session: LoggedSession,
        *,
        expected_version: int,
        now: datetime,
    ) -> records.SessionChange:
        return records.edit_session(
            self.uow, walker, session_id, session, expected_version=expected_version, now=now
        )

    def delete_session(
        self, walker: str | None, session_id: str, *, expected_version: int, now: datetime
    ) -> records.SessionChange:
        return records.delete_session(
            self.uow, walker, session_id, expected_version=expected_version, now=now
        )

    def session_revisions(self, walker: str | None, session_id: str) -> list[SessionRevision]:
        return records.session_revisions(self.uow, walker, session_id)

    def progress(self, walker: str | None) -> ProgressView:
        return progress.progress(self.uow, walker)

    # direction calibrations (sensing.direction)
    def store_calibration(
        self, walker: str | None, calibration: Calibration, *, source_name: str, now: datetime
    ) -> str:
        return direction.store_calibration(
            self.uow, walker, calibration, source_name=source_name, now=now
        )

    def confirm_direction(
        self,
        walker: str | None,
        session_id: str,
        direction: str,
        *,
        now: datetime,
        expected_version: int | None = None,
    ) -> DirectionAnswer:
        return direction_confirm.confirm_direction(
            self.uow, walker, session_id, direction, now=now, expected_version=expected_version
        )

    def awaiting_direction(self, walker: str | None) -> list[StoredSession]:
        return direction_confirm.awaiting(self.uow, walker)

    # recordings (FIT, GPX, phone motion) and pain added later
    def import_files(
        self,
        walker: str | None,
        paths: Sequence[str | Path],
        *,
        options: ImportOptions,
        now: datetime,
        progress: ImportProgress | None = None,
    ) -> list[ImportOutcome]:
        return imports.import_files(
            self.uow, walker, paths, options=options, now=now, progress=progress
        )

    def add_pain(
        self,
        walker: str | None,
        session_id: str,
        pain_during: int,
        pain_after: int,
        *,
        now: datetime,
    ) -> LogResult:
        return imports.add_pain(self.uow, walker, session_id, pain_during, pain_after, now=now)

    # outcome tests
    def record_3mbwt(
        self,
        walker: str | None,
        time_s: float,
        start: StartMethod,
        population: BackwardWalkPopulation,
        *,
        taken_at: datetime,
        now: datetime,
    ) -> RecordedOutcome:
        return outcomes.record_3mbwt(
            self.uow, walker, time_s, start, population, taken_at=taken_at, now=now
        )

    def record_tug(
        self, walker: str | None, time_s: float, *, taken_at: datetime, now: datetime
    ) -> RecordedOutcome:
        return outcomes.record_tug(self.uow, walker, time_s, taken_at=taken_at, now=now)

    def record_koos12(
        self,
        walker: str | None,
        answers: Mapping[str, int | None],
        *,
        taken_at: datetime,
        now: datetime,
    ) -> RecordedOutcome:
        return outcomes.record_koos12(self.uow, walker, answers, taken_at=taken_at, now=now)

    # export / import
    def export_walker(self, walker: str | None, *, now: datetime) -> dict[str, Any]:
        from retrowalk.services import exchange

        return exchange.export_walker(self.uow, walker, now=now)

    def import_document(self, document: Any, *, source: str) -> dict[str, Any]:
        from retrowalk.services import exchange

        return exchange.import_document(self.uow, document, source=source)

    # accounts and access (services.accounts); ``now`` is always passed in
    def sign_up(
        self,
        *,
        email: str,
        password: str,
        display_name: str,
        role: Role = Role.WALKER,
        invite_code: str | None = None,
        now: datetime,
    ) -> Actor:
        return accounts.sign_up(
            self.uow,
            email=email,
            password=password,
            display_name=display_name,
            role=role,
            invite_code=invite_code,
            now=now,
        )

    def sign_in(self, *, email: str, password: str, client_key: str, now: datetime) -> str:
        return accounts.sign_in(
            self.uow, email=email, password=password, client_key=client_key, now=now
        )

    def identify_session(self, token: str, *, now: datetime) -> Actor | None:
        return accounts.identify_session(self.uow, token, now=now)

    def sign_out(self, token: str) -> None:
        accounts.sign_out(self.uow, token)

    def create_api_token(self, actor: Actor, *, name: str, now: datetime) -> str:
        return accounts.create_api_token(self.uow, actor, name=name, now=now)

    def identify_api_token(self, token: str, *, now: datetime) -> Actor | None:
        return accounts.identify_api_token(self.uow, token, now=now)

    def api_token_names(self, actor: Actor) -> list[str]:
        return accounts.api_token_names(self.uow, actor)

    def revoke_api_token(self, actor: Actor, *, name: str) -> bool:
        return accounts.revoke_api_token(self.uow, actor, name=name)

    def link_walker(self, actor: Actor, walker_id: str) -> Actor:
        return accounts.link_walker(self.uow, actor, walker_id)

    def invite_patient(self, therapist: Actor, *, now: datetime) -> Invitation:
        return accounts.invite_patient(self.uow, therapist, now=now)

    def accept_invite(self, walker: Actor, code: str, *, now: datetime) -> None:
        accounts.accept_invite(self.uow, walker, code, now=now)

    def patient_ids(self, actor: Actor) -> frozenset[str]:
        return accounts.patient_ids(self.uow, actor)

    def authorize_walker(
        self, actor: Actor, walker_id: str, permission: Permission = Permission.VIEW
    ) -> None:
        accounts.authorize_walker(self.uow, actor, walker_id, permission)

    def patient_list(
        self, therapist: Actor, *, now: datetime, sort: str = "flags"
    ) -> list[PatientRow]:
        return accounts.patient_list(self.uow, therapist, now=now, sort=sort)

    def resume_program(self, therapist: Actor, walker_id: str, *, now: datetime) -> bool:
        return accounts.resume_program(self.uow, therapist, walker_id, now=now)

    def fill_demo_clinic(
        self,
        *,
        now: datetime,
        patients: int = 12,
        weeks: int = 8,
        seed: int = 0,
        therapists: int = 1,
        bulk: bool | None = None,
    ) -> DemoSummary:
        return demo.fill_demo_clinic(
            self.uow,
            now=now,
            patients=patients,
            weeks=weeks,
            seed=seed,
            therapists=therapists,
            bulk=bulk,
        )


def build_services(settings: Settings) -> Services:
    """Open (and migrate) the configured database and hand back the services."""
    return Services(open_store(settings.database_url))
