"""The walker confirms (or corrects) the direction of a session the sensor contradicted.

An imported session declared backward where the motion sensor confidently saw forward walking
is flagged (``direction_check`` ``contradicted``, ``direction_needs_confirmation``): the
therapist sees a ``direction-unconfirmed`` flag until the walker answers. The answer edits the
session with a revision kept (``session_log_revision``, reason "direction confirmed by the
walker: ..."); the session's own data (minutes, pain...) is unchanged, and so is the sensor's
measurement: a session confirmed backward stays ``declared, confirmed by the walker`` with its
measured backward minutes as the sensor saw them (none, usually), never "verified".

The progression reads the logged sessions, not their direction (every logged session counts,
whatever was declared), so an answer does not move the program: no decision is taken.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from retrowalk.errors import Conflict, InvalidInput, NotFound
from retrowalk.services.direction_check import (
    answered,
    awaiting_answer,
    check_answer,
    may_answer,
)
from retrowalk.services.uow import UowFactory
from retrowalk.store.records import StoredSession


class WalkedDirection(StrEnum):
    """How the walker says they walked a contradicted session."""

    BACKWARD = "backward"
    FORWARD = "forward"


@dataclass(frozen=True)
class DirectionAnswer:
    """The session after the answer; ``changed`` is False when it already said so."""

    stored: StoredSession
    direction: str
    check_before: str
    changed: bool


def confirm_direction(
    uow: UowFactory,
    walker_ref: str | None,
    session_id: str,
    direction: str,
    *,
    now: datetime,
    expected_version: int | None = None,
) -> DirectionAnswer:
    """Record the walker's answer. ``InvalidInput`` for another direction or a session with
    nothing to confirm; ``NotFound`` for another walker's session; ``Conflict`` when
    ``expected_version`` is stale."""
    check_answer(direction)
    with uow() as work:
        walker = work.walkers.default(walker_ref)
        try:
            stored = work.sessions.get(session_id)
        except NotFound:
            raise NotFound(f"session {session_id} not found") from None
        if stored.walker_id != walker.id:
            raise NotFound(f"session {session_id} not found")
        details = stored.details
        check = str(details.get("direction_check", "none"))
        if not may_answer(details):
            raise InvalidInput(
                "session_id",
                session_id,
                "a session whose declared direction the sensor contradicted (this one's check "
                f"is {check!r}: nothing to confirm)",
            )
        if expected_version is not None and expected_version != stored.version:
            raise Conflict(
                f"session {session_id} is at version {stored.version}, not {expected_version}: "
                "someone else changed it; reload it and try again"
            )
        confirmation = details.get("direction_confirmation")
        said = confirmation.get("direction") if isinstance(confirmation, dict) else None
        if said == direction and not awaiting_answer(details):
            return DirectionAnswer(stored, direction, check, changed=False)
        saved = work.sessions.edit(
            stored.id,
            stored.session,
            expected_version=stored.version,
            reason=f"direction confirmed by the walker: {direction}",
            details=answered(details, direction, now.isoformat()),
        )
        work.commit()
    return DirectionAnswer(saved, direction, check, changed=True)


def awaiting(uow: UowFactory, walker_ref: str | None) -> list[StoredSession]:
    """The walker's sessions waiting for them to confirm the direction (oldest first)."""
    with uow(read_only=True) as work:
        return work.sessions.awaiting_direction(work.walkers.default(walker_ref).id)
