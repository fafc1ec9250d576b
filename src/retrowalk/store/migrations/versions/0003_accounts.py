"""Accounts and access: account, auth_session, api_token, login_attempt, invitation,
therapist_patient, program_resume.

Written by autogenerate from store/accounts_tables.py, then reviewed: portable types only,
constraint names from the naming convention, secrets stored as SHA-256 hex (64 characters).
``down_revision`` is "0001" for now; the integrator re-chains it after "0002".

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _account_fk(table: str, column: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["account.id"], name=op.f(f"fk_{table}_{column}_account"), ondelete=ondelete
    )


def _sha256_check(table: str, column: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(f"length({column}) = 64", name=op.f(f"ck_{table}_{column}_length"))


def upgrade() -> None:
    op.create_table(
        "account",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("walker_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role IN ('walker', 'therapist', 'admin')", name=op.f("ck_account_role_allowed")
        ),
        sa.ForeignKeyConstraint(
            ["walker_id"],
            ["walker.id"],
            name=op.f("fk_account_walker_id_walker"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account")),
        sa.UniqueConstraint("email", name=op.f("uq_account_email")),
        sa.UniqueConstraint("walker_id", name=op.f("uq_account_walker_id")),
    )

    op.create_table(
        "auth_session",
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        _sha256_check("auth_session", "token_sha256"),
        _account_fk("auth_session", "account_id", "CASCADE"),
        sa.PrimaryKeyConstraint("token_sha256", name=op.f("pk_auth_session")),
    )
    op.create_index(
        op.f("ix_auth_session_account_id"), "auth_session", ["account_id"], unique=False
    )

    op.create_table(
        "api_token",
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        _sha256_check("api_token", "token_sha256"),
        _account_fk("api_token", "account_id", "CASCADE"),
        sa.PrimaryKeyConstraint("token_sha256", name=op.f("pk_api_token")),
    )
    op.create_index(
        "uq_api_token_account_id_name", "api_token", ["account_id", "name"], unique=True
    )

    op.create_table(
        "login_attempt",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("client_key", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempt")),
    )
    op.create_index(op.f("ix_login_attempt_at"), "login_attempt", ["at"], unique=False)
    op.create_index(
        "ix_login_attempt_client_key_at", "login_attempt", ["client_key", "at"], unique=False
    )
    op.create_index("ix_login_attempt_email_at", "login_attempt", ["email", "at"], unique=False)

    op.create_table(
        "invitation",
        sa.Column("code_sha256", sa.String(length=64), nullable=False),
        sa.Column("therapist_account_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_by", sa.String(length=36), nullable=True),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        _sha256_check("invitation", "code_sha256"),
        _account_fk("invitation", "therapist_account_id", "CASCADE"),
        _account_fk("invitation", "used_by", "SET NULL"),
        sa.PrimaryKeyConstraint("code_sha256", name=op.f("pk_invitation")),
    )
    op.create_index(
        op.f("ix_invitation_therapist_account_id"),
        "invitation",
        ["therapist_account_id"],
        unique=False,
    )
    op.create_index(op.f("ix_invitation_used_by"), "invitation", ["used_by"], unique=False)

    op.create_table(
        "therapist_patient",
        sa.Column("therapist_account_id", sa.String(length=36), nullable=False),
        sa.Column("walker_id", sa.String(length=36), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        _account_fk("therapist_patient", "therapist_account_id", "CASCADE"),
        sa.ForeignKeyConstraint(
            ["walker_id"],
            ["walker.id"],
            name=op.f("fk_therapist_patient_walker_id_walker"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "therapist_account_id", "walker_id", name=op.f("pk_therapist_patient")
        ),
    )
    op.create_index(
        op.f("ix_therapist_patient_walker_id"), "therapist_patient", ["walker_id"], unique=False
    )

    op.create_table(
        "program_resume",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("walker_id", sa.String(length=36), nullable=False),
        sa.Column("program_id", sa.String(length=36), nullable=True),
        sa.Column("account_id", sa.String(length=36), nullable=True),
        sa.Column("resumed_at", sa.DateTime(timezone=True), nullable=False),
        _account_fk("program_resume", "account_id", "SET NULL"),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_program_resume_program_id_program"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["walker_id"],
            ["walker.id"],
            name=op.f("fk_program_resume_walker_id_walker"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_resume")),
    )
    op.create_index(
        op.f("ix_program_resume_account_id"), "program_resume", ["account_id"], unique=False
    )
    op.create_index(
        op.f("ix_program_resume_program_id"), "program_resume", ["program_id"], unique=False
    )
    op.create_index(
        "ix_program_resume_walker_id_resumed_at",
        "program_resume",
        ["walker_id", "resumed_at"],
        unique=False,
    )


def downgrade() -> None:
    # Dropping a table drops its indexes; children before parents.
    for table in (
        "program_resume",
        "therapist_patient",
        "invitation",
        "login_attempt",
        "api_token",
        "auth_session",
        "account",
    ):
        op.drop_table(table)
