"""A demo patient's weeks: when they walk, what they do, how it hurts, and their check-ins.

The walker does what the current target asks (a little more or, now and then, less), so the
program moves as the real decisions move it. Sessions fall on fixed weekdays (3 a week, 2 for
athletes) at a habitual hour with +/- 40 min of jitter, and now and then a day earlier or later
(never in the last week, so adherence flags mean what they say). Usual pain eases by about 40 %
over the history; session pain sits around half of it, with acceptable-pain days in "bumpy"
stories; next-morning pain is mostly back to usual. Stories change the end: a pain flare in the
last session, a fall four days ago (nothing after it), no data for 10 days, or one session a
week in the last two weeks.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Protocol

from retrowalk.domain.models import CheckIn, Goal, LoggedSession, SessionTarget
from retrowalk.services import sessions
from retrowalk.services.demo_people import Story
from retrowalk.services.uow import UowFactory

HOURS = (7, 8, 12, 17, 18, 19)
SHIFT_CHANCE = 0.12
SKIP_CHECKIN_CHANCE = 0.08
FALL_DAYS_AGO = 4
STOPPED_DAYS_AGO = 10
MISSED_WEEKS = 2


@dataclass(frozen=True)
class Plan:
    walker_id: str
    goal: Goal
    story: Story
    sessions_per_week: int
    usual_pain_nprs: int
    body_mass_kg: float
    enrolled_at: datetime
    now: datetime
    zone: tzinfo


class WalkerLog(Protocol):
    """Where a simulated walker logs: the services (``ServiceLog``) or the bulk writer
    (``demo_bulk.BulkLog``), which take the same decisions."""

    def target(self) -> SessionTarget: ...

    def log(self, session: LoggedSession, *, now: datetime) -> None: ...

    def check_in(self, checkin: CheckIn, *, now: datetime) -> None: ...


class ServiceLog:
    """Log through ``services.sessions``, one call per session and per check-in."""

    def __init__(self, uow: UowFactory, walker_id: str) -> None:
        self._uow = uow
        self._walker_id = walker_id

    def target(self) -> SessionTarget:
        target = sessions.current_target(self._uow, self._walker_id)
        assert target is not None, "a demo patient always has a program"
        return target

    def log(self, session: LoggedSession, *, now: datetime) -> None:
        sessions.log_session(self._uow, self._walker_id, session, now=now)

    def check_in(self, checkin: CheckIn, *, now: datetime) -> None:
        sessions.check_in(self._uow, self._walker_id, checkin, today=checkin.on, now=now)


def schedule(plan: Plan, rng: random.Random) -> list[datetime]:
    """Session start times from the day after enrolment to half an hour before ``now``."""
    per_week = plan.sessions_per_week
    pattern = {2: (0, 3), 3: (0, 2, 4)}.get(per_week) or tuple(
        round(i * 7 / per_week) for i in range(per_week)
    )
    first = plan.enrolled_at.astimezone(plan.zone).date() + timedelta(days=1 + rng.randrange(2))
    hour = rng.choice(HOURS)
    quiet_from = plan.now - timedelta(days=10)
    latest = plan.now - timedelta(minutes=30)
    moments: list[datetime] = []
    week = 0
    while first + timedelta(weeks=week) <= latest.astimezone(plan.zone).date():
        for offset in pattern:
            day = first + timedelta(weeks=week, days=offset)
            shift = rng.choice((-1, 1)) if rng.random() < SHIFT_CHANCE else 0
            jitter = timedelta(minutes=rng.randint(-40, 40))
            moment = _local(day, hour, plan.zone) + jitter
            if moment + timedelta(days=shift) < quiet_from:
                moment += timedelta(days=shift)
            if plan.enrolled_at + timedelta(hours=12) < moment < latest and (
                not moments or moment.date() > moments[-1].date()
            ):
                moments.append(moment)
        week += 1
    return _story_cut(plan, moments)


def _local(day: date, hour: int, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(hour), zone)


def _story_cut(plan: Plan, moments: list[datetime]) -> list[datetime]:
    now = plan.now
    if plan.story is Story.STOPPED_LOGGING:
        return [m for m in moments if m <= now - timedelta(days=STOPPED_DAYS_AGO)]
    if plan.story is Story.FALL:
        return [m for m in moments if m <= now - timedelta(days=FALL_DAYS_AGO)]
    if plan.story is Story.MISSED_SESSIONS:
        kept: list[datetime] = []
        weeks_seen: set[int] = set()
        for m in moments:
            weeks_ago = (now - m).days // 7
            if weeks_ago >= MISSED_WEEKS:
                kept.append(m)
            elif weeks_ago not in weeks_seen:
                weeks_seen.add(weeks_ago)
                kept.append(m)
        return kept
    return moments


def simulate(log: WalkerLog, plan: Plan, rng: random.Random) -> None:
    """Log the sessions and check-ins of ``plan``, oldest first."""
    moments = schedule(plan, rng)
    span_s = max((plan.now - plan.enrolled_at).total_seconds(), 1.0)
    pending: list[tuple[datetime, CheckIn]] = []
    for number, moment in enumerate(moments):
        while pending and pending[0][0] < moment:
            at, checkin = pending.pop(0)
            log.check_in(checkin, now=at)
        last = number == len(moments) - 1
        usual = _usual(plan, (moment - plan.enrolled_at).total_seconds() / span_s)
        logged, morning_pain = _session(plan, log.target(), moment, usual, last, rng)
        log.log(logged, now=moment + timedelta(seconds=logged.duration_s + 300))
        if logged.fell or (rng.random() < SKIP_CHECKIN_CHANCE and not last):
            continue
        morning = _local(moment.date() + timedelta(days=1), 8, plan.zone)
        morning += timedelta(minutes=rng.randint(-30, 60))
        if morning < plan.now:
            pending.append((morning, CheckIn(morning.date(), morning_pain, usual)))
    for at, checkin in pending:
        log.check_in(checkin, now=at)


def _usual(plan: Plan, fraction: float) -> int:
    return max(0, round(plan.usual_pain_nprs * (1 - 0.4 * min(max(fraction, 0.0), 1.0))))


def _clip(pain: float) -> int:
    return max(0, min(10, round(pain)))


def _session(
    plan: Plan,
    target: SessionTarget,
    moment: datetime,
    usual: int,
    last: bool,
    rng: random.Random,
) -> tuple[LoggedSession, int]:
    """The session done at ``moment`` and the pain of the next morning."""
    during = _clip(rng.gauss(usual * 0.5, 0.7))
    if plan.story is Story.BUMPY and rng.random() < 0.12:
        during = rng.randint(4, 6)
    after = _clip(during + rng.choice((-1, 0, 0, 1)))
    bad_day = rng.random() < (0.3 if max(during, after) >= 4 else 0.06)
    morning = _clip(usual + (1 if bad_day else 0) - (1 if rng.random() < 0.15 else 0))
    fell = near_fall = False
    if last and plan.story is Story.PAIN_FLARE:
        during, after, morning = 6, 7, min(10, usual + 2)
    elif last and plan.story is Story.FALL:
        during, after, fell = 3, 5, True
    elif plan.goal is Goal.BALANCE:
        near_fall = rng.random() < 0.03
    share = 0.75 if rng.random() < 0.04 else rng.uniform(1.0, 1.08)
    duration_s = round(min(max(target.duration_s * share, 30.0), 3 * 3600.0))
    speed = None
    if target.speed_m_s is not None:
        speed = round(min(max(target.speed_m_s * rng.uniform(0.98, 1.03), 0.05), 2.5), 2)
    load_kg = None
    if target.load_pct_body_mass is not None:
        load_kg = round(target.load_pct_body_mass / 100 * plan.body_mass_kg, 1)
    logged = LoggedSession(
        performed_at=moment,
        modality=target.modality,
        duration_s=float(duration_s),
        pain_during_nprs=during,
        pain_after_nprs=after,
        speed_m_s=speed,
        distance_m=None if speed is None else round(speed * duration_s, 1),
        incline_pct=target.incline_pct,
        load_kg=load_kg,
        rails=target.rails,
        rpe=rng.randint(11, 15),
        near_falls=near_fall,
        fell=fell,
    )
    return logged, morning
