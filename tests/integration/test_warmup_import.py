"""A motion recording imported for a program session calibrates itself on the plan's forward
warm-up only when it looks like one (services.warmup_rule), on SQLite and PostgreSQL, with
simulated walks (mocap through the IMU simulator) and real forward walks (waist-imu)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from retrowalk.bootstrap import Services
from retrowalk.formats.generic_csv_writer import write_generic_csv
from retrowalk.sensing.direction import DirectionDetector
from retrowalk.sensing.gait import analyze_motion
from retrowalk.sensing.recording import MotionRecording
from retrowalk.services import direction
from retrowalk.services.direction_check import sensor_direction
from retrowalk.services.imports import ImportOptions, ImportStatus
from retrowalk.services.warmup_rule import WarmupPlan
from retrowalk.store.unit_of_work import open_store
from tests.fixtures_sensor import waist_walk
from tests.integration.cli_helpers import KNEE_PAIN_WALKER, ok
from tests.integration.direction_recordings import (
    BACKWARD,
    FORWARD,
    FORWARD_OTHER,
    MOCAP,
    calibration_walk_csv,
    chain,
    simulated,
)
from tests.integration.test_imports import ANSWERS

pytestmark = pytest.mark.skipif(not MOCAP.is_dir(), reason="../shared/data/mocap not found")
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def standing(like: MotionRecording, seconds: float, seed: int = 0) -> MotionRecording:
    """Standing still after ``like``: its last gravity direction, sensor noise, no rotation."""
    rng = np.random.default_rng(seed)
    n = int(seconds * 100)
    gravity = like.acc_m_s2[-50:].mean(axis=0)
    return MotionRecording(
        time_s=np.arange(n) / 100.0,
        acc_m_s2=gravity + rng.normal(0.0, 0.02, (n, 3)),
        gyro_rad_s=rng.normal(0.0, 0.005, (n, 3)),
        gravity_included=True,
        source_format="simulated",
    )


def real_trial(trial: str) -> MotionRecording:
    """A real lower-back forward walk (waist-imu, 100 Hz, with gyroscope)."""
    walk = waist_walk(trial, 60.0)
    return MotionRecording(
        time_s=walk.time_s,
        acc_m_s2=walk.acc_m_s2,
        gyro_rad_s=walk.gyro_rad_s,
        gravity_included=True,
        source_format="waist-imu",
    )


def real_two_walks() -> tuple[MotionRecording, list[float]]:
    """Two real trials of one person with a 6 s stop between (starts of the three parts)."""
    first, second = real_trial("1-1"), real_trial("1-2")
    return chain(first, standing(first, 6.0), second)


@pytest.fixture(scope="module")
def recordings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("warmup")
    fwd = [simulated(FORWARD, 1), simulated(FORWARD_OTHER, 2)]
    back = simulated(BACKWARD, 3)
    # 3.5 min forward, a 6 s stop to turn round, then backward walking: the plan followed
    followed, _ = chain(*(fwd * 10), standing(fwd[1], 6.0), *([back] * 4))
    return {
        "followed": write_generic_csv(followed, folder / "warmup_then_backward.csv"),
        "calibration": calibration_walk_csv(folder),
        "real": write_generic_csv(real_two_walks()[0], folder / "real_two_walks.csv"),
    }


@pytest.fixture
def services(database_url: str) -> Iterator[Services]:
    built = Services(open_store(database_url))
    built.enrol("Ann", ANSWERS, weeks=6, now=NOW - timedelta(days=3))
    try:
        yield built
    finally:
        built.close()


def _import(services: Services, path: Path) -> dict:  # type: ignore[type-arg]
    (outcome,) = services.import_files(
        None, [path], options=ImportOptions(when=NOW - timedelta(hours=2)), now=NOW
    )
    assert outcome.status is ImportStatus.IMPORTED, outcome.reason
    assert outcome.details is not None
    return outcome.details


def _store_calibration(services: Services, path: Path) -> None:
    made = direction.calibrate_file(path, placement="waist")
    services.store_calibration(None, made, source_name=path.name, now=NOW - timedelta(days=1))


def test_a_recording_that_starts_with_the_plans_warmup_calibrates_itself(
    services: Services, recordings: dict[str, Path]
) -> None:
    _store_calibration(services, recordings["calibration"])
    details = _import(services, recordings["followed"])
    warmup = details["warmup_calibration"]
    assert warmup["used"] is True, warmup
    assert 200 <= warmup["warmup_s"] <= 215  # the forward part: 10 x (11 + 10) s
    assert "the stored calibration saw forward walking in it" in warmup["reason"]
    assert details["direction_calibration"] == "warm-up"
    assert details["direction_check"] == "verified"
    assert details["measured_backward_s"] > 13.0  # at least one of the four backward takes
    assert details["measured_backward_s"] <= 4 * 13.0 + 1.0
    assert details["bouts"][0]["direction"] != "backward"


def test_without_a_stored_calibration_the_plans_warmup_is_not_trusted(
    services: Services, recordings: dict[str, Path]
) -> None:
    details = _import(services, recordings["followed"])
    warmup = details["warmup_calibration"]
    assert warmup["used"] is False
    assert "no stored calibration to confirm" in warmup["reason"]
    assert details["direction_calibration"] == "none"
    # an explicit --warmup-s is the walker's own statement: it still calibrates
    (outcome,) = services.import_files(
        None,
        [recordings["followed"]],
        options=ImportOptions(
            when=NOW - timedelta(hours=2), reanalyse=True, warmup_s=warmup_s_of(details)
        ),
        now=NOW,
    )
    assert outcome.details is not None
    assert outcome.details["direction_calibration"] == "warm-up"
    assert "warmup_calibration" not in outcome.details


def warmup_s_of(details: dict) -> float:  # type: ignore[type-arg]
    return float(details["bouts"][0]["end_s"])


def _swapped() -> tuple[MotionRecording, float]:
    """The walker began backward, stopped, then walked forward (no forward warm-up); where the
    forward part starts. The mocap backward take is one bout of 13 s, so the plan's warm-up is
    scaled to it: the structure fits, only the sensor can tell."""
    back = simulated(BACKWARD, 3)
    fwd = [simulated(FORWARD, 1), simulated(FORWARD_OTHER, 2)]
    recording, starts = chain(back, standing(back, 6.0, 1), *(fwd * 2))
    return recording, starts[2]


def test_backward_walking_at_the_start_is_not_taken_for_the_warmup(
    recordings: dict[str, Path],
) -> None:
    recording, forward_from = _swapped()
    gait = analyze_motion(recording)
    first = gait.bouts[0]
    plan = WarmupPlan(first.duration_s * 0.9, first.duration_s * 1.1)
    stored = direction.calibrate_file(recordings["calibration"], placement="waist")
    sensed = sensor_direction(
        recording,
        gait,
        declared="backward",
        warmup_s=None,
        calibration_for=lambda placement: stored if placement == "waist" else None,
        plan=plan,
    )
    warmup = sensed["warmup_calibration"]
    assert warmup["used"] is False, warmup
    assert "fits the plan's forward warm-up" in warmup["reason"]  # the structure alone would
    assert "the stored calibration saw backward walking" in warmup["reason"]
    assert sensed["direction_calibration"] == "stored"
    later = [
        d
        for b, d in zip(gait.bouts, sensed["bout_directions"], strict=True)
        if b.start_s >= forward_from
    ]
    assert later and all(d["backward_s"] == 0 for d in later)


def test_a_real_forward_walk_falls_back_to_the_stored_calibration_and_says_so(
    services: Services, recordings: dict[str, Path]
) -> None:
    _store_calibration(services, recordings["calibration"])
    details = _import(services, recordings["real"])
    warmup = details["warmup_calibration"]
    assert warmup["used"] is False
    assert "not about the plan's forward warm-up" in warmup["reason"]
    assert details["direction_calibration"] != "warm-up"
    assert details["measured_backward_s"] == 0


def test_real_forward_walks_after_a_real_warmup_are_never_called_backward() -> None:
    """For each of the 12 people of waist-imu: their 2nd and 3rd trials with a stop between
    (the plan's warm-up scaled to the 2nd trial: the shared walks last under a minute), the
    stored calibration from their 1st trial. Measured: the warm-up is confirmed and used for
    all 12 people; not one second of their real forward walking is called backward. (The
    first bout of another trial, judged with a 1st-trial calibration, is called forward with
    confidence in 50 of 58 trials, unknown in 8, never backward.)"""
    used, backward_s = 0, 0.0
    for person in range(1, 13):
        first, second = real_trial(f"{person}-2"), real_trial(f"{person}-3")
        recording, _ = chain(first, standing(first, 6.0), second)
        gait = analyze_motion(recording)
        bout = gait.bouts[0]
        plan = WarmupPlan(bout.duration_s * 0.9, bout.duration_s * 1.1)
        walk = real_trial(f"{person}-1")
        stored = DirectionDetector(placement="waist").calibrate(walk, analyze_motion(walk).bouts)
        sensed = sensor_direction(
            recording,
            gait,
            declared="backward",
            warmup_s=None,
            calibration_for=lambda placement, c=stored: c if placement == "waist" else None,
            plan=plan,
        )
        used += sensed["warmup_calibration"]["used"]
        backward_s += sensed["measured_backward_s"]
        assert sensed["direction_check"] != "verified", person
    assert backward_s == 0
    assert used >= 9, used


def test_the_import_summary_says_why_the_warmup_was_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, recordings: dict[str, Path]
) -> None:
    monkeypatch.setenv("RETROWALK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("RETROWALK_DATABASE_URL", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    ok(*KNEE_PAIN_WALKER)
    out = ok("import", str(recordings["real"]), "--when", "2025-03-03T09:00+01:00", "--yes")
    assert "the plan's forward warm-up was not used to calibrate" in out.stdout
    assert "no calibration either" in out.stdout
