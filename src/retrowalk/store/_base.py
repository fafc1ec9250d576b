"""Shared plumbing of the repositories: ids, clock, guarded writes, error translation."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from retrowalk.errors import Conflict, InvalidInput, NotFound

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


def checked_id(field: str, value: str | None) -> str:
    """``value`` if it is a UUID string (ids survive export and import), else a new id."""
    if value is None:
        return new_id()
    try:
        uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        raise InvalidInput(
            field, value, "a UUID such as 123e4567-e89b-12d3-a456-426614174000"
        ) from None
    if len(value) != 36:
        raise InvalidInput(field, value, "a UUID in its 36-character form")
    return value


def aware(field: str, value: datetime) -> datetime:
    """Refuse naive datetimes: every stored time has a UTC offset."""
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise InvalidInput(field, value, "a date and time with a UTC offset")
    return value


def integrity_kind(exc: IntegrityError) -> tuple[str, str]:
    """(kind, constraint name) of a constraint violation on PostgreSQL or SQLite."""
    orig: Any = exc.orig
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate:
        kinds = {"23505": "unique", "23503": "foreign_key", "23514": "check", "23502": "not_null"}
        diag = getattr(orig, "diag", None)
        name = getattr(diag, "constraint_name", None) or getattr(diag, "column_name", None)
        return kinds.get(sqlstate, "other"), name or ""
    text = str(orig)
    upper = text.upper()
    name = text.split(":", 1)[1].strip() if ":" in text else ""
    for marker, kind in (
        ("UNIQUE", "unique"),
        ("FOREIGN KEY", "foreign_key"),
        ("CHECK", "check"),
        ("NOT NULL", "not_null"),
    ):
        if marker in upper:
            return kind, name
    return "other", name


class Repository:
    """Base of every repository: the unit of work's session and clock."""

    def __init__(self, session: Session, clock: Clock = utc_now) -> None:
        self._session = session
        self._clock = clock

    @contextmanager
    def _guarded(self, what: str) -> Iterator[None]:
        """Run a write in a savepoint and flush it, translating constraint violations.

        The savepoint keeps the unit of work usable after a ``Conflict`` (the caller may carry
        on, e.g. skip a duplicate file); a violation never leaves a half-written change.
        """
        try:
            with self._session.begin_nested():
                yield
                self._session.flush()
        except IntegrityError as exc:
            kind, name = integrity_kind(exc)
            if kind == "unique":
                raise Conflict(f"{what}: already stored ({name or 'unique constraint'})") from None
            if kind == "foreign_key":
                raise NotFound(f"{what}: a record it refers to does not exist") from None
            raise InvalidInput(
                name or what, "(the stored values)", "values within the database's constraints"
            ) from None

    @staticmethod
    def _check_same(what: str, stored: object, incoming: object) -> None:
        """For ``restore``: a record already stored under the same id must be the same record
        (re-importing an export is a no-op); anything else is a ``Conflict``, never an
        overwrite."""
        if stored != incoming:
            raise Conflict(
                f"{what} is already stored with different content (changed since the export, "
                "or another record with the same id)"
            )


def page(statement: Any, limit: int | None, offset: int) -> Any:
    """Apply ``limit`` (None: all) and ``offset`` to a select."""
    if limit is not None:
        if limit < 0:
            raise InvalidInput("limit", limit, "0 or more")
        statement = statement.limit(limit)
    if offset < 0:
        raise InvalidInput("offset", offset, "0 or more")
    return statement.offset(offset) if offset else statement
