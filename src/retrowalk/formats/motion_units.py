"""Pure helpers shared by the motion-sensor readers: units, gravity, time order, alignment.

No I/O. A problem with the data raises ``MotionDataError`` carrying the plain-language problem;
the reader that knows the file turns it into ``UnsupportedFile(path, problem)``.

Thresholds are design choices (expert-opinion, not from the evidence table), checked on the
real walks of ../shared/data (48 phone walks: hand, pockets, armband, neck pouch, purse,
swinging arm; 70 waist-IMU walks): the gravity estimate below lies between 9.10 and 10.21 m/s^2
and is 0.93-1.07 times the median magnitude. The same walks with gravity removed (minus a 1-s
moving mean) give a gravity estimate of at most 0.67 m/s^2 and at most 0.23 times the median
magnitude. tests/integration/test_sensor_csv.py checks every walk, in m/s^2, in g and linear.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from retrowalk.sensing.recording import STANDARD_GRAVITY_M_S2

FloatArray = NDArray[np.float64]

#: Length of the windows whose mean vector estimates gravity (s). Gravity changes direction
#: slowly, so a 1-s mean keeps it and averages the walking accelerations away.
GRAVITY_WINDOW_S = 1.0
#: A gravity estimate in this range (raw units) means "gravity included, unit g".
GRAVITY_RANGE_G = (0.8, 1.25)
#: A gravity estimate in this range (raw units) means "gravity included, unit m/s^2".
GRAVITY_RANGE_M_S2 = (7.8, 12.0)
#: With gravity in the signal, the gravity estimate is at least this fraction of the median
#: magnitude (real walks: 0.93 or more).
GRAVITY_MIN_RATIO = 0.7
#: Gravity removed (linear acceleration): the gravity estimate is at most this fraction of the
#: median magnitude (real walks: 0.23 or less) ...
GRAVITY_FREE_MAX_RATIO = 0.4
#: ... or at most this much in raw units (a still, gravity-free phone reads noise only).
GRAVITY_FREE_MAX = 0.5
#: Phone gyroscopes saturate at about 2000 deg/s (35 rad/s); more than that means deg/s.
MAX_GYRO_RAD_S = 35.0
#: Time may step back by this much (Android event jitter); the late sample is dropped.
BACKWARD_TOLERANCE_S = 0.001
#: At most this fraction of samples may be dropped for duplicated or jittered timestamps.
MAX_DROPPED_FRACTION = 0.01
#: Gaps longer than this are listed in the notes.
GAP_NOTE_S = 1.0
#: A second stream (gyroscope, gravity) must cover this fraction of the accelerometer span.
MIN_STREAM_COVERAGE = 0.9


class MotionDataError(ValueError):
    """The samples are not a usable motion recording; the message names the problem."""


class AccUnit(StrEnum):
    G = "g"
    M_S2 = "m/s^2"

    @property
    def factor_to_m_s2(self) -> float:
        return STANDARD_GRAVITY_M_S2 if self is AccUnit.G else 1.0


@dataclass(frozen=True)
class AccelerationCheck:
    """What the magnitude of an acceleration stream says about its unit and gravity.

    ``gravity_estimate`` and ``median_magnitude`` are in the file's own unit.
    """

    gravity_included: bool
    unit: AccUnit
    gravity_estimate: float
    median_magnitude: float
    notes: tuple[str, ...]

    @property
    def factor_to_m_s2(self) -> float:
        return self.unit.factor_to_m_s2


#: Robust statistics (medians, percentiles) use at most this many evenly spread samples.
MAX_STAT_SAMPLES = 200_000


def _spread(values: FloatArray) -> FloatArray:
    step = max(1, values.shape[0] // MAX_STAT_SAMPLES)
    return values[::step]


def median_magnitude(acc: FloatArray) -> float:
    """Median of the per-sample vector magnitude (raw units), over evenly spread samples.

    The square root is monotonic, so the median is taken of the squared magnitudes and only
    the middle one or two are rooted: the same value as ``np.median(np.linalg.norm(...))``
    (the squares summed in the same order), without a root per sample."""
    values = _spread(acc)
    n = values.shape[0]
    if n == 0 or values.ndim != 2 or values.shape[1] != 3:
        return float(np.median(np.linalg.norm(values, axis=1)))
    squared = values[:, 0] * values[:, 0]
    squared += values[:, 1] * values[:, 1]
    squared += values[:, 2] * values[:, 2]
    if np.isnan(squared).any():
        return float("nan")
    middle = [(n - 1) // 2, n // 2]
    lo, hi = np.sqrt(np.partition(squared, middle)[middle])
    return float(lo) if n % 2 else float(np.mean([lo, hi]))


def median_interval_s(time_s: FloatArray) -> float:
    """Median time between consecutive samples (s); NaN with fewer than 2 samples."""
    if time_s.size < 2:
        return float("nan")
    return float(np.median(np.diff(time_s), overwrite_input=True))  # the diff is ours


def gravity_estimate(
    acc: FloatArray, time_s: FloatArray, *, median_dt_s: float | None = None
) -> float:
    """Median magnitude of the mean vectors of consecutive ~1-s windows (raw units).

    About 1 (g) or 9.81 (m/s^2) when gravity is in the signal, whatever the placement (the
    phone walks give 9.10-10.21 m/s^2); near 0 for gravity-free (linear) acceleration, whose
    mean over a second is close to zero even while walking, when the median magnitude is not.
    ``median_dt_s``: ``median_interval_s(time_s)`` when the caller has it already.
    """
    n = acc.shape[0]
    if n == 0:
        return 0.0
    if n == 1:
        dt = GRAVITY_WINDOW_S
    else:
        dt = median_interval_s(time_s) if median_dt_s is None else median_dt_s
    per_window = max(1, round(GRAVITY_WINDOW_S / dt)) if dt > 0 else n
    n_windows = n // per_window
    if n_windows == 0:
        return float(np.linalg.norm(acc.mean(axis=0)))
    windows = acc[: n_windows * per_window].reshape(n_windows, per_window, 3)
    # the sums as ``windows.mean(axis=1)`` takes them (each window's samples added in order),
    # about 4x faster than its reduction over the middle axis, whose inner loop is 3 long
    means = np.einsum("wsc->wc", windows) / per_window
    return float(np.median(np.linalg.norm(means, axis=1)))


def _in(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= value <= bounds[1]


def check_acceleration(
    acc: FloatArray,
    time_s: FloatArray,
    *,
    declared_unit: AccUnit | None = None,
    declared_gravity: bool | None = None,
    median_dt_s: float | None = None,
) -> AccelerationCheck:
    """Detect g versus m/s^2 and gravity present versus removed; refuse anything else.

    The data decide; a file's own label (a unit in a header, a "linear" file name) only adds a
    note when it disagrees, or supplies the unit of gravity-free data, which the magnitude
    cannot tell (then m/s^2 is assumed and said). ``median_dt_s``: ``median_interval_s(time_s)``
    when the caller has it already.
    """
    g_est = gravity_estimate(acc, time_s, median_dt_s=median_dt_s)
    med = median_magnitude(acc)
    ratio = g_est / med if med > 0 else 0.0
    notes: list[str] = []
    if ratio >= GRAVITY_MIN_RATIO and (
        _in(g_est, GRAVITY_RANGE_G) or _in(g_est, GRAVITY_RANGE_M_S2)
    ):
        unit = AccUnit.G if _in(g_est, GRAVITY_RANGE_G) else AccUnit.M_S2
        included = True
        if declared_unit is not None and declared_unit is not unit:
            notes.append(
                f"the file says {declared_unit.value} but its gravity reads {g_est:.2f}, "
                f"which is {unit.value}; read as {unit.value}"
            )
        if declared_gravity is False:
            notes.append("the file is labelled gravity-free but its signal holds gravity")
        if unit is AccUnit.G:
            notes.append(f"acceleration in g (gravity reads {g_est:.2f} g) converted to m/s^2")
    elif g_est <= GRAVITY_FREE_MAX or ratio <= GRAVITY_FREE_MAX_RATIO:
        included = False
        if declared_unit is None:
            unit = AccUnit.M_S2
            notes.append(
                "gravity-free acceleration: its unit cannot be checked against gravity; "
                "assumed m/s^2"
            )
        else:
            unit = declared_unit
        if declared_gravity is True:
            notes.append("the file is labelled as including gravity but its signal holds none")
        notes.append(
            "linear acceleration only (gravity removed, no gravity stream): steps and cadence "
            "can be counted; phone orientation is unknown"
        )
    else:
        raise MotionDataError(
            f"the acceleration is not consistent with gravity in any unit: gravity reads "
            f"{g_est:.3g} (median of 1-s mean vectors) and the median magnitude is {med:.3g}; "
            f"expected gravity about 1 (g) or about 9.81 (m/s^2) and close to the median "
            f"magnitude, or near 0 (gravity removed)"
        )
    return AccelerationCheck(included, unit, g_est, med, tuple(notes))


def check_gyro_rad_s(gyro: FloatArray) -> None:
    """Refuse angular rates that can only be deg/s (beyond what a phone gyroscope measures)."""
    if gyro.size == 0:
        return
    p99 = float(np.percentile(np.abs(_spread(gyro)), 99))
    if p99 > MAX_GYRO_RAD_S:
        raise MotionDataError(
            f"the gyroscope reads up to {p99:.0f} (99th percentile), more than a phone measures "
            f"in rad/s ({MAX_GYRO_RAD_S:.0f}); is it in deg/s? Expected rad/s"
        )


@dataclass(frozen=True)
class TimeCleaning:
    """Which samples to keep so time is strictly increasing, and what was dropped."""

    keep: NDArray[np.bool_] | None  # None: keep everything
    notes: tuple[str, ...]


def clean_time(time_s: FloatArray, where: Callable[[int], str]) -> TimeCleaning:
    """Make time strictly increasing or refuse, saying where it broke.

    A sample whose time equals (duplicate) or falls at most ``BACKWARD_TOLERANCE_S`` behind
    the latest time so far is dropped; more than ``MAX_DROPPED_FRACTION`` of such samples, or
    any larger step backwards, is refused. ``where(i)`` names sample i ("line 12").
    """
    n = time_s.size
    if n < 2:
        return TimeCleaning(None, ())
    bad_nan = np.flatnonzero(~np.isfinite(time_s))
    if bad_nan.size:
        raise MotionDataError(f"time is missing or not finite on {where(int(bad_nan[0]))}")
    latest = np.maximum.accumulate(time_s)
    behind = np.empty(n)
    behind[0] = -np.inf
    np.subtract(latest[:-1], time_s[1:], out=behind[1:])
    backwards = np.flatnonzero(behind > BACKWARD_TOLERANCE_S)
    if backwards.size:
        i = int(backwards[0])
        raise MotionDataError(
            f"time goes backwards by {behind[i]:.6g} s on {where(i)} "
            f"({time_s[i - 1]:.6f} s then {time_s[i]:.6f} s); "
            f"{int(np.count_nonzero(np.diff(time_s) < -BACKWARD_TOLERANCE_S))} such step(s) "
            f"in all"
        )
    dropped = behind >= 0
    n_dup = int(np.count_nonzero(behind == 0))
    n_jitter = int(np.count_nonzero(dropped)) - n_dup
    if n_dup + n_jitter == 0:
        return TimeCleaning(None, ())
    first = int(np.flatnonzero(dropped)[0])
    if n_dup + n_jitter > MAX_DROPPED_FRACTION * n:
        raise MotionDataError(
            f"{n_dup} duplicated and {n_jitter} slightly backward timestamps out of {n} samples "
            f"(first on {where(first)}): more than {MAX_DROPPED_FRACTION:.0%}, the clock is "
            f"not usable"
        )
    notes = []
    if n_dup:
        notes.append(
            f"{n_dup} sample(s) with a duplicated timestamp dropped (first on {where(first)})"
        )
    if n_jitter:
        notes.append(
            f"{n_jitter} sample(s) up to {BACKWARD_TOLERANCE_S * 1000:.0f} ms behind the "
            f"previous one dropped"
        )
    return TimeCleaning(~dropped, tuple(notes))


def sampling_notes(time_s: FloatArray, *, median_dt_s: float | None = None) -> tuple[str, ...]:
    """Median rate, interval jitter (median absolute deviation) and long gaps, as notes.
    ``median_dt_s``: ``median_interval_s(time_s)`` when the caller has it already."""
    if time_s.size < 2:
        return ()
    dt = np.diff(time_s)
    med = float(np.median(dt)) if median_dt_s is None else median_dt_s
    deviation = np.subtract(dt, med)
    np.abs(deviation, out=deviation)
    jitter = float(np.median(deviation, overwrite_input=True))
    notes = [
        f"median sampling rate {1.0 / med:.1f} Hz (interval {med * 1000:.2f} ms, "
        f"jitter {jitter * 1000:.2f} ms median absolute deviation); samples kept as recorded"
    ]
    gaps = np.flatnonzero(dt > GAP_NOTE_S)
    if gaps.size:
        longest = int(gaps[np.argmax(dt[gaps])])
        notes.append(
            f"{gaps.size} gap(s) longer than {GAP_NOTE_S:g} s; the longest is {dt[longest]:.1f} s "
            f"at {time_s[longest] - time_s[0]:.1f} s"
        )
    return tuple(notes)


def align_stream(
    target_time_s: FloatArray, source_time_s: FloatArray, values: FloatArray, name: str
) -> tuple[FloatArray | None, NDArray[np.bool_], tuple[str, ...]]:
    """Interpolate a second stream (gyroscope, gravity) onto the accelerometer's times.

    Returns the values at the target times inside the overlap, the mask of target samples
    inside it, and notes. A stream covering less than ``MIN_STREAM_COVERAGE`` of the target
    span is not used (values None, mask all true) and the note says so.
    """
    all_true = np.ones(target_time_s.size, dtype=bool)
    if source_time_s.shape == target_time_s.shape and np.array_equal(source_time_s, target_time_s):
        return values, all_true, ()  # same sample times: nothing to interpolate
    span = float(target_time_s[-1] - target_time_s[0])
    if source_time_s.size < 2:
        return None, all_true, (f"{name} has fewer than 2 samples; not used",)
    lo = max(float(source_time_s[0]), float(target_time_s[0]))
    hi = min(float(source_time_s[-1]), float(target_time_s[-1]))
    if span <= 0 or hi - lo < MIN_STREAM_COVERAGE * span:
        covered = max(0.0, hi - lo) / span if span > 0 else 0.0
        return None, all_true, (f"{name} covers only {covered:.0%} of the recording; not used",)
    inside = (target_time_s >= lo) & (target_time_s <= hi)
    t = target_time_s[inside]
    out = np.empty((t.size, values.shape[1]))
    for axis in range(values.shape[1]):
        out[:, axis] = np.interp(t, source_time_s, values[:, axis])
    notes = [f"{name} interpolated onto the accelerometer's sample times"]
    cut = target_time_s.size - t.size
    if cut:
        notes.append(f"{cut} accelerometer sample(s) outside the span of {name} dropped")
    return out, inside, tuple(notes)


def combine_user_and_gravity(user: FloatArray, gravity: FloatArray) -> FloatArray:
    """Total acceleration (specific force) = user acceleration + gravity, same time base.

    Sensor Logger's Accelerometer.csv is gravity-free and Gravity.csv holds gravity alone,
    both in the device frame and the same unit; their sum is what TotalAcceleration.csv holds.
    """
    if user.shape != gravity.shape:
        raise ValueError(f"shapes differ: {user.shape} and {gravity.shape}")
    return user + gravity
