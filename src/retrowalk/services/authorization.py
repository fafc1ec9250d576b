"""The one permission check of the web pages, the JSON API and the CLI.

The rules are ``domain.access``; this module only looks up whose patients a therapist has.
A walker the actor may not see is ``NotFound`` with the same message as a walker that does not
exist: nobody learns that a stranger's walker exists. A walker the actor may see but not act on
in the asked way (a walker changing their own dose, or resuming their own program while a
therapist cares for them) is ``Forbidden``.
"""

from __future__ import annotations

from retrowalk.domain.access import Actor, Permission, Role, may
from retrowalk.errors import Forbidden, NotFound
from retrowalk.services.uow import UowFactory
from retrowalk.store.records import Walker
from retrowalk.store.unit_of_work import UnitOfWork


def patient_ids(uow: UowFactory, actor: Actor) -> frozenset[str]:
    """The walkers ``actor`` may see: their own (walker), their patients (therapist), all
    (admin)."""
    with uow(read_only=True) as work:
        return _visible(work, actor)


def _visible(work: UnitOfWork, actor: Actor) -> frozenset[str]:
    if actor.role == Role.ADMIN:
        return work.care.all_walker_ids()
    if actor.role == Role.THERAPIST:
        return work.care.patient_ids(actor.account_id)
    return frozenset() if actor.walker_id is None else frozenset({actor.walker_id})


def authorize_walker(
    uow: UowFactory, actor: Actor, walker_id: str, permission: Permission = Permission.VIEW
) -> None:
    """Return if ``actor`` may do ``permission`` to the walker ``walker_id``; else raise
    ``NotFound`` (a walker they may not see, or none) or ``Forbidden`` (seen, not allowed)."""
    with uow(read_only=True) as work:
        check(work, actor, walker_id, permission)


def check(work: UnitOfWork, actor: Actor, walker_id: str, permission: Permission) -> Walker:
    """``authorize_walker`` inside an open unit of work; the walker, once allowed (the use
    case that follows needs not read it again)."""
    patients: frozenset[str] = frozenset()
    if actor.role == Role.THERAPIST and work.care.is_patient(actor.account_id, walker_id):
        patients = frozenset({walker_id})
    walker = (
        work.walkers.find(walker_id) if may(actor, Permission.VIEW, walker_id, patients) else None
    )
    if walker is None:
        raise NotFound(f"walker {walker_id} not found")
    cared_for = True
    if actor.role == Role.WALKER and permission == Permission.RESUME_PROGRAM:
        cared_for = work.care.has_therapist(walker_id)
    if not may(actor, permission, walker_id, patients, walker_has_therapist=cared_for):
        if permission == Permission.RESUME_PROGRAM and actor.role == Role.WALKER:
            raise Forbidden(
                "your therapist resumes your program once you have been cleared; ask them"
            )
        raise Forbidden(f"a {actor.role.value} account may not {_what(permission)}")
    return walker


def _what(permission: Permission) -> str:
    return {
        Permission.VIEW: "see this walker",
        Permission.RECORD: "record data for this walker",
        Permission.EDIT_PROGRAM: "change this program (a therapist prescribes its dose)",
        Permission.RESUME_PROGRAM: "resume this program",
    }[Permission(permission)]
