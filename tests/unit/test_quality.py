"""Signal quality: clipping, gaps, low rate and the gravity check."""

from __future__ import annotations

import numpy as np
import pytest

from retrowalk.errors import InvalidInput
from retrowalk.sensing.quality import QualityChecker
from retrowalk.sensing.recording import STANDARD_GRAVITY_M_S2, MotionRecording

from .synthetic_motion import walking_recording


def test_clean_walk_has_no_issues() -> None:
    rec, _ = walking_recording(60.0, [(10.0, 50.0)], with_gyro=True)
    quality = QualityChecker().assess(rec)
    assert quality.ok
    assert quality.acc_clipping is None
    assert quality.gyro_clipping is None
    assert quality.mean_rate_hz == pytest.approx(100.0, rel=1e-3)
    assert quality.median_acc_magnitude_m_s2 == pytest.approx(STANDARD_GRAVITY_M_S2, abs=0.5)


def test_acceleration_stuck_at_the_sensor_range_is_clipping() -> None:
    rec, _ = walking_recording(60.0, [(10.0, 50.0)], step_amplitude_m_s2=12.0)
    two_g = 2 * STANDARD_GRAVITY_M_S2
    clipped = MotionRecording(rec.time_s, np.clip(rec.acc_m_s2, -two_g, two_g), None, True, "t")
    expected_fraction = np.mean(np.any(np.abs(rec.acc_m_s2) >= two_g, axis=1))
    quality = QualityChecker().assess(clipped)
    assert quality.acc_clipping is not None
    assert quality.acc_clipping.level == pytest.approx(two_g)
    # values within 0.01 % below the ceiling count as at it, hence a slightly larger share
    assert quality.acc_clipping.fraction == pytest.approx(expected_fraction, rel=0.01)
    assert any("2.0 g" in issue for issue in quality.issues)


def test_a_single_highest_peak_is_not_clipping() -> None:
    rec, _ = walking_recording(60.0, [(10.0, 50.0)], noise_m_s2=0.2)
    assert QualityChecker().assess(rec).acc_clipping is None


def test_gyro_clipping_is_reported_separately() -> None:
    rec, _ = walking_recording(60.0, [(10.0, 50.0)], with_gyro=True)
    assert rec.gyro_rad_s is not None
    gyro = np.clip(rec.gyro_rad_s, -0.2, 0.2)
    quality = QualityChecker().assess(MotionRecording(rec.time_s, rec.acc_m_s2, gyro, True, "t"))
    assert quality.acc_clipping is None
    assert quality.gyro_clipping is not None
    assert quality.gyro_clipping.level == pytest.approx(0.2)


def test_sampling_gaps_are_listed_with_their_total() -> None:
    rec, _ = walking_recording(60.0, [(10.0, 50.0)])
    keep = ~(((rec.time_s > 20) & (rec.time_s < 23)) | ((rec.time_s > 30) & (rec.time_s < 31)))
    gapped = MotionRecording(rec.time_s[keep], rec.acc_m_s2[keep], None, True, "t")
    quality = QualityChecker().assess(gapped)
    assert len(quality.gaps) == 2
    assert quality.gap_total_s == pytest.approx(4.0, abs=0.03)
    assert quality.longest_gap_s == pytest.approx(3.0, abs=0.02)
    assert any("2 sampling gap" in issue for issue in quality.issues)
    # the pauses do not distort the measured rate of the samples that are there
    assert quality.mean_rate_hz == pytest.approx(100.0, rel=1e-3)


def test_low_rate_and_acceleration_in_g_are_flagged() -> None:
    t = np.arange(0, 30, 0.1)  # 10 Hz
    acc = np.tile([0.0, 0.0, 1.0], (t.size, 1))  # a phone reporting in g, not m/s^2
    quality = QualityChecker().assess(MotionRecording(t, acc, None, True, "t"))
    assert any("10.0 Hz" in issue for issue in quality.issues)
    assert any("not gravity" in issue for issue in quality.issues)
    assert not quality.ok


def test_gravity_free_recording_gets_the_caveat_not_the_units_warning() -> None:
    rec, _ = walking_recording(60.0, [(10.0, 50.0)], gravity_included=False)
    issues = QualityChecker().assess(rec).issues
    assert len(issues) == 1
    assert "gravity removed" in issues[0]
    assert "not gravity" not in issues[0]


@pytest.mark.parametrize(
    "kwargs",
    [{"max_gap_s": 0.0}, {"clip_min_samples": 0}, {"gravity_range_m_s2": (12.0, 8.0)}],
)
def test_parameters_out_of_range_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidInput):
        QualityChecker(**kwargs)  # type: ignore[arg-type]
