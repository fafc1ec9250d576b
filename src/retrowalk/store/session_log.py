"""Logged sessions: edits and deletions keep history, concurrent edits cannot overwrite each
other.

Every session has a ``version`` (1 when logged). ``edit`` and ``delete`` name the version the
caller read (``expected_version``; an API's ETag / If-Match): the change is one
``UPDATE ... WHERE id = :id AND version = :expected``, so a second writer holding an old
version matches no row and gets ``Conflict`` (HTTP 409) while the stored data stays as the
first writer left it. Before changing, the previous state is written to
``session_log_revision`` with its version and the reason. Deletion is soft (``deleted_at``).

The walker's UTC offset of ``performed_at`` is stored beside the UTC instant so the session
comes back at the local time it was logged with.
"""

from __future__ import annotations

import builtins
import dataclasses
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import Any, NamedTuple, cast

from sqlalchemy import CursorResult, Table, bindparam, func, insert, select, update

from retrowalk.domain.models import LoggedSession, Modality
from retrowalk.errors import Conflict, NotFound
from retrowalk.formats.codec import decode, encode, encode_value
from retrowalk.store._base import Repository, aware, checked_id, new_id, page
from retrowalk.store.records import SessionRevision, SessionSource, StoredSession
from retrowalk.store.tables import AWAITING_DIRECTION, SessionLogRevisionRow, SessionLogRow

# LoggedSession fields stored in columns of the same name (performed_at is handled apart).
_COLUMNS = (
    "modality",
    "duration_s",
    "distance_m",
    "speed_m_s",
    "incline_pct",
    "load_kg",
    "rails",
    "rpe",
    "pain_during_nprs",
    "pain_after_nprs",
    "near_falls",
    "fell",
    "swelling",
    "giving_way",
    "chest_symptoms",
    "notes",
)


def _columns(session: LoggedSession) -> dict[str, Any]:
    performed_at = aware("session.performed_at", session.performed_at)
    offset = performed_at.utcoffset()
    assert offset is not None
    values: dict[str, Any] = {name: getattr(session, name) for name in _COLUMNS}
    values["modality"] = Modality(session.modality).value
    values["performed_at"] = performed_at
    values["performed_at_utc_offset_s"] = int(offset.total_seconds())
    return values


def _logged(row: SessionLogRow) -> LoggedSession:
    local = _zone(row.performed_at_utc_offset_s)
    values = {name: getattr(row, name) for name in _COLUMNS}
    values["modality"] = Modality(row.modality)
    return LoggedSession(performed_at=row.performed_at.astimezone(local), **values)


def _logged_from(columns: dict[str, Any]) -> LoggedSession:
    """``_logged`` of the row ``_columns`` gave, without the row."""
    values = {name: columns[name] for name in _COLUMNS}
    values["modality"] = Modality(columns["modality"])
    local = _zone(columns["performed_at_utc_offset_s"])
    return LoggedSession(performed_at=columns["performed_at"].astimezone(local), **values)


@cache
def _zone(offset_s: int) -> timezone:
    return timezone(timedelta(seconds=offset_s))


_MODALITIES = {m.value: m for m in Modality}
# LoggedSession's fields in their own order (positional construction), modality first.
_FIELD_ORDER = tuple(f.name for f in dataclasses.fields(LoggedSession))[1:]
assert set(_FIELD_ORDER) == set(_COLUMNS) and _FIELD_ORDER[0] == "modality"
_HISTORY_COLUMNS = (
    SessionLogRow.performed_at,
    SessionLogRow.performed_at_utc_offset_s,
    *(getattr(SessionLogRow, name) for name in _FIELD_ORDER),
)


# Statements built once (construction and cache key are most of a small query's CPU); each
# names its parameters.
_INSERT = insert(cast(Table, SessionLogRow.__table__))
_LATEST_FIRST = (
    SessionLogRow.performed_at.desc(),
    SessionLogRow.created_at.desc(),
    SessionLogRow.id.desc(),
)


_HISTORY = (
    select(*_HISTORY_COLUMNS)
    .where(SessionLogRow.walker_id == bindparam("walker_id"), SessionLogRow.deleted_at.is_(None))
    .order_by(SessionLogRow.performed_at, SessionLogRow.created_at, SessionLogRow.id)
)


@cache
def _recent_statement(count: int) -> Any:
    """The latest ``count + 1`` sessions of ``:walker_id``, newest first, with their ids."""
    return (
        select(SessionLogRow.id, *_HISTORY_COLUMNS)
        .where(
            SessionLogRow.walker_id == bindparam("walker_id"), SessionLogRow.deleted_at.is_(None)
        )
        .order_by(*_LATEST_FIRST)
        .limit(count + 1)
    )


def _logged_values(values: tuple[Any, ...]) -> LoggedSession:
    """A LoggedSession from a row of ``_HISTORY_COLUMNS``."""
    performed_at, offset_s, modality, *rest = values
    return LoggedSession(performed_at.astimezone(_zone(offset_s)), _MODALITIES[modality], *rest)


def _stored(row: SessionLogRow) -> StoredSession:
    return StoredSession(
        id=row.id,
        walker_id=row.walker_id,
        program_id=row.program_id,
        version=row.version,
        source=SessionSource(row.source),
        session=_logged(row),
        created_at=row.created_at,
        updated_at=row.updated_at,
        deleted_at=row.deleted_at,
        details=dict(row.details),
    )


class RecentSessions(NamedTuple):
    """The end of a walker's history (``SessionLogRepository.recent``)."""

    sessions: builtins.list[LoggedSession]
    complete: bool
    latest_id: str | None


class SessionLogRepository(Repository):
    def add(
        self,
        walker_id: str,
        session: LoggedSession,
        *,
        program_id: str | None = None,
        source: SessionSource = SessionSource.MANUAL,
        details: dict[str, Any] | None = None,
        id: str | None = None,
        created_at: datetime | None = None,
    ) -> StoredSession:
        now = aware("session.created_at", created_at or self._clock())
        values: dict[str, Any] = {
            "id": checked_id("session.id", id),
            "walker_id": walker_id,
            "program_id": program_id,
            "source": SessionSource(source).value,
            "details": encode_value(details or {}, dict[str, Any], path="session.details"),
            "direction_unconfirmed": _unconfirmed(details),
            "version": 1,
            "created_at": now,
            "updated_at": now,
            "deleted_at": None,
            **_columns(session),
        }
        # A Core insert: the record is made from the values, no ORM object is needed after.
        with self._guarded(f"session of walker {walker_id}"):
            self._session.connection().execute(_INSERT, values)
        return StoredSession(
            id=values["id"],
            walker_id=walker_id,
            program_id=program_id,
            version=1,
            source=SessionSource(values["source"]),
            session=_logged_from(values),
            created_at=now,
            updated_at=now,
            deleted_at=None,
            details=dict(values["details"]),
        )

    def restore(self, stored: StoredSession) -> bool:
        """Store a session exactly as given: id, version, times (deleted ones too), source,
        details and the local offset of ``performed_at`` (importing an export). Its earlier
        states come back with ``restore_revision``. True when written, False when the same
        session is already stored, ``Conflict`` when that id holds another one."""
        row = self._session.get(SessionLogRow, stored.id)
        if row is not None:
            self._check_same(f"session {stored.id}", _comparable(_stored(row)), _comparable(stored))
            return False
        deleted_at = stored.deleted_at
        row = SessionLogRow(
            id=checked_id("session.id", stored.id),
            walker_id=stored.walker_id,
            program_id=stored.program_id,
            source=SessionSource(stored.source).value,
            details=encode_value(stored.details, dict[str, Any], path="session.details"),
            direction_unconfirmed=_unconfirmed(stored.details),
            version=stored.version,
            created_at=aware("session.created_at", stored.created_at),
            updated_at=aware("session.updated_at", stored.updated_at),
            deleted_at=None if deleted_at is None else aware("session.deleted_at", deleted_at),
            **_columns(stored.session),
        )
        with self._guarded(f"session {stored.id}"):
            self._session.add(row)
        return True

    def restore_revision(self, revision: SessionRevision) -> bool:
        """Store an earlier state of a session (its ``session_id`` and ``version`` identify it);
        False when the same revision is already stored, ``Conflict`` when it differs."""
        statement = select(SessionLogRevisionRow).where(
            SessionLogRevisionRow.session_id == revision.session_id,
            SessionLogRevisionRow.version == revision.version,
        )
        row = self._session.scalars(statement).first()
        what = f"revision {revision.version} of session {revision.session_id}"
        if row is not None:
            self._check_same(what, _comparable(_revision(row)), _comparable(revision))
            return False
        previous = revision.previous
        aware("revision.previous.performed_at", previous.performed_at)
        row = SessionLogRevisionRow(
            id=new_id(),
            session_id=revision.session_id,
            version=revision.version,
            recorded_at=aware("revision.recorded_at", revision.recorded_at),
            reason=revision.reason,
            data={
                "session": encode(previous),
                "details": encode_value(
                    revision.previous_details, dict[str, Any], path="revision.previous_details"
                ),
                "program_id": revision.previous_program_id,
            },
        )
        with self._guarded(what):
            self._session.add(row)
        return True

    def get(self, session_id: str, *, include_deleted: bool = False) -> StoredSession:
        row = self._session.get(SessionLogRow, session_id)
        if row is None or (row.deleted_at is not None and not include_deleted):
            raise NotFound(f"session {session_id} not found")
        return _stored(row)

    def list(
        self,
        walker_id: str,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        include_deleted: bool = False,
        newest_first: bool = False,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[StoredSession]:
        """Sessions in ``performed_at`` order; ``since`` inclusive, ``until`` exclusive."""
        statement = select(SessionLogRow).where(SessionLogRow.walker_id == walker_id)
        if not include_deleted:
            statement = statement.where(SessionLogRow.deleted_at.is_(None))
        if since is not None:
            statement = statement.where(SessionLogRow.performed_at >= aware("since", since))
        if until is not None:
            statement = statement.where(SessionLogRow.performed_at < aware("until", until))
        order = (SessionLogRow.performed_at, SessionLogRow.created_at, SessionLogRow.id)
        statement = statement.order_by(*(c.desc() for c in order) if newest_first else order)
        return [_stored(row) for row in self._session.scalars(page(statement, limit, offset))]

    def history(self, walker_id: str) -> builtins.list[LoggedSession]:
        """The walker's sessions (deleted ones left out) in ``list`` order, without their
        records: what a decision reads, in one light query."""
        rows = self._session.execute(_HISTORY, {"walker_id": walker_id})
        return [_logged_values(tuple(values)) for values in rows]

    def recent(self, walker_id: str, count: int) -> RecentSessions:
        """The walker's latest ``count`` sessions in ``history`` order, whether they are all
        of them, and the latest one's id (one query of at most ``count + 1`` rows)."""
        statement = _recent_statement(count)
        rows = self._session.execute(statement, {"walker_id": walker_id}).all()
        return RecentSessions(
            [_logged_values(tuple(values[1:])) for values in reversed(rows[:count])],
            complete=len(rows) <= count,
            latest_id=rows[0][0] if rows else None,
        )

    def latest_id(self, walker_id: str) -> str | None:
        """The id of the walker's latest session (``list(newest_first=True, limit=1)``)."""
        statement = (
            select(SessionLogRow.id)
            .where(SessionLogRow.walker_id == walker_id, SessionLogRow.deleted_at.is_(None))
            .order_by(
                SessionLogRow.performed_at.desc(),
                SessionLogRow.created_at.desc(),
                SessionLogRow.id.desc(),
            )
            .limit(1)
        )
        found: str | None = self._session.scalars(statement).first()
        return found

    def awaiting_direction(self, walker_id: str) -> builtins.list[StoredSession]:
        """Sessions whose declared direction the sensor contradicted and the walker has not
        confirmed yet (oldest first)."""
        statement = select(SessionLogRow).where(
            SessionLogRow.walker_id == walker_id,
            AWAITING_DIRECTION,  # on the partial index; sorted here, or the planner would
            SessionLogRow.deleted_at.is_(None),  # rather walk every session in time order
        )
        rows = sorted(self._session.scalars(statement), key=lambda r: (r.performed_at, r.id))
        return [_stored(row) for row in rows]

    def count(self, walker_id: str, *, include_deleted: bool = False) -> int:
        statement = (
            select(func.count())
            .select_from(SessionLogRow)
            .where(SessionLogRow.walker_id == walker_id)
        )
        if not include_deleted:
            statement = statement.where(SessionLogRow.deleted_at.is_(None))
        return int(self._session.scalar(statement) or 0)

    def edit(
        self,
        session_id: str,
        session: LoggedSession,
        *,
        expected_version: int,
        reason: str = "edited",
        details: dict[str, Any] | None = None,
    ) -> StoredSession:
        """Replace a session's data; the previous state becomes a revision. ``details=None``
        keeps the stored details."""
        values = _columns(session)
        if details is not None:
            values["details"] = encode_value(details, dict[str, Any], path="session.details")
            values["direction_unconfirmed"] = _unconfirmed(details)
        return self._change(session_id, expected_version, reason, values)

    def delete(
        self, session_id: str, *, expected_version: int, reason: str = "deleted"
    ) -> StoredSession:
        """Soft delete: the session disappears from lists and ``get``; its history stays."""
        return self._change(session_id, expected_version, reason, {"deleted_at": self._clock()})

    def walker_revisions(self, walker_id: str) -> builtins.list[SessionRevision]:
        """Earlier states of all of a walker's sessions (deleted ones too), by session id and
        version: one query for an export."""
        statement = (
            select(SessionLogRevisionRow)
            .join(SessionLogRow, SessionLogRow.id == SessionLogRevisionRow.session_id)
            .where(SessionLogRow.walker_id == walker_id)
            .order_by(SessionLogRevisionRow.session_id, SessionLogRevisionRow.version)
        )
        return [_revision(row) for row in self._session.scalars(statement)]

    def revisions(self, session_id: str) -> builtins.list[SessionRevision]:
        """Earlier states of a session, oldest first."""
        statement = (
            select(SessionLogRevisionRow)
            .where(SessionLogRevisionRow.session_id == session_id)
            .order_by(SessionLogRevisionRow.version)
        )
        return [_revision(row) for row in self._session.scalars(statement)]

    def _change(
        self, session_id: str, expected_version: int, reason: str, values: dict[str, Any]
    ) -> StoredSession:
        current = self.get(session_id)
        if current.version != expected_version:
            raise _stale(session_id, current.version, expected_version)
        now = self._clock()
        statement = (
            update(SessionLogRow)
            .where(
                SessionLogRow.id == session_id,
                SessionLogRow.version == expected_version,
                SessionLogRow.deleted_at.is_(None),
            )
            .values(version=SessionLogRow.version + 1, updated_at=now, **values)
            .execution_options(synchronize_session=False)
        )
        revision = SessionLogRevisionRow(
            id=new_id(),
            session_id=session_id,
            version=current.version,
            recorded_at=now,
            reason=reason,
            data={
                "session": encode(current.session),
                "details": current.details,
                "program_id": current.program_id,
            },
        )
        with self._guarded(f"session {session_id}"):
            result = cast(CursorResult[Any], self._session.execute(statement))
            if result.rowcount != 1:
                # Another writer committed between our read and our write.
                raise _stale(session_id, None, expected_version)
            self._session.add(revision)
        row = self._session.get(SessionLogRow, session_id)
        assert row is not None
        self._session.refresh(row)
        return _stored(row)


def _unconfirmed(details: dict[str, Any] | None) -> bool:
    """The ``direction_unconfirmed`` column: what the details say (one source of truth)."""
    return details is not None and details.get("direction_needs_confirmation") is True


def _stale(session_id: str, stored: int | None, expected: int) -> Conflict:
    now = f"is at version {stored}" if stored is not None else "was changed meanwhile"
    return Conflict(
        f"session {session_id} {now}, not {expected}: someone else changed it; "
        "reload it and try again"
    )


def _comparable(record: Any) -> tuple[Any, timedelta | None]:
    """A session record and the UTC offset of its ``performed_at``: equal datetimes in
    different offsets compare equal, but the walker's local offset is part of the data."""
    logged = record.session if isinstance(record, StoredSession) else record.previous
    return record, logged.performed_at.utcoffset()


def _revision(row: SessionLogRevisionRow) -> SessionRevision:
    data = row.data
    return SessionRevision(
        session_id=row.session_id,
        version=row.version,
        recorded_at=row.recorded_at,
        reason=row.reason,
        previous=decode(LoggedSession, data["session"], path="revision.session"),
        previous_details=dict(data.get("details") or {}),
        previous_program_id=data.get("program_id"),
    )
