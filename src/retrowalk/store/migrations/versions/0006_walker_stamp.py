"""A change counter per walker, kept by the database itself: ``walker_stamp.version`` goes up
with every insert, update or delete of what a therapist's patient list reads of the walker
(the walker row, sessions, check-ins, programs, resumes, decisions). Triggers keep it, so no
code path (services, imports, bulk fills, other programs) can forget to; the patient list
reuses what it read while every patient's counter is unchanged (``store.care.stamps``).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "walker_stamp"
WATCHED = ("session_log", "checkin", "program", "program_resume", "decision")
"""Tables with a ``walker_id`` whose changes bump the walker's counter."""
PG_FUNCTION = "walker_stamp_bump"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("walker_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.ForeignKeyConstraint(
            ["walker_id"],
            ["walker.id"],
            name=op.f("fk_walker_stamp_walker_id_walker"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("walker_id", name=op.f("pk_walker_stamp")),
    )
    op.execute(f"INSERT INTO {TABLE} (walker_id, version) SELECT id, 0 FROM walker")
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def _bump(walker: str) -> str:
    return f"UPDATE {TABLE} SET version = version + 1 WHERE walker_id = {walker};"


def _sqlite_triggers() -> None:
    op.execute(
        f"CREATE TRIGGER walker_stamp_new AFTER INSERT ON walker BEGIN "
        f"INSERT INTO {TABLE} (walker_id, version) VALUES (NEW.id, 0); END"
    )
    op.execute(
        f"CREATE TRIGGER walker_stamp_walker AFTER UPDATE ON walker BEGIN {_bump('NEW.id')} END"
    )
    for table in WATCHED:
        op.execute(
            f"CREATE TRIGGER walker_stamp_{table}_insert AFTER INSERT ON {table} "
            f"BEGIN {_bump('NEW.walker_id')} END"
        )
        op.execute(
            f"CREATE TRIGGER walker_stamp_{table}_update AFTER UPDATE ON {table} "
            f"BEGIN {_bump('OLD.walker_id')} {_bump('NEW.walker_id')} END"
        )
        op.execute(
            f"CREATE TRIGGER walker_stamp_{table}_delete AFTER DELETE ON {table} "
            f"BEGIN {_bump('OLD.walker_id')} END"
        )


def _postgresql_triggers() -> None:
    op.execute(
        f"""
        CREATE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_TABLE_NAME = 'walker' THEN
                IF TG_OP = 'INSERT' THEN
                    INSERT INTO {TABLE} (walker_id, version) VALUES (NEW.id, 0);
                ELSE
                    UPDATE {TABLE} SET version = version + 1 WHERE walker_id = NEW.id;
                END IF;
                RETURN NULL;
            END IF;
            IF TG_OP IN ('UPDATE', 'DELETE') THEN
                UPDATE {TABLE} SET version = version + 1 WHERE walker_id = OLD.walker_id;
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') THEN
                UPDATE {TABLE} SET version = version + 1 WHERE walker_id = NEW.walker_id;
            END IF;
            RETURN NULL;
        END
        $$
        """
    )
    op.execute(
        f"CREATE TRIGGER walker_stamp_walker AFTER INSERT OR UPDATE ON walker "
        f"FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}()"
    )
    for table in WATCHED:
        op.execute(
            f"CREATE TRIGGER walker_stamp_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in ("walker", *WATCHED):
            op.execute(f"DROP TRIGGER IF EXISTS walker_stamp_{table} ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {PG_FUNCTION}()")
    else:
        op.execute("DROP TRIGGER IF EXISTS walker_stamp_new")
        op.execute("DROP TRIGGER IF EXISTS walker_stamp_walker")
        for table in WATCHED:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS walker_stamp_{table}_{event}")
    op.drop_table(TABLE)
