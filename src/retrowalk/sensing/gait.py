"""One call from a motion recording to walking bouts, steps, cadence and signal quality.

``analyze_motion(recording)`` runs: quality check (raw samples) -> uniform resampling with gaps
kept -> orientation-invariant step signal -> walking windows and candidate bouts -> steps, which
set each bout's start and end. Times are seconds of recording time (``recording.time_s``).
Accuracy on real recordings: see :class:`retrowalk.sensing.steps.StepCounter`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from retrowalk.sensing.bouts import BoutDetector
from retrowalk.sensing.quality import QualityChecker, SignalQuality
from retrowalk.sensing.recording import MotionRecording
from retrowalk.sensing.resample import Resampler
from retrowalk.sensing.signals import FloatArray, step_signal
from retrowalk.sensing.steps import StepCounter


@dataclass(frozen=True)
class WalkingBout:
    """A bout of walking, in recording seconds; cadence = 60 * steps / duration."""

    start_s: float
    end_s: float
    steps: int
    cadence_steps_per_min: float
    step_times_s: FloatArray

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True)
class GaitAnalysis:
    bouts: tuple[WalkingBout, ...]
    quality: SignalQuality
    analysis_rate_hz: float

    @property
    def total_walking_s(self) -> float:
        return float(sum(b.duration_s for b in self.bouts))

    @property
    def total_steps(self) -> int:
        return sum(b.steps for b in self.bouts)

    @property
    def mean_cadence_steps_per_min(self) -> float | None:
        walking_s = self.total_walking_s
        return 60.0 * self.total_steps / walking_s if walking_s > 0 else None


def analyze_motion(
    recording: MotionRecording,
    *,
    resampler: Resampler | None = None,
    bout_detector: BoutDetector | None = None,
    step_counter: StepCounter | None = None,
    quality_checker: QualityChecker | None = None,
    band_hz: tuple[float, float] = (0.5, 3.0),
) -> GaitAnalysis:
    """Walking bouts, steps, cadence and signal quality of ``recording``.

    ``band_hz``: step-frequency band of the step signal, default 0.5-3 Hz (30-180 steps/min
    and the stride fundamental of slow walking; design choice, expert-opinion).
    Each algorithm object can be passed in with other parameters; defaults otherwise.
    """
    resampler = resampler or Resampler()
    checker = quality_checker or QualityChecker(max_gap_s=resampler.max_gap_s)
    quality = checker.assess(recording)  # checks the recording (``check_recording``)
    # Steps and bouts use acceleration only; the rotation rate is checked in ``quality``.
    same_gaps = checker.max_gap_s == resampler.max_gap_s
    uniform = resampler.resample(
        recording, include_gyro=False, checked=True, gaps=quality.gaps if same_gaps else None
    )
    rate = uniform.rate_hz
    x = step_signal(
        uniform.acc_m_s2, rate, gravity_included=uniform.gravity_included, band_hz=band_hz
    )
    # filler inside gaps carries no steps
    x = np.where(uniform.valid, x, 0.0)
    candidates = (bout_detector or BoutDetector()).detect(x, rate, uniform.valid)
    found = (step_counter or StepCounter()).detect(x, rate, candidates.bouts)
    offset = uniform.start_s
    bouts = tuple(
        WalkingBout(
            start_s=b.start_s + offset,
            end_s=b.end_s + offset,
            steps=b.steps,
            cadence_steps_per_min=b.cadence_steps_per_min,
            step_times_s=b.step_times_s + offset,
        )
        for b in found.bouts
    )
    return GaitAnalysis(bouts=bouts, quality=quality, analysis_rate_hz=rate)
