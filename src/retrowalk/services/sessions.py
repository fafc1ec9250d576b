"""Log sessions, check in the next morning, and decide the next session (pain-guided).

A decision is taken after every logged session and every check-in, stored with its reasons,
and applied to the program's current target. One logged session moves the target at most once:
a later check-in about the same session may stop the program (red flags), but never raises or
lowers the target a second time for it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from retrowalk.domain import energy, progression
from retrowalk.domain.models import (
    CheckIn,
    Decision,
    DecisionKind,
    LoggedSession,
    PlannedSession,
    SessionTarget,
)
from retrowalk.domain.validation import validate_checkin, validate_logged_session
from retrowalk.errors import Conflict, NotFound
from retrowalk.services.uow import UowFactory, current_week
from retrowalk.services.views import CheckInResult, LogResult, NextView
from retrowalk.store.records import ProgramStatus, StoredProgram, Walker
from retrowalk.store.unit_of_work import UnitOfWork


def _program(work: UnitOfWork, walker: Walker) -> StoredProgram:
    stored = work.programs.current(walker.id)
    if stored is None:
        raise NotFound(
            f"{walker.profile.display_name} has no program yet: run `retrowalk start` (or "
            "`retrowalk screen` once a clinician has cleared you)"
        )
    return stored


def _target(stored: StoredProgram) -> SessionTarget:
    return stored.current_target or stored.program.sessions[0].target


def _history(work: UnitOfWork, walker_id: str) -> tuple[list[LoggedSession], list[CheckIn]]:
    sessions = [s.session for s in work.sessions.list(walker_id)]
    checkins = [c.checkin for c in work.checkins.list(walker_id)]
    return sessions, checkins


def _decide(work: UnitOfWork, walker: Walker, stored: StoredProgram) -> Decision:
    sessions, checkins = _history(work, walker.id)
    return progression.decide(
        _target(stored),
        sessions,
        checkins,
        goal=stored.goal,
        body_mass_kg=walker.profile.body_mass_kg,
    )


def _decide_and_apply(
    work: UnitOfWork, walker: Walker, stored: StoredProgram, now: datetime
) -> Decision:
    """Decide, record the decision, and move the program's target (once per session)."""
    decision = _decide(work, walker, stored)
    latest_sessions = work.sessions.list(walker.id, newest_first=True, limit=1)
    session_id = latest_sessions[0].id if latest_sessions else None
    last = work.decisions.latest(walker.id)
    already_moved = (
        last is not None
        and session_id is not None
        and last.session_id == session_id
        and bool(last.decision.changes)
    )
    if already_moved and decision.kind is not DecisionKind.STOP:
        assert last is not None
        return last.decision
    work.decisions.add(walker.id, decision, session_id=session_id, made_at=now)
    if decision.kind is DecisionKind.STOP:
        if stored.status is ProgramStatus.ACTIVE:
            work.programs.pause(stored.id)
    elif decision.changes and decision.next_target is not None:
        work.programs.update_current_target(stored.id, decision.next_target)
    return decision


# Public names for the other use cases that change the history (imports, pain added later):
# they run the same decision step as hand logging.
require_program = _program
decide_and_apply = _decide_and_apply


def current_target(uow: UowFactory, walker_ref: str | None) -> SessionTarget | None:
    with uow(read_only=True) as work:
        walker = work.walkers.default(walker_ref)
        stored = work.programs.current(walker.id)
        return None if stored is None else _target(stored)


def usual_pain(uow: UowFactory, walker_ref: str | None) -> int:
    with uow(read_only=True) as work:
        return work.walkers.default(walker_ref).profile.usual_pain_nprs


def log_session(
    uow: UowFactory, walker_ref: str | None, session: LoggedSession, *, now: datetime
) -> LogResult:
    validate_logged_session(session, now)
    with uow() as work:
        walker = work.walkers.default(walker_ref)
        stored = _program(work, walker)
        saved = work.sessions.add(walker.id, session, program_id=stored.id, created_at=now)
        decision = _decide_and_apply(work, walker, stored, now)
        work.commit()
    return LogResult(saved.id, session, decision)


def check_in(
    uow: UowFactory, walker_ref: str | None, checkin: CheckIn, *, today: date, now: datetime
) -> CheckInResult:
    validate_checkin(checkin, today)
    with uow() as work:
        walker = work.walkers.default(walker_ref)
        stored = _program(work, walker)
        if work.checkins.on(walker.id, checkin.on) is not None:
            raise Conflict(
                f"there is already a check-in for {checkin.on.isoformat()}; "
                "use --replace to correct it"
            )
        work.checkins.add(walker.id, checkin)
        decision = _decide_and_apply(work, walker, stored, now)
        work.commit()
    return CheckInResult(checkin, decision)


def replace_check_in(
    uow: UowFactory, walker_ref: str | None, checkin: CheckIn, *, today: date, now: datetime
) -> CheckInResult:
    """Correct the check-in of a date (the earlier answer is replaced)."""
    validate_checkin(checkin, today)
    with uow() as work:
        walker = work.walkers.default(walker_ref)
        stored = _program(work, walker)
        work.checkins.replace(walker.id, checkin)
        decision = _decide_and_apply(work, walker, stored, now)
        work.commit()
    return CheckInResult(checkin, decision)


def resume(uow: UowFactory, walker_ref: str | None) -> bool:
    """Resume a paused program once a clinician has cleared the walker; False if not paused."""
    with uow() as work:
        walker = work.walkers.default(walker_ref)
        stored = _program(work, walker)
        if stored.status is not ProgramStatus.PAUSED:
            return False
        work.programs.resume(stored.id)
        work.commit()
    return True


def _planned(stored: StoredProgram, week: int, done_this_week: int) -> PlannedSession | None:
    in_week = [p for p in stored.program.sessions if p.week == week]
    if not in_week:
        return None
    return in_week[min(done_this_week, len(in_week) - 1)]


def next_session(
    uow: UowFactory, walker_ref: str | None, *, now: datetime, what_if_pain: int | None = None
) -> NextView:
    with uow(read_only=True) as work:
        walker = work.walkers.default(walker_ref)
        stored = _program(work, walker)
        target = _target(stored)
        last = work.decisions.latest(walker.id)
        decision = last.decision if last is not None else _decide(work, walker, stored)
        week = current_week(stored, now)
        week_start = stored.created_at + timedelta(weeks=week - 1)
        done = sum(1 for s in work.sessions.list(walker.id, since=week_start))
        sessions, checkins = _history(work, walker.id)
    preview = None
    if what_if_pain is not None:
        hypothetical = LoggedSession(
            performed_at=max([now, *(s.performed_at for s in sessions)]),
            modality=target.modality,
            duration_s=target.duration_s,
            pain_during_nprs=what_if_pain,
            pain_after_nprs=what_if_pain,
            speed_m_s=target.speed_m_s,
            incline_pct=target.incline_pct,
            rails=target.rails,
        )
        preview = progression.preview(
            target,
            sessions,
            checkins,
            hypothetical,
            goal=stored.goal,
            body_mass_kg=walker.profile.body_mass_kg,
        )
    planned = _planned(stored, week, done)
    estimate = energy.estimate(
        target.modality,
        target.speed_m_s,
        target.incline_pct,
        target.duration_s,
        walker.profile.body_mass_kg,
    )
    cues = planned.safety_cues if planned else ()
    if planned is not None and planned.target.modality is not target.modality:
        same = [p for p in stored.program.sessions if p.target.modality is target.modality]
        cues = same[0].safety_cues if same else cues
    return NextView(
        status=stored.status.value,
        target=target,
        planned=planned,
        decision=decision,
        preview=preview,
        energy=estimate,
        safety_cues=cues,
        warmup=planned.warmup if planned else (),
    )
