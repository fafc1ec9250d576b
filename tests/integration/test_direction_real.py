"""DirectionDetector on real forward walks (slow): none of them may be called backward.

Subset, chosen by a fixed rule rather than by result: trials 1 and 2 of each of the 12
waist-imu subjects (one attachment of the sensor each) and the first walk of each of the 7
phone-steps placements. The full figures (all 118 walks) come from
scripts/validate_direction_real.py and are in the DirectionDetector docstring. Coverage bounds
are the subset's measured values less a margin, so a real regression fails.
"""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"

pytestmark = pytest.mark.slow


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def validate() -> ModuleType:
    _load("real_walks")
    return _load("validate_direction_real")


@pytest.fixture(scope="module")
def trials(validate: ModuleType) -> list:  # type: ignore[type-arg]
    if not SHARED_DATA.is_dir():
        pytest.skip(f"../shared/data not found at {SHARED_DATA}")
    shared_data = SHARED_DATA
    names = {f"{s}-{k}" for s in range(1, 13) for k in (1, 2)}
    rows = {r["trial"] for r in csv.DictReader((shared_data / "waist-imu" / "trials.csv").open())}
    walks = validate.waist_imu(shared_data, names=names & rows)
    out = []
    for walk in walks:
        row = next(
            r
            for r in csv.DictReader((shared_data / "waist-imu" / "trials.csv").open())
            if r["trial"] == walk.name
        )
        bouts = validate.analyze_motion(walk.recording).bouts
        us, ue = float(row["uturn_start_s"]), float(row["uturn_end_s"])
        ws, we = float(row["walk_start_s"]), float(row["walk_end_s"])
        out.append(validate.Trial(walk, bouts, ((ws, us), (ue, we)), (ue, we), us))
    assert len(out) == 24
    return out


def test_real_waist_walks_are_never_called_backward_uncalibrated(
    validate: ModuleType,
    trials: list,  # type: ignore[type-arg]
) -> None:
    det = validate.DirectionDetector()
    total = validate.Tally()
    for t in trials:
        total.add(validate.score(det.detect(t.walk.recording, t.bouts), t.walk_spans, t.walk.name))
    assert total.backward_s == 0.0


def test_real_waist_walks_calibrated_on_the_paired_trial_are_forward(
    validate: ModuleType,
    trials: list,  # type: ignore[type-arg]
) -> None:
    det = validate.DirectionDetector()
    by_name = {t.walk.name: t for t in trials}
    total = validate.Tally()
    for t in trials:
        subject, k = t.walk.name.split("-")
        mate = by_name[f"{subject}-{3 - int(k)}"]
        cal = det.calibrate(mate.walk.recording, mate.bouts)
        result = det.detect(t.walk.recording, t.bouts, cal)
        total.add(validate.score(result, t.walk_spans, t.walk.name))
    assert total.backward_s / total.walking_s < 0.01
    assert not total.failing
    assert total.forward_s / total.walking_s > 0.6  # measured 0.74 on all 70 trials


def test_real_waist_walks_after_a_warm_up_are_forward(
    validate: ModuleType,
    trials: list,  # type: ignore[type-arg]
) -> None:
    det = validate.DirectionDetector()
    total = validate.Tally()
    for t in trials:
        warm = t.uturn_start_s - float(t.walk.recording.time_s[0])
        result = det.detect(t.walk.recording, t.bouts, warmup_s=warm)
        total.add(validate.score(result, (t.second_walk,), t.walk.name))
    assert total.backward_s == 0.0
    assert total.forward_s / total.walking_s > 0.55  # measured 0.73 on all 70 trials


def test_real_phone_walks_are_never_called_backward(
    validate: ModuleType, shared_data: Path
) -> None:
    first: dict[str, str] = {}
    with (shared_data / "phone-steps" / "recordings.csv").open(newline="") as fh:
        for row in csv.DictReader(fh):
            first.setdefault(row["placement"], row["recording"])
    det = validate.DirectionDetector()
    seen = 0
    for walk in validate.phone_steps(shared_data, names=set(first.values())):
        bouts = validate.analyze_motion(walk.recording).bouts
        for kwargs in ({}, {"warmup_s": validate.PHONE_WARMUP_S}):
            result = det.detect(walk.recording, bouts, **kwargs)
            assert result.backward_s == 0.0, (walk.name, kwargs)
        seen += 1
    assert seen == 7
