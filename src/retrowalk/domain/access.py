"""Who may see and do what: roles, the acting account, and the access rules.

Pure rules (no store, no framework): ``services.accounts`` looks up whose patients a therapist
has and asks these functions; the web pages, the JSON API and the CLI share that one check
(style.md). Access follows product.md: a walker sees only their own data; a therapist only
their own patients; an admin everything. Only therapists and admins change a program's dose (a
walker may not raise their own dose: the program is prescribed). A paused program is resumed by
the walker's therapist (product.md: "a reported fall pauses the program until the therapist
resumes it"), or by an admin; a walker without a therapist, who has no one else to do it,
resumes their own once a clinician has cleared them (expert-opinion: the single-user CLI has
always let its walker do this with ``retrowalk resume --cleared``).

Sign-in is rate-limited (``sign_in_refused_until``): 5 failures in 15 minutes for one email
from one client refuse the next attempt until the oldest of them is 15 minutes old; 20 for one
email from any client, or from one client across emails, do the same (guessing spread over
clients or accounts). A success resets the count of that email from that client. The numbers are
design choices (expert-opinion: common practice for login throttling).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Role(StrEnum):
    WALKER = "walker"
    THERAPIST = "therapist"
    ADMIN = "admin"


class Permission(StrEnum):
    """What an actor wants to do with one walker's data."""

    VIEW = "view"
    """Read the profile, program, sessions, check-ins, decisions, outcome tests, exports."""
    RECORD = "record"
    """Add data: log a session, check in, record an outcome test (in clinic for a therapist)."""
    EDIT_PROGRAM = "edit-program"
    """Change the program's dose (therapists and admins)."""
    RESUME_PROGRAM = "resume-program"
    """Resume a paused program: therapists and admins; a walker their own, only without a
    therapist (a therapist's patient waits for the therapist)."""


@dataclass(frozen=True)
class Actor:
    """The account acting: its id, role, walker profile (walker accounts) and name."""

    account_id: str
    role: Role
    walker_id: str | None
    display_name: str


def may_view_walker(actor: Actor, walker_id: str, patient_ids: frozenset[str]) -> bool:
    """A walker only their own walker; a therapist only their patients; an admin all."""
    return may(actor, Permission.VIEW, walker_id, patient_ids)


def may_edit_program(actor: Actor, walker_id: str, patient_ids: frozenset[str]) -> bool:
    """Therapists for their own patients, admins for all; never a walker (their own included)."""
    return may(actor, Permission.EDIT_PROGRAM, walker_id, patient_ids)


def may(
    actor: Actor,
    permission: Permission,
    walker_id: str,
    patient_ids: frozenset[str],
    *,
    walker_has_therapist: bool = True,
) -> bool:
    """Whether ``actor`` may do ``permission`` to the walker ``walker_id``.

    ``patient_ids`` are the walkers in the therapist's care (ignored for other roles).
    ``walker_has_therapist``: whether a therapist cares for ``walker_id`` (only
    ``RESUME_PROGRAM`` by a walker asks; unknown counts as yes, the safe side).
    """
    if actor.role == Role.ADMIN:
        return True
    if actor.role == Role.THERAPIST:
        return walker_id in patient_ids
    if actor.role == Role.WALKER:
        own = actor.walker_id is not None and actor.walker_id == walker_id
        if permission == Permission.RESUME_PROGRAM:
            return own and not walker_has_therapist
        return own and permission != Permission.EDIT_PROGRAM
    return False


def may_manage_patients(actor: Actor) -> bool:
    """Therapists and admins list patients, invite them and see their flags."""
    return actor.role in (Role.THERAPIST, Role.ADMIN)


# --- sign-in rate limit -----------------------------------------------------------------------

FAILURE_WINDOW = timedelta(minutes=15)
MAX_FAILURES = 5
"""Failures of one email from one client within ``FAILURE_WINDOW`` before refusing."""
MAX_FAILURES_PER_EMAIL = 20
"""Failures of one email from any client within ``FAILURE_WINDOW`` before refusing."""
MAX_FAILURES_PER_CLIENT = 20
"""Failures from one client across emails within ``FAILURE_WINDOW`` before refusing."""


@dataclass(frozen=True)
class LoginAttempt:
    email: str
    client_key: str
    at: datetime
    ok: bool


def sign_in_refused_until(
    attempts: Iterable[LoginAttempt], *, email: str, client_key: str, now: datetime
) -> datetime | None:
    """When the next sign-in of ``email`` from ``client_key`` is allowed again, or None when it
    is allowed now. ``attempts`` may hold any attempts; only those of the last 15 minutes for
    this email or from this client count."""
    since = now - FAILURE_WINDOW
    recent = sorted((a for a in attempts if since < a.at <= now), key=lambda a: a.at)
    scopes = (
        ([a for a in recent if a.email == email and a.client_key == client_key], MAX_FAILURES),
        ([a for a in recent if a.email == email], MAX_FAILURES_PER_EMAIL),
        ([a for a in recent if a.client_key == client_key], MAX_FAILURES_PER_CLIENT),
    )
    until: datetime | None = None
    for index, (scoped, limit) in enumerate(scopes):
        if index == 0:
            successes = [i for i, a in enumerate(scoped) if a.ok]
            scoped = scoped[successes[-1] + 1 :] if successes else scoped
        failures = [a.at for a in scoped if not a.ok]
        if len(failures) >= limit:
            free_at = failures[-limit] + FAILURE_WINDOW
            until = free_at if until is None else max(until, free_at)
    return until
