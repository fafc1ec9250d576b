"""Read and correct a walker's records: sessions (paged, edited with a version check),
check-ins, decisions, outcome tests and screenings.

Interfaces that address records by id (the web pages and the JSON API) use these; each lookup
checks that the record belongs to the walker asked about, so an id of another walker's record
answers ``NotFound`` exactly like an id that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from retrowalk.domain.models import Decision, LoggedSession
from retrowalk.domain.validation import Range, validate_logged_session
from retrowalk.errors import InvalidInput, NotFound
from retrowalk.services import deciding
from retrowalk.services.uow import UowFactory
from retrowalk.store.records import (
    SessionRevision,
    StoredCheckIn,
    StoredDecision,
    StoredOutcome,
    StoredScreening,
    StoredSession,
    Walker,
)
from retrowalk.store.unit_of_work import UnitOfWork

T = TypeVar("T")

MAX_PAGE = 200
LIMIT = Range(1, MAX_PAGE, "items", integer=True)
OFFSET = Range(0, 10**9, "items", integer=True)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: ``total`` counts every item, not only this page's."""

    items: tuple[T, ...]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True)
class SessionChange:
    """A session after an edit or deletion, and the decision taken again (None: no program)."""

    stored: StoredSession
    decision: Decision | None


def _check_page(limit: int, offset: int) -> None:
    LIMIT.check("limit", limit)
    OFFSET.check("offset", offset)


def walker(uow: UowFactory, walker_ref: str | None) -> Walker:
    with uow(read_only=True) as work:
        return work.walkers.default(walker_ref)


def walkers_page(uow: UowFactory, *, limit: int = 50, offset: int = 0) -> Page[Walker]:
    """Every walker (for administrators), oldest first."""
    _check_page(limit, offset)
    with uow(read_only=True) as work:
        everyone = work.walkers.list()
    return Page(tuple(everyone[offset : offset + limit]), len(everyone), limit, offset)


def sessions_page(
    uow: UowFactory, walker_ref: str | None, *, limit: int = 20, offset: int = 0
) -> Page[StoredSession]:
    """Logged sessions, newest first."""
    _check_page(limit, offset)
    with uow(read_only=True) as work:
        found = work.walkers.default(walker_ref)
        items = work.sessions.list(found.id, newest_first=True, limit=limit, offset=offset)
        total = work.sessions.count(found.id)
    return Page(tuple(items), total, limit, offset)


def all_sessions(uow: UowFactory, walker_ref: str | None) -> list[StoredSession]:
    """Every logged session, oldest first (charts)."""
    with uow(read_only=True) as work:
        return work.sessions.list(work.walkers.default(walker_ref).id)


def _owned_session(work: UnitOfWork, walker_id: str, session_id: str) -> StoredSession:
    stored = work.sessions.get(session_id)
    if stored.walker_id != walker_id:
        raise NotFound(f"session {session_id} not found")
    return stored


MIN_ID_PREFIX = 6


def find_session(
    uow: UowFactory, walker_ref: str | None, id_or_prefix: str, *, include_deleted: bool = False
) -> StoredSession:
    """A session of this walker by its id or a unique prefix of it (at least 6 characters)."""
    key = id_or_prefix.strip().lower()
    if len(key) < MIN_ID_PREFIX:
        raise InvalidInput(
            "session_id",
            id_or_prefix,
            f"an id or its first {MIN_ID_PREFIX}+ characters (see `retrowalk sessions`)",
        )
    with uow(read_only=True) as work:
        found = work.walkers.default(walker_ref)
        matches = [
            s
            for s in work.sessions.list(found.id, include_deleted=include_deleted)
            if s.id.startswith(key)
        ]
    if not matches:
        raise NotFound(f"no session {id_or_prefix!r} (see `retrowalk sessions`)")
    if len(matches) > 1:
        raise InvalidInput("session_id", id_or_prefix, "a longer prefix: several sessions match")
    return matches[0]


def session_revisions(
    uow: UowFactory, walker_ref: str | None, session_id: str
) -> list[SessionRevision]:
    with uow(read_only=True) as work:
        found = work.walkers.default(walker_ref)
        stored = work.sessions.get(session_id, include_deleted=True)
        if stored.walker_id != found.id:
            raise NotFound(f"session {session_id} not found")
        return work.sessions.revisions(session_id)


def get_session(uow: UowFactory, walker_ref: str | None, session_id: str) -> StoredSession:
    with uow(read_only=True) as work:
        return _owned_session(work, work.walkers.default(walker_ref).id, session_id)


def edit_session(
    uow: UowFactory,
    walker_ref: str | None,
    session_id: str,
    session: LoggedSession,
    *,
    expected_version: int,
    now: datetime,
) -> SessionChange:
    """Replace a session's data if it is still at ``expected_version`` (else ``Conflict``).

    The decision is taken again on the corrected history: a correction that reveals a red
    flag (a fall, pain over 7) stops the program; the target never moves twice for one session
    (services.sessions).
    """
    validate_logged_session(session, now)
    with uow() as work:
        found = work.walkers.default(walker_ref)
        _owned_session(work, found.id, session_id)
        stored = work.sessions.edit(session_id, session, expected_version=expected_version)
        decision = _decide_again(work, found, now)
        work.commit()
    return SessionChange(stored, decision)


def delete_session(
    uow: UowFactory,
    walker_ref: str | None,
    session_id: str,
    *,
    expected_version: int,
    now: datetime,
) -> SessionChange:
    """Soft-delete a session (its history stays) if still at ``expected_version``."""
    with uow() as work:
        found = work.walkers.default(walker_ref)
        _owned_session(work, found.id, session_id)
        stored = work.sessions.delete(session_id, expected_version=expected_version)
        decision = _decide_again(work, found, now)
        work.commit()
    return SessionChange(stored, decision)


def _decide_again(work: UnitOfWork, found: Walker, now: datetime) -> Decision | None:
    program = work.programs.current(found.id)
    if program is None:
        return None
    return deciding.decide_and_apply(work, found, program, now)


def checkins(uow: UowFactory, walker_ref: str | None) -> list[StoredCheckIn]:
    with uow(read_only=True) as work:
        return work.checkins.list(work.walkers.default(walker_ref).id)


def decisions_page(
    uow: UowFactory, walker_ref: str | None, *, limit: int = 20, offset: int = 0
) -> Page[StoredDecision]:
    """Progression decisions with their reasons, newest first."""
    _check_page(limit, offset)
    with uow(read_only=True) as work:
        every = work.decisions.list(work.walkers.default(walker_ref).id)
    every.reverse()
    return Page(tuple(every[offset : offset + limit]), len(every), limit, offset)


def latest_decision(uow: UowFactory, walker_ref: str | None) -> StoredDecision | None:
    with uow(read_only=True) as work:
        return work.decisions.latest(work.walkers.default(walker_ref).id)


def outcomes(uow: UowFactory, walker_ref: str | None) -> list[StoredOutcome]:
    """Outcome tests, oldest first, with how each was taken (``details``)."""
    with uow(read_only=True) as work:
        return work.outcomes.list(work.walkers.default(walker_ref).id)


def screenings(uow: UowFactory, walker_ref: str | None) -> list[StoredScreening]:
    with uow(read_only=True) as work:
        return work.screenings.list(work.walkers.default(walker_ref).id)


def latest_screening(uow: UowFactory, walker_ref: str | None) -> StoredScreening | None:
    with uow(read_only=True) as work:
        return work.screenings.latest(work.walkers.default(walker_ref).id)
