"""`retrowalk sessions`, `edit`, `delete` and `history`: corrections keep every earlier state."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.cli_helpers import KNEE_PAIN_WALKER, counts, local_time, ok, run


@pytest.fixture
def logged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, str]]:
    folder = tmp_path / "data"
    monkeypatch.setenv("RETROWALK_DATA_DIR", str(folder))
    monkeypatch.delenv("RETROWALK_DATABASE_URL", raising=False)
    monkeypatch.setenv("COLUMNS", "120")
    ok(*KNEE_PAIN_WALKER, "--yes")
    for days_ago in (3, 1):
        ok(
            "log",
            "--yes",
            "--when",
            local_time(days_ago),
            "--minutes",
            "5",
            "--pain-during",
            "1",
            "--pain-after",
            "1",
        )
    newest = ok("sessions", "--json").json()["sessions"][0]
    yield folder, newest["id"]


def test_sessions_lists_newest_first_with_ids(logged: tuple[Path, str]) -> None:
    document = ok("sessions", "--json").json()
    assert document["total"] == 2
    first, second = document["sessions"]
    assert first["session"]["performed_at"] > second["session"]["performed_at"]
    assert first["id"][:8] in ok("sessions").stdout


def test_edit_by_prefix_keeps_the_earlier_state_in_history(logged: tuple[Path, str]) -> None:
    _, session_id = logged
    edited = ok("edit", session_id[:8], "--minutes", "6", "--pain-during", "3", "--json").json()
    assert edited["session"]["version"] == 2
    assert edited["session"]["session"]["duration_s"] == 360.0
    assert edited["session"]["session"]["pain_during_nprs"] == 3
    assert edited["decision"]["kind"] in {"hold", "progress", "regress", "stop"}
    history = ok("history", session_id[:8], "--json").json()
    assert [r["version"] for r in history["revisions"]] == [1]
    assert history["revisions"][0]["session"]["duration_s"] == 300.0
    assert history["revisions"][0]["session"]["pain_during_nprs"] == 1


def test_a_stale_version_is_refused_and_nothing_changes(logged: tuple[Path, str]) -> None:
    _, session_id = logged
    ok("edit", session_id, "--minutes", "6")
    stale = run("edit", session_id, "--version", "1", "--minutes", "7")
    assert stale.code == 2
    assert "version 2" in stale.stderr
    current = ok("history", session_id, "--json").json()["current"]
    assert current["session"]["duration_s"] == 360.0


def test_edit_with_bad_input_names_the_flag_and_writes_nothing(logged: tuple[Path, str]) -> None:
    folder, session_id = logged
    before = counts(folder)
    result = run("edit", session_id, "--pain-during", "11")
    assert result.code == 2
    assert "--pain-during" in result.stderr and "11" in result.stderr
    assert counts(folder) == before
    assert ok("history", session_id, "--json").json()["revisions"] == []


def test_edit_without_changes_or_with_an_unknown_id_is_refused(logged: tuple[Path, str]) -> None:
    _, session_id = logged
    assert run("edit", session_id).code == 2
    unknown = run("edit", "ffffffff", "--minutes", "6")
    assert unknown.code == 2 and "no session" in unknown.stderr
    too_short = run("edit", "abc", "--minutes", "6")
    assert too_short.code == 2 and "session_id" in too_short.stderr


def test_delete_hides_the_session_but_keeps_its_history(logged: tuple[Path, str]) -> None:
    _, session_id = logged
    deleted = ok("delete", session_id, "--json").json()
    assert deleted["session"]["deleted"] is True
    assert ok("sessions", "--json").json()["total"] == 1
    history = ok("history", session_id, "--json").json()
    assert history["current"]["deleted"] is True
    assert history["revisions"][0]["session"]["duration_s"] == 300.0
