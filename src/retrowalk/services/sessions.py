"""Log sessions, check in the next morning, and decide the next session (pain-guided).

A decision is taken after every logged session and every check-in, stored with its reasons,
and applied to the program's current target. One logged session moves the target at most once:
a later check-in about the same session may stop the program (red flags), but never raises or
lowers the target a second time for it.

A stop pauses the program until the walker, cleared by a clinician, resumes it (product.md:
"a reported fall pauses the program until the therapist resumes it"). While paused, what is
logged is kept but never moves the target. Resuming clears the warning signs reported so far:
the same sign, seen again in a later decision about the same session, does not pause again; a
new one does. The decision step itself is ``services.deciding``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from retrowalk.domain import energy, progression
from retrowalk.domain.access import Actor, Permission
from retrowalk.domain.models import (
    CheckIn,
    Decision,
    LoggedSession,
    PlannedSession,
    SessionTarget,
)
from retrowalk.domain.validation import validate_checkin, validate_logged_session
from retrowalk.errors import Conflict, InvalidInput
from retrowalk.services.authorization import check as check_permission
from retrowalk.services.deciding import (
    RESUMED,
    AnyProgram,
    NotLatest,
    Pending,
    decide,
    decide_and_apply,
    hold,
    next_decision,
    record,
    require_program,
    require_state,
    target_of,
)
from retrowalk.services.uow import UowFactory, current_week, find_walker
from retrowalk.services.views import CheckInResult, LogResult, NextView, SessionLogged
from retrowalk.store._base import new_id
from retrowalk.store.records import (
    ProgramState,
    ProgramStatus,
    StoredProgram,
    StoredSession,
    Walker,
)
from retrowalk.store.unit_of_work import UnitOfWork

# Public names for the other use cases that change the history (imports, pain added later):
# they run the same decision step as hand logging.


def current_target(uow: UowFactory, walker_ref: str | None) -> SessionTarget | None:
    with uow(read_only=True) as work:
        walker = find_walker(work, walker_ref)
        stored = work.programs.current_state(walker.id)
        return None if stored is None else target_of(stored)


def usual_pain(uow: UowFactory, walker_ref: str | None) -> int:
    with uow(read_only=True) as work:
        return find_walker(work, walker_ref).profile.usual_pain_nprs


def log_session(
    uow: UowFactory, walker_ref: str | None, session: LoggedSession, *, now: datetime
) -> LogResult:
    validate_logged_session(session, now)
    with uow() as work:
        saved, decision = _log(work, find_walker(work, walker_ref), session, now)
        work.commit()
    return LogResult(saved.id, session, decision)


def _log(
    work: UnitOfWork, walker: Walker, session: LoggedSession, now: datetime
) -> tuple[StoredSession, Decision]:
    """Store a validated session under the current program and take the next decision."""
    stored = require_state(work, walker)
    saved = work.sessions.add(walker.id, session, program_id=stored.id, created_at=now)
    return saved, decide_and_apply(work, walker, stored, now)


def log_session_as(
    uow: UowFactory, actor: Actor, walker_id: str, session: LoggedSession, *, now: datetime
) -> SessionLogged:
    """``log_session`` for ``actor`` (``Permission.RECORD`` on ``walker_id``, checked first,
    as ``authorization.authorize_walker`` does), answering the session as stored (what
    ``records.get_session`` would read back) without reading it back.

    The decision is taken first, in a read-only transaction that waits for no writer, on the
    session as if stored (``_plan``); the writing unit of work then only checks that nothing of
    the walker changed meanwhile (its ``walker_stamp`` counter, held until commit) and writes.
    If something changed, or the session is not the walker's latest, it decides again inside
    the writing unit of work, as every other use case does: the decision is the same either
    way, and a SQLite writer holds the database for the writes alone."""
    plan = _plan(uow, walker_id, session, now)
    with uow() as work:
        walker = check_permission(work, actor, walker_id, Permission.RECORD)
        validate_logged_session(session, now)
        if plan is not None and work.walkers.stamp(walker.id, hold=True) == plan.stamp:
            saved = work.sessions.add(
                walker.id,
                session,
                program_id=plan.stored.id,
                created_at=now,
                id=plan.pending.id,
            )
            decision = plan.decision
            record(work, walker, plan.stored, decision, plan.pending.id, now)
        else:
            saved, decision = _log(work, walker, session, now)
        work.commit()
    return SessionLogged(_as_read_back(saved), decision)


@dataclass(frozen=True)
class _Plan:
    stamp: int
    stored: ProgramState
    pending: Pending
    decision: Decision


def _plan(uow: UowFactory, walker_id: str, session: LoggedSession, now: datetime) -> _Plan | None:
    """The decision on ``session`` as if stored, read without a writer's lock; None when the
    writing unit of work must decide itself (bad input, no such walker or program: it says
    why; a session not later than every stored one)."""
    try:
        validate_logged_session(session, now)
    except InvalidInput:
        return None
    with uow(read_only=True) as work:
        stamp = work.walkers.stamp(walker_id)  # first: a change after it is seen at writing
        walker = work.walkers.find(walker_id) if stamp is not None else None
        stored = work.programs.current_state(walker_id) if walker is not None else None
        if stamp is None or walker is None or stored is None:
            return None
        pending = Pending(session, new_id())
        try:
            decision, _, recorded = next_decision(work, walker, stored, pending)
        except NotLatest:
            return None
    # a new session has no decision yet: ``recorded`` is never true here, and if it were,
    # the writing unit of work would decide (and find it) itself
    return None if recorded else _Plan(stamp, stored, pending, decision)


def _as_read_back(saved: StoredSession) -> StoredSession:
    """The session as a later read gives it: stored times come back in UTC."""
    return replace(
        saved,
        created_at=saved.created_at.astimezone(UTC),
        updated_at=saved.updated_at.astimezone(UTC),
    )


def check_in(
    uow: UowFactory, walker_ref: str | None, checkin: CheckIn, *, today: date, now: datetime
) -> CheckInResult:
    validate_checkin(checkin, today)
    with uow() as work:
        walker = find_walker(work, walker_ref)
        stored = require_state(work, walker)
        if work.checkins.on(walker.id, checkin.on) is not None:
            raise Conflict(
                f"there is already a check-in for {checkin.on.isoformat()}; "
                "use --replace to correct it"
            )
        work.checkins.add(walker.id, checkin)
        decision = decide_and_apply(work, walker, stored, now)
        work.commit()
    return CheckInResult(checkin, decision)


def replace_check_in(
    uow: UowFactory, walker_ref: str | None, checkin: CheckIn, *, today: date, now: datetime
) -> CheckInResult:
    """Correct the check-in of a date (the earlier answer is replaced)."""
    validate_checkin(checkin, today)
    with uow() as work:
        walker = find_walker(work, walker_ref)
        stored = require_state(work, walker)
        work.checkins.replace(walker.id, checkin)
        decision = decide_and_apply(work, walker, stored, now)
        work.commit()
    return CheckInResult(checkin, decision)


def resume(uow: UowFactory, walker_ref: str | None, *, now: datetime | None = None) -> bool:
    """Resume a paused program once a clinician has cleared the walker; False if not paused.

    Records a hold at the current target (so ``next`` no longer shows the stop), which also
    marks the warning signs reported so far as cleared."""
    with uow() as work:
        walker = find_walker(work, walker_ref)
        stored = require_state(work, walker)
        if stored.status is not ProgramStatus.PAUSED:
            return False
        resume_paused(work, walker.id, stored, now=now)
        work.commit()
    return True


def resume_paused(
    work: UnitOfWork, walker_id: str, stored: AnyProgram, *, now: datetime | None
) -> None:
    """Inside an open unit of work: resume the paused program ``stored`` and record the hold
    that marks the warning signs reported so far as cleared (``resume`` and
    ``services.patients.resume_program`` both end here)."""
    work.programs.resume(stored.id)
    resumed = hold(
        stored,
        RESUMED,
        "A clinician has cleared you to continue: the program resumes at the current "
        "level (expert opinion).",
    )
    work.decisions.add(
        walker_id, resumed, session_id=work.sessions.latest_id(walker_id), made_at=now
    )


def _planned(stored: StoredProgram, week: int, done_this_week: int) -> PlannedSession | None:
    in_week = [p for p in stored.program.sessions if p.week == week]
    if not in_week:
        return None
    return in_week[min(done_this_week, len(in_week) - 1)]


def next_session(
    uow: UowFactory, walker_ref: str | None, *, now: datetime, what_if_pain: int | None = None
) -> NextView:
    with uow(read_only=True) as work:
        walker = find_walker(work, walker_ref)
        stored = require_program(work, walker)
        target = target_of(stored)
        last = work.decisions.latest(walker.id)
        decision = last.decision if last is not None else decide(work, walker, stored)
        week = current_week(stored, now)
        week_start = stored.created_at + timedelta(weeks=week - 1)
        done = sum(1 for s in work.sessions.list(walker.id, since=week_start))
        sessions, checkins = work.sessions.history(walker.id), work.checkins.history(walker.id)
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
