"""Tables of accounts and access: accounts, sign-in sessions, API tokens, login attempts,
invitations, who is whose patient, and when a therapist resumed a paused program.

Imported by ``store.tables`` so they share its metadata (and its migrations). Secrets never
reach the database in clear: sessions, API tokens and invitation codes are stored as the
SHA-256 of the random value (hex, 64 characters); passwords as argon2id hashes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, MappedColumn, mapped_column

from retrowalk.store.tables import ID, NAME, Base

EMAIL = String(320)
SHA256_HEX = String(64)
ROLES = ("walker", "therapist", "admin")


def _sha256(column: str) -> CheckConstraint:
    return CheckConstraint(f"length({column}) = 64", name=f"{column}_length")


class AccountRow(Base):
    __tablename__ = "account"
    __table_args__ = (
        CheckConstraint(
            "role IN (" + ", ".join(f"'{role}'" for role in ROLES) + ")", name="role_allowed"
        ),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    email: Mapped[str] = mapped_column(EMAIL, unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    display_name: Mapped[str] = mapped_column(NAME)
    walker_id: Mapped[str | None] = mapped_column(
        ID, ForeignKey("walker.id", ondelete="SET NULL"), unique=True
    )
    created_at: Mapped[datetime]


def _account_fk(*, nullable: bool = False) -> MappedColumn[Any]:
    ondelete = "SET NULL" if nullable else "CASCADE"
    return mapped_column(
        ID, ForeignKey("account.id", ondelete=ondelete), nullable=nullable, index=True
    )


class AuthSessionRow(Base):
    __tablename__ = "auth_session"
    __table_args__ = (_sha256("token_sha256"),)

    token_sha256: Mapped[str] = mapped_column(SHA256_HEX, primary_key=True)
    account_id: Mapped[str] = _account_fk()
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


class ApiTokenRow(Base):
    __tablename__ = "api_token"
    __table_args__ = (
        _sha256("token_sha256"),
        Index("uq_api_token_account_id_name", "account_id", "name", unique=True),
    )

    token_sha256: Mapped[str] = mapped_column(SHA256_HEX, primary_key=True)
    account_id: Mapped[str] = mapped_column(
        ID, ForeignKey("account.id", ondelete="CASCADE"), nullable=False
    )
    name: Mapped[str] = mapped_column(NAME)
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]


class LoginAttemptRow(Base):
    """One sign-in attempt (the rate limit counts recent failures); pruned after a day."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_email_at", "email", "at"),
        Index("ix_login_attempt_client_key_at", "client_key", "at"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    email: Mapped[str] = mapped_column(EMAIL)
    client_key: Mapped[str] = mapped_column(NAME)
    at: Mapped[datetime] = mapped_column(index=True)
    ok: Mapped[bool]


class InvitationRow(Base):
    """A therapist's invitation: the SHA-256 of its code, who used it and when."""

    __tablename__ = "invitation"
    __table_args__ = (_sha256("code_sha256"),)

    code_sha256: Mapped[str] = mapped_column(SHA256_HEX, primary_key=True)
    therapist_account_id: Mapped[str] = _account_fk()
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_by: Mapped[str | None] = _account_fk(nullable=True)
    used_at: Mapped[datetime | None]


class TherapistPatientRow(Base):
    __tablename__ = "therapist_patient"

    therapist_account_id: Mapped[str] = mapped_column(
        ID, ForeignKey("account.id", ondelete="CASCADE"), primary_key=True
    )
    walker_id: Mapped[str] = mapped_column(
        ID, ForeignKey("walker.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    since: Mapped[datetime]


class ProgramResumeRow(Base):
    """A paused program resumed by a therapist: who, when (clears the fall and pain flags)."""

    __tablename__ = "program_resume"
    __table_args__ = (Index("ix_program_resume_walker_id_resumed_at", "walker_id", "resumed_at"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    walker_id: Mapped[str] = mapped_column(
        ID, ForeignKey("walker.id", ondelete="CASCADE"), nullable=False
    )
    program_id: Mapped[str | None] = mapped_column(
        ID, ForeignKey("program.id", ondelete="SET NULL"), index=True
    )
    account_id: Mapped[str | None] = _account_fk(nullable=True)
    resumed_at: Mapped[datetime]
