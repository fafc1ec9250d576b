"""Progress by program week: minutes against the plan and the pain picture."""

from __future__ import annotations

from datetime import timedelta
from statistics import fmean

from retrowalk.services.uow import UowFactory, find_walker
from retrowalk.services.views import ProgressView, WeekRow
from retrowalk.store.records import StoredProgram


def _mean(values: list[int | None]) -> float | None:
    """The mean of the values reported (pain not reported yet is None and left out)."""
    known = [v for v in values if v is not None]
    return fmean(known) if known else None


def progress(uow: UowFactory, walker_ref: str | None) -> ProgressView:
    with uow(read_only=True) as work:
        walker = find_walker(work, walker_ref)
        stored: StoredProgram | None = work.programs.current(walker.id)
        sessions = [s.session for s in work.sessions.list(walker.id)]
        checkins = [c.checkin for c in work.checkins.list(walker.id)]
        decisions = tuple((d.made_at, d.decision) for d in work.decisions.list(walker.id))
        outcomes = tuple((o.taken_at, o.outcome) for o in work.outcomes.list(walker.id))
    rows: list[WeekRow] = []
    if stored is not None:
        first_done = min((s.performed_at for s in sessions), default=stored.created_at)
        start = min(stored.created_at, first_done)
        last_done = max((s.performed_at for s in sessions), default=start)
        n_weeks = max(stored.program.weeks, (last_done - start).days // 7 + 1)
        for week in range(1, n_weeks + 1):
            begin, end = start + timedelta(weeks=week - 1), start + timedelta(weeks=week)
            planned = [p for p in stored.program.sessions if p.week == week]
            done = [s for s in sessions if begin <= s.performed_at < end]
            mornings = [c for c in checkins if begin.date() <= c.on < end.date()]
            rows.append(
                WeekRow(
                    week=week,
                    starts_on=begin.date(),
                    planned_sessions=len(planned),
                    done_sessions=len(done),
                    planned_minutes=sum(p.target.duration_s for p in planned) / 60,
                    done_minutes=sum(s.duration_s for s in done) / 60,
                    mean_pain_during=_mean([s.pain_during_nprs for s in done]),
                    mean_pain_after=_mean([s.pain_after_nprs for s in done]),
                    mean_pain_next_morning=_mean([c.pain_next_morning_nprs for c in mornings]),
                )
            )
    return ProgressView(walker.profile.display_name, tuple(rows), decisions, outcomes)
