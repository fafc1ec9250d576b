"""A stand-in for ``services.accounts`` and ``domain.access`` (WEB_CONTRACT.md), for the web
tests until the accounts part is merged. Same function signatures; state in memory; walkers and
sessions read from the real store through the unit of work. Never used by product code.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from statistics import fmean
from typing import Any

from retrowalk.errors import Conflict, Forbidden, InvalidInput, NotFound


class Role(StrEnum):
    WALKER = "walker"
    THERAPIST = "therapist"
    ADMIN = "admin"


@dataclass(frozen=True)
class Actor:
    account_id: str
    role: Role
    walker_id: str | None
    display_name: str


@dataclass(frozen=True)
class Invitation:
    code: str
    expires_at: datetime


@dataclass(frozen=True)
class Flag:
    kind: str
    severity: str
    text: str
    citation: str


@dataclass(frozen=True)
class PatientRow:
    walker_id: str
    display_name: str
    last_session_at: datetime | None
    sessions_last_7_days: int
    mean_pain_last_7_days: float | None
    flags: tuple[Flag, ...]
    program_status: str | None


@dataclass
class _Account:
    account_id: str
    email: str
    password: str
    role: Role
    display_name: str
    walker_id: str | None = None


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class FakeAccess:
    Role = Role

    @staticmethod
    def may_view_walker(actor: Actor, walker_id: str, patient_ids: frozenset[str]) -> bool:
        if actor.role is Role.ADMIN:
            return True
        if actor.role is Role.WALKER:
            return actor.walker_id == walker_id
        return walker_id in patient_ids

    @staticmethod
    def may_edit_program(actor: Actor, walker_id: str, patient_ids: frozenset[str]) -> bool:
        if actor.role is Role.ADMIN:
            return True
        return actor.role is Role.THERAPIST and walker_id in patient_ids


@dataclass
class FakeAccounts:
    Role = Role
    accounts: dict[str, _Account] = field(default_factory=dict)
    sessions: dict[str, str] = field(default_factory=dict)
    api_tokens: dict[str, str] = field(default_factory=dict)
    invitations: dict[str, tuple[str, datetime, str | None]] = field(default_factory=dict)
    patients: dict[str, set[str]] = field(default_factory=dict)
    failures: list[tuple[str, str, datetime]] = field(default_factory=list)

    def _actor(self, account: _Account) -> Actor:
        return Actor(account.account_id, account.role, account.walker_id, account.display_name)

    def _by_id(self, account_id: str) -> _Account:
        return next(a for a in self.accounts.values() if a.account_id == account_id)

    def sign_up(
        self,
        uow: Any,
        *,
        email: str,
        password: str,
        display_name: str,
        role: Role = Role.WALKER,
        invite_code: str | None = None,
        now: datetime,
    ) -> Actor:
        email = email.strip().lower()
        if "@" not in email:
            raise InvalidInput("email", email, "an email address")
        if not 10 <= len(password) <= 200:
            raise InvalidInput("password", f"{len(password)} characters", "10 to 200 characters")
        if email in self.accounts:
            raise Conflict(f"an account for {email} already exists")
        account = _Account(secrets.token_hex(8), email, password, Role(role), display_name)
        self.accounts[email] = account
        actor = self._actor(account)
        if invite_code:
            self.accept_invite(uow, actor, invite_code, now=now)
        return actor

    def sign_in(
        self, uow: Any, *, email: str, password: str, client_key: str, now: datetime
    ) -> str:
        email = email.strip().lower()
        recent = [f for f in self.failures if f[0] == email and now - f[2] < timedelta(minutes=15)]
        if len(recent) >= 5:
            raise Forbidden("too many attempts; try again in 15 minutes")
        account = self.accounts.get(email)
        if account is None or account.password != password:
            self.failures.append((email, client_key, now))
            raise Forbidden("the email or the password is wrong")
        token = secrets.token_urlsafe(24)
        self.sessions[_sha(token)] = account.account_id
        return token

    def identify_session(self, uow: Any, token: str, *, now: datetime) -> Actor | None:
        account_id = self.sessions.get(_sha(token))
        return None if account_id is None else self._actor(self._by_id(account_id))

    def sign_out(self, uow: Any, token: str) -> None:
        self.sessions.pop(_sha(token), None)

    def create_api_token(self, uow: Any, actor: Actor, *, name: str, now: datetime) -> str:
        token = secrets.token_urlsafe(24)
        self.api_tokens[_sha(token)] = actor.account_id
        return token

    def identify_api_token(self, uow: Any, token: str, *, now: datetime) -> Actor | None:
        account_id = self.api_tokens.get(_sha(token))
        return None if account_id is None else self._actor(self._by_id(account_id))

    def link_walker(self, uow: Any, actor: Actor, walker_id: str) -> Actor:
        account = self._by_id(actor.account_id)
        account.walker_id = walker_id
        for therapist_id, code_walkers in self.patients.items():
            if actor.account_id in code_walkers:  # invited before the profile existed
                code_walkers.discard(actor.account_id)
                self.patients[therapist_id].add(walker_id)
        return self._actor(account)

    def invite_patient(self, uow: Any, therapist: Actor, *, now: datetime) -> Invitation:
        if therapist.role is not Role.THERAPIST:
            raise Forbidden("only therapists invite")
        code = secrets.token_hex(4).upper()
        expires = now + timedelta(days=14)
        self.invitations[code] = (therapist.account_id, expires, None)
        return Invitation(code, expires)

    def accept_invite(self, uow: Any, walker: Actor, code: str, *, now: datetime) -> None:
        found = self.invitations.get(code.strip().upper())
        if found is None or found[1] < now or found[2] is not None:
            raise InvalidInput("code", code, "a valid, unused invitation code")
        therapist_id = found[0]
        self.invitations[code] = (therapist_id, found[1], walker.account_id)
        account = self._by_id(walker.account_id)
        self.patients.setdefault(therapist_id, set()).add(account.walker_id or account.account_id)

    def patient_ids(self, uow: Any, actor: Actor) -> frozenset[str]:
        if actor.role is not Role.THERAPIST:
            return frozenset()
        linked = {a.walker_id for a in self.accounts.values() if a.walker_id}
        return frozenset(self.patients.get(actor.account_id, set()) & linked)

    def authorize_walker(self, uow: Any, actor: Actor, walker_id: str) -> None:
        if actor.role is Role.ADMIN:
            with uow(read_only=True) as work:
                work.walkers.get(walker_id)
            return
        if actor.role is Role.WALKER and actor.walker_id == walker_id:
            return
        if actor.role is Role.THERAPIST and walker_id in self.patient_ids(uow, actor):
            return
        raise NotFound(f"walker {walker_id} not found")

    def patient_list(
        self, uow: Any, therapist: Actor, *, now: datetime, sort: str = "flags"
    ) -> list[PatientRow]:
        rows = []
        with uow(read_only=True) as work:
            for walker_id in self.patient_ids(uow, therapist):
                walker = work.walkers.get(walker_id)
                recent = work.sessions.list(walker_id, since=now - timedelta(days=7))
                every = work.sessions.list(walker_id, newest_first=True, limit=1)
                program = work.programs.current(walker_id)
                pains = [s.session.pain_during_nprs for s in recent]
                flags = tuple(
                    Flag("pain-flare", "urgent", f"pain {p}/10 during a session", "expert-opinion")
                    for p in pains
                    if p >= 7
                )[:1]
                rows.append(
                    PatientRow(
                        walker_id,
                        walker.profile.display_name,
                        every[0].session.performed_at if every else None,
                        len(recent),
                        fmean(pains) if pains else None,
                        flags,
                        None if program is None else program.status.value,
                    )
                )
        keys = {
            "name": lambda r: r.display_name,
            "flags": lambda r: (-len(r.flags), r.display_name),
            "last_session": lambda r: -(r.last_session_at.timestamp() if r.last_session_at else 0),
            "pain": lambda r: -(r.mean_pain_last_7_days or 0),
        }
        return sorted(rows, key=keys.get(sort, keys["flags"]))
