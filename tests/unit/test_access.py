"""Who may see and do what (domain.access), and the sign-in rate limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from retrowalk.domain.access import (
    FAILURE_WINDOW,
    MAX_FAILURES,
    MAX_FAILURES_PER_CLIENT,
    MAX_FAILURES_PER_EMAIL,
    Actor,
    LoginAttempt,
    Permission,
    Role,
    may,
    may_edit_program,
    may_manage_patients,
    may_view_walker,
    sign_in_refused_until,
)

OWN, PATIENT, STRANGER = "walker-own", "walker-patient", "walker-stranger"
WALKER = Actor("a-walker", Role.WALKER, OWN, "Ana")
UNLINKED = Actor("a-new", Role.WALKER, None, "New")
THERAPIST = Actor("a-therapist", Role.THERAPIST, None, "Tess")
ADMIN = Actor("a-admin", Role.ADMIN, None, "Root")
PATIENTS = frozenset({PATIENT})

V, R, E = Permission.VIEW, Permission.RECORD, Permission.EDIT_PROGRAM


@pytest.mark.parametrize(
    ("actor", "walker_id", "permission", "allowed"),
    [
        (WALKER, OWN, V, True),
        (WALKER, OWN, R, True),
        (WALKER, OWN, E, False),  # a walker never changes their own dose
        (WALKER, PATIENT, V, False),
        (WALKER, STRANGER, R, False),
        (UNLINKED, OWN, V, False),  # no walker profile yet: nothing to see
        (THERAPIST, PATIENT, V, True),
        (THERAPIST, PATIENT, R, True),
        (THERAPIST, PATIENT, E, True),
        (THERAPIST, OWN, V, False),  # not their patient
        (THERAPIST, STRANGER, E, False),
        (ADMIN, STRANGER, V, True),
        (ADMIN, OWN, E, True),
    ],
)
def test_access_matrix(actor: Actor, walker_id: str, permission: Permission, allowed: bool) -> None:
    assert may(actor, permission, walker_id, PATIENTS) is allowed


@pytest.mark.parametrize(
    ("actor", "walker_id", "has_therapist", "allowed"),
    [
        (WALKER, OWN, False, True),  # nobody else could: the walker, once cleared
        (WALKER, OWN, True, False),  # a therapist's patient waits for the therapist
        (WALKER, STRANGER, False, False),
        (UNLINKED, OWN, False, False),
        (THERAPIST, PATIENT, True, True),
        (THERAPIST, STRANGER, False, False),
        (ADMIN, STRANGER, True, True),
    ],
)
def test_who_resumes_a_paused_program(
    actor: Actor, walker_id: str, has_therapist: bool, allowed: bool
) -> None:
    permission = Permission.RESUME_PROGRAM
    result = may(actor, permission, walker_id, PATIENTS, walker_has_therapist=has_therapist)
    assert result is allowed


def test_a_walker_resume_defaults_to_the_safe_side() -> None:
    """Without being told that the walker has no therapist, the walker may not resume."""
    assert not may(WALKER, Permission.RESUME_PROGRAM, OWN, PATIENTS)


@pytest.mark.parametrize(
    ("actor", "walker_id", "view", "edit"),
    [
        (WALKER, OWN, True, False),
        (WALKER, STRANGER, False, False),
        (THERAPIST, PATIENT, True, True),
        (THERAPIST, STRANGER, False, False),
        (ADMIN, STRANGER, True, True),
    ],
)
def test_contract_helpers_follow_the_matrix(
    actor: Actor, walker_id: str, view: bool, edit: bool
) -> None:
    assert may_view_walker(actor, walker_id, PATIENTS) is view
    assert may_edit_program(actor, walker_id, PATIENTS) is edit


def test_a_therapist_patient_list_does_not_leak_to_a_walker() -> None:
    """patient_ids only count for therapists: a walker given a list still sees only itself."""
    assert not may_view_walker(WALKER, PATIENT, PATIENTS)


@pytest.mark.parametrize(("actor", "manages"), [(WALKER, False), (THERAPIST, True), (ADMIN, True)])
def test_only_therapists_and_admins_manage_patients(actor: Actor, manages: bool) -> None:
    assert may_manage_patients(actor) is manages


def test_roles_have_stable_values() -> None:
    assert [r.value for r in Role] == ["walker", "therapist", "admin"]


# --- sign-in rate limit -----------------------------------------------------------------------

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
EMAIL, CLIENT = "ana@example.org", "203.0.113.7"


def fail(minutes_ago: float, email: str = EMAIL, client: str = CLIENT) -> LoginAttempt:
    return LoginAttempt(email, client, NOW - timedelta(minutes=minutes_ago), ok=False)


def success(minutes_ago: float) -> LoginAttempt:
    return LoginAttempt(EMAIL, CLIENT, NOW - timedelta(minutes=minutes_ago), ok=True)


@pytest.mark.parametrize(
    ("attempts", "refused_for_minutes"),
    [
        ([], None),
        ([fail(m) for m in (1, 2, 3, 4)], None),
        ([fail(m) for m in (1, 2, 3, 4, 10)], 5),  # the oldest frees a slot at 15 min
        ([fail(m) for m in (1, 2, 3, 4, 14.5)], 0.5),
        ([fail(m) for m in (1, 2, 3, 4, 15)], None),  # 15 minutes ago has left the window
        ([fail(m) for m in (1, 2, 3, 4, 20, 30)], None),
        ([fail(1), fail(2), success(3), fail(4), fail(5), fail(6)], None),  # success resets
        ([success(1), *(fail(m) for m in (2, 3, 4, 5, 6))], None),
        # five failures of the same email from other clients: the pair is untouched
        ([fail(m, client=f"198.51.100.{m}") for m in range(1, 6)], None),
        # 20 failures of one email spread over clients
        ([fail(m / 2, client=f"198.51.100.{m}") for m in range(1, 21)], 5),
        # 20 failures from one client spread over emails
        ([fail(m / 2, email=f"user{m}@example.org") for m in range(1, 21)], 5),
    ],
)
def test_sign_in_rate_limit(
    attempts: list[LoginAttempt], refused_for_minutes: float | None
) -> None:
    until = sign_in_refused_until(attempts, email=EMAIL, client_key=CLIENT, now=NOW)
    if refused_for_minutes is None:
        assert until is None
    else:
        assert until == NOW + timedelta(minutes=refused_for_minutes)


def test_the_limits_are_the_documented_ones() -> None:
    assert MAX_FAILURES == 5
    assert timedelta(minutes=15) == FAILURE_WINDOW
    assert MAX_FAILURES_PER_EMAIL == MAX_FAILURES_PER_CLIENT == 20


def test_future_attempts_do_not_count() -> None:
    """Attempts after ``now`` (clock skew between workers) are ignored, not held against."""
    attempts = [fail(-m) for m in (1, 2, 3, 4, 5)]
    assert sign_in_refused_until(attempts, email=EMAIL, client_key=CLIENT, now=NOW) is None
