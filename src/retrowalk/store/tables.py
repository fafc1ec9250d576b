"""SQLAlchemy 2 tables (typed declarative). Rows never leave the store: repositories turn them
into domain objects and records.

Portable between SQLite and PostgreSQL: ids are UUID strings (``String(36)``) so an export and
import keeps them; JSON columns hold codec output (``formats.codec``); enum columns hold the enums'
stable string values; times are timezone-aware and stored as UTC (``UtcDateTime``). A logged
session keeps the walker's own UTC offset beside its instant so its local time survives.

Check constraints guard the ranges that must never be stored (pain 0-10 NPRS, non-negative
doses); enum membership is checked where values come in (domain enums), so a new enum value
needs no migration. Constraint names follow ``NAMING_CONVENTION`` so migrations can address them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedColumn, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID = String(36)
NAME = String(200)
ENUM_VALUE = String(40)


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored as UTC; naive datetimes are refused.

    SQLite has no time zones (SQLAlchemy stores the wall-clock text and drops the offset), so
    every value is converted to UTC before it is stored and comes back with ``tzinfo=UTC``.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} refused: give a UTC offset")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _pain(column: str) -> CheckConstraint:
    return CheckConstraint(f"{column} >= 0 AND {column} <= 10", name=f"{column}_0_10")


def _non_negative(column: str) -> CheckConstraint:
    return CheckConstraint(f"{column} IS NULL OR {column} >= 0", name=f"{column}_non_negative")


def _status(values: tuple[str, ...]) -> CheckConstraint:
    allowed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"status IN ({allowed})", name="status_allowed")


def _walker_fk() -> MappedColumn[str]:
    return mapped_column(ID, ForeignKey("walker.id", ondelete="CASCADE"), nullable=False)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy's documented class attribute
        datetime: UtcDateTime(),
        date: Date(),
        dict[str, Any]: JSON(none_as_null=True),
        list[Any]: JSON(none_as_null=True),
        str: Text(),
        int: Integer(),
        float: Float(),
        bool: Boolean(),
    }


class WalkerRow(Base):
    __tablename__ = "walker"
    __table_args__ = (
        _pain("usual_pain_nprs"),
        CheckConstraint("age_years >= 0 AND age_years <= 130", name="age_years_range"),
        CheckConstraint("body_mass_kg > 0", name="body_mass_kg_positive"),
        _non_negative("forward_speed_m_s"),
        _status(("active", "paused")),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    display_name: Mapped[str] = mapped_column(NAME)
    created_at: Mapped[datetime]
    age_years: Mapped[int]
    body_mass_kg: Mapped[float]
    forward_speed_m_s: Mapped[float | None]
    usual_pain_nprs: Mapped[int]
    goal: Mapped[str] = mapped_column(ENUM_VALUE)
    status: Mapped[str] = mapped_column(String(16))


class WalkerStampRow(Base):
    """A walker's change counter, kept by database triggers (migration 0006): it goes up with
    every change to the walker row and to its sessions, check-ins, programs, resumes and
    decisions. Never written by the application."""

    __tablename__ = "walker_stamp"

    walker_id: Mapped[str] = mapped_column(
        ID, ForeignKey("walker.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))


class ScreeningRow(Base):
    __tablename__ = "screening"
    __table_args__ = (Index("ix_screening_walker_id_taken_at", "walker_id", "taken_at"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    walker_id: Mapped[str] = _walker_fk()
    taken_at: Mapped[datetime]
    answers: Mapped[dict[str, Any]]
    verdict: Mapped[str] = mapped_column(ENUM_VALUE)
    reasons: Mapped[list[Any]]


class ProgramRow(Base):
    __tablename__ = "program"
    __table_args__ = (
        Index("ix_program_walker_id_created_at", "walker_id", "created_at"),
        CheckConstraint("weeks >= 1", name="weeks_positive"),
        CheckConstraint("sessions_per_week >= 1", name="sessions_per_week_positive"),
        CheckConstraint("version >= 1", name="version_positive"),
        _status(("active", "paused", "ended")),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    walker_id: Mapped[str] = _walker_fk()
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    weeks: Mapped[int]
    sessions_per_week: Mapped[int]
    goal: Mapped[str] = mapped_column(ENUM_VALUE)
    status: Mapped[str] = mapped_column(String(16))
    version: Mapped[int]
    document: Mapped[dict[str, Any]]
    current_target: Mapped[dict[str, Any] | None]


class SessionLogRow(Base):
    __tablename__ = "session_log"
    __table_args__ = (
        Index("ix_session_log_walker_id_performed_at", "walker_id", "performed_at"),
        _pain("pain_during_nprs"),
        _pain("pain_after_nprs"),
        CheckConstraint("rpe IS NULL OR (rpe >= 0 AND rpe <= 20)", name="rpe_range"),
        CheckConstraint("duration_s >= 0", name="duration_s_non_negative"),
        _non_negative("distance_m"),
        _non_negative("speed_m_s"),
        _non_negative("load_kg"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("source IN ('manual', 'import')", name="source_allowed"),
        # Few sessions await the walker's answer: a partial index finds them for the patient
        # list without reading every session's details.
        Index(
            "ix_session_log_direction_unconfirmed",
            "walker_id",
            sqlite_where=text("direction_unconfirmed"),
            postgresql_where=text("direction_unconfirmed"),
        ),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    walker_id: Mapped[str] = _walker_fk()
    program_id: Mapped[str | None] = mapped_column(
        ID, ForeignKey("program.id", ondelete="SET NULL"), index=True
    )
    performed_at: Mapped[datetime]
    performed_at_utc_offset_s: Mapped[int]
    modality: Mapped[str] = mapped_column(ENUM_VALUE)
    duration_s: Mapped[float]
    distance_m: Mapped[float | None]
    speed_m_s: Mapped[float | None]
    incline_pct: Mapped[float]
    load_kg: Mapped[float | None]
    rails: Mapped[bool]
    rpe: Mapped[int | None]
    pain_during_nprs: Mapped[int | None]
    pain_after_nprs: Mapped[int | None]
    near_falls: Mapped[bool]
    fell: Mapped[bool]
    swelling: Mapped[bool]
    giving_way: Mapped[bool]
    chest_symptoms: Mapped[bool]
    notes: Mapped[str]
    details: Mapped[dict[str, Any]]
    direction_unconfirmed: Mapped[bool] = mapped_column(server_default=false())
    """Declared backward, the sensor confidently saw forward walking, and the walker has not
    answered yet (``details["direction_needs_confirmation"]``, kept in step by the store)."""
    source: Mapped[str] = mapped_column(String(16))
    version: Mapped[int]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    deleted_at: Mapped[datetime | None]


AWAITING_DIRECTION = text("session_log.direction_unconfirmed")
"""``direction_unconfirmed`` as a bare condition, as the partial index states it: SQLAlchemy
writes the column as ``direction_unconfirmed = 1`` on SQLite (no native booleans), which
SQLite's planner does not match with the index's ``WHERE direction_unconfirmed``."""


class SessionLogRevisionRow(Base):
    """The state of a logged session before an edit or a deletion (``version`` is that state's)."""

    __tablename__ = "session_log_revision"
    __table_args__ = (UniqueConstraint("session_id", "version"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    session_id: Mapped[str] = mapped_column(
        ID, ForeignKey("session_log.id", ondelete="CASCADE"), nullable=False
    )
    version: Mapped[int]
    recorded_at: Mapped[datetime]
    data: Mapped[dict[str, Any]]
    reason: Mapped[str]


class CheckInRow(Base):
    __tablename__ = "checkin"
    __table_args__ = (
        UniqueConstraint("walker_id", "on_date"),
        _pain("pain_next_morning_nprs"),
        _pain("usual_pain_nprs"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    walker_id: Mapped[str] = _walker_fk()
    on_date: Mapped[date]
    pain_next_morning_nprs: Mapped[int]
    usual_pain_nprs: Mapped[int]
    swelling: Mapped[bool]
    giving_way: Mapped[bool]


class OutcomeTestRow(Base):
    __tablename__ = "outcome_test"
    __table_args__ = (Index("ix_outcome_test_walker_id_taken_at", "walker_id", "taken_at"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    walker_id: Mapped[str] = _walker_fk()
    kind: Mapped[str] = mapped_column(ENUM_VALUE)
    taken_at: Mapped[datetime]
    value: Mapped[float]
    unit: Mapped[str] = mapped_column(String(32))
    details: Mapped[dict[str, Any]]
    interpretation: Mapped[list[Any]]


class DecisionRow(Base):
    __tablename__ = "decision"
    __table_args__ = (Index("ix_decision_walker_id_made_at", "walker_id", "made_at"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    walker_id: Mapped[str] = _walker_fk()
    made_at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(ENUM_VALUE)
    reasons: Mapped[list[Any]]
    changes: Mapped[list[Any]]
    next_target: Mapped[dict[str, Any] | None]
    session_id: Mapped[str | None] = mapped_column(
        ID, ForeignKey("session_log.id", ondelete="SET NULL"), index=True
    )


class ImportedFileRow(Base):
    __tablename__ = "imported_file"
    __table_args__ = (
        UniqueConstraint("walker_id", "content_sha256"),
        CheckConstraint("length(content_sha256) = 64", name="content_sha256_length"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    walker_id: Mapped[str] = _walker_fk()
    content_sha256: Mapped[str] = mapped_column(String(64))
    original_name: Mapped[str] = mapped_column(String(500))
    format: Mapped[str] = mapped_column(ENUM_VALUE)
    imported_at: Mapped[datetime]
    session_id: Mapped[str | None] = mapped_column(
        ID, ForeignKey("session_log.id", ondelete="SET NULL"), index=True
    )


class DirectionCalibrationRow(Base):
    """A walker's forward-walking calibration for one sensor placement (``data``: the
    ``Calibration.to_dict()`` JSON); the newest per walker and placement is used."""

    __tablename__ = "direction_calibration"
    __table_args__ = (
        CheckConstraint("placement IN ('waist', 'pocket')", name="placement_allowed"),
        Index("ix_direction_calibration_walker_placement", "walker_id", "placement", "created_at"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    walker_id: Mapped[str] = _walker_fk()
    placement: Mapped[str] = mapped_column(ENUM_VALUE)
    created_at: Mapped[datetime]
    source_name: Mapped[str] = mapped_column(String(500))
    data: Mapped[dict[str, Any]]


metadata = Base.metadata

# Accounts and access live in their own module; importing it adds its tables to ``metadata``.
from retrowalk.store import accounts_tables  # noqa: E402, F401
