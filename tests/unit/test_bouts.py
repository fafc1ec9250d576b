"""Walking bouts: periodic stepping is walking, stillness and random movement are not."""

from __future__ import annotations

import numpy as np
import pytest

from retrowalk.errors import InvalidInput
from retrowalk.sensing.bouts import BoutDetector
from retrowalk.sensing.gait import analyze_motion
from retrowalk.sensing.recording import STANDARD_GRAVITY_M_S2, MotionRecording
from retrowalk.sensing.signals import bandpass

from .synthetic_motion import still_recording, walking_recording


def test_standing_still_gives_no_bout() -> None:
    analysis = analyze_motion(still_recording(120.0))
    assert analysis.bouts == ()
    assert analysis.total_steps == 0
    assert analysis.total_walking_s == 0.0
    assert analysis.mean_cadence_steps_per_min is None


def test_random_shaking_in_the_step_band_is_rarely_called_walking() -> None:
    # A worst case: random shaking of walking strength (1.5 m/s^2 RMS) confined to the step
    # band (0.5-3 Hz) but without a rhythm. Over an hour of it, 101 s (2.8 %) were called
    # walking with the default parameters (expert-opinion design check); 10 minutes here
    # must stay under 10 %.
    rng = np.random.default_rng(7)
    walking_s = 0.0
    for _ in range(4):
        t = np.arange(0, 150, 0.01)
        shake = np.column_stack(
            [bandpass(rng.normal(0, 1, t.size), 100.0, (0.5, 3.0)) for _ in "xyz"]
        )
        shake *= 1.5 / shake.std()
        acc = shake + np.array([0.0, 0.0, STANDARD_GRAVITY_M_S2])
        walking_s += analyze_motion(MotionRecording(t, acc, None, True, "test")).total_walking_s
    assert walking_s < 0.10 * 600


def test_one_walk_between_standing_is_one_bout_with_its_times() -> None:
    rec, _ = walking_recording(90.0, [(15.0, 75.0)], cadence_steps_per_min=110)
    bouts = analyze_motion(rec).bouts
    assert len(bouts) == 1
    # start and end within half a step (0.27 s) plus one sample of the true walk
    assert bouts[0].start_s == pytest.approx(15.0, abs=0.3)
    assert bouts[0].end_s == pytest.approx(75.0, abs=0.3)


def test_two_walks_separated_by_standing_are_two_bouts() -> None:
    rec, _ = walking_recording(110.0, [(10.0, 40.0), (65.0, 100.0)])
    bouts = analyze_motion(rec).bouts
    assert [round(b.start_s) for b in bouts] == [10, 65]
    assert [round(b.end_s) for b in bouts] == [40, 100]


def test_short_break_inside_a_walk_is_merged() -> None:
    rec, _ = walking_recording(90.0, [(10.0, 40.0), (41.0, 70.0)])
    bouts = analyze_motion(rec).bouts
    assert len(bouts) == 1
    assert bouts[0].start_s == pytest.approx(10.0, abs=0.3)
    assert bouts[0].end_s == pytest.approx(70.0, abs=0.3)


def test_walk_shorter_than_five_seconds_is_not_a_bout() -> None:
    rec, _ = walking_recording(40.0, [(15.0, 19.0)])
    assert analyze_motion(rec).bouts == ()


def test_sampling_gap_splits_a_walk_and_no_step_is_counted_inside_it() -> None:
    rec, _ = walking_recording(90.0, [(10.0, 80.0)], cadence_steps_per_min=120)
    keep = (rec.time_s < 40.0) | (rec.time_s >= 42.0)
    gapped = MotionRecording(rec.time_s[keep], rec.acc_m_s2[keep], None, True, "test")
    analysis = analyze_motion(gapped)
    assert len(analysis.bouts) == 2
    assert analysis.bouts[0].end_s <= 40.0
    assert analysis.bouts[1].start_s >= 42.0
    steps = np.concatenate([b.step_times_s for b in analysis.bouts])
    assert not np.any((steps > 40.0) & (steps < 42.0))
    assert len(analysis.quality.gaps) == 1


def test_window_decisions_follow_the_walk() -> None:
    rec, _ = walking_recording(60.0, [(20.0, 50.0)])
    x = np.linalg.norm(rec.acc_m_s2, axis=1)[::2]  # 50 Hz
    found = BoutDetector().detect(bandpass(x, 50.0, (0.5, 3.0)), 50.0)
    walking_centres = found.window_center_s[found.window_walking]
    # a 5 s window is walking once about 2 s of it hold steps
    assert walking_centres.min() >= 20.0 - 1.0
    assert walking_centres.max() <= 50.0 + 1.0
    assert found.window_walking[(found.window_center_s > 25) & (found.window_center_s < 45)].all()
    assert np.nanmedian(found.windows.step_period_s[found.window_walking]) == pytest.approx(
        60 / 110, rel=0.02
    )


def test_signal_too_short_for_a_window_gives_no_bout() -> None:
    found = BoutDetector().detect(np.zeros(100), 50.0)
    assert found.bouts == ()


@pytest.mark.parametrize("duration_s", [0.05, 0.2, 3.0])
def test_very_short_recording_is_analysed_without_error(duration_s: float) -> None:
    analysis = analyze_motion(still_recording(duration_s))
    assert analysis.bouts == ()
    assert analysis.quality.duration_s == pytest.approx(duration_s, abs=0.011)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"window_s": 1.0},
        {"hop_s": 0.0},
        {"min_regularity": 1.5},
        {"step_period_range_s": (1.0, 0.5)},
        {"max_break_s": -1.0},
    ],
)
def test_parameters_out_of_range_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidInput):
        BoutDetector(**kwargs)  # type: ignore[arg-type]


def test_mismatched_valid_mask_is_refused() -> None:
    with pytest.raises(InvalidInput, match="valid"):
        BoutDetector().detect(np.zeros(1000), 50.0, np.ones(10, dtype=bool))
