"""Units, gravity, time order and alignment helpers on small synthetic signals."""

from __future__ import annotations

import re

import numpy as np
import pytest
from numpy.typing import NDArray

from retrowalk.formats.motion_units import (
    GRAVITY_FREE_MAX,
    GRAVITY_FREE_MAX_RATIO,
    AccUnit,
    MotionDataError,
    align_stream,
    check_acceleration,
    check_gyro_rad_s,
    clean_time,
    combine_user_and_gravity,
    gravity_estimate,
    median_interval_s,
    median_magnitude,
    sampling_notes,
)

G = 9.80665
RATE_HZ = 100.0


def time_s(seconds: float = 20.0) -> NDArray[np.float64]:
    return np.arange(int(seconds * RATE_HZ)) / RATE_HZ


def walking_user_acc(t: NDArray[np.float64], amplitude: float) -> NDArray[np.float64]:
    """Gravity-free 'walking': 1.8 Hz vertical and 0.9 Hz lateral oscillations, m/s^2."""
    return np.column_stack(
        [
            amplitude * 0.5 * np.sin(2 * np.pi * 0.9 * t),
            amplitude * 0.3 * np.sin(2 * np.pi * 1.8 * t + 1.0),
            amplitude * np.sin(2 * np.pi * 1.8 * t),
        ]
    )


def swinging_gravity(t: NDArray[np.float64]) -> NDArray[np.float64]:
    """Gravity (m/s^2) seen by a phone swinging +-40 degrees about its x axis at 0.9 Hz."""
    angle = np.radians(40.0) * np.sin(2 * np.pi * 0.9 * t)
    return G * np.column_stack([np.zeros_like(t), np.sin(angle), np.cos(angle)])


def where(i: int) -> str:
    return f"line {i + 2}"


# ------------------------------------------------------------------ units and gravity


@pytest.mark.parametrize(
    ("scale", "unit"),
    [(1.0, AccUnit.M_S2), (1.0 / G, AccUnit.G)],
    ids=["m/s^2", "g"],
)
def test_gravity_in_either_unit_is_detected_while_walking_with_a_swinging_phone(
    scale: float, unit: AccUnit
) -> None:
    t = time_s()
    total = (swinging_gravity(t) + walking_user_acc(t, 3.0)) * scale
    check = check_acceleration(total, t)
    assert check.gravity_included
    assert check.unit is unit
    # the swing shortens the 1-s mean of gravity (about G * J0(40 deg) = 0.88 G), never below
    # the m/s^2 range's floor
    assert 0.8 * G < check.gravity_estimate * check.factor_to_m_s2 < G


def test_strong_linear_acceleration_is_gravity_free_even_when_its_magnitude_is_about_1() -> None:
    # Median magnitude near 1 would pass for "gravity in g" if only the magnitude were used.
    t = time_s()
    user = walking_user_acc(t, 1.4)
    assert 0.7 < np.median(np.linalg.norm(user, axis=1)) < 1.3
    check = check_acceleration(user, t)
    assert not check.gravity_included
    assert check.gravity_estimate < GRAVITY_FREE_MAX_RATIO * check.median_magnitude


def test_gravity_free_data_with_a_small_bias_are_still_gravity_free() -> None:
    # as real OS 'linear acceleration' leaves: a 0.6 m/s^2 offset under 4 m/s^2 of motion
    t = time_s()
    user = walking_user_acc(t, 6.0) + np.array([0.0, 0.35, 0.5])
    check = check_acceleration(user, t)
    assert check.gravity_estimate > GRAVITY_FREE_MAX
    assert not check.gravity_included


def test_gravity_drowned_in_motion_is_refused_rather_than_guessed() -> None:
    t = time_s()
    total = swinging_gravity(t) + walking_user_acc(t, 25.0)
    med = np.median(np.linalg.norm(total, axis=1))
    assert 0.4 < gravity_estimate(total, t) / med < 0.7  # neither clearly with nor without
    with pytest.raises(MotionDataError, match="not consistent with gravity"):
        check_acceleration(total, t)


def test_gravity_free_data_assume_m_s2_and_say_so_unless_the_file_declares_a_unit() -> None:
    t = time_s()
    assumed = check_acceleration(walking_user_acc(t, 2.0), t)
    assert assumed.unit is AccUnit.M_S2
    assert any("assumed m/s^2" in note for note in assumed.notes)
    declared = check_acceleration(walking_user_acc(t, 0.2), t, declared_unit=AccUnit.G)
    assert declared.unit is AccUnit.G
    assert not any("assumed" in note for note in declared.notes)


@pytest.mark.parametrize("scale", [0.07, 0.4, 3.0, 1.6, 1.5 / G], ids=str)
def test_a_magnitude_that_is_gravity_in_no_unit_is_refused(scale: float) -> None:
    t = time_s()
    total = (swinging_gravity(t) + walking_user_acc(t, 2.0)) * scale
    with pytest.raises(MotionDataError, match="not consistent with gravity in any unit"):
        check_acceleration(total, t)


def test_a_label_that_disagrees_with_the_data_gives_way_with_a_note() -> None:
    t = time_s()
    total = swinging_gravity(t) / G
    check = check_acceleration(total, t, declared_unit=AccUnit.M_S2, declared_gravity=False)
    assert check.unit is AccUnit.G and check.gravity_included
    assert any("the file says m/s^2" in note for note in check.notes)
    assert any("labelled gravity-free" in note for note in check.notes)


def test_gravity_estimate_of_a_still_phone_is_its_magnitude() -> None:
    t = time_s(3.0)
    still = np.tile([0.0, 0.6, 9.78], (t.size, 1))
    assert gravity_estimate(still, t) == pytest.approx(np.hypot(0.6, 9.78))


def test_gravity_estimate_of_a_recording_shorter_than_a_window_uses_its_mean() -> None:
    t = np.array([0.0, 0.01, 0.02])
    acc = np.array([[0.0, 0.0, 9.0], [0.0, 0.0, 10.0], [0.0, 0.0, 11.0]])
    assert gravity_estimate(acc, t) == pytest.approx(10.0)


@pytest.mark.parametrize(
    ("peak_rad_s", "refused"), [(8.0, False), (34.0, False), (250.0, True)], ids=str
)
def test_gyro_rates_beyond_a_phone_gyroscope_are_refused_as_deg_s(
    peak_rad_s: float, refused: bool
) -> None:
    gyro = peak_rad_s * np.sin(np.linspace(0, 20 * np.pi, 2000))[:, None] * np.ones((1, 3))
    if refused:
        with pytest.raises(MotionDataError, match="deg/s"):
            check_gyro_rad_s(gyro)
    else:
        check_gyro_rad_s(gyro)


# ------------------------------------------------------------------------------- time


def test_strictly_increasing_time_is_kept_whole() -> None:
    cleaning = clean_time(time_s(2.0), where)
    assert cleaning.keep is None and cleaning.notes == ()


def test_a_few_duplicated_timestamps_are_dropped_and_counted() -> None:
    t = np.insert(time_s(10.0), [50, 300], [0.49, 2.99])  # 0.49 and 2.99 appear twice
    cleaning = clean_time(t, where)
    assert cleaning.keep is not None
    np.testing.assert_array_equal(t[cleaning.keep], time_s(10.0))
    assert cleaning.notes == ("2 sample(s) with a duplicated timestamp dropped (first on line 52)",)


def test_sub_millisecond_steps_back_are_dropped_as_jitter() -> None:
    t = time_s(10.0)
    t[400] = t[399] - 0.0005
    cleaning = clean_time(t, where)
    assert cleaning.keep is not None and not cleaning.keep[400] and cleaning.keep.sum() == 999
    assert "behind the previous one dropped" in cleaning.notes[0]


def test_time_going_backwards_is_refused_saying_where() -> None:
    t = time_s(10.0)
    t[700:] -= 2.0
    with pytest.raises(MotionDataError, match=r"backwards by 1\.99 s on line 702"):
        clean_time(t, where)


def test_too_many_duplicated_timestamps_are_refused() -> None:
    t = np.repeat(time_s(1.0), 2)
    with pytest.raises(MotionDataError, match=r"100 duplicated .*\(first on line 3\)"):
        clean_time(t, where)


def test_non_finite_time_is_refused_saying_where() -> None:
    t = time_s(1.0)
    t[10] = np.nan
    with pytest.raises(MotionDataError, match="line 12"):
        clean_time(t, where)


@pytest.mark.parametrize("n", [1, 2, 3, 1000, 1001])
def test_median_magnitude_is_the_median_of_the_norms_to_the_bit(n: int) -> None:
    rng = np.random.default_rng(n)
    acc = rng.normal(0.0, 3.0, size=(n, 3)) + np.array([0.5, 1.0, 9.0])
    assert median_magnitude(acc) == float(np.median(np.linalg.norm(acc, axis=1)))


def test_median_magnitude_of_a_nan_is_nan_like_the_median() -> None:
    acc = np.ones((5, 3))
    acc[2, 1] = np.nan
    assert np.isnan(median_magnitude(acc))


def test_a_median_interval_given_changes_neither_the_gravity_estimate_nor_the_notes() -> None:
    t = time_s(30.0)
    t = t + np.random.default_rng(3).normal(0.0, 0.0004, t.size)
    t[1500:] += 2.0
    acc = walking_user_acc(t, 2.0) + np.array([0.0, 0.0, G])
    med = median_interval_s(t)
    assert med == float(np.median(np.diff(t)))
    assert gravity_estimate(acc, t, median_dt_s=med) == gravity_estimate(acc, t)
    assert sampling_notes(t, median_dt_s=med) == sampling_notes(t)
    assert check_acceleration(acc, t, median_dt_s=med) == check_acceleration(acc, t)


def test_sampling_notes_give_the_median_rate_jitter_and_long_gaps() -> None:
    rng = np.random.default_rng(1)
    t = np.cumsum(0.005 + rng.uniform(-0.0005, 0.0005, 4000))  # ~200 Hz, +-0.5 ms
    t[2000:] += 3.0
    notes = sampling_notes(t)
    # median absolute deviation of a uniform +-0.5 ms jitter is 0.25 ms
    assert re.match(r"median sampling rate 200\.\d Hz \(interval 5\.00 ms, jitter 0\.2\d", notes[0])
    assert notes[1].startswith("1 gap(s) longer than 1 s; the longest is 3.0 s")


# -------------------------------------------------------------- alignment, combination


def test_a_stream_on_its_own_clock_is_interpolated_and_the_overhang_trimmed() -> None:
    target = np.arange(0.0, 10.0, 0.01)
    source = np.arange(0.005, 10.0, 0.02)  # 50 Hz, starting 5 ms late
    values = np.column_stack([source * 2.0, -source, np.ones_like(source)])  # linear in time
    out, inside, notes = align_stream(target, source, values, "the gyroscope")
    assert out is not None
    assert inside[0] == np.False_ and inside.sum() == out.shape[0]
    np.testing.assert_allclose(out[:, 0], target[inside] * 2.0)
    np.testing.assert_allclose(out[:, 1], -target[inside])
    assert any("outside the span of the gyroscope" in n for n in notes)


def test_a_stream_on_the_same_clock_is_passed_through_without_a_note() -> None:
    t = np.arange(0.0, 1.0, 0.01)
    values = np.random.default_rng(0).normal(size=(t.size, 3))
    out, inside, notes = align_stream(t, t.copy(), values, "the gyroscope")
    assert out is values and inside.all() and notes == ()


def test_a_stream_covering_little_of_the_recording_is_not_used() -> None:
    target = np.arange(0.0, 100.0, 0.01)
    source = np.arange(0.0, 30.0, 0.01)
    out, inside, notes = align_stream(target, source, np.zeros((source.size, 3)), "the gyroscope")
    assert out is None and inside.all()
    assert notes == ("the gyroscope covers only 30% of the recording; not used",)


def test_user_acceleration_plus_gravity_is_total_acceleration() -> None:
    t = time_s(5.0)
    gravity, user = swinging_gravity(t), walking_user_acc(t, 2.0)
    np.testing.assert_allclose(combine_user_and_gravity(user, gravity), gravity + user)
    with pytest.raises(ValueError, match="shapes differ"):
        combine_user_and_gravity(user[:-1], gravity)
