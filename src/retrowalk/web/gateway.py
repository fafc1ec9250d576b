"""The web's one door to accounts: ``services.accounts`` bound to the app's unit of work.

Every permission question goes to ``authorize_walker`` (the rules of ``domain.access``): the
web never decides who may see whom itself. ``NotFound`` means "a walker this actor may not know
of" (a stranger's walker looks exactly like one that does not exist), ``Forbidden`` "a walker
they know of but may not act on in this way".
"""

from __future__ import annotations

from datetime import datetime

from retrowalk.domain.access import Actor, Permission, Role
from retrowalk.errors import Forbidden, InvalidInput, NotFound
from retrowalk.services import accounts
from retrowalk.services.accounts import Invitation, PatientRow
from retrowalk.services.patients import OverviewCache
from retrowalk.services.uow import UowFactory

ActorLike = Actor
"""The acting account as the web sees it (``domain.access.Actor``)."""

__all__ = ["PUBLIC_ROLES", "AccountsGateway", "ActorLike", "Permission"]

PUBLIC_ROLES = (Role.WALKER.value, Role.THERAPIST.value)
"""What a public sign-up may choose: an admin account is never self-made."""


class AccountsGateway:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow
        self._overviews = OverviewCache()

    @classmethod
    def load(cls, uow: UowFactory) -> AccountsGateway:
        return cls(uow)

    @staticmethod
    def role(name: str) -> Role:
        return Role(name)

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
    ) -> Actor:
        """A public sign-up: a walker or a therapist, never an admin (whatever was sent)."""
        if role not in PUBLIC_ROLES:
            raise InvalidInput("role", role, " or ".join(PUBLIC_ROLES))
        return accounts.sign_up(
            self._uow,
            email=email,
            password=password,
            display_name=display_name,
            role=self.role(role),
            invite_code=invite_code,
            now=now,
        )

    def sign_in(self, *, email: str, password: str, client_key: str, now: datetime) -> str:
        return accounts.sign_in(
            self._uow, email=email, password=password, client_key=client_key, now=now
        )

    def identify_session(self, token: str, *, now: datetime) -> Actor | None:
        return accounts.identify_session(self._uow, token, now=now)

    def sign_out(self, token: str) -> None:
        accounts.sign_out(self._uow, token)

    def create_api_token(self, actor: Actor, *, name: str, now: datetime) -> str:
        return accounts.create_api_token(self._uow, actor, name=name, now=now)

    def identify_api_token(self, token: str, *, now: datetime) -> Actor | None:
        return accounts.identify_api_token(self._uow, token, now=now)

    # walkers, patients and invitations
    def link_walker(self, actor: Actor, walker_id: str) -> Actor:
        return accounts.link_walker(self._uow, actor, walker_id)

    def invite_patient(self, therapist: Actor, *, now: datetime) -> Invitation:
        return accounts.invite_patient(self._uow, therapist, now=now)

    def accept_invite(self, walker: Actor, code: str, *, now: datetime) -> None:
        accounts.accept_invite(self._uow, walker, code, now=now)

    def patient_ids(self, actor: Actor) -> frozenset[str]:
        return accounts.patient_ids(self._uow, actor)

    def authorize_walker(
        self, actor: Actor, walker_id: str, permission: Permission = Permission.VIEW
    ) -> None:
        """``NotFound`` for a walker the actor may not know of, ``Forbidden`` for one they may
        know of but not act on this way."""
        accounts.authorize_walker(self._uow, actor, walker_id, permission)

    def may(self, actor: Actor, walker_id: str, permission: Permission) -> bool:
        """``authorize_walker`` as a yes or no (to show or hide a button)."""
        try:
            self.authorize_walker(actor, walker_id, permission)
        except (Forbidden, NotFound):
            return False
        return True

    def patient_list(
        self, therapist: Actor, *, now: datetime, sort: str = "flags"
    ) -> list[PatientRow]:
        return accounts.patient_list(
            self._uow, therapist, now=now, sort=sort, cache=self._overviews
        )

    def resume_program(self, actor: Actor, walker_id: str, *, now: datetime) -> bool:
        """Resume a paused program (``Permission.RESUME_PROGRAM``); False if it was not
        paused."""
        return accounts.resume_program(self._uow, actor, walker_id, now=now)
