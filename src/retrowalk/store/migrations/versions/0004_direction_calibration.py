"""Direction calibrations: a walker's forward-walking signature per sensor placement.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "direction_calibration",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("walker_id", sa.String(length=36), nullable=False),
        sa.Column("placement", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source_name", sa.String(length=500), nullable=False),
        sa.Column("data", sa.JSON(none_as_null=True), nullable=False),
        sa.CheckConstraint(
            "placement IN ('waist', 'pocket')",
            name=op.f("ck_direction_calibration_placement_allowed"),
        ),
        sa.ForeignKeyConstraint(
            ["walker_id"],
            ["walker.id"],
            name=op.f("fk_direction_calibration_walker_id_walker"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_direction_calibration")),
    )
    op.create_index(
        "ix_direction_calibration_walker_placement",
        "direction_calibration",
        ["walker_id", "placement", "created_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("direction_calibration")
