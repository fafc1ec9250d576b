"""Signal quality of a motion recording: sampling rate and jitter, gaps, clipping, gravity.

What the walker and the therapist are told when a recording's numbers deserve less trust:
pauses in the samples (an app sent to the background), values stuck at the sensor's range
(a hard heel strike on a +/-2 g or +/-4 g phone sensor), a rate too low for step analysis, and
an acceleration whose still level is not gravity (wrong units, or gravity removed).

Clipping is seen as the largest absolute value of a sensor being reached by several samples:
a real peak is reached once, a ceiling many times. On the 48 phone walks of
../shared/data/phone-steps this flags 8 walks: two Samsung back-pocket walks stuck at
39.23 m/s^2 (4 g) in 1.7-1.8 % of their samples, five Samsung purse or pocket walks touching
4 g in 3-20 samples, and a Nexus in the hand at 19.01 m/s^2 (its 2 g range) in 16 samples.
Their step errors were -0.4 to +2.5 % (heel-strike peaks are cut, not lost), so clipping is
reported, not refused. None of the 70 waist trials is flagged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from retrowalk.errors import InvalidInput
from retrowalk.sensing.recording import STANDARD_GRAVITY_M_S2, MotionRecording
from retrowalk.sensing.resample import Gap, check_recording, find_gaps


@dataclass(frozen=True)
class Clipping:
    """Samples of one sensor stuck at its largest absolute value ``level`` (sensor units)."""

    level: float
    samples: int
    fraction: float


@dataclass(frozen=True)
class SignalQuality:
    """Quality figures of one recording; ``issues`` lists what a person should know."""

    duration_s: float
    n_samples: int
    mean_rate_hz: float
    rate_jitter_pct: float
    gaps: tuple[Gap, ...]
    acc_clipping: Clipping | None
    gyro_clipping: Clipping | None
    median_acc_magnitude_m_s2: float
    issues: tuple[str, ...]

    @property
    def gap_total_s(self) -> float:
        return float(sum(g.duration_s for g in self.gaps))

    @property
    def longest_gap_s(self) -> float:
        return max((g.duration_s for g in self.gaps), default=0.0)

    @property
    def ok(self) -> bool:
        return not self.issues


def _clipping(values: NDArray[np.float64], min_samples: int, rel_tol: float) -> Clipping | None:
    # |v| >= threshold, written as v >= threshold or v <= -threshold (threshold > 0): the same
    # samples without an array of absolute values
    level = float(max(values.max(), -values.min()))
    if level <= 0.0:
        return None
    threshold = level * (1.0 - rel_tol)
    n_at_level = np.count_nonzero(values >= threshold) + np.count_nonzero(values <= -threshold)
    if int(n_at_level) < min_samples:
        return None
    at_level = (values >= threshold) | (values <= -threshold)
    samples = int(np.count_nonzero(at_level.any(axis=1)))
    return Clipping(level=level, samples=samples, fraction=samples / values.shape[0])


class QualityChecker:
    """Assess a :class:`MotionRecording` before analysis.

    Parameters (design choices, expert-opinion)
    ----------
    max_gap_s:
        A pause between samples longer than this is a gap (default 0.5 s, as the resampler).
    clip_min_samples:
        Samples (over all axes) at the largest absolute value that make it a ceiling
        (default 3).
    clip_rel_tolerance:
        How close to the largest value counts as "at" it, relative (default 1e-4).
    min_rate_hz:
        Lowest mean rate for step analysis (default 20 Hz: steps reach 3 Hz, peaks need about
        six samples per step).
    gravity_range_m_s2:
        Median magnitude expected when gravity is included (default 8.0-12.0 m/s^2; a phone
        reading in g would give about 1).
    """

    def __init__(
        self,
        max_gap_s: float = 0.5,
        clip_min_samples: int = 3,
        clip_rel_tolerance: float = 1e-4,
        min_rate_hz: float = 20.0,
        gravity_range_m_s2: tuple[float, float] = (8.0, 12.0),
    ) -> None:
        if not max_gap_s > 0:
            raise InvalidInput("max_gap_s", max_gap_s, "a positive number of seconds")
        if not clip_min_samples >= 1:
            raise InvalidInput("clip_min_samples", clip_min_samples, "1 or more")
        if not 0.0 <= clip_rel_tolerance < 0.1:
            raise InvalidInput("clip_rel_tolerance", clip_rel_tolerance, "0 to 0.1")
        if not min_rate_hz > 0:
            raise InvalidInput("min_rate_hz", min_rate_hz, "a positive rate in Hz")
        low, high = gravity_range_m_s2
        if not 0 < low < high:
            raise InvalidInput("gravity_range_m_s2", gravity_range_m_s2, "0 < low < high")
        self.max_gap_s = float(max_gap_s)
        self.clip_min_samples = int(clip_min_samples)
        self.clip_rel_tolerance = float(clip_rel_tolerance)
        self.min_rate_hz = float(min_rate_hz)
        self.gravity_range_m_s2 = (float(low), float(high))

    def assess(self, recording: MotionRecording) -> SignalQuality:
        check_recording(recording)
        t = np.asarray(recording.time_s, dtype=np.float64)
        acc = np.asarray(recording.acc_m_s2, dtype=np.float64)
        dt = np.diff(t)
        gaps = find_gaps(t, self.max_gap_s, dt_s=dt)
        regular = dt[dt <= self.max_gap_s] if gaps else dt
        mean_dt = float(regular.mean()) if regular.size else float(dt.mean())
        jitter_pct = float(100.0 * regular.std() / mean_dt) if regular.size else 0.0
        mean_rate = 1.0 / mean_dt
        acc_clip = _clipping(acc, self.clip_min_samples, self.clip_rel_tolerance)
        gyro_clip = None
        if recording.gyro_rad_s is not None:
            gyro = np.asarray(recording.gyro_rad_s, dtype=np.float64)
            gyro_clip = _clipping(gyro, self.clip_min_samples, self.clip_rel_tolerance)
        # the median of a strided subset: exact enough, and cheap on hour-long recordings
        stride = max(acc.shape[0] // 20_000, 1)
        sub = acc[::stride]
        median_mag = float(np.median(np.sqrt(np.einsum("ij,ij->i", sub, sub))))

        issues: list[str] = []
        if gaps:
            longest = max(g.duration_s for g in gaps)
            total = sum(g.duration_s for g in gaps)
            issues.append(
                f"{len(gaps)} sampling gap(s) longer than {self.max_gap_s:g} s "
                f"(longest {longest:.1f} s, {total:.1f} s in all): no steps counted there"
            )
        if mean_rate < self.min_rate_hz:
            issues.append(
                f"sampling rate {mean_rate:.1f} Hz is below {self.min_rate_hz:g} Hz: "
                "steps may be missed"
            )
        if acc_clip is not None:
            issues.append(
                f"acceleration clipped at {acc_clip.level:.2f} m/s^2 "
                f"({acc_clip.level / STANDARD_GRAVITY_M_S2:.1f} g) in {acc_clip.samples} "
                f"sample(s) ({100 * acc_clip.fraction:.2f} %)"
            )
        if gyro_clip is not None:
            issues.append(
                f"rotation rate clipped at {gyro_clip.level:.2f} rad/s in "
                f"{gyro_clip.samples} sample(s) ({100 * gyro_clip.fraction:.2f} %)"
            )
        if not recording.gravity_included:
            issues.append(
                "gravity removed (linear acceleration only): steps are counted on the main axis "
                "of motion; with the phone swinging in the hand or in a front pocket this can "
                "count strides instead of steps (a recording with gravity is more reliable)"
            )
        low, high = self.gravity_range_m_s2
        if recording.gravity_included and not low <= median_mag <= high:
            issues.append(
                f"median acceleration {median_mag:.2f} m/s^2 is not gravity "
                f"({low:g}-{high:g} m/s^2 expected): wrong units or gravity removed?"
            )
        return SignalQuality(
            duration_s=recording.duration_s,
            n_samples=recording.n_samples,
            mean_rate_hz=mean_rate,
            rate_jitter_pct=jitter_pct,
            gaps=gaps,
            acc_clipping=acc_clip,
            gyro_clipping=gyro_clip,
            median_acc_magnitude_m_s2=median_mag,
            issues=tuple(issues),
        )
