"""Benchmark: reading a 2-hour, 100 Hz, 6-axis phone recording (peak memory and throughput).

Generates the recording in the generic CSV layout and as a Sensor Logger folder
(TotalAcceleration.csv + Gyroscope.csv), then, each in a fresh process so peak RSS is the
process's own, times ``read_motion`` and, as the floor, a bare ``pyarrow.csv.read_csv`` of the
same file(s). Prints medians of a few repeats and the ratios.

    python benchmarks/sensor_read_bench.py [--repeats 3] [--hours 2]

Measured (2 shared cores, pyarrow 26, medians of 7; the machine is noisy, +-30 %):
generic CSV 90 MB: read_motion 0.22 s (3.2 M rows/s), peak RSS 261 MB (195 above imports);
bare read_csv 0.12 s, 263 MB; ratio 1.9x time, 0.99x memory. Sensor Logger folder 124 MB:
0.33 s (2.2 M rows/s), peak 273 MB; bare 0.15 s, 225 MB; ratio 2.3x time, 1.2x memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

RATE_HZ = 100.0
EPOCH_START_NS = 1_700_000_000_000_000_000


def synthetic_walk(hours: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gravity on a tilted, slowly turning phone plus 1.8 Hz steps and sensor noise."""
    n = int(hours * 3600 * RATE_HZ)
    rng = np.random.default_rng(7)
    t = np.arange(n) / RATE_HZ
    tilt = 0.3 + 0.2 * np.sin(2 * np.pi * t / 600.0)
    gravity = 9.80665 * np.column_stack([np.sin(tilt), np.zeros(n), np.cos(tilt)])
    step = np.column_stack(
        [
            0.8 * np.sin(2 * np.pi * 0.9 * t),
            0.5 * np.sin(2 * np.pi * 1.8 * t + 1.0),
            2.5 * np.sin(2 * np.pi * 1.8 * t),
        ]
    )
    acc = gravity + step + rng.normal(0.0, 0.05, (n, 3))
    gyro = np.column_stack(
        [
            0.6 * np.sin(2 * np.pi * 0.9 * t),
            0.3 * np.cos(2 * np.pi * 1.8 * t),
            0.2 * np.sin(2 * np.pi * 0.1 * t),
        ]
    )
    gyro += rng.normal(0.0, 0.01, (n, 3))
    return t, acc, gyro


def layouts_in(folder: Path) -> dict[str, tuple[Path, list[Path]]]:
    """{layout: (path given to read_motion, files a bare read must parse)}."""
    logger = folder / "sensor-logger"
    return {
        "generic-csv": (folder / "walk.csv", [folder / "walk.csv"]),
        "sensor-logger": (logger, sorted(logger.glob("*.csv"))),
    }


def write_files(folder: Path, hours: float) -> None:
    """The recording in both layouts (run in a child so the parent's RSS stays small)."""
    t, acc, gyro = synthetic_walk(hours)
    options = pacsv.WriteOptions(quoting_style="none")
    generic = folder / "walk.csv"
    columns = {"time_s": t, "ax": acc[:, 0], "ay": acc[:, 1], "az": acc[:, 2]}
    columns |= {"gx": gyro[:, 0], "gy": gyro[:, 1], "gz": gyro[:, 2]}
    pacsv.write_csv(pa.table(columns), generic, write_options=options)
    logger = folder / "sensor-logger"
    logger.mkdir()
    time_ns = EPOCH_START_NS + np.round(t * 1e9).astype(np.int64)
    for name, xyz in (("TotalAcceleration", acc), ("Gyroscope", gyro)):
        table = pa.table(
            {"time": time_ns, "seconds_elapsed": t, "z": xyz[:, 2], "y": xyz[:, 1], "x": xyz[:, 0]}
        )
        pacsv.write_csv(table, logger / f"{name}.csv", write_options=options)


def child(mode: str, paths: list[str]) -> None:
    """Runs in its own process: one read, then prints seconds and peak RSS as JSON."""
    from retrowalk.formats.sensor_csv import read_motion

    baseline_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    if mode == "bare":
        n = sum(pacsv.read_csv(p).num_rows for p in paths)
    else:
        n = read_motion(paths[0]).n_samples
    elapsed = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps({"s": elapsed, "peak_mb": peak_kb / 1024, "base_mb": baseline_kb / 1024, "n": n})
    )


def run(mode: str, paths: list[Path]) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, *map(str, paths)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--hours", type=float, default=2.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        # Written by a child: a forked process starts with its parent's peak RSS on Linux.
        subprocess.run([sys.executable, __file__, "--write", tmp, str(args.hours)], check=True)
        layouts = layouts_in(Path(tmp))
        print(
            f"{args.hours:g} h at {RATE_HZ:g} Hz, 6 axes; medians of {args.repeats} runs, "
            "each in a fresh process"
        )
        print(
            f"{'layout':14} {'reader':12} {'MB':>6} {'s':>6} {'MB/s':>6} {'Msamples/s':>10} "
            f"{'peak RSS MB':>11} {'above imports MB':>16}"
        )
        for layout, (path, files) in layouts.items():
            size_mb = sum(f.stat().st_size for f in files) / 1e6
            medians = {}
            for mode, paths in (("bare", files), ("read_motion", [path])):
                runs = [run(mode, paths) for _ in range(args.repeats)]
                m = {k: statistics.median(r[k] for r in runs) for k in ("s", "peak_mb", "base_mb")}
                n_samples = runs[0]["n"] if mode == "read_motion" else runs[0]["n"] / len(files)
                medians[mode] = m
                label = "pyarrow bare" if mode == "bare" else mode
                above_mb = m["peak_mb"] - m["base_mb"]
                print(
                    f"{layout:14} {label:12} {size_mb:6.1f} {m['s']:6.2f} {size_mb / m['s']:6.0f} "
                    f"{n_samples / m['s'] / 1e6:10.2f} {m['peak_mb']:11.0f} {above_mb:16.0f}"
                )
            ratio_s = medians["read_motion"]["s"] / medians["bare"]["s"]
            ratio_mb = medians["read_motion"]["peak_mb"] / medians["bare"]["peak_mb"]
            print(
                f"{layout:14} ratio read_motion / bare: time {ratio_s:.2f}x, "
                f"peak RSS {ratio_mb:.2f}x"
            )


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3:])
    elif len(sys.argv) > 3 and sys.argv[1] == "--write":
        write_files(Path(sys.argv[2]), float(sys.argv[3]))
    else:
        main()
