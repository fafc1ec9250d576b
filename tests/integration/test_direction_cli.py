"""`retrowalk analyze` and `retrowalk calibrate --out` on simulated and real motion recordings."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest

from retrowalk.formats.generic_csv_writer import write_generic_csv
from retrowalk.sensing.recording import MotionRecording
from retrowalk.settings import DATABASE_FILE_NAME
from tests.integration.cli_helpers import KNEE_PAIN_WALKER, ok, run
from tests.integration.direction_recordings import (
    MOCAP,
    calibration_walk_csv,
    forward_csv,
    long_forward_csv,
    long_warmup_then_backward_csv,
    real_waist_csv,
    warmup_then_backward_csv,
)

pytestmark = pytest.mark.skipif(not MOCAP.is_dir(), reason="../shared/data/mocap not found")

BACKWARD_CLIP_S = 391 / 30  # frames / frame rate of the backward clip


def test_analyze_with_a_declared_warmup_measures_the_backward_part(tmp_path: Path) -> None:
    path, split_s = warmup_then_backward_csv(tmp_path)
    doc = ok("analyze", str(path), "--warmup-s", f"{split_s:.2f}", "--json").json()
    assert doc["calibration"] == "warm-up"
    assert doc["bouts"], "the walk has bouts"
    backward_s = doc["measured_backward_min"] * 60
    # at least half of the backward clip, and never more than the backward clip lasts
    assert BACKWARD_CLIP_S / 2 <= backward_s <= BACKWARD_CLIP_S + 1.0
    assert sum(b["backward_s"] for b in doc["bouts"]) == pytest.approx(backward_s)
    for bout in doc["bouts"]:
        assert bout["steps"] > 0 and 60 <= bout["cadence_steps_per_min"] <= 160
        assert bout["calibrated"] is True


def test_analyze_without_calibration_never_calls_the_warmup_walk_backward(tmp_path: Path) -> None:
    doc = ok("analyze", str(forward_csv(tmp_path)), "--json").json()
    assert doc["calibration"] == "none"
    assert doc["measured_backward_min"] == 0
    assert all(b["direction"] != "backward" for b in doc["bouts"])


def test_calibrate_out_then_analyze_with_it_calls_a_backward_walk_backward(
    tmp_path: Path,
) -> None:
    cal = tmp_path / "cal.json"
    walk = calibration_walk_csv(tmp_path)
    made = ok("calibrate", str(walk), "--out", str(cal), "--json").json()
    assert made["written_to"] == str(cal)
    assert json.loads(cal.read_text())["placement"] == "waist"
    path, _ = warmup_then_backward_csv(tmp_path)  # forward then backward, no warm-up declared
    doc = ok("analyze", str(path), "--calibration", str(cal), "--json").json()
    assert doc["calibration"] == "given"
    assert BACKWARD_CLIP_S / 3 <= doc["measured_backward_min"] * 60 <= BACKWARD_CLIP_S + 1.0


def test_analyze_prints_bouts_and_totals_for_people(tmp_path: Path) -> None:
    path, split_s = warmup_then_backward_csv(tmp_path)
    out = ok("analyze", str(path), "--warmup-s", f"{split_s:.2f}").stdout
    assert "direction" in out and "measured backward" in out and "warm-up" in out


@pytest.mark.slow
@pytest.mark.parametrize("calibrated", [False, True])
def test_a_real_forward_waist_walk_is_never_called_backward(
    tmp_path: Path, calibrated: bool
) -> None:
    args = ["analyze", str(real_waist_csv(tmp_path, "2-1")), "--json"]
    if calibrated:  # another trial of the same person (the sensor re-attached)
        cal = tmp_path / "cal.json"
        ok("calibrate", str(real_waist_csv(tmp_path, "2-2")), "--out", str(cal))
        args += ["--calibration", str(cal)]
    doc = ok(*args).json()
    assert doc["bouts"]
    assert doc["measured_backward_min"] == 0
    assert all(b["direction"] != "backward" for b in doc["bouts"])
    assert doc["calibration"] == ("given" if calibrated else "none")


def _still(path: Path, seconds: float) -> Path:
    t = np.arange(0, seconds, 0.01)
    acc = np.tile([0.0, 0.0, 9.81], (t.size, 1)) + np.random.default_rng(0).normal(
        0, 0.02, (t.size, 3)
    )
    rec = MotionRecording(
        time_s=t,
        acc_m_s2=acc,
        gyro_rad_s=np.zeros((t.size, 3)),
        gravity_included=True,
        source_format="generic-csv",
    )
    return write_generic_csv(rec, path)


@pytest.mark.parametrize(
    ("case", "needle"),
    [
        ("not-motion", "not-motion.csv"),
        ("still", "no walking"),
        ("bad-placement", "--placement"),
        ("bad-calibration", "cal.json"),
        ("bad-warmup", "--warmup-s"),
    ],
)
def test_analyze_refusals_are_one_line_errors_with_exit_2(
    tmp_path: Path, case: str, needle: str
) -> None:
    args: list[str] = ["analyze"]
    if case == "not-motion":
        bad = tmp_path / "not-motion.csv"
        bad.write_text("name,age\nAnn,58\n")
        args.append(str(bad))
    elif case == "still":
        args.append(str(_still(tmp_path / "still.csv", 60.0)))
    else:
        args.append(str(_still(tmp_path / "still.csv", 60.0)))
        if case == "bad-placement":
            args += ["--placement", "wrist"]
        elif case == "bad-calibration":
            cal = tmp_path / "cal.json"
            cal.write_text('{"placement": "waist"}')
            args += ["--calibration", str(cal)]
        else:
            args += ["--warmup-s", "-3"]
    result = run(*args)
    assert result.code == 2
    assert result.stderr.strip().count("\n") == 0 and needle in result.stderr.replace("\n", "")
    doc = run(*args, "--json").json()
    assert needle in json.dumps(doc)


def test_calibrate_refuses_a_walk_with_too_little_walking(tmp_path: Path) -> None:
    result = run(
        "calibrate",
        str(forward_csv(tmp_path)),
        "--start-s",
        "1",
        "--end-s",
        "3",
        "--out",
        str(tmp_path / "c.json"),
        "--json",
    )
    assert result.code == 2
    assert "steady walking" in result.json()["error"]
    assert not (tmp_path / "c.json").exists()


@pytest.fixture
def enrolled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("RETROWALK_DATA_DIR", str(folder))
    monkeypatch.delenv("RETROWALK_DATABASE_URL", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    ok(*KNEE_PAIN_WALKER)
    return folder


def test_calibrate_without_out_keeps_the_calibration_for_the_walker(enrolled: Path) -> None:
    walk = calibration_walk_csv(enrolled.parent)
    doc = ok("calibrate", str(walk), "--placement", "waist", "--json").json()
    assert doc["stored_id"] and doc["calibration"]["placement"] == "waist"
    with closing(sqlite3.connect(enrolled / DATABASE_FILE_NAME)) as db:
        (placement, source, data), *rest = db.execute(
            "SELECT placement, source_name, data FROM direction_calibration"
        ).fetchall()
    assert not rest and placement == "waist" and source == walk.name
    assert json.loads(data) == doc["calibration"]


def _import(path: Path, *extra: str) -> dict:  # type: ignore[type-arg]
    doc = ok(
        "import", str(path), "--when", "2025-03-03T09:00+01:00", "--yes", "--json", *extra
    ).json()
    (row,) = doc["files"]
    assert row["status"] == "imported", row
    return row  # type: ignore[no-any-return]


def test_a_forward_walk_declared_backward_with_a_stored_calibration_is_contradicted(
    enrolled: Path,
) -> None:
    ok("calibrate", str(calibration_walk_csv(enrolled.parent)), "--placement", "waist")
    row = _import(long_forward_csv(enrolled.parent))
    assert row["direction_check"] == "contradicted"
    assert row["measured_backward_min"] == 0
    details = row["details"]
    assert details["direction_calibration"] == "stored"
    assert details["direction_needs_confirmation"] is True
    assert details["declared_direction"] == "backward"  # never changed automatically
    assert row["session"]["duration_s"] == pytest.approx(details["walking_s"])
    human = run(
        "import",
        str(long_forward_csv(enrolled.parent, "again.csv", seed=50)),
        "--when",
        "2025-03-04T09:00+01:00",
        "--yes",
    ).stdout
    assert "contradicted" in human and "confirm" in human


def test_without_calibration_a_declared_backward_walk_is_declared_not_verified(
    enrolled: Path,
) -> None:
    row = _import(long_forward_csv(enrolled.parent))
    assert row["direction_check"] == "declared, not verified"
    assert row["details"]["direction_calibration"] == "none"
    assert row["details"]["direction_needs_confirmation"] is False


def test_a_declared_warmup_then_backward_walk_is_verified_with_measured_minutes(
    enrolled: Path,
) -> None:
    path, split_s, backward_part_s = long_warmup_then_backward_csv(enrolled.parent)
    row = _import(path, "--warmup-s", f"{split_s:.2f}")
    assert row["direction_check"] == "verified"
    assert row["details"]["direction_calibration"] == "warm-up"
    # the three backward takes are joined with jumps in the signal (windows across a join are
    # unsure): at least half of one take must count, never more than the backward part lasts
    assert BACKWARD_CLIP_S / 2 <= row["measured_backward_min"] * 60 <= backward_part_s + 1.0
    bouts = row["details"]["bouts"]
    assert all("direction" in b and "backward_s" in b for b in bouts)


def test_confirm_lists_the_waiting_session_and_records_the_walkers_answer(
    enrolled: Path,
) -> None:
    ok("calibrate", str(calibration_walk_csv(enrolled.parent)), "--placement", "waist")
    row = _import(long_forward_csv(enrolled.parent))
    session_id = row["session_id"]
    waiting = ok("confirm", "--json").json()["awaiting"]
    assert [w["session_id"] for w in waiting] == [session_id]
    assert "retrowalk confirm" in run("confirm").stdout
    # bad input: one line, exit 2, naming the flag
    bad = run("confirm", session_id[:8], "--direction", "sideways", "--json")
    assert bad.code == 2 and bad.json()["field"] == "--direction"
    missing = run("confirm", session_id[:8], "--yes")
    assert missing.code == 2 and "--direction" in missing.stderr
    doc = ok("confirm", session_id[:8], "--direction", "backward", "--json").json()
    assert doc["changed"] is True and doc["version"] == 2
    assert doc["direction_check"] == "declared, confirmed by the walker"
    assert doc["measured_backward_min"] == 0  # never made up
    assert ok("confirm", "--json").json()["awaiting"] == []
    again = ok("confirm", session_id, "--direction", "backward").stdout
    assert "nothing changed" in again
    history = ok("history", session_id[:8], "--json").json()
    assert any("direction confirmed" in r["reason"] for r in history["revisions"])


def test_confirm_refuses_a_session_with_nothing_to_confirm(enrolled: Path) -> None:
    row = _import(long_forward_csv(enrolled.parent))  # no calibration: not verified
    result = run("confirm", row["session_id"], "--direction", "forward", "--json")
    assert result.code == 2
    assert "nothing to confirm" in result.json()["error"]
