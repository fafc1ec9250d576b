"""Accounts: sign up, sign in and out, API tokens, walker profiles, invitations, access.

Every function takes the unit-of-work factory first and the time as ``now`` (services never read
a clock). Who may see whom is ``domain.access``, checked by ``authorize_walker`` (re-exported
here with ``patient_ids``, ``patient_list`` and ``resume_program``). Secrets: see
``services.credentials`` (argon2id passwords; tokens and codes stored as SHA-256 only).

Errors: bad input is ``InvalidInput`` naming the field; a taken email ``Conflict``; a wrong
email or password, a refused role or too many attempts ``Forbidden``; an unknown invitation
``NotFound``, an expired one ``Forbidden``, one used by another account ``Conflict``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from retrowalk.domain.access import (
    FAILURE_WINDOW,
    Actor,
    Role,
    may_manage_patients,
    sign_in_refused_until,
)
from retrowalk.errors import Conflict, Forbidden, InvalidInput, NotFound
from retrowalk.services import credentials
from retrowalk.services.authorization import authorize_walker, patient_ids
from retrowalk.services.patients import PatientRow, patient_list, resume_program
from retrowalk.services.uow import UowFactory
from retrowalk.store.accounts import Account
from retrowalk.store.unit_of_work import UnitOfWork

__all__ = [
    "Invitation",
    "PatientRow",
    "accept_invite",
    "api_token_names",
    "authorize_walker",
    "create_api_token",
    "identify_api_token",
    "identify_session",
    "invite_patient",
    "link_walker",
    "normalise_email",
    "patient_ids",
    "patient_list",
    "resume_program",
    "revoke_api_token",
    "sign_in",
    "sign_out",
    "sign_up",
]

PASSWORD_MIN_CHARS = 10
PASSWORD_MAX_CHARS = 200
NAME_MAX_CHARS = 200
EMAIL_MAX_CHARS = 320
CLIENT_KEY_MAX_CHARS = 200
TOKEN_MAX_CHARS = 200
SESSION_IDLE = timedelta(days=14)
"""A sign-in session unused this long has expired."""
SESSION_MAX_AGE = timedelta(days=90)
"""A sign-in session expires this long after sign-in however often it is used."""
TOUCH_EVERY = timedelta(minutes=5)
"""``last_seen_at`` / ``last_used_at`` are written at most this often (one write per request
would serialise every page view on SQLite)."""
INVITATION_LIFETIME = timedelta(days=14)
ATTEMPTS_KEPT = timedelta(days=1)


@dataclass(frozen=True)
class Invitation:
    """A code a therapist hands a patient (shown once; only its SHA-256 is stored)."""

    code: str
    expires_at: datetime


# --- input ------------------------------------------------------------------------------------


def normalise_email(email: str) -> str:
    """Lower case, surrounding spaces removed; ``InvalidInput`` unless it looks like
    ``name@domain``."""
    value = email.strip().lower() if isinstance(email, str) else ""
    local, at, domain = value.partition("@")
    if (
        not at
        or not local
        or not domain
        or "@" in domain
        or len(value) > EMAIL_MAX_CHARS
        or any(ch.isspace() for ch in value)
    ):
        raise InvalidInput("email", email, "an email address such as name@example.org")
    return value


def _password(password: str) -> str:
    if not isinstance(password, str) or not (
        PASSWORD_MIN_CHARS <= len(password) <= PASSWORD_MAX_CHARS
    ):
        shown = f"{len(password)} characters" if isinstance(password, str) else "(not text)"
        raise InvalidInput(
            "password", shown, f"{PASSWORD_MIN_CHARS} to {PASSWORD_MAX_CHARS} characters"
        )
    return password


def _name(display_name: str) -> str:
    value = display_name.strip() if isinstance(display_name, str) else ""
    if not value or len(value) > NAME_MAX_CHARS:
        raise InvalidInput("display_name", display_name, f"1 to {NAME_MAX_CHARS} characters")
    return value


def _role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise InvalidInput("role", role, ", ".join(r.value for r in Role)) from None


def _actor(account: Account) -> Actor:
    return Actor(account.id, account.role, account.walker_id, account.display_name)


# --- sign up, in and out ----------------------------------------------------------------------


def sign_up(
    uow: UowFactory,
    *,
    email: str,
    password: str,
    display_name: str,
    role: Role = Role.WALKER,
    invite_code: str | None = None,
    now: datetime,
) -> Actor:
    """Create an account (signed out: call ``sign_in`` next).

    A walker account has no walker profile until ``link_walker`` (after the screening). With
    ``invite_code`` the walker becomes the inviting therapist's patient, or the account is not
    created at all. Interfaces must never let the public choose ``Role.ADMIN``.
    """
    address = normalise_email(email)
    secret = _password(password)
    name = _name(display_name)
    chosen = _role(role)
    if invite_code is not None and chosen is not Role.WALKER:
        raise InvalidInput("invite_code", "(given)", "only with a walker account")
    password_hash = credentials.hash_password(secret)
    with uow() as work:
        account = create_account(work, address, password_hash, chosen, name, now=now)
        if invite_code is not None:
            _accept(work, account.id, invite_code, now)
        work.commit()
    return _actor(account)


def create_account(
    work: UnitOfWork,
    email: str,
    password_hash: str,
    role: Role,
    display_name: str,
    *,
    now: datetime,
    walker_id: str | None = None,
) -> Account:
    """Store an account inside an open unit of work (``sign_up`` and the demo clinic)."""
    if work.accounts.by_email(email) is not None:
        raise Conflict(f"an account with the email {email} already exists; sign in instead")
    return work.accounts.add(
        email=email,
        password_hash=password_hash,
        role=role,
        display_name=display_name,
        walker_id=walker_id,
        created_at=now,
    )


def sign_in(uow: UowFactory, *, email: str, password: str, client_key: str, now: datetime) -> str:
    """Check the password and open a session: the returned token is the only copy.

    ``client_key`` names the client for the rate limit (e.g. its IP address). After too many
    failures (``domain.access``) every attempt is refused, right password or not, with
    ``Forbidden("too many attempts; try again in N minutes")``.
    """
    address = email.strip().lower() if isinstance(email, str) else ""
    client = str(client_key)[:CLIENT_KEY_MAX_CHARS] or "unknown"
    with uow(read_only=True) as work:
        attempts = work.accounts.attempts(
            email=address, client_key=client, since=now - FAILURE_WINDOW
        )
        account = work.accounts.by_email(address)
    until = sign_in_refused_until(attempts, email=address, client_key=client, now=now)
    if until is not None:
        minutes = max(1, math.ceil((until - now).total_seconds() / 60))
        raise Forbidden(f"too many attempts; try again in {minutes} minutes")
    ok, new_hash = credentials.verify_password(
        None if account is None else account.password_hash,
        password if isinstance(password, str) else "",
    )
    token = credentials.new_token()
    with uow() as work:
        work.accounts.add_attempt(email=address, client_key=client, at=now, ok=ok)
        if ok and account is not None:
            work.accounts.add_session(credentials.digest(token), account.id, at=now)
            if new_hash is not None:
                work.accounts.set_password_hash(account.id, new_hash)
        else:
            work.accounts.prune_attempts(before=now - ATTEMPTS_KEPT)
        work.commit()
    if not ok:
        raise Forbidden("the email or the password is wrong")
    return token


def identify_session(uow: UowFactory, token: str, *, now: datetime) -> Actor | None:
    """The actor of a session token, or None (unknown, signed out, idle 14 days, or older than
    90 days: an expired session is deleted)."""
    if not isinstance(token, str) or not token or len(token) > TOKEN_MAX_CHARS:
        return None
    key = credentials.digest(token)
    with uow(read_only=True) as work:
        found = work.accounts.session(key)
    if found is None or not credentials.same_digest(found.token_sha256, key):
        return None
    seen = found.last_used_at or found.created_at
    if now - seen > SESSION_IDLE or now - found.created_at > SESSION_MAX_AGE:
        with uow() as work:
            work.accounts.delete_session(key)
            work.commit()
        return None
    if now - seen >= TOUCH_EVERY:
        with uow() as work:
            work.accounts.touch_session(key, at=now)
            work.commit()
    return _actor(found.account)


def sign_out(uow: UowFactory, token: str) -> None:
    """End the session of ``token`` (nothing happens for an unknown token)."""
    if not isinstance(token, str) or not token or len(token) > TOKEN_MAX_CHARS:
        return
    with uow() as work:
        work.accounts.delete_session(credentials.digest(token))
        work.commit()


# --- API tokens -------------------------------------------------------------------------------


def create_api_token(uow: UowFactory, actor: Actor, *, name: str, now: datetime) -> str:
    """A token for scripts (``Authorization: Bearer``), acting as ``actor``; shown once.
    ``Conflict`` when the account already has a token of that name."""
    label = name.strip() if isinstance(name, str) else ""
    if not label or len(label) > NAME_MAX_CHARS:
        raise InvalidInput("name", name, f"1 to {NAME_MAX_CHARS} characters")
    token = credentials.new_token()
    with uow() as work:
        work.accounts.get(actor.account_id)
        work.accounts.add_api_token(credentials.digest(token), actor.account_id, name=label, at=now)
        work.commit()
    return token


def identify_api_token(uow: UowFactory, token: str, *, now: datetime) -> Actor | None:
    """The actor of an API token, or None. API tokens do not expire; revoke them by name."""
    if not isinstance(token, str) or not token or len(token) > TOKEN_MAX_CHARS:
        return None
    key = credentials.digest(token)
    with uow(read_only=True) as work:
        found = work.accounts.api_token(key)
    if found is None or not credentials.same_digest(found.token_sha256, key):
        return None
    if found.last_used_at is None or now - found.last_used_at >= TOUCH_EVERY:
        with uow() as work:
            work.accounts.touch_api_token(key, at=now)
            work.commit()
    return _actor(found.account)


def api_token_names(uow: UowFactory, actor: Actor) -> list[str]:
    with uow(read_only=True) as work:
        return work.accounts.api_token_names(actor.account_id)


def revoke_api_token(uow: UowFactory, actor: Actor, *, name: str) -> bool:
    """Delete the actor's token called ``name``; False if there was none."""
    with uow() as work:
        deleted = work.accounts.delete_api_token(actor.account_id, name)
        work.commit()
    return deleted


# --- walker profile and invitations ---------------------------------------------------------


def link_walker(uow: UowFactory, actor: Actor, walker_id: str) -> Actor:
    """Give a walker account the walker profile the screening just created
    (``services.onboarding.enrol``); invitations it accepted before take effect now.

    Call it only with the walker id the same account's enrolment returned. ``Conflict`` when
    the account already has another profile or the profile belongs to another account.
    """
    if actor.role != Role.WALKER:
        raise Forbidden("only a walker account has a walker profile")
    with uow() as work:
        account = work.accounts.get(actor.account_id)
        if account.walker_id == walker_id:
            return _actor(account)
        if account.walker_id is not None:
            raise Conflict("this account already has a walker profile")
        if not work.care.walker_exists(walker_id):
            raise NotFound(f"walker {walker_id} not found")
        if work.accounts.by_walker(walker_id) is not None:
            raise Conflict(f"walker {walker_id} belongs to another account")
        account = work.accounts.link_walker(account.id, walker_id)
        for invitation in work.care.invitations_used_by(account.id):
            since = invitation.used_at or invitation.created_at
            work.care.add_patient(invitation.therapist_account_id, walker_id, since=since)
        work.commit()
    return _actor(account)


def invite_patient(uow: UowFactory, therapist: Actor, *, now: datetime) -> Invitation:
    """A new invitation code of ``therapist`` (or an admin), valid 14 days, for one walker."""
    if not may_manage_patients(therapist):
        raise Forbidden("only a therapist invites patients")
    code = credentials.new_invitation_code()
    stored = credentials.normalise_code(code)
    assert stored is not None
    expires_at = now + INVITATION_LIFETIME
    with uow() as work:
        work.care.add_invitation(
            credentials.digest(stored), therapist.account_id, at=now, expires_at=expires_at
        )
        work.commit()
    return Invitation(code, expires_at)


def accept_invite(uow: UowFactory, walker: Actor, code: str, *, now: datetime) -> None:
    """Become the patient of the therapist who made ``code``. Accepting one's own invitation
    again changes nothing."""
    if walker.role != Role.WALKER:
        raise Forbidden("only a walker account accepts an invitation")
    with uow() as work:
        _accept(work, walker.account_id, code, now)
        work.commit()


def _accept(work: UnitOfWork, account_id: str, code: str, now: datetime) -> None:
    stored = credentials.normalise_code(code)
    invitation = None if stored is None else work.care.invitation(credentials.digest(stored))
    if stored is None or invitation is None:
        raise NotFound("no invitation has this code; check it or ask your therapist")
    if invitation.used_by == account_id:
        return
    if invitation.used_by is not None:
        raise Conflict("this invitation code was already used; ask your therapist for a new one")
    if now >= invitation.expires_at:
        raise Forbidden(
            f"this invitation expired on {invitation.expires_at:%Y-%m-%d}; "
            "ask your therapist for a new one"
        )
    work.care.use_invitation(credentials.digest(stored), account_id, at=now)
    account = work.accounts.get(account_id)
    if account.walker_id is not None:
        work.care.add_patient(invitation.therapist_account_id, account.walker_id, since=now)
