"""Run the real `retrowalk` entry point in-process and read what it printed and stored."""

from __future__ import annotations

import json
import sqlite3
import sys
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from retrowalk.cli.main import main
from retrowalk.settings import DATABASE_FILE_NAME

# The walker of the "done when": knee pain 4/10, no red flags.
KNEE_PAIN_WALKER = (
    "start",
    "--name",
    "Ann",
    "--goal",
    "knee-pain",
    "--knee-pain",
    "4",
    "--squat-pain",
    "--falls",
    "0",
    "--no-balance-condition",
    "--no-recent-injury",
    "--no-swelling",
    "--no-heart-symptoms",
    "--age",
    "58",
    "--body-mass",
    "72",
    "--equipment",
    "none",
    "--place",
    "park",
    "--companion",
)

TABLES = ("walker", "screening", "program", "session_log", "checkin", "outcome_test", "decision")


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        assert self.stdout.strip(), f"no output (exit {self.code}); stderr: {self.stderr}"
        return json.loads(self.stdout)


def run(*args: str, input: str | None = None) -> Run:
    """``retrowalk ARGS`` through ``retrowalk.cli.main:main`` (standard input is not a terminal
    unless a test patches it); the exit code, standard output and standard error."""
    runner = CliRunner()
    with runner.isolation(input=input) as (out, err, _):
        try:
            main(list(args))
            code = 0
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
        stdout, stderr = out.getvalue().decode(), err.getvalue().decode()
    return Run(code, stdout, stderr)


def ok(*args: str, input: str | None = None) -> Run:
    result = run(*args, input=input)
    assert result.code == 0, f"retrowalk {' '.join(args)} -> {result.code}\n{result.stderr}"
    return result


def counts(data_dir: Path) -> dict[str, int]:
    """Rows per table, straight from the SQLite file (not through retrowalk)."""
    path = data_dir / DATABASE_FILE_NAME
    if not path.exists():
        return dict.fromkeys(TABLES, 0)
    with closing(sqlite3.connect(path)) as connection:
        return {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in TABLES
        }


def local_time(days_ago: int, hour: int = 9) -> str:
    """An ISO local date-time ``days_ago`` days before today, as a walker types it."""
    day = datetime.now().date() - timedelta(days=days_ago)
    return f"{day.isoformat()}T{hour:02d}:00"
