"""Fingerprint of what the motion import computes on the 118 real walks of ../shared/data.

For a speed change that must not change any result: run it before and after, compare the
printed hashes. Per walk (48 phone-steps walks, 70 waist-imu trials, loaded by
``scripts/real_walks.py``):

- the walk written in the generic CSV layout and as a Sensor Logger folder (its gyroscope on
  a clock 3 ms later, so it is interpolated), each read back with ``read_motion``: the notes,
  the start time and the bytes of every array;
- ``analyze_motion`` of the walk and of each read-back recording: every bout (start, end,
  steps, cadence, the bytes of its step times) and every quality figure and issue;
- the direction stage as the importer runs it (``sensor_direction``, declared backward), with
  no calibration and with the first 10 s as a forward warm-up.

Floats are hashed exactly (array bytes, ``repr`` of scalars). ``--synthetic MINUTES`` adds the
benchmark's synthetic walk (benchmarks/analysis_bench.py) of that length, read in both layouts.

    .venv/bin/python scripts/analysis_fingerprint.py [--synthetic 60]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "benchmarks"))

from real_walks import phone_steps, waist_imu  # noqa: E402

from retrowalk.formats.sensor_csv import read_motion  # noqa: E402
from retrowalk.sensing.gait import GaitAnalysis, analyze_motion  # noqa: E402
from retrowalk.sensing.recording import MotionRecording  # noqa: E402
from retrowalk.services.direction_check import sensor_direction  # noqa: E402

EPOCH_START_NS = 1_700_000_000_000_000_000
GYRO_CLOCK_SHIFT_S = 0.003
WARMUP_S = 10.0


def _canonical(value: Any) -> Any:
    """JSON-able with floats as their exact repr and arrays as a hash of their bytes."""
    if isinstance(value, np.ndarray):
        array = np.ascontiguousarray(value)
        return f"{array.dtype}{array.shape}:{hashlib.sha256(array.tobytes()).hexdigest()}"
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, float | np.floating):
        return repr(float(value))
    if isinstance(value, np.integer | np.bool_):
        return value.item()
    return value


def recording_figures(rec: MotionRecording) -> dict[str, Any]:
    return {
        "time_s": rec.time_s,
        "acc_m_s2": rec.acc_m_s2,
        "gyro_rad_s": rec.gyro_rad_s,
        "gravity_included": rec.gravity_included,
        "source_format": rec.source_format,
        "start_epoch_s": rec.start_epoch_s,
        "notes": rec.notes,
    }


def analysis_figures(gait: GaitAnalysis) -> dict[str, Any]:
    q = gait.quality
    return {
        "bouts": [
            [b.start_s, b.end_s, b.steps, b.cadence_steps_per_min, b.step_times_s]
            for b in gait.bouts
        ],
        "rate_hz": gait.analysis_rate_hz,
        "cadence": gait.mean_cadence_steps_per_min,
        "quality": [
            q.duration_s,
            q.n_samples,
            q.mean_rate_hz,
            q.rate_jitter_pct,
            [(g.start_s, g.end_s) for g in q.gaps],
            None if q.acc_clipping is None else vars(q.acc_clipping),
            None if q.gyro_clipping is None else vars(q.gyro_clipping),
            q.median_acc_magnitude_m_s2,
            q.issues,
        ],
    }


def direction_figures(rec: MotionRecording, gait: GaitAnalysis) -> list[dict[str, Any]]:
    return [
        sensor_direction(rec, gait, declared="backward", warmup_s=w, calibration_for=None)
        for w in (None, WARMUP_S)
    ]


def write_layouts(rec: MotionRecording, folder: Path) -> dict[str, Path]:
    """``rec`` as a generic CSV and as a Sensor Logger folder under ``folder``."""
    options = pacsv.WriteOptions(quoting_style="none")
    t, acc, gyro = rec.time_s, rec.acc_m_s2, rec.gyro_rad_s
    columns = {"time_s": t, "ax": acc[:, 0], "ay": acc[:, 1], "az": acc[:, 2]}
    if gyro is not None:
        columns |= {"gx": gyro[:, 0], "gy": gyro[:, 1], "gz": gyro[:, 2]}
    generic = folder / "walk.csv"
    pacsv.write_csv(pa.table(columns), generic, write_options=options)
    logger = folder / "sensor-logger"
    logger.mkdir()
    streams = {"TotalAcceleration": (t, acc)}
    if gyro is not None:
        streams["Gyroscope"] = (t + GYRO_CLOCK_SHIFT_S, gyro)
    for name, (times, xyz) in streams.items():
        time_ns = EPOCH_START_NS + np.round(times * 1e9).astype(np.int64)
        table = pa.table(
            {
                "time": time_ns,
                "seconds_elapsed": times,
                "z": xyz[:, 2],
                "y": xyz[:, 1],
                "x": xyz[:, 0],
            }
        )
        pacsv.write_csv(table, logger / f"{name}.csv", write_options=options)
    return {"generic-csv": generic, "sensor-logger": logger}


def walk_figures(rec: MotionRecording) -> dict[str, Any]:
    gait = analyze_motion(rec)
    figures: dict[str, Any] = {
        "analysis": analysis_figures(gait),
        "direction": direction_figures(rec, gait),
    }
    with tempfile.TemporaryDirectory() as tmp:
        for layout, path in write_layouts(rec, Path(tmp)).items():
            read = read_motion(path)
            read_gait = analyze_motion(read)
            figures[layout] = {
                "recording": recording_figures(read),
                "analysis": analysis_figures(read_gait),
                "direction": direction_figures(read, read_gait),
            }
    return figures


def digest(figures: Any) -> str:
    text = json.dumps(_canonical(figures), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=float, default=None, metavar="MINUTES")
    parser.add_argument("--verbose", action="store_true", help="one hash per walk")
    args = parser.parse_args()
    overall = hashlib.sha256()
    n = 0
    for walk in (*phone_steps(), *waist_imu()):
        h = digest(walk_figures(walk.recording))
        overall.update(f"{walk.dataset}/{walk.name}:{h}\n".encode())
        n += 1
        if args.verbose:
            print(f"{walk.dataset}/{walk.name} {h}")
    print(f"real walks ({n}): {overall.hexdigest()}")
    if args.synthetic:
        from analysis_bench import synthetic_recording

        rec, _ = synthetic_recording(args.synthetic)
        print(f"synthetic {args.synthetic:g} min: {digest(walk_figures(rec))}")


if __name__ == "__main__":
    main()
