"""Step counting and cadence on synthetic walks: edge cases and invariances (not accuracy)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrowalk.errors import InvalidInput
from retrowalk.sensing.bouts import CandidateBout
from retrowalk.sensing.gait import analyze_motion
from retrowalk.sensing.signals import bandpass
from retrowalk.sensing.steps import StepCounter

from .synthetic_motion import rotation_matrix, walking_recording

# A bout edge can hold a partial step (the synthetic walk stops mid-step), so counts are
# checked to within one step per bout.
EDGE_STEPS = 1


def test_pure_two_hertz_stepping_gives_the_right_count_and_cadence() -> None:
    rec, true_steps = walking_recording(80.0, [(10.0, 70.0)], cadence_steps_per_min=120)
    analysis = analyze_motion(rec)
    assert true_steps == 120
    assert abs(analysis.total_steps - true_steps) <= EDGE_STEPS
    (bout,) = analysis.bouts
    assert bout.cadence_steps_per_min == pytest.approx(120, rel=0.02)
    # inside the bout every step is half a second after the previous one
    assert np.allclose(np.diff(bout.step_times_s)[1:-1], 0.5, atol=0.021)


@pytest.mark.parametrize("cadence", [60, 80, 100, 120, 140, 170])
def test_count_is_right_across_the_walking_cadence_range(cadence: float) -> None:
    rec, true_steps = walking_recording(80.0, [(10.0, 70.0)], cadence_steps_per_min=cadence)
    analysis = analyze_motion(rec)
    assert abs(analysis.total_steps - true_steps) <= EDGE_STEPS
    assert analysis.mean_cadence_steps_per_min == pytest.approx(cadence, rel=0.02)


def test_left_right_asymmetry_is_not_counted_as_strides() -> None:
    # A phone on one side of the body sees a component once per stride as well.
    rec, true_steps = walking_recording(
        80.0, [(10.0, 70.0)], stride_amplitude_m_s2=1.2, step_amplitude_m_s2=2.0
    )
    assert abs(analyze_motion(rec).total_steps - true_steps) <= EDGE_STEPS


@pytest.mark.parametrize("angles_deg", [(0, 0, 180), (30, 70, -120), (-90, 35, 10), (145, -60, 75)])
def test_rotated_recording_gives_the_same_steps_and_bouts(
    angles_deg: tuple[float, float, float],
) -> None:
    upright, _ = walking_recording(90.0, [(10.0, 40.0), (55.0, 80.0)], seed=5)
    turned, _ = walking_recording(
        90.0, [(10.0, 40.0), (55.0, 80.0)], seed=5, rotation=rotation_matrix(*angles_deg)
    )
    a, b = analyze_motion(upright), analyze_motion(turned)
    assert a.total_steps == b.total_steps
    assert len(a.bouts) == len(b.bouts) == 2
    for x, y in zip(a.bouts, b.bouts, strict=True):
        assert x.start_s == pytest.approx(y.start_s, abs=1e-6)
        assert x.end_s == pytest.approx(y.end_s, abs=1e-6)
        assert np.allclose(x.step_times_s, y.step_times_s)


def test_irregular_sampling_gives_the_same_count_as_regular_sampling() -> None:
    regular, true_steps = walking_recording(80.0, [(10.0, 70.0)], rate_hz=200.0)
    irregular, _ = walking_recording(
        80.0, [(10.0, 70.0)], rate_hz=200.0, jitter_fraction=0.9, seed=2
    )
    n_regular = analyze_motion(regular).total_steps
    n_irregular = analyze_motion(irregular).total_steps
    assert abs(n_regular - true_steps) <= EDGE_STEPS
    assert abs(n_irregular - n_regular) <= 1


def test_low_rate_phone_at_25_hz_still_counts() -> None:
    rec, true_steps = walking_recording(80.0, [(10.0, 70.0)], rate_hz=25.0)
    assert abs(analyze_motion(rec).total_steps - true_steps) <= EDGE_STEPS


def test_gravity_free_recording_counts_the_same_walk() -> None:
    rec, true_steps = walking_recording(
        80.0, [(10.0, 70.0)], gravity_included=False, rotation=rotation_matrix(20, 50, 80)
    )
    assert abs(analyze_motion(rec).total_steps - true_steps) <= EDGE_STEPS


def test_clipped_acceleration_still_counts_steps_and_is_reported() -> None:
    rec, true_steps = walking_recording(80.0, [(10.0, 70.0)], step_amplitude_m_s2=6.0)
    clipped = type(rec)(
        rec.time_s, np.clip(rec.acc_m_s2, -14.0, 14.0), None, True, rec.source_format
    )
    analysis = analyze_motion(clipped)
    assert abs(analysis.total_steps - true_steps) <= EDGE_STEPS
    assert analysis.quality.acc_clipping is not None
    assert analysis.quality.acc_clipping.level == pytest.approx(14.0)


def test_noise_peaks_before_and_after_a_walk_are_not_steps() -> None:
    rec, true_steps = walking_recording(80.0, [(20.0, 60.0)], noise_m_s2=0.15, seed=11)
    (bout,) = analyze_motion(rec).bouts
    assert bout.step_times_s.min() >= 20.0 - 0.1
    assert bout.step_times_s.max() <= 60.0 + 0.1
    assert abs(bout.steps - true_steps) <= EDGE_STEPS


def test_step_counter_alone_counts_peaks_in_a_candidate_bout() -> None:
    rate = 50.0
    t = np.arange(0, 40, 1 / rate)
    walking = (t >= 5) & (t < 35)
    x = bandpass(np.where(walking, np.cos(2 * np.pi * 1.8 * (t - 5)), 0.0), rate, (0.5, 3.0))
    found = StepCounter().detect(x, rate, [CandidateBout(2.0, 38.0, 1 / 1.8)])
    assert abs(found.total_steps - 54) <= EDGE_STEPS  # 1.8 steps/s for 30 s
    assert found.step_times_s.size == found.total_steps


def test_no_candidate_bouts_means_no_steps() -> None:
    assert StepCounter().detect(np.zeros(500), 50.0, []).total_steps == 0


def test_too_few_steps_is_not_a_bout() -> None:
    rate = 50.0
    t = np.arange(0, 20, 1 / rate)
    x = np.where((t > 8.2) & (t < 9.7), np.cos(2 * np.pi * 2 * t), 0.0)  # peaks 8.5, 9, 9.5
    found = StepCounter(min_steps=4, min_bout_s=0.0).detect(
        x, rate, [CandidateBout(5.0, 15.0, 0.5)]
    )
    assert found.total_steps == 0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"min_prominence_rel": -1.0},
        {"min_interval_rel": 2.0},
        {"min_steps": 0},
        {"max_step_interval_s": 0.1},
        {"edge_run_steps": 0},
    ],
)
def test_parameters_out_of_range_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(InvalidInput):
        StepCounter(**kwargs)  # type: ignore[arg-type]


# the reference: the same walk with the sensor upright
_UPRIGHT = analyze_motion(walking_recording(50.0, [(10.0, 40.0)])[0])


@settings(max_examples=15, deadline=None)
@given(yaw=st.floats(-180, 180), pitch=st.floats(-90, 90), roll=st.floats(-180, 180))
def test_any_sensor_orientation_gives_the_same_step_times(
    yaw: float, pitch: float, roll: float
) -> None:
    turned, _ = walking_recording(50.0, [(10.0, 40.0)], rotation=rotation_matrix(yaw, pitch, roll))
    assert np.allclose(analyze_motion(turned).bouts[0].step_times_s, _UPRIGHT.bouts[0].step_times_s)
