"""Pain not reported yet: session_log.pain_during_nprs and pain_after_nprs become nullable.

An imported recording has no pain scores until the walker adds them (None = not reported yet).
The 0-10 check constraints stay: a NULL passes a CHECK, a reported pain must still be 0-10.
SQLite cannot alter a column in place, so batch mode rebuilds the table (its indexes, foreign
keys and check constraints are carried over); PostgreSQL alters the columns in place.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PAIN_COLUMNS = ("pain_during_nprs", "pain_after_nprs")


def upgrade() -> None:
    with op.batch_alter_table("session_log") as batch:
        for column in _PAIN_COLUMNS:
            batch.alter_column(column, existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    missing = op.get_bind().scalar(
        sa.text(
            "SELECT count(*) FROM session_log "
            "WHERE pain_during_nprs IS NULL OR pain_after_nprs IS NULL"
        )
    )
    if missing:
        raise RuntimeError(
            f"{missing} logged session(s) have no pain reported yet; add it (`retrowalk pain`) "
            "or delete them before going back to a schema where pain is required"
        )
    with op.batch_alter_table("session_log") as batch:
        for column in _PAIN_COLUMNS:
            batch.alter_column(column, existing_type=sa.Integer(), nullable=False)
