"""Alembic migrations on a real SQLite file and on the real PostgreSQL server."""

from __future__ import annotations

import multiprocessing
import shutil
import threading
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from retrowalk.store import migrate
from retrowalk.store.engine import make_engine
from retrowalk.store.migrate import (
    MIGRATIONS_DIR,
    current_revision,
    downgrade,
    head_revision,
    upgrade,
)
from retrowalk.store.tables import metadata

TABLES = {
    "walker",
    "screening",
    "program",
    "session_log",
    "session_log_revision",
    "checkin",
    "outcome_test",
    "decision",
    "imported_file",
    # accounts and access (revision 0003)
    "account",
    "auth_session",
    "api_token",
    "login_attempt",
    "invitation",
    "therapist_patient",
    "program_resume",
    # direction calibrations (revision 0004)
    "direction_calibration",
    # the walkers' change counters (revision 0006)
    "walker_stamp",
}


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return set(inspect(connection).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_from_empty_downgrade_to_base_and_upgrade_again(database_url: str) -> None:
    assert current_revision(database_url) is None
    assert _tables(database_url) == set()

    upgrade(database_url)
    assert current_revision(database_url) == head_revision()
    assert _tables(database_url) == TABLES | {"alembic_version"}

    downgrade(database_url, "base")
    assert current_revision(database_url) is None
    assert _tables(database_url) == {"alembic_version"}

    upgrade(database_url)
    assert current_revision(database_url) == head_revision()
    assert _tables(database_url) == TABLES | {"alembic_version"}


def test_models_match_the_migrations(database_url: str) -> None:
    """Autogenerate finds nothing to do: tables.py and the migration scripts agree."""
    assert set(metadata.tables) == TABLES
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_upgrading_twice_is_harmless(database_url: str) -> None:
    upgrade(database_url)
    upgrade(database_url)
    assert current_revision(database_url) == head_revision()


def test_two_processes_starting_together_migrate_once(database_url: str) -> None:
    spawn = multiprocessing.get_context("spawn")
    with spawn.Pool(2) as pool:
        pool.map(upgrade, [database_url, database_url])
    assert current_revision(database_url) == head_revision()


def test_threads_of_one_process_take_turns(database_url: str) -> None:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            upgrade(database_url)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert current_revision(database_url) == head_revision()


def test_migrations_ship_inside_the_package() -> None:
    migrations = files("retrowalk.store") / "migrations"
    assert (migrations / "env.py").is_file()
    assert (migrations / "script.py.mako").is_file()
    scripts = [p.name for p in (migrations / "versions").iterdir() if p.name.endswith(".py")]
    assert any(name.startswith(head_revision()) for name in scripts)


def test_a_failing_migration_leaves_the_database_as_it_was(
    database_url: str, tmp_path: Path
) -> None:
    """Every run is one transaction (transactional DDL on both back ends)."""
    scripts = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "9999_broken.py").write_text(BROKEN_MIGRATION.format(head_revision()))

    def broken_upgrade(config: Config) -> None:
        config.set_main_option("script_location", str(scripts))
        command.upgrade(config, "head")

    with pytest.raises(RuntimeError, match="half-way"):
        migrate._run(database_url, broken_upgrade)
    assert current_revision(database_url) is None
    assert _tables(database_url) == set()


BROKEN_MIGRATION = """
import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "{}"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("extra", sa.Column("id", sa.Integer, primary_key=True))
    raise RuntimeError("failed half-way")


def downgrade():
    op.drop_table("extra")
"""


def _session_row(session_id: str, pain: int | None) -> dict[str, object]:
    now = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    return {
        "id": session_id,
        "walker_id": "w1",
        "program_id": None,
        "performed_at": now,
        "performed_at_utc_offset_s": 0,
        "modality": "overground",
        "duration_s": 300.0,
        "distance_m": None,
        "speed_m_s": None,
        "incline_pct": 0.0,
        "load_kg": None,
        "rails": False,
        "rpe": None,
        "pain_during_nprs": pain,
        "pain_after_nprs": pain,
        "near_falls": False,
        "fell": False,
        "swelling": False,
        "giving_way": False,
        "chest_symptoms": False,
        "notes": "",
        "details": {},
        "source": "import",
        "version": 1,
        "created_at": now,
        "updated_at": now,
        "deleted_at": None,
    }


def test_migration_0002_makes_pain_optional_and_keeps_rows_and_the_0_10_checks(
    database_url: str,
) -> None:
    """Pain not reported yet (NULL) is stored; a reported pain must still be 0-10."""
    upgrade(database_url, "0001")
    walker = metadata.tables["walker"]
    session_log = metadata.tables["session_log"]
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                walker.insert().values(
                    id="w1",
                    display_name="Ann",
                    created_at=datetime(2026, 1, 1, tzinfo=UTC),
                    age_years=60,
                    body_mass_kg=70.0,
                    forward_speed_m_s=None,
                    usual_pain_nprs=3,
                    goal="knee-pain",
                    status="active",
                )
            )
            connection.execute(session_log.insert().values(**_session_row("s1", 2)))
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(session_log.insert().values(**_session_row("s0", None)))

        upgrade(database_url)
        with engine.begin() as connection:
            connection.execute(session_log.insert().values(**_session_row("s2", None)))
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(session_log.insert().values(**_session_row("s3", 11)))
        with engine.connect() as connection:
            rows = connection.execute(
                select(session_log.c.id, session_log.c.pain_during_nprs).order_by(session_log.c.id)
            ).all()
            indexes = {ix["name"] for ix in inspect(connection).get_indexes("session_log")}
        assert [tuple(row) for row in rows] == [("s1", 2), ("s2", None)]
        assert indexes == {
            "ix_session_log_program_id",
            "ix_session_log_walker_id_performed_at",
            "ix_session_log_direction_unconfirmed",  # 0005
        }

        with pytest.raises(RuntimeError, match="1 logged session"):
            downgrade(database_url, "0001")
        assert current_revision(database_url) == head_revision()
        with engine.begin() as connection:
            connection.execute(session_log.delete().where(session_log.c.id == "s2"))
    finally:
        engine.dispose()
    downgrade(database_url, "0001")
    assert current_revision(database_url) == "0001"


def test_migration_0005_marks_the_sessions_waiting_for_a_direction_answer(
    database_url: str,
) -> None:
    """Sessions imported before 0005 get ``direction_unconfirmed`` from their details."""
    upgrade(database_url, "0004")
    walker = metadata.tables["walker"]
    session_log = metadata.tables["session_log"]
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                walker.insert().values(
                    id="w1",
                    display_name="Ann",
                    created_at=datetime(2026, 1, 1, tzinfo=UTC),
                    age_years=60,
                    body_mass_kg=70.0,
                    forward_speed_m_s=None,
                    usual_pain_nprs=3,
                    goal="knee-pain",
                    status="active",
                )
            )
            for session_id, waiting in (("s1", True), ("s2", False), ("s3", None)):
                row = _session_row(session_id, 2)
                if waiting is not None:
                    row["details"] = {"direction_needs_confirmation": waiting}
                connection.execute(session_log.insert().values(**row))
        upgrade(database_url)
        with engine.connect() as connection:
            rows = connection.execute(
                select(session_log.c.id, session_log.c.direction_unconfirmed).order_by(
                    session_log.c.id
                )
            ).all()
        assert [tuple(row) for row in rows] == [("s1", True), ("s2", False), ("s3", False)]
    finally:
        engine.dispose()
    downgrade(database_url, "0004")
    assert current_revision(database_url) == "0004"
