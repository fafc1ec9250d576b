"""Accounts, sign-in, tokens, invitations and access on a real SQLite file and on PostgreSQL."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from retrowalk.bootstrap import Services
from retrowalk.domain.access import Actor, Permission, Role
from retrowalk.domain.flags import FlagKind
from retrowalk.domain.models import (
    Equipment,
    Goal,
    LoggedSession,
    Modality,
    Place,
    ScreeningAnswers,
)
from retrowalk.errors import Conflict, Forbidden, InvalidInput, NotFound
from retrowalk.services import accounts, credentials, onboarding, sessions
from retrowalk.services.uow import UowFactory
from retrowalk.store.accounts_tables import ApiTokenRow, AuthSessionRow
from retrowalk.store.records import ProgramStatus
from retrowalk.store.unit_of_work import open_store

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"
CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PRODUCTION_HASHER = credentials.HASHER  # before any test swaps it


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 with the defaults takes ~0.1 s a hash; the tests use small parameters."""
    monkeypatch.setattr(credentials, "HASHER", CHEAP)


def answers(goal: Goal = Goal.KNEE_PAIN) -> ScreeningAnswers:
    return ScreeningAnswers(
        goal=goal,
        knee_pain_nprs=3,
        pain_with_squats_lunges=True,
        falls_last_12_months=0,
        balance_or_neuro_condition=False,
        recent_knee_injury_without_clearance=False,
        knee_swelling_or_giving_way=False,
        heart_symptoms_on_exertion=False,
        age_years=52,
        body_mass_kg=70.0,
        equipment=frozenset({Equipment.NONE}),
        place=Place.PARK,
        companion_available=True,
    )


def sign_up(uow: UowFactory, email: str, role: Role = Role.WALKER, **kw: object) -> Actor:
    name = email.split("@")[0].title()
    return accounts.sign_up(
        uow, email=email, password=PASSWORD, display_name=name, role=role, now=T0, **kw
    )


def walker_with_profile(uow: UowFactory, email: str, **kw: object) -> Actor:
    actor = sign_up(uow, email, **kw)
    enrolment = onboarding.enrol(uow, actor.display_name, answers(), weeks=6, now=T0)
    return accounts.link_walker(uow, actor, enrolment.walker_id)


def sign_in(uow: UowFactory, email: str, *, at: datetime = T0, password: str = PASSWORD) -> str:
    return accounts.sign_in(uow, email=email, password=password, client_key="10.0.0.1", now=at)


def session(days: float, pain: int = 1, *, fell: bool = False) -> LoggedSession:
    return LoggedSession(
        performed_at=T0 + timedelta(days=days),
        modality=Modality.OVERGROUND,
        duration_s=300.0,
        pain_during_nprs=pain,
        pain_after_nprs=pain,
        speed_m_s=0.6,
        fell=fell,
    )


# --- sign up, in and out ----------------------------------------------------------------------


def test_sign_up_sign_in_and_identify(uow: UowFactory) -> None:
    actor = sign_up(uow, "  Ana@Example.ORG ")
    assert actor.role is Role.WALKER
    assert actor.walker_id is None
    token = sign_in(uow, "ana@example.org")
    assert accounts.identify_session(uow, token, now=T0 + timedelta(hours=1)) == actor


def test_secrets_are_stored_only_as_hashes(uow: UowFactory) -> None:
    actor = sign_up(uow, "ana@example.org")
    token = sign_in(uow, "ana@example.org")
    api = accounts.create_api_token(uow, actor, name="script", now=T0)
    with uow(read_only=True) as work:
        stored_hash = work.accounts.get(actor.account_id).password_hash
        db = work._open()
        session_keys = list(db.scalars(select(AuthSessionRow.token_sha256)))
        api_keys = list(db.scalars(select(ApiTokenRow.token_sha256)))
    assert stored_hash.startswith("$argon2id$")
    assert PASSWORD not in stored_hash
    assert session_keys == [hashlib.sha256(token.encode()).hexdigest()]
    assert api_keys == [hashlib.sha256(api.encode()).hexdigest()]
    assert len(token) >= 43  # token_urlsafe(32)


def test_an_email_has_one_account_whatever_its_case(uow: UowFactory) -> None:
    sign_up(uow, "ana@example.org")
    with pytest.raises(Conflict):
        sign_up(uow, "ANA@example.org")


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("password", {"password": "x" * 9}),
        ("password", {"password": "x" * 201}),
        ("email", {"email": "ana"}),
        ("email", {"email": "ana@"}),
        ("email", {"email": "@example.org"}),
        ("email", {"email": "an a@example.org"}),
        ("display_name", {"display_name": "   "}),
        ("role", {"role": "superuser"}),
    ],
)
def test_bad_sign_up_input_names_the_field(
    uow: UowFactory, field: str, changes: dict[str, object]
) -> None:
    values: dict[str, object] = {
        "email": "ana@example.org",
        "password": PASSWORD,
        "display_name": "Ana",
        "now": T0,
    }
    values.update(changes)
    with pytest.raises(InvalidInput) as info:
        accounts.sign_up(uow, **values)  # type: ignore[arg-type]
    assert info.value.field == field


def test_password_bounds_are_inclusive(uow: UowFactory) -> None:
    accounts.sign_up(uow, email="a@example.org", password="x" * 10, display_name="A", now=T0)
    accounts.sign_up(uow, email="b@example.org", password="x" * 200, display_name="B", now=T0)


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(uow: UowFactory) -> None:
    sign_up(uow, "ana@example.org")
    with pytest.raises(Forbidden) as wrong:
        sign_in(uow, "ana@example.org", password="not the password")
    with pytest.raises(Forbidden) as unknown:
        sign_in(uow, "nobody@example.org")
    assert str(wrong.value) == str(unknown.value) == "the email or the password is wrong"


def test_the_sixth_attempt_is_refused_then_allowed_after_the_window(uow: UowFactory) -> None:
    sign_up(uow, "ana@example.org")
    for minute in range(5):
        with pytest.raises(Forbidden, match="wrong"):
            sign_in(uow, "ana@example.org", at=T0 + timedelta(minutes=minute), password="guess" * 3)
    with pytest.raises(Forbidden, match="too many attempts; try again in 10 minutes"):
        sign_in(uow, "ana@example.org", at=T0 + timedelta(minutes=5))  # right password, refused
    # another client is not locked out by someone else's guessing
    other = accounts.sign_in(
        uow,
        email="ana@example.org",
        password=PASSWORD,
        client_key="10.0.0.2",
        now=T0 + timedelta(minutes=5),
    )
    assert accounts.identify_session(uow, other, now=T0 + timedelta(minutes=5)) is not None
    with pytest.raises(Forbidden, match="try again in 1 minutes"):
        sign_in(uow, "ana@example.org", at=T0 + timedelta(minutes=14, seconds=30))
    token = sign_in(uow, "ana@example.org", at=T0 + timedelta(minutes=15))
    assert accounts.identify_session(uow, token, now=T0 + timedelta(minutes=15)) is not None


def test_a_session_expires_after_14_idle_days(uow: UowFactory) -> None:
    sign_up(uow, "ana@example.org")
    token = sign_in(uow, "ana@example.org")
    assert accounts.identify_session(uow, token, now=T0 + timedelta(days=13)) is not None
    # used on day 13: idle time counts from then
    assert accounts.identify_session(uow, token, now=T0 + timedelta(days=26)) is not None
    assert accounts.identify_session(uow, token, now=T0 + timedelta(days=40, minutes=1)) is None
    # expired sessions are deleted: even an earlier clock no longer finds it
    assert accounts.identify_session(uow, token, now=T0 + timedelta(days=27)) is None


def test_a_session_ends_90_days_after_sign_in_however_often_used(uow: UowFactory) -> None:
    sign_up(uow, "ana@example.org")
    token = sign_in(uow, "ana@example.org")
    for day in range(10, 90, 10):
        assert accounts.identify_session(uow, token, now=T0 + timedelta(days=day)) is not None
    assert accounts.identify_session(uow, token, now=T0 + timedelta(days=91)) is None


def test_sign_out_ends_the_session(uow: UowFactory) -> None:
    sign_up(uow, "ana@example.org")
    token = sign_in(uow, "ana@example.org")
    accounts.sign_out(uow, token)
    accounts.sign_out(uow, token)  # twice is harmless
    assert accounts.identify_session(uow, token, now=T0) is None


@pytest.mark.parametrize("token", ["", "x", "y" * 5000])
def test_garbage_tokens_identify_nobody(uow: UowFactory, token: str) -> None:
    assert accounts.identify_session(uow, token, now=T0) is None
    assert accounts.identify_api_token(uow, token, now=T0) is None


def test_a_hash_with_old_parameters_is_replaced_at_sign_in(
    uow: UowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    actor = sign_up(uow, "ana@example.org")
    stronger = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
    monkeypatch.setattr(credentials, "HASHER", stronger)
    sign_in(uow, "ana@example.org")
    with uow(read_only=True) as work:
        stored = work.accounts.get(actor.account_id).password_hash
    assert "m=2048,t=2,p=1" in stored
    assert not stronger.check_needs_rehash(stored)
    sign_in(uow, "ana@example.org")  # the new hash verifies


def test_production_hashes_use_argon2_cffi_defaults() -> None:
    defaults = PasswordHasher()
    production = PRODUCTION_HASHER
    assert (production.time_cost, production.memory_cost, production.parallelism) == (
        defaults.time_cost,
        defaults.memory_cost,
        defaults.parallelism,
    )
    assert production.hash("x" * 10).startswith("$argon2id$")


# --- API tokens -------------------------------------------------------------------------------


def test_api_tokens_identify_their_account_until_revoked(uow: UowFactory) -> None:
    actor = sign_up(uow, "ana@example.org")
    token = accounts.create_api_token(uow, actor, name="export script", now=T0)
    assert accounts.identify_api_token(uow, token, now=T0 + timedelta(days=400)) == actor
    assert accounts.api_token_names(uow, actor) == ["export script"]
    with pytest.raises(Conflict):
        accounts.create_api_token(uow, actor, name="export script", now=T0)
    assert accounts.identify_session(uow, token, now=T0) is None  # not a session token
    assert accounts.revoke_api_token(uow, actor, name="export script") is True
    assert accounts.revoke_api_token(uow, actor, name="export script") is False
    assert accounts.identify_api_token(uow, token, now=T0) is None


# --- walker profiles and invitations ----------------------------------------------------------


def test_link_walker_gives_the_account_its_profile_once(uow: UowFactory) -> None:
    ana = walker_with_profile(uow, "ana@example.org")
    assert ana.walker_id is not None
    assert accounts.link_walker(uow, ana, ana.walker_id) == ana  # again: unchanged
    ben = sign_up(uow, "ben@example.org")
    with pytest.raises(Conflict):
        accounts.link_walker(uow, ben, ana.walker_id)  # someone else's profile
    with pytest.raises(NotFound):
        accounts.link_walker(uow, ben, "00000000-0000-4000-8000-000000000000")
    other = onboarding.enrol(uow, "Other", answers(), weeks=6, now=T0).walker_id
    with pytest.raises(Conflict):
        accounts.link_walker(uow, ana, other)  # already has a profile
    therapist = sign_up(uow, "tess@example.org", Role.THERAPIST)
    with pytest.raises(Forbidden):
        accounts.link_walker(uow, therapist, other)


def test_an_invitation_made_at_sign_up_takes_effect_at_screening(uow: UowFactory) -> None:
    tess = sign_up(uow, "tess@example.org", Role.THERAPIST)
    invitation = accounts.invite_patient(uow, tess, now=T0)
    assert len(invitation.code) == 19 and invitation.code.count("-") == 3
    assert invitation.expires_at == T0 + timedelta(days=14)
    ana = sign_up(uow, "ana@example.org", invite_code=invitation.code.lower().replace("-", " "))
    assert accounts.patient_ids(uow, tess) == frozenset()  # no walker profile yet
    enrolment = onboarding.enrol(uow, "Ana", answers(), weeks=6, now=T0)
    ana = accounts.link_walker(uow, ana, enrolment.walker_id)
    assert accounts.patient_ids(uow, tess) == {enrolment.walker_id}


def test_an_invitation_accepted_later_takes_effect_at_once(uow: UowFactory) -> None:
    tess = sign_up(uow, "tess@example.org", Role.THERAPIST)
    ana = walker_with_profile(uow, "ana@example.org")
    code = accounts.invite_patient(uow, tess, now=T0).code
    accounts.accept_invite(uow, ana, code, now=T0 + timedelta(days=1))
    accounts.accept_invite(uow, ana, code, now=T0 + timedelta(days=2))  # same walker: no-op
    assert accounts.patient_ids(uow, tess) == {ana.walker_id}


def test_used_expired_and_unknown_invitations_are_refused(uow: UowFactory) -> None:
    tess = sign_up(uow, "tess@example.org", Role.THERAPIST)
    ana = walker_with_profile(uow, "ana@example.org")
    ben = sign_up(uow, "ben@example.org")
    code = accounts.invite_patient(uow, tess, now=T0).code
    accounts.accept_invite(uow, ana, code, now=T0)
    with pytest.raises(Conflict, match="already used"):
        accounts.accept_invite(uow, ben, code, now=T0)
    late = accounts.invite_patient(uow, tess, now=T0)
    with pytest.raises(Forbidden, match="expired"):
        accounts.accept_invite(uow, ben, late.code, now=late.expires_at)
    accounts.accept_invite(uow, ben, late.code, now=late.expires_at - timedelta(seconds=1))
    for wrong in ("AAAA-AAAA-AAAA-AAAA", "short", "I0O1-I0O1-I0O1-I0O1"):
        with pytest.raises(NotFound):
            accounts.accept_invite(uow, ben, wrong, now=T0)


def test_sign_up_with_a_bad_invitation_creates_no_account(uow: UowFactory) -> None:
    tess = sign_up(uow, "tess@example.org", Role.THERAPIST)
    code = accounts.invite_patient(uow, tess, now=T0 - timedelta(days=15)).code
    with pytest.raises(Forbidden, match="expired"):
        sign_up(uow, "ana@example.org", invite_code=code)
    sign_up(uow, "ana@example.org")  # the email is still free


def test_only_therapists_invite_and_only_walkers_accept(uow: UowFactory) -> None:
    tess = sign_up(uow, "tess@example.org", Role.THERAPIST)
    ana = sign_up(uow, "ana@example.org")
    with pytest.raises(Forbidden):
        accounts.invite_patient(uow, ana, now=T0)
    code = accounts.invite_patient(uow, tess, now=T0).code
    with pytest.raises(Forbidden):
        accounts.accept_invite(uow, tess, code, now=T0)
    with pytest.raises(InvalidInput):
        sign_up(uow, "theo@example.org", Role.THERAPIST, invite_code=code)


# --- who may see whom -------------------------------------------------------------------------

MISSING = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def clinic(uow: UowFactory) -> dict[str, Actor]:
    """Ana (walker, no therapist), Ben (Tess's patient), Tess and Theo (therapists), an admin
    and Cleo (a walker with no profile yet)."""
    tess = sign_up(uow, "tess@example.org", Role.THERAPIST)
    theo = sign_up(uow, "theo@example.org", Role.THERAPIST)
    ana = walker_with_profile(uow, "ana@example.org")
    code = accounts.invite_patient(uow, tess, now=T0).code
    ben = walker_with_profile(uow, "ben@example.org", invite_code=code)
    admin = sign_up(uow, "root@example.org", Role.ADMIN)
    cleo = sign_up(uow, "cleo@example.org")
    return {"ana": ana, "ben": ben, "tess": tess, "theo": theo, "admin": admin, "cleo": cleo}


OK, FORBIDDEN, NOT_FOUND = "ok", "forbidden", "not-found"
MATRIX = [
    # actor, target, view, record, edit program
    ("ana", "ana", OK, OK, FORBIDDEN),
    ("ana", "ben", NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ("ana", MISSING, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ("ben", "ben", OK, OK, FORBIDDEN),
    ("tess", "ben", OK, OK, OK),
    ("tess", "ana", NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ("tess", MISSING, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ("theo", "ben", NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ("admin", "ana", OK, OK, OK),
    ("admin", "ben", OK, OK, OK),
    ("admin", MISSING, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ("cleo", "ana", NOT_FOUND, NOT_FOUND, NOT_FOUND),
]


def _outcome(uow: UowFactory, actor: Actor, walker_id: str, permission: Permission) -> str:
    try:
        accounts.authorize_walker(uow, actor, walker_id, permission)
    except NotFound as exc:
        assert str(exc) == f"walker {walker_id} not found"  # the same words for hidden and absent
        return NOT_FOUND
    except Forbidden:
        return FORBIDDEN
    return OK


@pytest.mark.parametrize(("actor", "target", "view", "record", "edit"), MATRIX)
def test_authorize_walker_matrix(
    uow: UowFactory,
    clinic: dict[str, Actor],
    actor: str,
    target: str,
    view: str,
    record: str,
    edit: str,
) -> None:
    walker_id = target if target == MISSING else clinic[target].walker_id
    assert walker_id is not None
    got = [
        _outcome(uow, clinic[actor], walker_id, p)
        for p in (Permission.VIEW, Permission.RECORD, Permission.EDIT_PROGRAM)
    ]
    assert got == [view, record, edit]


def test_patient_ids_per_role(uow: UowFactory, clinic: dict[str, Actor]) -> None:
    ana, ben = clinic["ana"].walker_id, clinic["ben"].walker_id
    assert accounts.patient_ids(uow, clinic["ana"]) == {ana}
    assert accounts.patient_ids(uow, clinic["tess"]) == {ben}
    assert accounts.patient_ids(uow, clinic["theo"]) == frozenset()
    assert accounts.patient_ids(uow, clinic["admin"]) == {ana, ben}
    assert accounts.patient_ids(uow, clinic["cleo"]) == frozenset()


# --- patient list and resuming ----------------------------------------------------------------


def _patient(uow: UowFactory, tess: Actor, email: str) -> str:
    code = accounts.invite_patient(uow, tess, now=T0).code
    actor = walker_with_profile(uow, email, invite_code=code)
    assert actor.walker_id is not None
    return actor.walker_id


@pytest.fixture
def ward(uow: UowFactory) -> tuple[Actor, dict[str, str]]:
    """Tess's patients two weeks in (NOW): Flo had pain 7 yesterday, Gil fell three days ago,
    Hal kept to the plan, Ivy stopped 10 days ago."""
    tess = sign_up(uow, "tess@example.org", Role.THERAPIST)
    ids = {
        name: _patient(uow, tess, f"{name}@example.org") for name in ("flo", "gil", "hal", "ivy")
    }
    history = {
        "flo": [session(8), session(11), session(13, pain=7)],
        "gil": [session(8), session(11), session(11.5, fell=True)],
        "hal": [session(8), session(10), session(12), session(13.5)],
        "ivy": [session(2), session(4)],
    }
    for name, logged in history.items():
        for item in logged:
            sessions.log_session(uow, ids[name], item, now=item.performed_at + timedelta(hours=1))
    return tess, ids


NOW = T0 + timedelta(days=14)


def test_patient_list_flags_and_sorts(uow: UowFactory, ward: tuple[Actor, dict[str, str]]) -> None:
    tess, _ = ward
    rows = {r.display_name: r for r in accounts.patient_list(uow, tess, now=NOW)}
    assert set(rows) == {"Flo", "Gil", "Hal", "Ivy"}
    kinds = {name: [f.kind for f in row.flags] for name, row in rows.items()}
    assert kinds == {
        "Flo": [FlagKind.PAIN_FLARE],
        "Gil": [FlagKind.FALL],
        "Hal": [],
        "Ivy": [FlagKind.NO_DATA],
    }
    assert rows["Gil"].program_status == ProgramStatus.PAUSED.value  # the fall paused it
    assert rows["Hal"].program_status == "active"
    assert rows["Hal"].sessions_last_7_days == 4
    assert rows["Flo"].mean_pain_last_7_days == pytest.approx((1 + 1 + 7) / 3)
    assert rows["Ivy"].mean_pain_last_7_days is None
    assert rows["Hal"].last_session_at == T0 + timedelta(days=13.5)

    def order(sort: str) -> list[str]:
        return [r.display_name for r in accounts.patient_list(uow, tess, now=NOW, sort=sort)]

    assert order("flags") == ["Flo", "Gil", "Ivy", "Hal"]  # urgent (by name), warning, none
    assert order("name") == ["Flo", "Gil", "Hal", "Ivy"]
    assert order("last_session") == ["Hal", "Flo", "Gil", "Ivy"]
    assert order("pain") == ["Flo", "Gil", "Hal", "Ivy"]
    with pytest.raises(InvalidInput) as info:
        accounts.patient_list(uow, tess, now=NOW, sort="age")
    assert info.value.field == "sort"


def test_patient_list_shows_only_own_patients(
    uow: UowFactory, ward: tuple[Actor, dict[str, str]]
) -> None:
    theo = sign_up(uow, "theo@example.org", Role.THERAPIST)
    admin = sign_up(uow, "root@example.org", Role.ADMIN)
    assert accounts.patient_list(uow, theo, now=NOW) == []
    assert len(accounts.patient_list(uow, admin, now=NOW)) == 4
    walker = sign_up(uow, "wes@example.org")
    with pytest.raises(Forbidden):
        accounts.patient_list(uow, walker, now=NOW)


def test_a_therapist_resumes_a_program_paused_by_a_fall(
    uow: UowFactory, ward: tuple[Actor, dict[str, str]]
) -> None:
    tess, ids = ward
    gil = ids["gil"]
    theo = sign_up(uow, "theo@example.org", Role.THERAPIST)
    with pytest.raises(NotFound):
        accounts.resume_program(uow, theo, gil, now=NOW)
    token = sign_in(uow, "gil@example.org")
    gil_actor = accounts.identify_session(uow, token, now=T0)
    assert gil_actor is not None
    with pytest.raises(Forbidden):
        accounts.resume_program(uow, gil_actor, gil, now=NOW)
    assert accounts.resume_program(uow, tess, gil, now=NOW) is True
    assert accounts.resume_program(uow, tess, gil, now=NOW) is False  # no longer paused
    with uow(read_only=True) as work:
        program = work.programs.current(gil)
    assert program is not None and program.status is ProgramStatus.ACTIVE
    rows = {r.display_name: r for r in accounts.patient_list(uow, tess, now=NOW)}
    assert [f.kind for f in rows["Gil"].flags] == []  # the fall was reviewed
    assert rows["Gil"].program_status == "active"


def test_the_composition_root_offers_the_account_use_cases(database_url: str) -> None:
    services = Services(open_store(database_url))
    try:
        tess = services.sign_up(
            email="tess@example.org",
            password=PASSWORD,
            display_name="Tess",
            role=Role.THERAPIST,
            now=T0,
        )
        code = services.invite_patient(tess, now=T0).code
        ana = services.sign_up(
            email="ana@example.org",
            password=PASSWORD,
            display_name="Ana",
            invite_code=code,
            now=T0,
        )
        walker_id = services.enrol("Ana", answers(), weeks=6, now=T0).walker_id
        ana = services.link_walker(ana, walker_id)
        token = services.sign_in(email="ana@example.org", password=PASSWORD, client_key="k", now=T0)
        assert services.identify_session(token, now=T0) == ana
        services.authorize_walker(tess, walker_id, Permission.EDIT_PROGRAM)
        assert services.patient_ids(tess) == {walker_id}
        assert [r.walker_id for r in services.patient_list(tess, now=T0)] == [walker_id]
        assert services.resume_program(tess, walker_id, now=T0) is False
        api = services.create_api_token(ana, name="cli", now=T0)
        assert services.identify_api_token(api, now=T0) == ana
        services.sign_out(token)
        assert services.identify_session(token, now=T0) is None
    finally:
        services.close()


def test_a_patient_without_a_program_is_listed_without_adherence_flags(uow: UowFactory) -> None:
    tess = sign_up(uow, "tess@example.org", Role.THERAPIST)
    code = accounts.invite_patient(uow, tess, now=T0).code
    ana = sign_up(uow, "ana@example.org", invite_code=code)
    red_flag = dataclasses.replace(answers(), heart_symptoms_on_exertion=True)
    enrolment = onboarding.enrol(uow, "Ana", red_flag, weeks=6, now=T0)
    assert enrolment.program is None  # a clinician first
    accounts.link_walker(uow, ana, enrolment.walker_id)
    (row,) = accounts.patient_list(uow, tess, now=T0 + timedelta(days=30))
    assert (row.program_status, row.flags, row.sessions_last_7_days) == ("none", (), 0)
    with pytest.raises(NotFound, match="no program"):
        accounts.resume_program(uow, tess, enrolment.walker_id, now=T0)
