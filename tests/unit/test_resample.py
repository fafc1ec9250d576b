"""Resampling: uniform grid, irregular input, gaps kept visible, clear errors."""

from __future__ import annotations

import numpy as np
import pytest

from retrowalk.errors import InvalidInput
from retrowalk.sensing.recording import MotionRecording
from retrowalk.sensing.resample import Resampler, find_gaps


def sine_recording(t: np.ndarray, freq_hz: float = 2.0, gyro: bool = False) -> MotionRecording:
    wave = np.sin(2 * np.pi * freq_hz * t)
    acc = np.column_stack([wave, 2 * wave, 9.81 + 0 * wave])
    return MotionRecording(
        time_s=t,
        acc_m_s2=acc,
        gyro_rad_s=np.column_stack([wave, wave, wave]) if gyro else None,
        gravity_included=True,
        source_format="test",
    )


def test_uniform_input_gives_grid_at_the_requested_rate_with_the_same_signal() -> None:
    t = np.arange(0, 20, 0.01)
    out = Resampler(rate_hz=50.0).resample(sine_recording(t))
    assert out.rate_hz == 50.0
    assert np.allclose(np.diff(out.time_s), 0.02)
    expected = np.sin(2 * np.pi * 2.0 * out.time_s)
    # a 2 Hz sine survives the 20 ms bin average with under 7 % amplitude loss (sinc)
    assert np.max(np.abs(out.acc_m_s2[:, 0] - expected)) < 0.07
    assert out.valid.all()
    assert out.gaps == ()


def test_irregular_android_like_sampling_is_resampled_onto_the_true_signal() -> None:
    rng = np.random.default_rng(3)
    dt = rng.uniform(0.0012, 0.02, 12_000)  # 50-800 Hz events, as the Pixel walks show
    t = np.cumsum(dt) - dt[0]
    out = Resampler(rate_hz=50.0).resample(sine_recording(t))
    expected = np.sin(2 * np.pi * 2.0 * out.time_s)
    assert np.max(np.abs(out.acc_m_s2[:, 0] - expected)) < 0.1
    assert np.allclose(out.acc_m_s2[:, 1], 2 * out.acc_m_s2[:, 0])


def test_low_rate_input_is_interpolated_up_to_the_grid() -> None:
    t = np.arange(0, 10, 1 / 20)  # 20 Hz in, 50 Hz out
    out = Resampler(rate_hz=50.0).resample(sine_recording(t, freq_hz=0.5))
    expected = np.sin(2 * np.pi * 0.5 * out.time_s)
    assert out.n_samples == pytest.approx(10 * 50, abs=2)
    assert np.max(np.abs(out.acc_m_s2[:, 0] - expected)) < 0.02


def test_gap_longer_than_max_gap_marks_only_the_samples_inside_it_invalid() -> None:
    t = np.arange(0, 30, 0.01)
    t = t[(t < 10.0) | (t >= 12.0)]  # 2 s without samples
    out = Resampler(rate_hz=50.0, max_gap_s=0.5).resample(sine_recording(t))
    assert len(out.gaps) == 1
    assert out.gaps[0].start_s == pytest.approx(9.99)
    assert out.gaps[0].end_s == pytest.approx(12.0)
    invalid_times = out.time_s[~out.valid]
    assert invalid_times.min() > 9.99
    assert invalid_times.max() < 12.0
    assert invalid_times.size == pytest.approx(2.0 * 50, abs=2)


def test_pause_shorter_than_max_gap_is_not_a_gap() -> None:
    t = np.arange(0, 30, 0.01)
    t = t[(t < 10.0) | (t >= 10.3)]
    out = Resampler(rate_hz=50.0, max_gap_s=0.5).resample(sine_recording(t))
    assert out.gaps == ()
    assert out.valid.all()
    assert find_gaps(t, 0.2)  # the same pause is a gap under a stricter limit


def test_gyro_is_resampled_when_present_and_skipped_on_request() -> None:
    t = np.arange(0, 10, 0.01)
    rec = sine_recording(t, gyro=True)
    with_gyro = Resampler().resample(rec)
    assert with_gyro.gyro_rad_s is not None
    assert with_gyro.gyro_rad_s.shape == with_gyro.acc_m_s2.shape
    assert Resampler().resample(rec, include_gyro=False).gyro_rad_s is None


@pytest.mark.parametrize(
    ("time_s", "field"),
    [
        (np.array([0.0, 0.01, 0.01, 0.02]), "time_s"),  # repeated timestamp
        (np.array([0.0, 0.02, 0.01, 0.03]), "time_s"),  # time going backwards
        (np.array([0.0]), "time_s"),  # too short
    ],
)
def test_bad_time_axis_is_refused_naming_the_field(time_s: np.ndarray, field: str) -> None:
    rec = MotionRecording(
        time_s=time_s,
        acc_m_s2=np.zeros((time_s.size, 3)),
        gyro_rad_s=None,
        gravity_included=True,
        source_format="test",
    )
    with pytest.raises(InvalidInput) as err:
        Resampler().resample(rec)
    assert err.value.field == field


def test_wrong_acceleration_shape_and_nan_are_refused() -> None:
    t = np.arange(0, 1, 0.01)
    bad_shape = MotionRecording(t, np.zeros((t.size, 2)), None, True, "test")
    with pytest.raises(InvalidInput, match="acc_m_s2"):
        Resampler().resample(bad_shape)
    acc = np.zeros((t.size, 3))
    acc[5, 1] = np.nan
    with pytest.raises(InvalidInput, match="NaN"):
        Resampler().resample(MotionRecording(t, acc, None, True, "test"))


@pytest.mark.parametrize(("rate_hz", "max_gap_s"), [(2.0, 0.5), (2000.0, 0.5), (50.0, 0.0)])
def test_parameters_out_of_range_are_refused(rate_hz: float, max_gap_s: float) -> None:
    with pytest.raises(InvalidInput):
        Resampler(rate_hz=rate_hz, max_gap_s=max_gap_s)


def test_gaps_and_checks_handed_in_give_the_same_result_and_are_used() -> None:
    t = np.arange(0, 30, 0.01)
    t = t[(t < 10.0) | (t >= 12.0)]
    rec = sine_recording(t, gyro=True)
    resampler = Resampler(rate_hz=50.0, max_gap_s=0.5)
    plain = resampler.resample(rec)
    given = resampler.resample(rec, checked=True, gaps=find_gaps(t, 0.5))
    assert given.gaps == plain.gaps
    np.testing.assert_array_equal(given.valid, plain.valid)
    np.testing.assert_array_equal(given.acc_m_s2, plain.acc_m_s2)
    # the gaps handed in are the ones used (no second look at the samples)
    assert resampler.resample(rec, checked=True, gaps=()).valid.all()
    # checked=True skips the checks: a bad recording is the caller's responsibility
    with pytest.raises(InvalidInput):
        resampler.resample(sine_recording(t[::-1]))
