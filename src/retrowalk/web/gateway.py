"""The web's one door to accounts: ``services.accounts`` and ``domain.access`` bound to the
app's unit of work.

Every call goes to the accounts service (signatures of WEB_CONTRACT.md): the web never decides
who may see whom itself. Tests can hand in a stand-in with the same functions; the product
loads the real modules (``AccountsGateway.load``).
"""

from __future__ import annotations

import importlib
from datetime import datetime
from typing import Any, Protocol

from retrowalk.services.uow import UowFactory


class ActorLike(Protocol):
    """What the web reads of ``domain.access.Actor``."""

    account_id: str
    role: Any  # domain.access.Role, a StrEnum: "walker", "therapist" or "admin"
    walker_id: str | None
    display_name: str


class AccountsMissing(RuntimeError):
    """The accounts service is not installed (it is a separate part of the product)."""


class AccountsGateway:
    def __init__(self, uow: UowFactory, accounts: Any, access: Any) -> None:
        self._uow = uow
        self._accounts = accounts
        self._access = access

    @classmethod
    def load(cls, uow: UowFactory) -> AccountsGateway:
        try:
            accounts = importlib.import_module("retrowalk.services.accounts")
            access = importlib.import_module("retrowalk.domain.access")
        except ImportError as error:
            raise AccountsMissing(
                f"the web app needs retrowalk.services.accounts and retrowalk.domain.access "
                f"({error})"
            ) from None
        return cls(uow, accounts, access)

    def role(self, name: str) -> Any:
        return self._access.Role(name)

    # sign up, in and out
    def sign_up(
        self,
        *,
        email: str,
        password: str,
        display_name: str,
        role: str = "walker",
        invite_code: str | None = None,
        now: datetime,
    ) -> ActorLike:
        actor: ActorLike = self._accounts.sign_up(
            self._uow,
            email=email,
            password=password,
            display_name=display_name,
            role=self.role(role),
            invite_code=invite_code,
            now=now,
        )
        return actor

    def sign_in(self, *, email: str, password: str, client_key: str, now: datetime) -> str:
        token: str = self._accounts.sign_in(
            self._uow, email=email, password=password, client_key=client_key, now=now
        )
        return token

    def identify_session(self, token: str, *, now: datetime) -> ActorLike | None:
        actor: ActorLike | None = self._accounts.identify_session(self._uow, token, now=now)
        return actor

    def sign_out(self, token: str) -> None:
        self._accounts.sign_out(self._uow, token)

    def create_api_token(self, actor: ActorLike, *, name: str, now: datetime) -> str:
        token: str = self._accounts.create_api_token(self._uow, actor, name=name, now=now)
        return token

    def identify_api_token(self, token: str, *, now: datetime) -> ActorLike | None:
        actor: ActorLike | None = self._accounts.identify_api_token(self._uow, token, now=now)
        return actor

    # walkers, patients and invitations
    def link_walker(self, actor: ActorLike, walker_id: str) -> ActorLike:
        linked: ActorLike = self._accounts.link_walker(self._uow, actor, walker_id)
        return linked

    def invite_patient(self, therapist: ActorLike, *, now: datetime) -> Any:
        return self._accounts.invite_patient(self._uow, therapist, now=now)

    def accept_invite(self, walker: ActorLike, code: str, *, now: datetime) -> None:
        self._accounts.accept_invite(self._uow, walker, code, now=now)

    def patient_ids(self, actor: ActorLike) -> frozenset[str]:
        ids: frozenset[str] = self._accounts.patient_ids(self._uow, actor)
        return ids

    def authorize_walker(self, actor: ActorLike, walker_id: str) -> None:
        """``NotFound`` for a walker the actor may not know of, ``Forbidden`` for one they may
        know of but not act on."""
        self._accounts.authorize_walker(self._uow, actor, walker_id)

    def patient_list(
        self, therapist: ActorLike, *, now: datetime, sort: str = "flags"
    ) -> list[Any]:
        rows: list[Any] = self._accounts.patient_list(self._uow, therapist, now=now, sort=sort)
        return rows

    def may_edit_program(self, actor: ActorLike, walker_id: str) -> bool:
        allowed: bool = self._access.may_edit_program(actor, walker_id, self.patient_ids(actor))
        return allowed
