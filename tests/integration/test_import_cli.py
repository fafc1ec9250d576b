"""`retrowalk import` and `retrowalk pain` in a temporary data folder (RETROWALK_DATA_DIR).

In-process runs go through typer's runner (standard input is not a terminal); the "never
waits" rule runs the real command in a child process with standard input closed and a timeout.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from retrowalk.cli import ask
from retrowalk.cli.main import app, hoist_global_options
from retrowalk.settings import DATABASE_FILE_NAME
from tests.fixtures_sensor import SHARED_DATA, phone_walk, write_generic

pytestmark = pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="../shared/data is absent")

ROOT = Path(__file__).resolve().parents[2]
FIT = SHARED_DATA / "fit"
GPX = SHARED_DATA / "gpx"
WALK = FIT / "garmin-fenix-5-walk.fit"
LAKE = GPX / "cerknicko-jezero.gpx"
KNEE_PAIN_WALKER = (
    "--yes", "start", "--name", "Ann", "--goal", "knee-pain", "--knee-pain", "4", "--squat-pain",
    "--falls", "0", "--no-balance-condition", "--no-recent-injury", "--no-swelling",
    "--no-heart-symptoms", "--age", "58", "--body-mass", "72", "--equipment", "none",
    "--place", "park", "--companion",
)  # fmt: skip


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def run(*args: str, input: str | None = None) -> Run:
    result = CliRunner().invoke(app, hoist_global_options(list(args)), input=input)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "data"
    monkeypatch.setenv("RETROWALK_DATA_DIR", str(folder))
    monkeypatch.delenv("RETROWALK_DATABASE_URL", raising=False)
    monkeypatch.setenv("COLUMNS", "120")
    yield folder


@pytest.fixture
def enrolled(data_dir: Path) -> Path:
    result = run(*KNEE_PAIN_WALKER)
    assert result.code == 0, result.stderr
    return data_dir


def rows(data_dir: Path, table: str) -> int:
    path = data_dir / DATABASE_FILE_NAME
    if not path.exists():
        return 0
    with sqlite3.connect(path) as connection:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def pains(data_dir: Path) -> list[tuple[int | None, int | None]]:
    with sqlite3.connect(data_dir / DATABASE_FILE_NAME) as connection:
        query = "SELECT pain_during_nprs, pain_after_nprs FROM session_log ORDER BY performed_at"
        return [tuple(row) for row in connection.execute(query)]


def test_a_batch_of_real_files_imports_the_walks_and_refuses_the_rest_with_exit_2(
    enrolled: Path,
) -> None:
    files = [str(p) for p in sorted(FIT.glob("*.fit"))] + [str(LAKE)]
    result = run("import", *files)
    assert result.code == 2
    for name in ("garmin-fenix-5-walk.fit", "cerknicko-jezero.gpx"):
        assert name in result.stdout
    assert "refused" in result.stdout and "cycling activity, not a walk" in result.stdout
    assert "is truncated" in result.stdout
    assert result.stdout.count("retrowalk pain ") == 2  # how to add the missing pain
    assert (rows(enrolled, "session_log"), rows(enrolled, "imported_file")) == (2, 2)


def test_json_output_lists_every_file_with_its_outcome(enrolled: Path) -> None:
    bike = FIT / "garmin-fenix-5-bike.fit"
    result = run("--json", "import", str(WALK), str(bike))
    assert result.code == 2
    walk, ride = result.json()["files"]
    assert (walk["status"], ride["status"]) == ("imported", "refused")
    assert walk["kind"] == "recording" and walk["format"] == "fit"
    assert walk["session"]["duration_s"] == pytest.approx(45.379)
    assert walk["details"]["steps"] == 82
    assert walk["pain_missing"] is True
    assert walk["add_pain"] == f"retrowalk pain {walk['session_id']} --during N --after N"
    assert walk["decision"]["kind"] == "hold"
    assert ride["reason"].startswith(str(bike)) and "--allow-non-walking" in ride["reason"]
    assert ride["session_id"] is None


def test_importing_twice_skips_and_exits_0(enrolled: Path) -> None:
    first = run("--json", "import", str(WALK))
    second = run("--json", "import", str(WALK))
    assert (first.code, second.code) == (0, 0)
    (again,) = second.json()["files"]
    assert again["status"] == "skipped"
    assert again["session_id"] == first.json()["files"][0]["session_id"]
    assert rows(enrolled, "session_log") == 1


def test_reanalyse_replaces_and_keeps_a_revision(enrolled: Path) -> None:
    run("import", str(LAKE))
    result = run("--json", "import", str(LAKE), "--reanalyse")
    assert result.code == 0
    assert result.json()["files"][0]["status"] == "replaced"
    assert (rows(enrolled, "session_log"), rows(enrolled, "session_log_revision")) == (1, 1)


def test_pain_given_on_the_command_line_is_stored_and_nothing_is_asked(enrolled: Path) -> None:
    result = run("import", str(WALK), "--pain-during", "2", "--pain-after", "1")
    assert result.code == 0
    assert "retrowalk pain " not in result.stdout
    assert pains(enrolled) == [(2, 1)]


def test_pain_command_adds_the_pain_and_decides_again(enrolled: Path) -> None:
    imported = run("--json", "import", str(WALK)).json()["files"][0]
    result = run("--json", "pain", imported["session_id"], "--during", "1", "--after", "2")
    assert result.code == 0, result.stdout
    document = result.json()
    assert (document["session"]["pain_during_nprs"], document["session"]["pain_after_nprs"]) == (
        1,
        2,
    )
    assert "hold-pain-not-reported" not in [r["rule_id"] for r in document["decision"]["reasons"]]
    assert pains(enrolled) == [(1, 2)]
    assert rows(enrolled, "session_log_revision") == 1


def test_pain_command_without_a_terminal_names_the_missing_flag(enrolled: Path) -> None:
    imported = run("--json", "import", str(WALK)).json()["files"][0]
    result = run("pain", imported["session_id"], "--during", "1")
    assert result.code == 2
    assert "--after" in result.stderr
    assert pains(enrolled) == [(None, None)]


def test_an_unknown_session_is_not_found(enrolled: Path) -> None:
    result = run("pain", "no-such-session", "--during", "1", "--after", "1")
    assert result.code == 2 and "not found" in result.stderr


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Standard input taken for a terminal (prompts on), unless --yes or --json."""
    monkeypatch.setattr(
        ask.Asker,
        "for_terminal",
        classmethod(lambda cls, console, *, no_prompts: cls(console, interactive=not no_prompts)),
    )


def test_at_a_terminal_the_pain_of_each_new_session_is_asked(
    enrolled: Path, terminal: None
) -> None:
    result = run("import", str(WALK), str(LAKE), input="3\n2\n\n")
    assert result.code == 0, result.stdout
    assert "Worst knee pain DURING" in result.stdout
    # The walk got its answers; the lake walk was skipped with Enter and keeps a hint.
    assert sorted(pains(enrolled), key=str) == sorted([(3, 2), (None, None)], key=str)
    assert result.stdout.count("retrowalk pain ") == 1


@pytest.mark.parametrize("flag", ["--yes", "--json"])
def test_yes_and_json_never_ask_even_at_a_terminal(
    enrolled: Path, terminal: None, flag: str
) -> None:
    result = run(flag, "import", str(WALK), input="")
    assert result.code == 0
    assert "Worst knee pain" not in result.stdout
    assert pains(enrolled) == [(None, None)]


def test_without_a_terminal_the_command_never_waits(enrolled: Path, tmp_path: Path) -> None:
    """A child process with standard input closed: it finishes at once and says what to do."""
    recording = write_generic(tmp_path / "walk.csv", phone_walk(seconds=60.0), gyro=False)
    when = (datetime.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "COLUMNS": "120"}
    done = subprocess.run(
        [sys.executable, "-m", "retrowalk.cli.main", "import", str(recording), "--when", when],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "retrowalk pain " in done.stdout
    assert "walk.csv" in done.stdout and "imported" in done.stdout
    assert pains(enrolled) == [(None, None)]


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["--pain-during", "11"], "--pain-during"),
        (["--direction", "sideways"], "--direction"),
        (["--modality", "bike"], "--modality"),
        (["--minutes", "0"], "--minutes"),
        (["--when", "yesterday"], "--when"),
    ],
)
def test_bad_options_exit_2_naming_the_flag_and_import_nothing(
    enrolled: Path, args: list[str], flag: str
) -> None:
    result = run("import", str(WALK), *args)
    assert result.code == 2
    assert flag in result.stderr
    assert rows(enrolled, "session_log") == 0


def test_without_a_walker_nothing_is_imported(data_dir: Path) -> None:
    result = run("import", str(WALK))
    assert result.code == 2
    assert result.stderr.strip()
    assert rows(data_dir, "session_log") == 0


@pytest.mark.skipif(
    importlib.util.find_spec("retrowalk.services.exchange") is None,
    reason="the export importer (services/exchange.py) is not on this branch",
)
def test_an_export_document_goes_to_the_export_importer(
    enrolled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("import", str(WALK), "--pain-during", "1", "--pain-after", "1")
    document = tmp_path / "export.json"
    assert run("export", "--out", str(document)).code == 0
    fresh = tmp_path / "other"
    monkeypatch.setenv("RETROWALK_DATA_DIR", str(fresh))
    result = run("--json", "import", str(document), str(LAKE))
    assert result.code == 0, result.stdout
    exported, lake = result.json()["files"]
    assert (exported["kind"], exported["status"]) == ("export-document", "imported")
    assert lake["status"] == "imported"  # into the walker the document brought
    assert rows(fresh, "session_log") == 2
