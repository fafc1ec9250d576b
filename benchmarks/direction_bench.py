"""Speed of the direction stage (``DirectionDetector.detect``) against ``analyze_motion``.

The recording is the 60-minute 100 Hz 6-axis synthetic one of ``analysis_bench.py``
(alternating walking and standing, tilted sensor; 360,000 samples). In the same run: the
median time of ``analyze_motion`` (quality, resampling, bouts, steps), of ``detect`` given its
bouts (uncalibrated, and with a 60 s warm-up calibration), of reading the same recording from
a generic sensor CSV (``read_motion``), and the share the direction stage adds to the motion
analysis and to the end-to-end import (read + analyse). Target (issue 7): it adds under 20 %.

Measured (2 shared cores under load 3-13, medians of 7-15; +-50 % between runs): analyze_motion
55-127 ms; detect 39-67 ms uncalibrated, 45-93 ms with the warm-up (5-9 M samples/s): 50-85 %
of analyze_motion (target 20 %: not met); read_motion 300-490 ms, so 11-15 % of the import.
Again after trimming (one filter call on the 9 channels, block sums before cumulating, gravity
checked once, identical cues and calls), in CPU time under load 6-7 (medians of 15, before and
after alternating): detect 70-93 ms (3.9-5.2 M samples/s), 68-93 % of analyze_motion either
way: no measurable change. The floor is the data itself: bringing 6 channels to 25 Hz, one causal filter pass over 9
channels and the per-second sums of their products.

Usage: /work/venv/bin/python benchmarks/direction_bench.py [--repeats 7] [--minutes 60]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from analysis_bench import median_s, synthetic_recording

from retrowalk.formats.generic_csv_writer import write_generic_csv
from retrowalk.formats.sensor_csv import read_motion
from retrowalk.sensing.direction import DirectionDetector
from retrowalk.sensing.gait import analyze_motion


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--minutes", type=float, default=60.0)
    args = parser.parse_args()

    rec, _ = synthetic_recording(args.minutes)
    n = rec.n_samples
    bouts = analyze_motion(rec).bouts
    detector = DirectionDetector(placement="waist")
    result = detector.detect(rec, bouts, warmup_s=60.0)
    walking_s = sum(b.end_s - b.start_s for b in bouts)

    t_analysis = median_s(lambda: analyze_motion(rec), args.repeats)
    t_plain = median_s(lambda: detector.detect(rec, bouts), args.repeats)
    t_warm = median_s(lambda: detector.detect(rec, bouts, warmup_s=60.0), args.repeats)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "walk.csv"
        write_generic_csv(rec, path)
        t_read = median_s(lambda: read_motion(path), max(args.repeats // 2, 1))

    print(
        f"synthetic recording: {args.minutes:g} min, {n:,} samples x 6 channels at 100 Hz; "
        f"{len(bouts)} bouts, {walking_s / 60:.1f} min walking, {len(result.windows)} windows"
    )
    print(f"median of {args.repeats} repeats:")
    rows = (
        ("analyze_motion", t_analysis),
        ("detect (uncalibrated)", t_plain),
        ("detect (warm-up)", t_warm),
        ("read_motion (CSV)", t_read),
    )
    for label, seconds in rows:
        print(f"  {label:<22} {1e3 * seconds:8.1f} ms  {n / seconds / 1e6:6.2f} M samples/s")
    print(f"  direction adds {100 * t_plain / t_analysis:.1f} % to analyze_motion (uncalibrated)")
    print(f"  direction adds {100 * t_warm / t_analysis:.1f} % to analyze_motion (warm-up)")
    print(
        f"  direction adds {100 * t_plain / (t_read + t_analysis):.1f} % (uncalibrated), "
        f"{100 * t_warm / (t_read + t_analysis):.1f} % (warm-up) to the import "
        "(read_motion + analyze_motion)"
    )


if __name__ == "__main__":
    main()
