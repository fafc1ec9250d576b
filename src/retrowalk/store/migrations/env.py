"""Alembic environment: runs with the connection ``retrowalk.store.migrate`` hands in.

The whole run is one transaction; concurrent runs queue (PostgreSQL advisory lock, SQLite
``BEGIN IMMEDIATE``). On SQLite, batch mode rebuilds tables (SQLite cannot alter most things in
place) and the foreign keys, off during the run, are checked before the commit.
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from sqlalchemy import Connection

from retrowalk.store.engine import SQLITE_BEGIN_OPTION
from retrowalk.store.tables import UtcDateTime, metadata

# Any constant shared by every retrowalk process: the key of the migration advisory lock.
_PG_LOCK_KEY = 0x5245_5452_4F57  # "RETROW"


def _render_item(kind: str, obj: Any, _autogen_context: Any) -> str | Literal[False]:
    """Autogenerate writes our UTC type as the portable column type it stores."""
    if kind == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    connection.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})
    with connection.begin():
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_LOCK_KEY})")
        context.configure(
            connection=connection,
            target_metadata=metadata,
            version_table=context.config.get_main_option("version_table") or "alembic_version",
            render_as_batch=sqlite,
            compare_type=True,
            render_item=_render_item,
        )
        context.run_migrations()
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"migration left rows with broken foreign keys: {broken[:5]}")


def _main() -> None:
    if context.is_offline_mode():
        raise RuntimeError("retrowalk migrations run online only (retrowalk.store.migrate)")
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError(
            "run migrations through retrowalk.store.migrate (upgrade, downgrade, new_revision)"
        )
    _run(connection)


_main()
