"""Speed of the direction stage (``DirectionDetector.detect``) against ``analyze_motion``.

The recording is the 60-minute 100 Hz 6-axis synthetic one of ``analysis_bench.py``
(alternating walking and standing, tilted sensor; 360,000 samples). In the same run: the
median time of ``analyze_motion`` (quality, resampling, bouts, steps), of ``detect`` given its
bouts (uncalibrated, and with a 60 s warm-up calibration), of reading the same recording from
a generic sensor CSV (``read_motion``), and the share the direction stage adds to the motion
analysis and to the end-to-end import (read + analyse). Target (issue 7): it adds under 20 %.

Times are CPU time (``time.process_time``), medians of repeats in which the stages run in
turn, so that the load of the shared machine hits them alike.

Measured (2 shared cores, load 3-6, 11-15 repeats): analyze_motion 58-78 ms; detect 35-52 ms
(6.9-10.3 M samples/s), 60-71 % of analyze_motion (target 20 %: not met); read_motion 177-194
ms, so 15-16 % of the import. The version before (all channels filtered over the whole
recording, products summed block by block), timed in turn with this one: 64-74 ms, 83-100 %. What
is left is the data itself: block means of 6 channels at 100 Hz, one causal filter pass over
6 channels at 25 Hz, the per-block products of 9, and building one result per window.

Usage: .venv/bin/python benchmarks/direction_bench.py [--repeats 11] [--minutes 60]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from analysis_bench import synthetic_recording

from retrowalk.formats.generic_csv_writer import write_generic_csv
from retrowalk.formats.sensor_csv import read_motion
from retrowalk.sensing.direction import DirectionDetector
from retrowalk.sensing.gait import analyze_motion


def interleaved_cpu_s(tasks: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Median CPU time (``time.process_time``) of each task, the tasks run in turn in every
    repeat (a load that comes and goes hits them alike), after one warm-up run each."""
    for fn in tasks.values():
        fn()
    times: dict[str, list[float]] = {name: [] for name in tasks}
    for _ in range(repeats):
        for name, fn in tasks.items():
            start = time.process_time()
            fn()
            times[name].append(time.process_time() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=11)
    parser.add_argument("--minutes", type=float, default=60.0)
    args = parser.parse_args()

    rec, _ = synthetic_recording(args.minutes)
    n = rec.n_samples
    bouts = analyze_motion(rec).bouts
    detector = DirectionDetector(placement="waist")
    result = detector.detect(rec, bouts, warmup_s=60.0)
    walking_s = sum(b.end_s - b.start_s for b in bouts)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "walk.csv"
        write_generic_csv(rec, path)
        t = interleaved_cpu_s(
            {
                "analyze_motion": lambda: analyze_motion(rec),
                "detect (uncalibrated)": lambda: detector.detect(rec, bouts),
                "detect (warm-up)": lambda: detector.detect(rec, bouts, warmup_s=60.0),
                "read_motion (CSV)": lambda: read_motion(path),
            },
            args.repeats,
        )

    print(
        f"synthetic recording: {args.minutes:g} min, {n:,} samples x 6 channels at 100 Hz; "
        f"{len(bouts)} bouts, {walking_s / 60:.1f} min walking, {len(result.windows)} windows"
    )
    print(f"median CPU time of {args.repeats} interleaved repeats:")
    for label, seconds in t.items():
        print(f"  {label:<22} {1e3 * seconds:8.1f} ms  {n / seconds / 1e6:6.2f} M samples/s")
    t_analysis, t_read = t["analyze_motion"], t["read_motion (CSV)"]
    for kind in ("uncalibrated", "warm-up"):
        t_dir = t[f"detect ({kind})"]
        print(
            f"  direction ({kind}) adds {100 * t_dir / t_analysis:.1f} % to analyze_motion, "
            f"{100 * t_dir / (t_read + t_analysis):.1f} % to the import "
            "(read_motion + analyze_motion)"
        )


if __name__ == "__main__":
    main()
