"""Who is in whose care: invitations, therapist-patient links, therapist resumes, and the
bulk read behind a therapist's patient list.

``overview`` reads every patient of a therapist (or every walker, for an admin) in a fixed
number of queries, whatever the number of patients: the patient list must stay fast for a
clinic of a thousand patients with a year of sessions each.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, timezone
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import func, select

from retrowalk.domain.models import CheckIn, Decision, DecisionKind, LoggedSession, Modality, Reason
from retrowalk.formats.codec import decode_value
from retrowalk.store._base import Repository, aware, new_id
from retrowalk.store.accounts_tables import InvitationRow, ProgramResumeRow, TherapistPatientRow
from retrowalk.store.records import ProgramStatus
from retrowalk.store.tables import (
    AWAITING_DIRECTION,
    CheckInRow,
    DecisionRow,
    OutcomeTestRow,
    ProgramRow,
    SessionLogRow,
    WalkerRow,
    WalkerStampRow,
)


@dataclass(frozen=True, slots=True)
class StoredInvitation:
    code_sha256: str
    therapist_account_id: str
    created_at: datetime
    expires_at: datetime
    used_by: str | None
    used_at: datetime | None


@dataclass(frozen=True, slots=True)
class PatientData:
    """What the patient list needs of one walker: recent data, and the falls and stop
    decisions of a paused program."""

    walker_id: str
    display_name: str
    goal: str
    program_status: str | None
    sessions_per_week: int | None
    program_started_at: datetime | None
    last_session_at: datetime | None
    last_checkin_on: date | None
    reviewed_at: datetime | None
    recent_sessions: tuple[LoggedSession, ...] = ()
    falls: tuple[LoggedSession, ...] = ()
    recent_checkins: tuple[CheckIn, ...] = ()
    stops: tuple[tuple[datetime, Decision], ...] = field(default=())
    unconfirmed_directions: tuple[datetime, ...] = ()
    """When the sessions awaiting the walker's confirmation of their direction were walked."""

    def narrowed(self, since: datetime) -> PatientData:
        """What ``overview`` gives for a later ``since``, from what it gave for an earlier one
        (the same conditions as its queries: sessions from ``since``, check-ins from its day)."""
        return replace(
            self,
            recent_sessions=tuple(s for s in self.recent_sessions if s.performed_at >= since),
            recent_checkins=tuple(c for c in self.recent_checkins if c.on >= since.date()),
        )


def _invitation(row: InvitationRow) -> StoredInvitation:
    return StoredInvitation(
        row.code_sha256,
        row.therapist_account_id,
        row.created_at,
        row.expires_at,
        row.used_by,
        row.used_at,
    )


class CareRepository(Repository):
    # --- invitations --------------------------------------------------------------------------

    def add_invitation(
        self, code_sha256: str, therapist_account_id: str, *, at: datetime, expires_at: datetime
    ) -> StoredInvitation:
        row = InvitationRow(
            code_sha256=code_sha256,
            therapist_account_id=therapist_account_id,
            created_at=aware("invitation.created_at", at),
            expires_at=aware("invitation.expires_at", expires_at),
            used_by=None,
            used_at=None,
        )
        with self._guarded("invitation"):
            self._session.add(row)
        return _invitation(row)

    def invitation(self, code_sha256: str) -> StoredInvitation | None:
        row = self._session.get(InvitationRow, code_sha256)
        return None if row is None else _invitation(row)

    def use_invitation(self, code_sha256: str, account_id: str, *, at: datetime) -> None:
        row = self._session.get(InvitationRow, code_sha256)
        if row is None:  # pragma: no cover - the service looked it up in this transaction
            raise LookupError(code_sha256)
        with self._guarded("invitation"):
            row.used_by = account_id
            row.used_at = aware("invitation.used_at", at)

    def invitations_used_by(self, account_id: str) -> list[StoredInvitation]:
        statement = (
            select(InvitationRow)
            .where(InvitationRow.used_by == account_id)
            .order_by(InvitationRow.used_at)
        )
        return [_invitation(row) for row in self._session.scalars(statement)]

    # --- therapist and patients ---------------------------------------------------------------

    def add_patient(self, therapist_account_id: str, walker_id: str, *, since: datetime) -> None:
        """Put the walker in the therapist's care (nothing changes if already there)."""
        key = (therapist_account_id, walker_id)
        if self._session.get(TherapistPatientRow, key) is not None:
            return
        row = TherapistPatientRow(
            therapist_account_id=therapist_account_id,
            walker_id=walker_id,
            since=aware("therapist_patient.since", since),
        )
        with self._guarded(f"patient {walker_id}"):
            self._session.add(row)

    def patient_ids(self, therapist_account_id: str) -> frozenset[str]:
        statement = select(TherapistPatientRow.walker_id).where(
            TherapistPatientRow.therapist_account_id == therapist_account_id
        )
        return frozenset(self._session.scalars(statement))

    def is_patient(self, therapist_account_id: str, walker_id: str) -> bool:
        key = (therapist_account_id, walker_id)
        return self._session.get(TherapistPatientRow, key) is not None

    def has_therapist(self, walker_id: str) -> bool:
        """Whether any therapist has this walker as a patient."""
        statement = select(TherapistPatientRow.walker_id).where(
            TherapistPatientRow.walker_id == walker_id
        )
        return self._session.scalars(statement.limit(1)).first() is not None

    def walker_exists(self, walker_id: str) -> bool:
        statement = select(WalkerRow.id).where(WalkerRow.id == walker_id)
        return self._session.scalars(statement).first() is not None

    def all_walker_ids(self) -> frozenset[str]:
        return frozenset(self._session.scalars(select(WalkerRow.id)))

    # --- resumes ------------------------------------------------------------------------------

    def add_resume(
        self, walker_id: str, program_id: str | None, account_id: str | None, *, at: datetime
    ) -> None:
        row = ProgramResumeRow(
            id=new_id(),
            walker_id=walker_id,
            program_id=program_id,
            account_id=account_id,
            resumed_at=aware("program_resume.resumed_at", at),
        )
        with self._guarded(f"resume of walker {walker_id}"):
            self._session.add(row)

    def last_resume(self, walker_id: str) -> datetime | None:
        statement = select(func.max(ProgramResumeRow.resumed_at)).where(
            ProgramResumeRow.walker_id == walker_id
        )
        value = self._session.scalar(statement)
        return None if value is None else _utc(value)

    def activity_counts(self, therapist_account_ids: list[str]) -> dict[str, int]:
        """How much the patients of these therapists hold: patients, sessions, check-ins,
        decisions and outcome tests (for the demo clinic's summary)."""
        scope = select(TherapistPatientRow.walker_id).where(
            TherapistPatientRow.therapist_account_id.in_(therapist_account_ids)
        )
        tables: dict[str, Any] = {
            "sessions": SessionLogRow,
            "checkins": CheckInRow,
            "decisions": DecisionRow,
            "outcome_tests": OutcomeTestRow,
        }
        counts = {
            "patients": int(
                self._session.scalar(
                    select(func.count(func.distinct(TherapistPatientRow.walker_id))).where(
                        TherapistPatientRow.therapist_account_id.in_(therapist_account_ids)
                    )
                )
                or 0
            )
        }
        for name, table in tables.items():
            statement = select(func.count()).select_from(table).where(table.walker_id.in_(scope))
            counts[name] = int(self._session.scalar(statement) or 0)
        return counts

    # --- the patient list ---------------------------------------------------------------------

    def stamps(self, therapist_account_id: str | None) -> tuple[tuple[str, int], ...]:
        """Every patient of the therapist (None: every walker) with its change counter
        (``walker_stamp``, kept by triggers), by walker id: while these are equal, ``overview``
        reads the same (for the same or a later ``since``: see ``PatientData.narrowed``)."""
        rows = self._session.execute(
            select(WalkerStampRow.walker_id, WalkerStampRow.version)
            .where(WalkerStampRow.walker_id.in_(_scope(therapist_account_id)))
            .order_by(WalkerStampRow.walker_id)
        ).all()
        return tuple((walker_id, int(version)) for walker_id, version in rows)

    def overview(self, therapist_account_id: str | None, *, since: datetime) -> list[PatientData]:
        """Every patient of the therapist (None: every walker), with sessions and check-ins
        since ``since``, the falls and stop decisions of paused programs, the latest session
        and check-in, and the last resume."""
        since = aware("since", since)
        scope = _scope(therapist_account_id)
        last_session = (
            select(SessionLogRow.performed_at)
            .where(SessionLogRow.walker_id == WalkerRow.id, SessionLogRow.deleted_at.is_(None))
            .order_by(SessionLogRow.performed_at.desc())
            .limit(1)
            .scalar_subquery()
        )
        last_checkin = (
            select(CheckInRow.on_date)
            .where(CheckInRow.walker_id == WalkerRow.id)
            .order_by(CheckInRow.on_date.desc())
            .limit(1)
            .scalar_subquery()
        )
        walkers = self._session.execute(
            select(
                WalkerRow.id, WalkerRow.display_name, WalkerRow.goal, last_session, last_checkin
            ).where(WalkerRow.id.in_(scope))
        ).all()
        programs = self._programs(scope)
        resumes = dict(
            self._session.execute(
                select(ProgramResumeRow.walker_id, func.max(ProgramResumeRow.resumed_at))
                .where(ProgramResumeRow.walker_id.in_(scope))
                .group_by(ProgramResumeRow.walker_id)
            ).all()
        )
        recent = _group(self._sessions(scope, SessionLogRow.performed_at >= since))
        checkins = _group(self._checkins(scope, since.date()))
        # A fall stops and pauses the program (services.sessions), so an older fall matters
        # only while the program stays paused: look only there (by walker, on the index).
        paused = [w for w, p in programs.items() if p[0] == ProgramStatus.PAUSED.value]
        falls = _group(self._sessions(paused, SessionLogRow.fell.is_(True))) if paused else {}
        stops = _group(self._stops(paused)) if paused else {}
        unconfirmed = _group(self._unconfirmed(scope))
        result = []
        for walker_id, name, goal, last_at, last_on in walkers:
            status, per_week, started = programs.get(walker_id, (None, None, None))
            resumed = resumes.get(walker_id)
            result.append(
                PatientData(
                    walker_id=walker_id,
                    display_name=name,
                    goal=goal,
                    program_status=status,
                    sessions_per_week=per_week,
                    program_started_at=None if started is None else _utc(started),
                    last_session_at=None if last_at is None else _utc(last_at),
                    last_checkin_on=last_on,
                    reviewed_at=None if resumed is None else _utc(resumed),
                    recent_sessions=tuple(recent.get(walker_id, ())),
                    falls=tuple(falls.get(walker_id, ())),
                    recent_checkins=tuple(checkins.get(walker_id, ())),
                    stops=tuple(stops.get(walker_id, ())),
                    unconfirmed_directions=tuple(unconfirmed.get(walker_id, ())),
                )
            )
        return result

    def _programs(self, scope: Any) -> dict[str, tuple[str, int, datetime]]:
        rows = self._session.execute(
            select(
                ProgramRow.walker_id,
                ProgramRow.status,
                ProgramRow.sessions_per_week,
                ProgramRow.created_at,
            )
            .where(ProgramRow.walker_id.in_(scope), ProgramRow.status != ProgramStatus.ENDED.value)
            .order_by(ProgramRow.created_at, ProgramRow.id)
        ).all()
        return {walker_id: (status, per_week, at) for walker_id, status, per_week, at in rows}

    def _sessions(self, scope: Any, condition: Any) -> list[tuple[str, LoggedSession]]:
        rows = self._session.execute(
            select(
                SessionLogRow.walker_id,
                SessionLogRow.performed_at,
                SessionLogRow.performed_at_utc_offset_s,
                SessionLogRow.modality,
                SessionLogRow.duration_s,
                SessionLogRow.pain_during_nprs,
                SessionLogRow.pain_after_nprs,
                SessionLogRow.fell,
            )
            .where(
                SessionLogRow.walker_id.in_(scope),
                SessionLogRow.deleted_at.is_(None),
                condition,
            )
            .order_by(SessionLogRow.performed_at)
        ).all()
        return [
            (
                walker_id,
                LoggedSession(
                    performed_at=at.astimezone(_zone(offset_s)),
                    modality=_MODALITIES[modality],
                    duration_s=duration_s,
                    pain_during_nprs=during,
                    pain_after_nprs=after,
                    fell=fell,
                ),
            )
            for walker_id, at, offset_s, modality, duration_s, during, after, fell in rows
        ]

    def _unconfirmed(self, scope: Any) -> list[tuple[str, datetime]]:
        rows = self._session.execute(
            select(SessionLogRow.walker_id, SessionLogRow.performed_at)
            .where(
                SessionLogRow.walker_id.in_(scope),
                AWAITING_DIRECTION,  # on the partial index
                SessionLogRow.deleted_at.is_(None),
            )
            .order_by(SessionLogRow.performed_at)
        ).all()
        return [(walker_id, _utc(at)) for walker_id, at in rows]

    def _checkins(self, scope: Any, since: date) -> list[tuple[str, CheckIn]]:
        rows = self._session.execute(
            select(
                CheckInRow.walker_id,
                CheckInRow.on_date,
                CheckInRow.pain_next_morning_nprs,
                CheckInRow.usual_pain_nprs,
            )
            .where(CheckInRow.walker_id.in_(scope), CheckInRow.on_date >= since)
            .order_by(CheckInRow.on_date)
        ).all()
        return [
            (walker_id, CheckIn(on=on, pain_next_morning_nprs=pain, usual_pain_nprs=usual))
            for walker_id, on, pain, usual in rows
        ]

    def _stops(self, walker_ids: list[str]) -> list[tuple[str, tuple[datetime, Decision]]]:
        rows = self._session.execute(
            select(DecisionRow.walker_id, DecisionRow.made_at, DecisionRow.reasons)
            .where(
                DecisionRow.walker_id.in_(walker_ids),
                DecisionRow.kind == DecisionKind.STOP.value,
            )
            .order_by(DecisionRow.made_at)
        ).all()
        return [
            (
                walker_id,
                (
                    _utc(made_at),
                    Decision(
                        DecisionKind.STOP,
                        decode_value(reasons, tuple[Reason, ...], path="decision.reasons"),
                    ),
                ),
            )
            for walker_id, made_at, reasons in rows
        ]


def _scope(therapist_account_id: str | None) -> Any:
    """The ids of the therapist's patients (None: of every walker), as a subquery."""
    if therapist_account_id is None:
        return select(WalkerRow.id)
    return select(TherapistPatientRow.walker_id).where(
        TherapistPatientRow.therapist_account_id == therapist_account_id
    )


T = TypeVar("T")
_MODALITIES = {m.value: m for m in Modality}


def _group(pairs: list[tuple[str, T]]) -> dict[str, list[T]]:
    grouped: dict[str, list[T]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return grouped


@cache
def _zone(offset_s: int) -> timezone:
    return timezone(timedelta(seconds=offset_s))


def _utc(value: datetime) -> datetime:
    """Every time aware, in UTC (whatever the back end hands back for a computed column)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
