"""Sessions awaiting the walker's confirmation of their direction: session_log gains
``direction_unconfirmed`` (false by default) and a partial index on the true ones, so the
patient list finds them without reading every session's details. Sessions imported before
are set from their details (``direction_needs_confirmation``).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_session_log_direction_unconfirmed"


def upgrade() -> None:
    with op.batch_alter_table("session_log") as batch:
        batch.add_column(
            sa.Column(
                "direction_unconfirmed", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
    bind = op.get_bind()
    rows = bind.execute(
        sa.text("SELECT id, details FROM session_log WHERE source = 'import'")
    ).all()
    waiting = [
        session_id
        for session_id, details in rows
        if (json.loads(details) if isinstance(details, str) else details or {}).get(
            "direction_needs_confirmation"
        )
        is True
    ]
    for session_id in waiting:
        bind.execute(
            sa.text("UPDATE session_log SET direction_unconfirmed = :yes WHERE id = :id"),
            {"yes": True, "id": session_id},
        )
    op.create_index(
        INDEX,
        "session_log",
        ["walker_id"],
        unique=False,
        sqlite_where=sa.text("direction_unconfirmed"),
        postgresql_where=sa.text("direction_unconfirmed"),
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name="session_log")
    with op.batch_alter_table("session_log") as batch:
        batch.drop_column("direction_unconfirmed")
