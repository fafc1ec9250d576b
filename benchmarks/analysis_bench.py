"""Speed of the motion-analysis stage (``analyze_motion``) on a synthetic 60-minute recording.

A "sample" is one time point with all channels (3 acceleration + 3 rotation-rate values), so a
60-minute 100 Hz 6-axis recording is 360,000 samples. The analysis stage is everything after
the file is read: quality check, resampling (to 50 Hz), step signal, bouts and steps.

Baseline in the same run: one ``np.convolve`` pass (a 1-second moving mean, mode "same") over
each of the six channels of the same array: about the cheapest useful thing one can do to every
value once. Prints medians of repeats, samples per second and the ratio analysis / baseline.

Usage: /work/venv/bin/python benchmarks/analysis_bench.py [--repeats 7] [--minutes 60]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from retrowalk.sensing.bouts import BoutDetector
from retrowalk.sensing.gait import analyze_motion
from retrowalk.sensing.quality import QualityChecker
from retrowalk.sensing.recording import STANDARD_GRAVITY_M_S2, MotionRecording
from retrowalk.sensing.resample import Resampler
from retrowalk.sensing.signals import step_signal
from retrowalk.sensing.steps import StepCounter

RATE_HZ = 100.0


def synthetic_recording(minutes: float, seed: int = 1) -> tuple[MotionRecording, int]:
    """Alternating walking (60-240 s, 95-125 steps/min) and standing (20-90 s), tilted sensor.

    Returns the recording and its true number of steps.
    """
    rng = np.random.default_rng(seed)
    n = int(minutes * 60 * RATE_HZ)
    t = np.arange(n) / RATE_HZ + rng.uniform(-1e-3, 1e-3, n)  # a little timestamp jitter
    t[0] = 0.0
    t.sort()
    step_hz = np.zeros(n)
    edge, walking, true_steps = 0.0, False, 0
    while edge < t[-1]:
        length = rng.uniform(60, 240) if walking else rng.uniform(20, 90)
        inside = (t >= edge) & (t < edge + length)
        if walking:
            step_hz[inside] = rng.uniform(95, 125) / 60
        edge += length
        walking = not walking
    phase = 2 * np.pi * np.cumsum(step_hz) / RATE_HZ
    true_steps = int(np.floor(phase[-1] / (2 * np.pi)))
    moving = step_hz > 0
    vertical = moving * (2.0 * np.cos(phase) + 0.6 * np.cos(2 * phase))
    forward = moving * 1.0 * np.sin(phase)
    lateral = moving * 0.8 * np.sin(phase / 2)
    body = np.column_stack([forward, lateral, STANDARD_GRAVITY_M_S2 + vertical])
    body += rng.normal(0.0, 0.05, body.shape)
    tilt = np.deg2rad(35.0)  # a sensor tilted about its x axis
    rot = np.array([[1, 0, 0], [0, np.cos(tilt), -np.sin(tilt)], [0, np.sin(tilt), np.cos(tilt)]])
    acc = body @ rot.T
    gyro = np.column_stack([0.5 * np.sin(phase), 0.3 * np.cos(phase / 2), 0.2 * np.sin(phase)])
    gyro = gyro * moving[:, None] + rng.normal(0.0, 0.01, gyro.shape)
    rec = MotionRecording(
        time_s=t, acc_m_s2=acc, gyro_rad_s=gyro, gravity_included=True, source_format="synthetic"
    )
    return rec, true_steps


def median_s(fn: Callable[[], object], repeats: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--minutes", type=float, default=60.0)
    args = parser.parse_args()

    rec, true_steps = synthetic_recording(args.minutes)
    n = rec.n_samples
    six = np.column_stack([rec.acc_m_s2, rec.gyro_rad_s])
    kernel = np.full(int(RATE_HZ), 1.0 / RATE_HZ)

    def baseline() -> None:
        for j in range(six.shape[1]):
            np.convolve(six[:, j], kernel, mode="same")

    analysis = analyze_motion(rec)
    t_analysis = median_s(lambda: analyze_motion(rec), args.repeats)
    t_base = median_s(baseline, args.repeats)

    resampler = Resampler()
    uniform = resampler.resample(rec)
    x = step_signal(uniform.acc_m_s2, uniform.rate_hz)
    cands = BoutDetector().detect(x, uniform.rate_hz, uniform.valid)
    stages = {
        "quality": lambda: QualityChecker().assess(rec),
        "resample (acc only)": lambda: resampler.resample(rec, include_gyro=False),
        "step signal": lambda: step_signal(uniform.acc_m_s2, uniform.rate_hz),
        "bouts": lambda: BoutDetector().detect(x, uniform.rate_hz, uniform.valid),
        "steps": lambda: StepCounter().detect(x, uniform.rate_hz, cands.bouts),
    }
    print(f"synthetic recording: {args.minutes:g} min, {n:,} samples x 6 channels at 100 Hz")
    print(
        f"found {analysis.total_steps} steps in {len(analysis.bouts)} bouts "
        f"(true {true_steps}; {100 * (analysis.total_steps - true_steps) / true_steps:+.2f} %)"
    )
    print(f"median of {args.repeats} repeats:")
    for label, seconds in (("analyze_motion", t_analysis), ("np.convolve x6", t_base)):
        print(f"  {label:<18} {1e3 * seconds:8.1f} ms  {n / seconds / 1e6:6.2f} M samples/s")
    print(f"  ratio analysis / baseline time: {t_analysis / t_base:.2f}")
    print("stages (median):")
    for name, fn in stages.items():
        print(f"  {name:<18} {1e3 * median_s(fn, args.repeats):8.1f} ms")


if __name__ == "__main__":
    main()
