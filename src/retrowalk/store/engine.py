"""Database engines for the two supported back ends: a SQLite file and PostgreSQL.

SQLite (the embedded default) is opened in WAL mode with ``synchronous=FULL``: NORMAL can lose
the last commits on power loss (product.md, "Durability"). Foreign keys are switched on (SQLite
leaves them off) and a busy timeout makes a writer wait for another one instead of failing.

SQLAlchemy, not the ``sqlite3`` module, emits ``BEGIN`` (SQLAlchemy's documented recipe for
SQLite transactions): every statement of a unit of work, reads included, runs in one real
transaction, savepoints work, and DDL is transactional. The kind of ``BEGIN`` follows the
connection's execution option ``sqlite_begin``: ``"DEFERRED"`` (default), ``"IMMEDIATE"`` (take
the write lock at once: a unit of work that writes uses it, so two writers queue up instead of
failing on a stale read snapshot) or ``"NONE"`` (no transaction: for PRAGMAs).

PostgreSQL goes through psycopg 3: ``postgresql://`` and ``postgres://`` URLs are converted to
``postgresql+psycopg://``.

URLs can carry passwords: they never appear in our error messages (``redact_url``), and
statement parameters (health data) are left out of SQLAlchemy's error messages.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import NullPool

from retrowalk.errors import InvalidInput

SQLITE_BUSY_TIMEOUT_MS = 15_000
SQLITE_BEGIN_OPTION = "sqlite_begin"
_BEGIN_MODES = {"DEFERRED", "IMMEDIATE", "EXCLUSIVE", "NONE"}
_ALLOWED_URLS = "sqlite:///PATH/TO/FILE.sqlite or postgresql://USER@HOST:PORT/DATABASE"

_QUERY_PASSWORD = re.compile(r"(?i)(password=)[^&;\s]*")


def redact_url(url: str | URL) -> str:
    """The URL with any password replaced by ``***``, even when it does not parse."""
    if isinstance(url, URL):
        return _QUERY_PASSWORD.sub(r"\1***", url.render_as_string(hide_password=True))
    try:
        return redact_url(make_url(url))
    except (ArgumentError, ValueError):
        pass
    text = _QUERY_PASSWORD.sub(r"\1***", url)
    if "@" in text:  # unparseable: hide everything that could be user information
        scheme, separator, rest = text.partition("://")
        if not separator:
            scheme, rest = "", text
        text = f"{scheme}{separator}***{rest[rest.rindex('@') :]}"
    return text


def normalise_url(url: str | URL) -> URL:
    """Parse a database URL and pick our drivers; refuse back ends retrowalk does not support."""
    if isinstance(url, URL):
        parsed = url
    else:
        try:
            parsed = make_url(url.strip())
        except (ArgumentError, ValueError) as exc:
            raise InvalidInput("database_url", redact_url(url), _ALLOWED_URLS) from exc
    backend, _, driver = parsed.drivername.partition("+")
    if backend in {"postgresql", "postgres"} and driver in {"", "psycopg"}:
        return parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and driver in {"", "pysqlite"}:
        return parsed
    raise InvalidInput("database_url", redact_url(parsed), _ALLOWED_URLS)


def is_sqlite(url: str | URL) -> bool:
    return normalise_url(url).get_backend_name() == "sqlite"


def sqlite_file(url: str | URL) -> Path | None:
    """The file of a SQLite URL, or None for an in-memory database."""
    parsed = normalise_url(url)
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or database in {"", ":memory:"}:
        return None
    if database.startswith("file:"):
        return None
    return Path(database)


def make_engine(url: str | URL, *, foreign_keys: bool = True, pooled: bool = True) -> Engine:
    """An engine for ``url`` with retrowalk's connection settings.

    ``foreign_keys=False`` and ``pooled=False`` are for migrations only (SQLite rebuilds tables
    with foreign keys off; ``migrate`` checks them afterwards).
    """
    parsed = normalise_url(url)
    options: dict[str, Any] = {"hide_parameters": True}
    if not pooled:
        options["poolclass"] = NullPool
    if parsed.get_backend_name() == "sqlite":
        file = sqlite_file(parsed)
        if file is not None:
            _create_parent(file)
        engine = create_engine(parsed, **options)
        _configure_sqlite(engine, foreign_keys=foreign_keys)
        return engine
    options["pool_pre_ping"] = True
    options["connect_args"] = {"connect_timeout": 10}
    return create_engine(parsed, **options)


def _create_parent(file: Path) -> None:
    folder = file.expanduser().parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidInput(
            "database_url", str(file), f"a file in a folder retrowalk can create ({exc.strerror})"
        ) from exc


def _configure_sqlite(engine: Engine, *, foreign_keys: bool) -> None:
    pragmas = (
        "PRAGMA journal_mode=WAL",
        "PRAGMA synchronous=FULL",
        f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}",
        f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}",
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take BEGIN away from the sqlite3 module; SQLAlchemy emits it (see module docstring).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            for pragma in pragmas:
                cursor.execute(pragma)
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = str(connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "DEFERRED"))
        mode = mode.upper()
        if mode not in _BEGIN_MODES:
            raise ValueError(f"{SQLITE_BEGIN_OPTION}={mode!r}; allowed: {sorted(_BEGIN_MODES)}")
        if mode != "NONE":
            connection.exec_driver_sql(f"BEGIN {mode}")
