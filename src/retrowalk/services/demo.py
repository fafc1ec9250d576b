"""The demo clinic: one therapist and their patients with weeks of realistic history.

Every patient is built through the real use cases, in the order a real patient goes: an account
(``create_account``), the therapist's invitation (``invite_patient`` / ``accept_invite``), the
screening and program (``onboarding.enrol``), the walker profile (``link_walker``), outcome tests
(3MBWT, TUG, KOOS-12 at the start and in week 6-8), then sessions on 3 days a week (2 for
athletes) with the next-morning check-ins (``sessions.log_session`` / ``check_in``). Each call
gets an explicit ``now`` in the past, so every decision is the one the progression rules take.
The walker follows the current target, so the program moves as the decisions move it.

One unit of work per patient: the services run unchanged inside it (``_Lent`` hands the open
unit of work to them and defers their commits to the end), so a patient is all or nothing and a
clinic of 1,000 patients does not pay one disk sync per session.

Seeded and deterministic (``random.Random`` per patient); idempotent: when the demo therapist
exists, nothing is written again. Logins: ``therapist@demo.retrowalk`` / ``demo-therapist``;
patients ``patient1@demo.retrowalk`` ... / ``demo-walker``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from types import TracebackType

from retrowalk.domain.access import Actor, Role
from retrowalk.domain.models import Goal, StartMethod
from retrowalk.domain.outcomes import BackwardWalkPopulation
from retrowalk.domain.prescription import MAX_WEEKS
from retrowalk.errors import Conflict, InvalidInput
from retrowalk.services import accounts, credentials, onboarding, outcomes
from retrowalk.services.demo_bulk import BulkLog
from retrowalk.services.demo_people import PERSONAS, Story, koos12_answers, names
from retrowalk.services.demo_people import screening_answers as persona_answers
from retrowalk.services.demo_sessions import Plan, ServiceLog, simulate
from retrowalk.services.uow import UowFactory
from retrowalk.store.unit_of_work import UnitOfWork

THERAPIST_EMAIL = "therapist@demo.retrowalk"
THERAPIST_PASSWORD = "demo-therapist"
THERAPIST_NAME = "Maya Lindholm (demo therapist)"
WALKER_PASSWORD = "demo-walker"
CLINIC_ZONE = timezone(timedelta(hours=1))
MAX_PATIENTS = 10_000
MAX_DEMO_WEEKS = 52
TEST_GAP = timedelta(minutes=5)
"""Between the outcome tests of one clinic visit (3MBWT, then TUG, then KOOS-12)."""
BULK_FROM_PATIENT_WEEKS = 200
"""Above this many patient-weeks the sessions go through the bulk path by default (the
default clinic, 12 x 8, goes through the services one call at a time)."""


def walker_email(number: int) -> str:
    return f"patient{number}@demo.retrowalk"


def therapist_email(number: int) -> str:
    return THERAPIST_EMAIL if number == 1 else f"therapist{number}@demo.retrowalk"


@dataclass(frozen=True)
class DemoSummary:
    """What the demo holds: ``created`` False when it was already there (nothing written)."""

    created: bool
    therapist_email: str
    therapists: int
    patients: int
    sessions: int
    checkins: int
    decisions: int
    outcome_tests: int


class _Lent(UnitOfWork):
    """An open unit of work lent to a service: entering and leaving it does nothing and its
    ``commit`` only flushes; the lender commits (or rolls back) once at the end."""

    def __init__(self, work: UnitOfWork) -> None:  # shares the lender's session and repositories
        vars(self).update(vars(work))

    def __enter__(self) -> _Lent:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        return None

    def commit(self) -> None:
        self._open().flush()


def _lend(work: UnitOfWork) -> UowFactory:
    def factory(*, read_only: bool = False) -> UnitOfWork:
        return _Lent(work)

    return factory


def fill_demo_clinic(
    uow: UowFactory,
    *,
    now: datetime,
    patients: int = 12,
    weeks: int = 8,
    seed: int = 0,
    therapists: int = 1,
    bulk: bool | None = None,
) -> DemoSummary:
    """Fill the demo clinic ending at ``now``: ``patients`` patients with ``weeks`` weeks of
    history, shared round-robin by ``therapists`` therapists (the first is the demo therapist).

    ``bulk`` logs sessions and check-ins through ``demo_bulk`` (same decisions, written at
    once); None chooses it for clinics larger than ``BULK_FROM_PATIENT_WEEKS`` patient-weeks.
    """
    _check("patients", patients, 1, MAX_PATIENTS)
    _check("weeks", weeks, 1, MAX_DEMO_WEEKS)
    _check("therapists", therapists, 1, patients)
    if now.utcoffset() is None:
        raise InvalidInput("now", now, "a date and time with a UTC offset")
    start = now - timedelta(weeks=weeks, days=3)
    with uow(read_only=True) as work:
        existing = work.accounts.by_email(THERAPIST_EMAIL)
    if existing is not None:
        return _summary(uow, created=False)
    team: list[Actor] = []
    for number in range(1, therapists + 1):
        try:
            team.append(
                accounts.sign_up(
                    uow,
                    email=therapist_email(number),
                    password=THERAPIST_PASSWORD,
                    display_name=THERAPIST_NAME if number == 1 else f"Demo therapist {number}",
                    role=Role.THERAPIST,
                    now=start,
                )
            )
        except Conflict:
            if number == 1:  # another process is filling the demo at this very moment
                return _summary(uow, created=False)
            raise
    if bulk is None:
        bulk = patients * weeks > BULK_FROM_PATIENT_WEEKS
    walker_hash = credentials.hash_password(WALKER_PASSWORD)
    people = names(patients, seed)
    for index in range(patients):
        with uow() as work:
            therapist = team[index % therapists]
            _patient(work, therapist, index, people[index], walker_hash, now, weeks, seed, bulk)
            work.commit()
    return _summary(uow, created=True)


@dataclass(frozen=True)
class DemoLogins:
    """How to sign in to the demo clinic in this database (for the home page and ``serve``)."""

    therapist_email: str
    therapist_password: str
    patient_email: str | None
    """The first demo patient (``patient2@...`` and so on follow), None without patients."""
    patient_password: str


def demo_logins(uow: UowFactory) -> DemoLogins | None:
    """The demo clinic's sign-ins, or None when no demo clinic was filled in this database
    (a real clinic never shows them)."""
    with uow(read_only=True) as work:
        if work.accounts.by_email(THERAPIST_EMAIL) is None:
            return None
        patient = work.accounts.by_email(walker_email(1))
    return DemoLogins(
        therapist_email=THERAPIST_EMAIL,
        therapist_password=THERAPIST_PASSWORD,
        patient_email=None if patient is None else patient.email,
        patient_password=WALKER_PASSWORD,
    )


def _check(field: str, value: int, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(field, value, f"a whole number from {low} to {high}")


def _patient(
    work: UnitOfWork,
    therapist: Actor,
    index: int,
    name: str,
    walker_hash: str,
    now: datetime,
    weeks: int,
    seed: int,
    bulk: bool,
) -> None:
    rng = random.Random(f"demo:{seed}:{index}")
    persona = PERSONAS[index % len(PERSONAS)]
    lent = _lend(work)
    enrolled_at = _at(now - timedelta(weeks=weeks, days=rng.uniform(1, 3)), 10, rng)
    account = accounts.create_account(
        work, walker_email(index + 1), walker_hash, Role.WALKER, name, now=enrolled_at
    )
    walker = Actor(account.id, account.role, None, account.display_name)
    invitation = accounts.invite_patient(lent, therapist, now=enrolled_at - timedelta(days=1))
    accounts.accept_invite(lent, walker, invitation.code, now=enrolled_at)
    answers = persona_answers(persona, rng)
    enrolment = onboarding.enrol(lent, name, answers, weeks=min(weeks, MAX_WEEKS), now=enrolled_at)
    walker = accounts.link_walker(lent, walker, enrolment.walker_id)
    assert enrolment.program is not None, "demo personas never need a clinician first"
    walker_id = enrolment.walker_id
    _outcome_tests(lent, walker_id, persona.goal, answers.age_years, enrolled_at, rng, 0)
    retest = enrolled_at + timedelta(weeks=rng.randint(6, 8), hours=1)
    if retest < now - timedelta(days=1) and persona.story is not Story.FALL:
        _outcome_tests(lent, walker_id, persona.goal, answers.age_years, retest, rng, 1)
    plan = Plan(
        walker_id=walker_id,
        goal=persona.goal,
        story=persona.story,
        sessions_per_week=enrolment.program.sessions_per_week,
        usual_pain_nprs=answers.knee_pain_nprs,
        body_mass_kg=answers.body_mass_kg,
        enrolled_at=enrolled_at,
        now=now,
        zone=CLINIC_ZONE,
    )
    if bulk:
        log = BulkLog(work, walker_id)
        simulate(log, plan, rng)
        log.flush()
    else:
        simulate(ServiceLog(lent, walker_id), plan, rng)


def _at(moment: datetime, hour: int, rng: random.Random) -> datetime:
    local = moment.astimezone(CLINIC_ZONE)
    return datetime.combine(local.date(), time(hour, rng.randrange(0, 60, 5)), CLINIC_ZONE)


def _outcome_tests(
    uow: UowFactory,
    walker_id: str,
    goal: Goal,
    age_years: int,
    taken_at: datetime,
    rng: random.Random,
    visit: int,
) -> None:
    """3MBWT for everyone, TUG for the older and knee patients, KOOS-12 for knee goals, recorded
    in clinic as they are taken; the second visit shows a plausible gain."""
    recorded = taken_at + timedelta(minutes=20)
    older = age_years >= 60
    better = 1.0 - visit * rng.uniform(0.08, 0.2)
    bwt_s = (rng.uniform(4.2, 6.5) if older else rng.uniform(2.4, 3.6)) * better
    outcomes.record_3mbwt(
        uow,
        walker_id,
        round(bwt_s, 2),
        StartMethod.STATIC,
        BackwardWalkPopulation.COMMUNITY_OLDER_ADULTS,
        taken_at=taken_at,
        now=recorded,
    )
    if older or goal in (Goal.KNEE_OA, Goal.BALANCE):
        tug_s = (rng.uniform(10.5, 14.0) if older else rng.uniform(7.0, 9.5)) * better
        outcomes.record_tug(
            uow, walker_id, round(tug_s, 2), taken_at=taken_at + TEST_GAP, now=recorded
        )
    if goal in (Goal.KNEE_PAIN, Goal.KNEE_OA, Goal.ATHLETIC):
        level = (2 if goal is not Goal.ATHLETIC else 1) - visit
        outcomes.record_koos12(
            uow,
            walker_id,
            koos12_answers(rng, max(level, 0)),
            taken_at=taken_at + 2 * TEST_GAP,
            now=recorded,
        )


def _summary(uow: UowFactory, *, created: bool) -> DemoSummary:
    with uow(read_only=True) as work:
        team: list[str] = []
        while (account := work.accounts.by_email(therapist_email(len(team) + 1))) is not None:
            team.append(account.id)
        counts = work.care.activity_counts(team)
    return DemoSummary(
        created=created, therapist_email=THERAPIST_EMAIL, therapists=len(team), **counts
    )
