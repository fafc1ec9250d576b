"""Create all tables: walker, screening, program, session_log (+ revisions), checkin,
outcome_test, decision, imported_file.

Written by autogenerate from store/tables.py, then reviewed: portable types only (String(36)
UUID ids, JSON, timezone-aware DateTime), constraint names from the naming convention.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "walker",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("age_years", sa.Integer(), nullable=False),
        sa.Column("body_mass_kg", sa.Float(), nullable=False),
        sa.Column("forward_speed_m_s", sa.Float(), nullable=True),
        sa.Column("usual_pain_nprs", sa.Integer(), nullable=False),
        sa.Column("goal", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.CheckConstraint("status IN ('active', 'paused')", name=op.f("ck_walker_status_allowed")),
        sa.CheckConstraint(
            "age_years >= 0 AND age_years <= 130", name=op.f("ck_walker_age_years_range")
        ),
        sa.CheckConstraint("body_mass_kg > 0", name=op.f("ck_walker_body_mass_kg_positive")),
        sa.CheckConstraint(
            "forward_speed_m_s IS NULL OR forward_speed_m_s >= 0",
            name=op.f("ck_walker_forward_speed_m_s_non_negative"),
        ),
        sa.CheckConstraint(
            "usual_pain_nprs >= 0 AND usual_pain_nprs <= 10",
            name=op.f("ck_walker_usual_pain_nprs_0_10"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_walker")),
    )
    op.create_table(
        "checkin",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("walker_id", sa.String(length=36), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("pain_next_morning_nprs", sa.Integer(), nullable=False),
        sa.Column("usual_pain_nprs", sa.Integer(), nullable=False),
        sa.Column("swelling", sa.Boolean(), nullable=False),
        sa.Column("giving_way", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "pain_next_morning_nprs >= 0 AND pain_next_morning_nprs <= 10",
            name=op.f("ck_checkin_pain_next_morning_nprs_0_10"),
        ),
        sa.CheckConstraint(
            "usual_pain_nprs >= 0 AND usual_pain_nprs <= 10",
            name=op.f("ck_checkin_usual_pain_nprs_0_10"),
        ),
        sa.ForeignKeyConstraint(
            ["walker_id"],
            ["walker.id"],
            name=op.f("fk_checkin_walker_id_walker"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin")),
        sa.UniqueConstraint("walker_id", "on_date", name=op.f("uq_checkin_walker_id_on_date")),
    )
    op.create_table(
        "outcome_test",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("walker_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.Column("details", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("interpretation", sa.JSON(none_as_null=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["walker_id"],
            ["walker.id"],
            name=op.f("fk_outcome_test_walker_id_walker"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_test")),
    )
    op.create_index(
        "ix_outcome_test_walker_id_taken_at",
        "outcome_test",
        ["walker_id", "taken_at"],
        unique=False,
    )

    op.create_table(
        "program",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("walker_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("weeks", sa.Integer(), nullable=False),
        sa.Column("sessions_per_week", sa.Integer(), nullable=False),
        sa.Column("goal", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("current_target", sa.JSON(none_as_null=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('active', 'paused', 'ended')", name=op.f("ck_program_status_allowed")
        ),
        sa.CheckConstraint(
            "sessions_per_week >= 1", name=op.f("ck_program_sessions_per_week_positive")
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_program_version_positive")),
        sa.CheckConstraint("weeks >= 1", name=op.f("ck_program_weeks_positive")),
        sa.ForeignKeyConstraint(
            ["walker_id"],
            ["walker.id"],
            name=op.f("fk_program_walker_id_walker"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program")),
    )
    op.create_index(
        "ix_program_walker_id_created_at", "program", ["walker_id", "created_at"], unique=False
    )

    op.create_table(
        "screening",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("walker_id", sa.String(length=36), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answers", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("verdict", sa.String(length=40), nullable=False),
        sa.Column("reasons", sa.JSON(none_as_null=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["walker_id"],
            ["walker.id"],
            name=op.f("fk_screening_walker_id_walker"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening")),
    )
    op.create_index(
        "ix_screening_walker_id_taken_at", "screening", ["walker_id", "taken_at"], unique=False
    )

    op.create_table(
        "session_log",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("walker_id", sa.String(length=36), nullable=False),
        sa.Column("program_id", sa.String(length=36), nullable=True),
        sa.Column("performed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("performed_at_utc_offset_s", sa.Integer(), nullable=False),
        sa.Column("modality", sa.String(length=40), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("distance_m", sa.Float(), nullable=True),
        sa.Column("speed_m_s", sa.Float(), nullable=True),
        sa.Column("incline_pct", sa.Float(), nullable=False),
        sa.Column("load_kg", sa.Float(), nullable=True),
        sa.Column("rails", sa.Boolean(), nullable=False),
        sa.Column("rpe", sa.Integer(), nullable=True),
        sa.Column("pain_during_nprs", sa.Integer(), nullable=False),
        sa.Column("pain_after_nprs", sa.Integer(), nullable=False),
        sa.Column("near_falls", sa.Boolean(), nullable=False),
        sa.Column("fell", sa.Boolean(), nullable=False),
        sa.Column("swelling", sa.Boolean(), nullable=False),
        sa.Column("giving_way", sa.Boolean(), nullable=False),
        sa.Column("chest_symptoms", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "source IN ('manual', 'import')", name=op.f("ck_session_log_source_allowed")
        ),
        sa.CheckConstraint(
            "distance_m IS NULL OR distance_m >= 0",
            name=op.f("ck_session_log_distance_m_non_negative"),
        ),
        sa.CheckConstraint("duration_s >= 0", name=op.f("ck_session_log_duration_s_non_negative")),
        sa.CheckConstraint(
            "load_kg IS NULL OR load_kg >= 0", name=op.f("ck_session_log_load_kg_non_negative")
        ),
        sa.CheckConstraint(
            "pain_after_nprs >= 0 AND pain_after_nprs <= 10",
            name=op.f("ck_session_log_pain_after_nprs_0_10"),
        ),
        sa.CheckConstraint(
            "pain_during_nprs >= 0 AND pain_during_nprs <= 10",
            name=op.f("ck_session_log_pain_during_nprs_0_10"),
        ),
        sa.CheckConstraint(
            "rpe IS NULL OR (rpe >= 0 AND rpe <= 20)", name=op.f("ck_session_log_rpe_range")
        ),
        sa.CheckConstraint(
            "speed_m_s IS NULL OR speed_m_s >= 0",
            name=op.f("ck_session_log_speed_m_s_non_negative"),
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_session_log_version_positive")),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_session_log_program_id_program"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["walker_id"],
            ["walker.id"],
            name=op.f("fk_session_log_walker_id_walker"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_log")),
    )
    op.create_index(op.f("ix_session_log_program_id"), "session_log", ["program_id"], unique=False)
    op.create_index(
        "ix_session_log_walker_id_performed_at",
        "session_log",
        ["walker_id", "performed_at"],
        unique=False,
    )

    op.create_table(
        "decision",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("walker_id", sa.String(length=36), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("reasons", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("changes", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("next_target", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("session_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["session_log.id"],
            name=op.f("fk_decision_session_id_session_log"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["walker_id"],
            ["walker.id"],
            name=op.f("fk_decision_walker_id_walker"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision")),
    )
    op.create_index(op.f("ix_decision_session_id"), "decision", ["session_id"], unique=False)
    op.create_index(
        "ix_decision_walker_id_made_at", "decision", ["walker_id", "made_at"], unique=False
    )

    op.create_table(
        "imported_file",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("walker_id", sa.String(length=36), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("original_name", sa.String(length=500), nullable=False),
        sa.Column("format", sa.String(length=40), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=True),
        sa.CheckConstraint(
            "length(content_sha256) = 64", name=op.f("ck_imported_file_content_sha256_length")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["session_log.id"],
            name=op.f("fk_imported_file_session_id_session_log"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["walker_id"],
            ["walker.id"],
            name=op.f("fk_imported_file_walker_id_walker"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imported_file")),
        sa.UniqueConstraint(
            "walker_id", "content_sha256", name=op.f("uq_imported_file_walker_id_content_sha256")
        ),
    )
    op.create_index(
        op.f("ix_imported_file_session_id"), "imported_file", ["session_id"], unique=False
    )

    op.create_table(
        "session_log_revision",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["session_log.id"],
            name=op.f("fk_session_log_revision_session_id_session_log"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_log_revision")),
        sa.UniqueConstraint(
            "session_id", "version", name=op.f("uq_session_log_revision_session_id_version")
        ),
    )


def downgrade() -> None:
    # Dropping a table drops its indexes; children before parents.
    for table in (
        "session_log_revision",
        "imported_file",
        "decision",
        "session_log",
        "screening",
        "program",
        "outcome_test",
        "checkin",
        "walker",
    ):
        op.drop_table(table)
