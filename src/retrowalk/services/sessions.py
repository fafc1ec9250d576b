"""Log sessions, check in the next morning, and decide the next session (pain-guided).

A decision is taken after every logged session and every check-in, stored with its reasons,
and applied to the program's current target. One logged session moves the target at most once:
a later check-in about the same session may stop the program (red flags), but never raises or
lowers the target a second time for it.

A stop pauses the program until the walker, cleared by a clinician, resumes it (product.md:
"a reported fall pauses the program until the therapist resumes it"). While paused, what is
logged is kept but never moves the target. Resuming clears the warning signs reported so far:
the same sign, seen again in a later decision about the same session, does not pause again; a
new one does.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from retrowalk.domain import energy, progression
from retrowalk.domain.access import Actor, Permission
from retrowalk.domain.models import (
    CheckIn,
    Decision,
    DecisionKind,
    LoggedSession,
    PlannedSession,
    Reason,
    SessionTarget,
)
from retrowalk.domain.progression_window import cutoff_day
from retrowalk.domain.validation import validate_checkin, validate_logged_session
from retrowalk.errors import Conflict, InvalidInput, NotFound
from retrowalk.services.authorization import check as check_permission
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


def require_program(work: UnitOfWork, walker: Walker) -> StoredProgram:
    stored = work.programs.current(walker.id)
    if stored is None:
        raise _no_program(walker)
    return stored


def require_state(work: UnitOfWork, walker: Walker) -> ProgramState:
    """``require_program`` without the plan (logging and deciding never read it)."""
    state = work.programs.current_state(walker.id)
    if state is None:
        raise _no_program(walker)
    return state


def _no_program(walker: Walker) -> NotFound:
    return NotFound(
        f"{walker.profile.display_name} has no program yet: run `retrowalk start` (or "
        "`retrowalk screen` once a clinician has cleared you)"
    )


AnyProgram = StoredProgram | ProgramState


def _target(stored: AnyProgram) -> SessionTarget:
    if isinstance(stored, ProgramState):
        return stored.target
    return stored.current_target or stored.program.sessions[0].target


def _history(work: UnitOfWork, walker_id: str) -> tuple[list[LoggedSession], list[CheckIn]]:
    return work.sessions.history(walker_id), work.checkins.history(walker_id)


RECENT_SESSIONS = 21
"""Sessions read first for a decision (three weeks of daily sessions, seven of three a week);
the whole history is read only when ``progression.decide_recent`` says they are not enough."""


def _decide(work: UnitOfWork, walker: Walker, stored: AnyProgram) -> Decision:
    return _decide_latest(work, walker, stored)[0]


@dataclass(frozen=True)
class _Pending:
    """A session about to be stored, later than every stored one: decided on before it is
    written (``log_session_as``)."""

    session: LoggedSession
    id: str


class _NotLatest(Exception):
    """The pending session is not later than every stored one: decide after storing it."""


def _decide_latest(
    work: UnitOfWork, walker: Walker, stored: AnyProgram, pending: _Pending | None = None
) -> tuple[Decision, str | None]:
    """The decision, and the id of the latest session (the one it is about); with a
    ``pending`` session, as if it were stored already."""
    target, goal, body_mass_kg = _target(stored), stored.goal, walker.profile.body_mass_kg
    recent = work.sessions.recent(walker.id, RECENT_SESSIONS)
    window, complete, latest_id = recent.sessions, recent.complete, recent.latest_id
    if pending is not None:
        if window and pending.session.performed_at <= window[-1].performed_at:
            raise _NotLatest
        window = [*window, pending.session]
        complete = complete and len(window) <= RECENT_SESSIONS
        window, latest_id = window[-RECENT_SESSIONS:], pending.id
    if not complete:
        checkins = work.checkins.recent(walker.id, after=cutoff_day(window))
        found = progression.decide_recent(
            target, window, checkins, goal=goal, body_mass_kg=body_mass_kg
        )
        if found is not None:
            return found, latest_id
    if complete:
        sessions = window
    else:
        sessions = work.sessions.history(walker.id)
        sessions += [pending.session] if pending is not None else []
    decision = progression.decide(
        target, sessions, work.checkins.history(walker.id), goal=goal, body_mass_kg=body_mass_kg
    )
    return decision, latest_id


RESUMED = "resume-cleared"
PAUSED = "hold-paused"
CLEARED = "hold-cleared-sign"


def _hold(stored: AnyProgram, rule_id: str, text: str) -> Decision:
    """Keep the current target; the reason is a design choice (expert-opinion)."""
    return Decision(
        DecisionKind.HOLD, (Reason(rule_id, text, "expert-opinion"),), (), _target(stored)
    )


def _cleared_by_resume(work: UnitOfWork, walker_id: str, stop: Decision) -> bool:
    """Whether every warning sign of ``stop`` was already stopped for, then cleared (resumed)."""
    decisions = [d.decision for d in work.decisions.list(walker_id)]
    resumed_at = [
        i for i, d in enumerate(decisions) if any(r.rule_id == RESUMED for r in d.reasons)
    ]
    if not resumed_at:
        return False
    cleared = {
        reason
        for d in decisions[: resumed_at[-1]]
        if d.kind is DecisionKind.STOP
        for reason in d.reasons
    }
    return set(stop.reasons) <= cleared


def _latest_session_id(work: UnitOfWork, walker_id: str) -> str | None:
    return work.sessions.latest_id(walker_id)


def decide_and_apply(
    work: UnitOfWork, walker: Walker, stored: AnyProgram, now: datetime
) -> Decision:
    """Decide, record the decision, and move the program's target (once per session)."""
    decision, session_id, recorded = _next_decision(work, walker, stored)
    if not recorded:
        _record(work, walker, stored, decision, session_id, now)
    return decision


def _next_decision(
    work: UnitOfWork,
    walker: Walker,
    stored: AnyProgram,
    pending: _Pending | None = None,
) -> tuple[Decision, str | None, bool]:
    """The decision ``decide_and_apply`` takes, the session it is about, and whether it is
    already recorded (the target moved once for that session already). Reads only."""
    decision, session_id = _decide_latest(work, walker, stored, pending)
    if decision.kind is DecisionKind.STOP and _cleared_by_resume(work, walker.id, decision):
        decision = _hold(
            stored,
            CLEARED,
            "The warning sign reported earlier was cleared when you resumed the program after "
            "seeing a clinician: carry on at the current level, and stop again at any new sign "
            "(expert opinion).",
        )
    elif decision.kind is not DecisionKind.STOP and stored.status is ProgramStatus.PAUSED:
        decision = _hold(
            stored,
            PAUSED,
            "Your program is paused after a warning sign: what you log is kept, but the next "
            "session does not change until a clinician has cleared you and the program is "
            "resumed (by your therapist if you have one; otherwise by you: the Resume button "
            "on today's page, or `retrowalk resume --cleared`) (expert opinion).",
        )
    last = work.decisions.latest_link(walker.id)  # (id, session id, moved), not decoded
    already_moved = (
        last is not None and session_id is not None and last[1] == session_id and last[2]
    )
    if already_moved and decision.kind is not DecisionKind.STOP:
        assert last is not None
        return work.decisions.get(last[0]).decision, session_id, True
    return decision, session_id, False


def _record(
    work: UnitOfWork,
    walker: Walker,
    stored: AnyProgram,
    decision: Decision,
    session_id: str | None,
    now: datetime,
) -> None:
    work.decisions.add(walker.id, decision, session_id=session_id, made_at=now)
    if decision.kind is DecisionKind.STOP:
        if stored.status is ProgramStatus.ACTIVE:
            work.programs.pause(stored.id)
    elif decision.changes and decision.next_target is not None:
        work.programs.move_target(stored.id, decision.next_target)


# Public names for the other use cases that change the history (imports, pain added later):
# they run the same decision step as hand logging.


def current_target(uow: UowFactory, walker_ref: str | None) -> SessionTarget | None:
    with uow(read_only=True) as work:
        walker = find_walker(work, walker_ref)
        stored = work.programs.current_state(walker.id)
        return None if stored is None else _target(stored)


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
            if not plan.recorded:
                _record(work, walker, plan.stored, decision, plan.pending.id, now)
        else:
            saved, decision = _log(work, walker, session, now)
        work.commit()
    return SessionLogged(_as_read_back(saved), decision)


@dataclass(frozen=True)
class _Plan:
    stamp: int
    stored: ProgramState
    pending: _Pending
    decision: Decision
    recorded: bool


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
        pending = _Pending(session, new_id())
        try:
            decision, _, recorded = _next_decision(work, walker, stored, pending)
        except _NotLatest:
            return None
    return _Plan(stamp, stored, pending, decision, recorded)


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
    resumed = _hold(
        stored,
        RESUMED,
        "A clinician has cleared you to continue: the program resumes at the current "
        "level (expert opinion).",
    )
    work.decisions.add(
        walker_id, resumed, session_id=_latest_session_id(work, walker_id), made_at=now
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
