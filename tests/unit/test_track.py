"""sensing/track.py on hand-made arrays whose answers follow from arithmetic."""

from __future__ import annotations

import math

import numpy as np
import pytest

from retrowalk.errors import InvalidInput
from retrowalk.sensing.track import (
    EARTH_RADIUS_M,
    TrackAnalyzer,
    path_distance_m,
    smooth_moving_average,
    steps_from_cadence,
    time_weighted_mean,
    weighted_median,
)

# Arc length of 0.001 degree on the mean-radius sphere: R x angle in radians.
MILLIDEGREE_M = EARTH_RADIUS_M * math.radians(0.001)


def test_a_millidegree_of_latitude_is_its_arc_length() -> None:
    distance = path_distance_m([0.0, 0.001, 0.002], [10.0, 10.0, 10.0])
    assert distance == pytest.approx([0.0, MILLIDEGREE_M, 2 * MILLIDEGREE_M], rel=1e-6)
    assert abs(MILLIDEGREE_M - 111.19) < 0.01


def test_a_millidegree_of_longitude_shrinks_with_the_cosine_of_latitude() -> None:
    distance = path_distance_m([60.0, 60.0], [0.0, 0.001])
    assert distance[-1] == pytest.approx(MILLIDEGREE_M * 0.5, rel=1e-4)


def test_no_distance_is_counted_across_a_segment_break() -> None:
    distance = path_distance_m([0.0, 0.001, 0.5, 0.501], [0.0] * 4, [True, False, True, False])
    assert distance[-1] == pytest.approx(2 * MILLIDEGREE_M, rel=1e-6)


def test_path_of_mismatched_lengths_is_invalid_input() -> None:
    with pytest.raises(InvalidInput, match="lon_deg"):
        path_distance_m([0.0, 1.0], [0.0])


def test_moving_average_spreads_a_spike_over_its_window() -> None:
    assert smooth_moving_average([0, 0, 3, 0, 0], 3) == pytest.approx([0, 1, 1, 1, 0])


def test_moving_average_keeps_a_steady_climb_to_its_ends() -> None:
    ramp = np.arange(11.0)
    assert smooth_moving_average(ramp, 5) == pytest.approx(ramp)


def test_time_weighted_mean_weights_each_value_by_the_time_since_the_last_sample() -> None:
    assert time_weighted_mean([10, 20, 40], [0, 1, 4]) == pytest.approx((20 * 1 + 40 * 3) / 4)
    assert time_weighted_mean([10, np.nan, 40], [0, 1, 4]) == pytest.approx(40)
    assert time_weighted_mean([np.nan, np.nan], [0, 1]) is None


def test_steps_are_cadence_times_time_and_long_gaps_count_nothing() -> None:
    time_s = np.arange(31.0)
    assert steps_from_cadence(time_s, np.full(31, 120.0)) == pytest.approx(60.0)
    with_gap = np.array([0.0, 10.0, 200.0, 210.0])
    assert steps_from_cadence(with_gap, np.full(4, 120.0), max_gap_s=60) == pytest.approx(40.0)


def test_weighted_median_ignores_a_short_outlier() -> None:
    assert weighted_median([1.0, 2.0, 10.0], [3.0, 1.0, 1.0]) == 1.0
    assert weighted_median([], []) is None


def test_standing_still_counts_in_elapsed_but_not_in_moving_time() -> None:
    stats = TrackAnalyzer().analyze([0.0, 60.0, 60.0], time_s=[0.0, 60.0, 120.0])
    assert stats.elapsed_s == 120.0 and stats.timer_s == 120.0
    assert stats.moving_s == 60.0 and stats.distance_m == 60.0
    assert stats.mean_speed_m_s == pytest.approx(1.0)
    assert stats.mean_pace_s_per_km == pytest.approx(1000.0)


def test_gps_drift_below_the_stopped_speed_is_not_moving() -> None:
    drift = TrackAnalyzer(stopped_speed_m_s=0.3).analyze(
        [0.0, 0.1, 0.2, 0.3], time_s=[0.0, 1.0, 2.0, 3.0]
    )
    assert drift.moving_s == 0.0
    assert drift.mean_speed_m_s is None


def test_a_segment_break_is_elapsed_time_but_not_timer_time() -> None:
    stats = TrackAnalyzer().analyze(
        [0.0, 10.0, 10.0, 20.0],
        time_s=[0.0, 10.0, 100.0, 110.0],
        new_segment=[True, False, True, False],
    )
    assert stats.elapsed_s == 110.0
    assert stats.timer_s == 20.0
    assert stats.moving_s == 20.0
    assert stats.distance_m == 20.0


def test_fast_distance_and_typical_speed_see_through_a_short_ride() -> None:
    # 100 s walking at 1 m/s, then 10 s at 10 m/s.
    time_s = np.concatenate((np.arange(101.0), 100.0 + np.arange(1.0, 11.0)))
    distance = np.concatenate((np.arange(101.0), 100.0 + 10.0 * np.arange(1.0, 11.0)))
    stats = TrackAnalyzer(fast_speed_m_s=2.0).analyze(distance, time_s=time_s)
    assert stats.median_moving_speed_m_s == pytest.approx(1.0)
    assert stats.fast_distance_m == pytest.approx(100.0)
    assert stats.mean_speed_m_s == pytest.approx(200.0 / 110.0)


def test_a_steady_climb_is_counted_in_full_with_its_grade() -> None:
    distance = np.linspace(0.0, 100.0, 11)
    altitude = np.linspace(0.0, 10.0, 11)
    stats = TrackAnalyzer().analyze(distance, altitude_m=altitude)
    assert stats.elevation_gain_m == pytest.approx(10.0)
    assert stats.elevation_loss_m == pytest.approx(0.0)
    assert stats.mean_grade_pct == pytest.approx(10.0)
    assert stats.net_grade_pct == pytest.approx(10.0)


def test_up_and_down_gains_what_it_loses_and_grades_the_climb_over_all_the_distance() -> None:
    distance = np.linspace(0.0, 200.0, 41)
    altitude = np.concatenate((np.linspace(0.0, 10.0, 21), np.linspace(10.0, 0.0, 21)[1:]))
    stats = TrackAnalyzer(elevation_window_samples=1).analyze(distance, altitude_m=altitude)
    assert stats.elevation_gain_m == pytest.approx(10.0)
    assert stats.elevation_loss_m == pytest.approx(10.0)
    assert stats.mean_grade_pct == pytest.approx(5.0)
    assert stats.net_grade_pct == pytest.approx(0.0)


def test_smoothing_removes_most_altitude_noise_on_a_flat_walk() -> None:
    altitude = np.where(np.arange(100) % 2 == 0, 100.0, 101.0)  # +-0.5 m jitter
    distance = np.arange(100.0)
    raw = TrackAnalyzer(elevation_window_samples=1).analyze(distance, altitude_m=altitude)
    smoothed = TrackAnalyzer(elevation_window_samples=5).analyze(distance, altitude_m=altitude)
    assert raw.elevation_gain_m == pytest.approx(50.0)
    assert smoothed.elevation_gain_m is not None
    assert smoothed.elevation_gain_m < 0.25 * raw.elevation_gain_m


def test_missing_altitudes_are_skipped_and_no_altitude_means_unknown() -> None:
    stats = TrackAnalyzer(elevation_window_samples=1).analyze(
        [0.0, 1.0, 2.0, 3.0], altitude_m=[0.0, np.nan, np.nan, 3.0]
    )
    assert stats.elevation_gain_m == pytest.approx(3.0)
    unknown = TrackAnalyzer().analyze([0.0, 1.0], altitude_m=[np.nan, np.nan])
    assert unknown.elevation_gain_m is None and unknown.mean_grade_pct is None


def test_without_times_only_distance_is_known() -> None:
    stats = TrackAnalyzer().analyze([0.0, 5.0, 12.0])
    assert stats.distance_m == 12.0
    assert stats.elapsed_s is None and stats.moving_s is None and stats.mean_speed_m_s is None


def test_an_empty_track_knows_nothing() -> None:
    stats = TrackAnalyzer().analyze([], time_s=[], altitude_m=[])
    assert stats.elapsed_s is None and stats.distance_m is None and stats.elevation_gain_m is None


def test_time_going_backwards_is_invalid_input() -> None:
    with pytest.raises(InvalidInput, match="non-decreasing"):
        TrackAnalyzer().analyze([0.0, 1.0, 2.0], time_s=[0.0, 2.0, 1.0])


@pytest.mark.parametrize(
    "kwargs",
    [{"stopped_speed_m_s": -1.0}, {"fast_speed_m_s": 0.1}, {"elevation_window_samples": 0}],
)
def test_parameters_outside_their_range_are_invalid_input(kwargs: dict[str, float]) -> None:
    with pytest.raises(InvalidInput):
        TrackAnalyzer(**kwargs)  # type: ignore[arg-type]
