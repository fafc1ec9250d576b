"""Enrol a walker: profile, screening and program; screen again; show the plan."""

from __future__ import annotations

from datetime import datetime

from retrowalk.domain import prescription, screening
from retrowalk.domain.models import Program, ScreeningAnswers, ScreeningResult, Verdict
from retrowalk.errors import Conflict, NotFound
from retrowalk.services.uow import UowFactory, current_week, find_walker
from retrowalk.services.views import Enrolment, PlanView, ScreeningOutcome
from retrowalk.store.records import ProgramStatus, WalkerProfile


def _program_for(answers: ScreeningAnswers, result: ScreeningResult, weeks: int) -> Program | None:
    """No program while a clinician should be seen first (the screening says why)."""
    prescription.WEEKS.check("weeks", weeks)
    if result.verdict is Verdict.SEE_CLINICIAN:
        return None
    return prescription.prescribe(answers, result, weeks)


def _profile(display_name: str, answers: ScreeningAnswers) -> WalkerProfile:
    return WalkerProfile(
        display_name=display_name.strip(),
        age_years=answers.age_years,
        body_mass_kg=answers.body_mass_kg,
        goal=answers.goal,
        usual_pain_nprs=answers.knee_pain_nprs,
        forward_speed_m_s=answers.forward_speed_m_s,
    )


def enrol(
    uow: UowFactory,
    display_name: str,
    answers: ScreeningAnswers,
    *,
    weeks: int,
    now: datetime,
    unique_name: bool = True,
) -> Enrolment:
    """Create the walker, store the screening and (unless a clinician comes first) a program.

    ``unique_name``: refuse a display name already taken (the CLI addresses walkers by name);
    the web addresses walkers by id, where two people may share a name.
    """
    result = screening.screen(answers)
    program = _program_for(answers, result, weeks)
    with uow() as work:
        if unique_name and any(
            w.profile.display_name == display_name.strip() for w in work.walkers.list()
        ):
            raise Conflict(
                f"a walker named {display_name!r} already exists; use `retrowalk screen` to "
                "answer the screening again, or choose another --name"
            )
        walker = work.walkers.add(_profile(display_name, answers), created_at=now)
        work.screenings.add(walker.id, answers, result, taken_at=now)
        if program is not None:
            work.programs.add(walker.id, program, goal=answers.goal, created_at=now)
        work.commit()
    return Enrolment(walker.id, walker.profile.display_name, result, program)


def rescreen(
    uow: UowFactory,
    walker_ref: str | None,
    answers: ScreeningAnswers,
    *,
    now: datetime,
    weeks: int = 6,
) -> ScreeningOutcome:
    """Screen again. With a walker: store it, pause the program on a red flag, and prescribe a
    program when there is none and the screening allows one. Without a walker: only answer."""
    result = screening.screen(answers)
    with uow() as work:
        try:
            walker = find_walker(work, walker_ref)
        except NotFound:
            if walker_ref is not None:
                raise
            return ScreeningOutcome(result, saved=False)
        work.screenings.add(walker.id, answers, result, taken_at=now)
        work.walkers.update_profile(walker.id, _profile(walker.profile.display_name, answers))
        current = work.programs.current(walker.id)
        if result.verdict is Verdict.SEE_CLINICIAN:
            if current is not None and current.status is ProgramStatus.ACTIVE:
                work.programs.pause(current.id)
        elif current is None or current.goal is not answers.goal:
            program = _program_for(answers, result, weeks)
            if program is not None:
                work.programs.add(walker.id, program, goal=answers.goal, created_at=now)
        stored = work.programs.current(walker.id)
        work.commit()
    status = None if stored is None else stored.status.value
    return ScreeningOutcome(result, saved=True, program_status=status)


def plan(uow: UowFactory, walker_ref: str | None, *, now: datetime) -> PlanView:
    with uow(read_only=True) as work:
        walker = find_walker(work, walker_ref)
        stored = work.programs.current(walker.id)
        if stored is None:
            raise NotFound(
                f"{walker.profile.display_name} has no program: the last screening asked for a "
                "clinician first (run `retrowalk screen` again once cleared)"
            )
    target = stored.current_target or stored.program.sessions[0].target
    return PlanView(
        walker_id=walker.id,
        display_name=walker.profile.display_name,
        status=stored.status.value,
        program=stored.program,
        program_started_at=stored.created_at,
        current_week=current_week(stored, now),
        current_target=target,
        body_mass_kg=walker.profile.body_mass_kg,
    )
