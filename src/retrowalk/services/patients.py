"""A therapist's patients: the list with flags, and resuming a paused program.

The list is read in a fixed number of queries (``CareRepository.overview``) and flagged by
``domain.flags``; sorting is by ``flags`` (most severe first, then name), ``name``,
``last_session`` (most recent first) or ``pain`` (highest first); patients without a value sort
last.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from statistics import fmean

from retrowalk.domain.access import Actor, Permission, Role, may_manage_patients
from retrowalk.domain.flags import ADHERENCE_WINDOW, RECENT, Flag, patient_flags, severity_counts
from retrowalk.domain.models import LoggedSession
from retrowalk.errors import Forbidden, InvalidInput, NotFound
from retrowalk.services.authorization import check
from retrowalk.services.sessions import resume_paused
from retrowalk.services.uow import UowFactory
from retrowalk.store.care import PatientData
from retrowalk.store.records import ProgramStatus

SORTS = ("flags", "name", "last_session", "pain")
NO_PROGRAM = "none"


@dataclass(frozen=True)
class PatientRow:
    """One line of the patient list. ``mean_pain_last_7_days`` is the mean over the sessions of
    the last 7 days of each session's highest pain (during or after); ``program_status`` is
    ``active``, ``paused`` or ``none`` (no program: the screening asked for a clinician)."""

    walker_id: str
    display_name: str
    last_session_at: datetime | None
    sessions_last_7_days: int
    mean_pain_last_7_days: float | None
    flags: tuple[Flag, ...]
    program_status: str
    goal: str | None = None


class OverviewCache:
    """What ``CareRepository.overview`` last read for each therapist, reused while none of
    their patients changed (every patient's ``walker_stamp`` counter, kept by database triggers,
    is the same: one light query instead of the overview's eight) and the window only moved
    forward (``PatientData.narrowed``). The flags are always computed afresh at ``now``. One per
    process, shared by its threads; at most ``size`` therapists, least recently used out."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._entries: OrderedDict[str | None, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get(
        self, scope: str | None, stamps: tuple[tuple[str, int], ...], since: datetime
    ) -> list[PatientData] | None:
        with self._lock:
            entry = self._entries.get(scope)
            if entry is None or entry.stamps != stamps or since < entry.since:
                return None
            self._entries.move_to_end(scope)
        return [patient.narrowed(since) for patient in entry.patients]

    def put(
        self,
        scope: str | None,
        stamps: tuple[tuple[str, int], ...],
        since: datetime,
        patients: list[PatientData],
    ) -> None:
        with self._lock:
            self._entries[scope] = _Entry(stamps, since, tuple(patients))
            self._entries.move_to_end(scope)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)


@dataclass(frozen=True)
class _Entry:
    stamps: tuple[tuple[str, int], ...]
    since: datetime
    patients: tuple[PatientData, ...]


def patient_list(
    uow: UowFactory,
    therapist: Actor,
    *,
    now: datetime,
    sort: str = "flags",
    cache: OverviewCache | None = None,
) -> list[PatientRow]:
    """The patients of ``therapist`` (every walker for an admin) with their flags at ``now``;
    with a ``cache``, what was read for them is reused while none of them changed."""
    if not may_manage_patients(therapist):
        raise Forbidden("only a therapist sees a patient list")
    if sort not in SORTS:
        raise InvalidInput("sort", sort, ", ".join(SORTS))
    scope = None if therapist.role == Role.ADMIN else therapist.account_id
    since = now - ADHERENCE_WINDOW
    with uow(read_only=True) as work:
        if cache is None:
            patients = work.care.overview(scope, since=since)
        else:
            stamps = work.care.stamps(scope)  # before the overview: a later change is seen
            found = cache.get(scope, stamps, since)
            if found is None:
                found = work.care.overview(scope, since=since)
                cache.put(scope, stamps, since, found)
            patients = found
    rows = [_row(patient, now) for patient in patients]
    return sorted(rows, key=_SORT_KEYS[sort])


def _row(p: PatientData, now: datetime) -> PatientRow:
    since = now - RECENT
    recent = [s for s in p.recent_sessions if since < s.performed_at <= now]
    older_falls = [s for s in p.falls if s.performed_at < now - ADHERENCE_WINDOW]
    days = [] if p.last_session_at is None else [p.last_session_at.date()]
    days += [] if p.last_checkin_on is None else [p.last_checkin_on]
    active = p.program_status in (ProgramStatus.ACTIVE.value, ProgramStatus.PAUSED.value)
    flags = patient_flags(
        [*p.recent_sessions, *older_falls],
        p.recent_checkins,
        p.stops,
        now=now,
        sessions_per_week=p.sessions_per_week if active else None,
        program_started_at=p.program_started_at,
        program_paused=p.program_status == ProgramStatus.PAUSED.value,
        reviewed_at=p.reviewed_at,
        last_data_on=max(days, default=None),
        unconfirmed_directions=p.unconfirmed_directions,
    )
    return PatientRow(
        walker_id=p.walker_id,
        display_name=p.display_name,
        last_session_at=p.last_session_at,
        sessions_last_7_days=len(recent),
        mean_pain_last_7_days=fmean(pains) if (pains := _reported_pains(recent)) else None,
        flags=flags,
        program_status=p.program_status or NO_PROGRAM,
        goal=p.goal,
    )


def _reported_pains(sessions: list[LoggedSession]) -> list[int]:
    """The worst reported pain of each session (imported ones may not have any yet)."""
    worst = []
    for session in sessions:
        reported = [p for p in (session.pain_during_nprs, session.pain_after_nprs) if p is not None]
        if reported:
            worst.append(max(reported))
    return worst


def _by_flags(row: PatientRow) -> tuple[int, int, int, str]:
    urgent, warning, info = severity_counts(row.flags)
    return (-urgent, -warning, -info, row.display_name.casefold())


def _by_last_session(row: PatientRow) -> tuple[bool, float, str]:
    at = row.last_session_at
    return (at is None, -at.timestamp() if at else 0.0, row.display_name.casefold())


def _by_pain(row: PatientRow) -> tuple[bool, float, str]:
    pain = row.mean_pain_last_7_days
    return (pain is None, -(pain or 0.0), row.display_name.casefold())


_SORT_KEYS = {
    "flags": _by_flags,
    "name": lambda row: (row.display_name.casefold(), row.walker_id),
    "last_session": _by_last_session,
    "pain": _by_pain,
}


def resume_program(uow: UowFactory, actor: Actor, walker_id: str, *, now: datetime) -> bool:
    """Resume the walker's paused program (after a fall or another stop) and record who did it
    and when: the fall and pain flags before ``now`` count as reviewed, and the warning signs
    reported so far as cleared (``sessions.resume_paused``). False when the program was not
    paused. Who may: ``Permission.RESUME_PROGRAM`` (the walker's therapist or an admin; a
    walker their own only when no therapist cares for them). ``NotFound`` for a walker the
    actor may not see or without a program; ``Forbidden`` for a walker whose therapist must
    resume it."""
    with uow() as work:
        check(work, actor, walker_id, Permission.RESUME_PROGRAM)
        stored = work.programs.current(walker_id)
        if stored is None:
            raise NotFound("this walker has no program to resume")
        if stored.status is not ProgramStatus.PAUSED:
            return False
        resume_paused(work, walker_id, stored, now=now)
        work.care.add_resume(walker_id, stored.id, actor.account_id, at=now)
        work.commit()
    return True
