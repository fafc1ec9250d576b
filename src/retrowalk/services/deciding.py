"""The decision step every use case that changes a walker's history runs (logging, check-ins,
imports, corrections): decide on the recent end of the history (``progression.decide_recent``)
or on all of it, keep a stop that a resume already cleared from stopping again, hold while the
program is paused, record the decision and move the program's target at most once per session.

``next_decision`` only reads, so a caller can decide before taking a writer's lock
(``services.sessions.log_session_as``) and ``record`` the result once it holds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from retrowalk.domain import progression
from retrowalk.domain.models import (
    Decision,
    DecisionKind,
    LoggedSession,
    Reason,
    SessionTarget,
)
from retrowalk.domain.progression_window import cutoff_day
from retrowalk.errors import NotFound
from retrowalk.store.records import ProgramState, ProgramStatus, StoredProgram, Walker
from retrowalk.store.unit_of_work import UnitOfWork


def require_program(work: UnitOfWork, walker: Walker) -> StoredProgram:
    stored = work.programs.current(walker.id)
    if stored is None:
        raise no_program(walker)
    return stored


def require_state(work: UnitOfWork, walker: Walker) -> ProgramState:
    """``require_program`` without the plan (logging and deciding never read it)."""
    state = work.programs.current_state(walker.id)
    if state is None:
        raise no_program(walker)
    return state


def no_program(walker: Walker) -> NotFound:
    return NotFound(
        f"{walker.profile.display_name} has no program yet: run `retrowalk start` (or "
        "`retrowalk screen` once a clinician has cleared you)"
    )


AnyProgram = StoredProgram | ProgramState


def target_of(stored: AnyProgram) -> SessionTarget:
    if isinstance(stored, ProgramState):
        return stored.target
    return stored.current_target or stored.program.sessions[0].target


RECENT_SESSIONS = 21
"""Sessions read first for a decision (three weeks of daily sessions, seven of three a week);
the whole history is read only when ``progression.decide_recent`` says they are not enough."""


def decide(work: UnitOfWork, walker: Walker, stored: AnyProgram) -> Decision:
    return decide_latest(work, walker, stored)[0]


@dataclass(frozen=True)
class Pending:
    """A session about to be stored, later than every stored one: decided on before it is
    written (``log_session_as``)."""

    session: LoggedSession
    id: str


class NotLatest(Exception):
    """The pending session is not later than every stored one: decide after storing it."""


def decide_latest(
    work: UnitOfWork, walker: Walker, stored: AnyProgram, pending: Pending | None = None
) -> tuple[Decision, str | None]:
    """The decision, and the id of the latest session (the one it is about); with a
    ``pending`` session, as if it were stored already."""
    target, goal, body_mass_kg = target_of(stored), stored.goal, walker.profile.body_mass_kg
    recent = work.sessions.recent(walker.id, RECENT_SESSIONS)
    window, complete, latest_id = recent.sessions, recent.complete, recent.latest_id
    if pending is not None:
        if window and pending.session.performed_at <= window[-1].performed_at:
            raise NotLatest
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


def hold(stored: AnyProgram, rule_id: str, text: str) -> Decision:
    """Keep the current target; the reason is a design choice (expert-opinion)."""
    return Decision(
        DecisionKind.HOLD, (Reason(rule_id, text, "expert-opinion"),), (), target_of(stored)
    )


def cleared_by_resume(work: UnitOfWork, walker_id: str, stop: Decision) -> bool:
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


def decide_and_apply(
    work: UnitOfWork, walker: Walker, stored: AnyProgram, now: datetime
) -> Decision:
    """Decide, record the decision, and move the program's target (once per session)."""
    decision, session_id, recorded = next_decision(work, walker, stored)
    if not recorded:
        record(work, walker, stored, decision, session_id, now)
    return decision


def next_decision(
    work: UnitOfWork,
    walker: Walker,
    stored: AnyProgram,
    pending: Pending | None = None,
) -> tuple[Decision, str | None, bool]:
    """The decision ``decide_and_apply`` takes, the session it is about, and whether it is
    already recorded (the target moved once for that session already). Reads only."""
    decision, session_id = decide_latest(work, walker, stored, pending)
    if decision.kind is DecisionKind.STOP and cleared_by_resume(work, walker.id, decision):
        decision = hold(
            stored,
            CLEARED,
            "The warning sign reported earlier was cleared when you resumed the program after "
            "seeing a clinician: carry on at the current level, and stop again at any new sign "
            "(expert opinion).",
        )
    elif decision.kind is not DecisionKind.STOP and stored.status is ProgramStatus.PAUSED:
        decision = hold(
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


def record(
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
