"""Alembic migrations on a real SQLite file and on the real PostgreSQL server."""

from __future__ import annotations

import multiprocessing
import shutil
import threading
from importlib.resources import files
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

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
