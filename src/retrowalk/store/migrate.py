"""Alembic migrations, run from code: no ``alembic.ini`` at run time.

The migration scripts ship inside the package (``retrowalk/store/migrations``). Each run opens
its own unpooled connection and runs every step in one transaction (PostgreSQL and SQLite
both have transactional DDL), so a failed upgrade leaves the database as it was. Concurrent
runs (two web workers starting together) queue: on a lock within the process, then on an
advisory lock on PostgreSQL or the write lock (``BEGIN IMMEDIATE``) on SQLite. On SQLite,
foreign keys are off while tables are rebuilt and are checked before the commit.

Targets are databases other connections can reach (a SQLite file or a server): an in-memory
SQLite database cannot be migrated from a second connection and is refused.

Developers add a migration with ``new_revision(url, "what changes")``: it brings a scratch
database to head and lets Alembic compare it with ``store.tables`` (review the result!).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine
from sqlalchemy.engine import URL

from retrowalk.errors import InvalidInput
from retrowalk.store.engine import is_sqlite, make_engine, redact_url, sqlite_file

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SCRIPT_LOCATION = "retrowalk.store:migrations"
VERSION_TABLE = "alembic_version"

Target = str | URL | Engine

# Alembic's ``context`` is process-global: runs within one process take turns. Runs in separate
# processes queue on the database's own lock (see env.py).
_IN_PROCESS = threading.Lock()


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic ``Config`` built in code, pointing at the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.set_main_option("version_table", VERSION_TABLE)
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships its first migration
        raise RuntimeError("no migrations found in the package")
    return head


def upgrade(target: Target, revision: str = "head") -> None:
    """Migrate the database up to ``revision`` (default: the newest)."""
    _run(target, lambda config: command.upgrade(config, revision))


def downgrade(target: Target, revision: str) -> None:
    """Migrate the database down to ``revision`` (``"base"``: no tables at all)."""
    _run(target, lambda config: command.downgrade(config, revision))


def current_revision(target: Target) -> str | None:
    """The database's revision, or None for a database never migrated."""
    with _connection(target) as connection:
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        return context.get_current_revision()


def new_revision(scratch_url: str, message: str, *, autogenerate: bool = True) -> Path:
    """Write the next migration script (numbered ``0002``, ``0003``, ...) and return its path.

    ``scratch_url`` is a throw-away database that is first brought to head.
    """
    upgrade(scratch_url)
    number = _next_number()
    paths: list[Path] = []

    def write(config: Config) -> None:
        script = command.revision(
            config, message=message, autogenerate=autogenerate, rev_id=f"{number:04d}"
        )
        scripts = script if isinstance(script, list) else [script]
        paths.extend(Path(s.path) for s in scripts if s is not None)

    _run(scratch_url, write)
    return paths[0]


def _next_number() -> int:
    numbers = [
        int(path.name[:4])
        for path in (MIGRATIONS_DIR / "versions").glob("*.py")
        if path.name[:4].isdigit()
    ]
    return max(numbers, default=0) + 1


def _run(target: Target, action: Callable[[Config], object]) -> None:
    with _IN_PROCESS, _connection(target, foreign_keys=False) as connection:
        action(alembic_config(connection))


@contextmanager
def _connection(target: Target, *, foreign_keys: bool = True) -> Iterator[Connection]:
    """A connection of our own (unpooled): pragmas set for migrations never leak into the
    application's pool."""
    url = target.url if isinstance(target, Engine) else target
    if is_sqlite(url) and sqlite_file(url) is None:
        raise InvalidInput("database_url", redact_url(url), "a SQLite file or a database server")
    engine = make_engine(url, foreign_keys=foreign_keys, pooled=False)
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()
