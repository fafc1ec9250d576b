"""Irregular motion samples onto a uniform time grid, with sampling gaps kept visible.

Phones deliver sensor events irregularly (Android: about 100-400 Hz with jitter, pauses when an
app goes to the background). The gait algorithms need a uniform rate, and they must not invent
walking inside a pause. :class:`Resampler` therefore

1. averages the raw samples falling in each output bin (a box anti-alias filter that also handles
   irregular and duplicated timestamps),
2. interpolates linearly between non-empty bins (at the bins' mean sample times), and
3. marks every output sample inside a pause longer than ``max_gap_s`` as invalid and lists the
   pauses as :class:`Gap` objects, so bouts split there and no step is counted there.

Everything is vectorised (``np.bincount``/``np.interp``): no Python loop over samples.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from retrowalk.errors import InvalidInput
from retrowalk.sensing.recording import MotionRecording

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class Gap:
    """A pause in the raw samples, in recording seconds (last sample before, first after)."""

    start_s: float
    end_s: float

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True)
class UniformMotion:
    """Motion on a uniform grid: sample ``i`` is at ``start_s + i / rate_hz`` recording seconds.

    ``valid[i]`` is False inside a sampling gap (values there are interpolated filler, not data).
    A "sample" here is one time point with all channels.
    """

    rate_hz: float
    start_s: float
    acc_m_s2: FloatArray
    gyro_rad_s: FloatArray | None
    valid: BoolArray
    gaps: tuple[Gap, ...]
    gravity_included: bool

    @property
    def n_samples(self) -> int:
        return int(self.valid.size)

    @property
    def time_s(self) -> FloatArray:
        return self.start_s + np.arange(self.n_samples, dtype=np.float64) / self.rate_hz


def find_gaps(
    time_s: FloatArray, max_gap_s: float, *, dt_s: FloatArray | None = None
) -> tuple[Gap, ...]:
    """Pauses between consecutive samples longer than ``max_gap_s`` (seconds).

    ``dt_s``: ``np.diff(time_s)`` when the caller has it already.
    """
    dt = np.diff(time_s) if dt_s is None else dt_s
    idx = np.flatnonzero(dt > max_gap_s)
    return tuple(Gap(float(time_s[i]), float(time_s[i + 1])) for i in idx)


def _all_finite(values: FloatArray) -> bool:
    # A finite sum means every value is finite (an infinity or a NaN makes the sum non-finite);
    # only a sum that overflowed needs the element-wise look. No temporary array otherwise.
    return bool(np.isfinite(np.sum(values))) or bool(np.all(np.isfinite(values)))


def _strictly_increasing(t: FloatArray) -> bool:
    # finite ends and every step up: then every time is finite
    ends_finite = bool(np.isfinite(t[0]) and np.isfinite(t[-1]))
    return ends_finite and bool(np.all(t[1:] > t[:-1]))


def check_recording(recording: MotionRecording) -> None:
    """Raise :class:`InvalidInput` unless the arrays have the shapes and order needed."""
    t = np.asarray(recording.time_s)
    acc = np.asarray(recording.acc_m_s2)
    if t.ndim != 1 or t.size < 2:
        raise InvalidInput("time_s", f"shape {t.shape}", "a 1-D array of at least 2 samples")
    if acc.shape != (t.size, 3):
        raise InvalidInput("acc_m_s2", f"shape {acc.shape}", f"shape ({t.size}, 3)")
    gyro = recording.gyro_rad_s
    if gyro is not None and np.asarray(gyro).shape != (t.size, 3):
        raise InvalidInput("gyro_rad_s", f"shape {np.asarray(gyro).shape}", f"({t.size}, 3)")
    if not _strictly_increasing(t):
        raise InvalidInput("time_s", "not strictly increasing", "finite, strictly increasing")
    if not _all_finite(acc) or (gyro is not None and not _all_finite(np.asarray(gyro))):
        raise InvalidInput("acc_m_s2/gyro_rad_s", "NaN or infinite values", "finite numbers")


class Resampler:
    """Resample a :class:`MotionRecording` to a uniform rate.

    Parameters
    ----------
    rate_hz:
        Output rate, default 50 Hz: ten times the highest step frequency of walking (about
        3 Hz at 180 steps/min), and half the work of 100 Hz for the step analysis
        (design choice, expert-opinion).
    max_gap_s:
        A pause between raw samples longer than this (default 0.5 s, about one step) is a gap:
        samples inside it are invalid and walking bouts split there (design choice,
        expert-opinion).
    """

    def __init__(self, rate_hz: float = 50.0, max_gap_s: float = 0.5) -> None:
        if not 5.0 <= rate_hz <= 1000.0:
            raise InvalidInput("rate_hz", rate_hz, "5 to 1000 Hz")
        if not max_gap_s > 0:
            raise InvalidInput("max_gap_s", max_gap_s, "a positive number of seconds")
        self.rate_hz = float(rate_hz)
        self.max_gap_s = float(max_gap_s)

    def resample(
        self,
        recording: MotionRecording,
        *,
        include_gyro: bool = True,
        checked: bool = False,
        gaps: tuple[Gap, ...] | None = None,
    ) -> UniformMotion:
        """``recording`` on the uniform grid; ``include_gyro=False`` skips the rotation rate
        (``gyro_rad_s`` is then None), for analyses that use acceleration only.

        ``checked``: the caller has run ``check_recording`` on it already; ``gaps``:
        ``find_gaps(recording.time_s, self.max_gap_s)`` when the caller has them (each a pass
        over the samples otherwise)."""
        if not checked:
            check_recording(recording)
        t = np.asarray(recording.time_s, dtype=np.float64)
        rate = self.rate_hz
        start_s = float(np.ceil(t[0] * rate) / rate)
        n_out = int(np.floor((t[-1] - start_s) * rate)) + 1
        if n_out < 2:
            raise InvalidInput("duration_s", recording.duration_s, f"at least {2 / rate:.3f} s")
        grid = start_s + np.arange(n_out, dtype=np.float64) / rate
        # Bin k collects the raw samples nearest to grid point k (arithmetic in place: one
        # temporary array instead of three).
        position = t - start_s
        position *= rate
        np.rint(position, out=position)
        k = position.astype(np.intp)
        del position
        np.clip(k, 0, n_out - 1, out=k)
        counts = np.bincount(k, minlength=n_out).astype(np.float64)
        filled = counts > 0
        every_bin = bool(filled.all())  # the usual case: no selection (copy) needed

        def bin_sums(weights: FloatArray) -> FloatArray:
            sums = np.asarray(np.bincount(k, weights=weights, minlength=n_out), dtype=np.float64)
            return sums if every_bin else sums[filled]

        inv = 1.0 / (counts if every_bin else counts[filled])
        x = bin_sums(t) * inv

        def channel(values: FloatArray) -> FloatArray:
            return np.interp(grid, x, bin_sums(values) * inv)

        acc_in = np.asarray(recording.acc_m_s2, dtype=np.float64)
        acc = np.column_stack([channel(acc_in[:, j]) for j in range(3)])
        gyro: FloatArray | None = None
        if include_gyro and recording.gyro_rad_s is not None:
            gyro_in = np.asarray(recording.gyro_rad_s, dtype=np.float64)
            gyro = np.column_stack([channel(gyro_in[:, j]) for j in range(3)])

        if gaps is None:
            gaps = find_gaps(t, self.max_gap_s)
        valid = np.ones(n_out, dtype=bool)
        if gaps:
            starts = np.array([g.start_s for g in gaps])
            ends = np.array([g.end_s for g in gaps])
            first = np.searchsorted(grid, starts, side="right")
            last = np.searchsorted(grid, ends, side="left")
            marks = np.zeros(n_out + 1, dtype=np.int64)
            np.add.at(marks, first, 1)
            np.add.at(marks, last, -1)
            valid = np.cumsum(marks[:-1]) <= 0
        return UniformMotion(
            rate_hz=rate,
            start_s=start_s,
            acc_m_s2=acc,
            gyro_rad_s=gyro,
            valid=valid,
            gaps=gaps,
            gravity_included=recording.gravity_included,
        )
