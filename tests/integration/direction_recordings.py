"""Motion recordings for the direction commands, written at test time as generic CSV.

Simulated: a motion-capture clip of ../shared/data/mocap through ``ImuSimulator`` at the pelvis
(waist), as scripts/validate_direction_sim.py does; real: a waist-imu forward walk.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy.spatial.transform import Rotation

from retrowalk.formats.bvh import global_pose, read_bvh
from retrowalk.formats.generic_csv_writer import write_generic_csv
from retrowalk.sensing.imu_sim import ImuSimulator
from retrowalk.sensing.recording import MotionRecording
from tests.fixtures_sensor import SHARED_DATA, waist_walk, write_generic

MOCAP = SHARED_DATA / "mocap"
FORWARD = "dataset-1_walk_proud_001"  # 11 s
FORWARD_OTHER = "dataset-1_walk_proud_002"  # 10 s
BACKWARD = "dataset-1_walk-back_proud_001"  # 13 s
MOUNT = Rotation.from_euler("xyz", [10.0, 20.0, 30.0], degrees=True)


def simulated(stem: str, seed: int, mount: Rotation = MOUNT) -> MotionRecording:
    """The clip's pelvis as a waist sensor at 100 Hz (default noise, fixed seed)."""
    pose = global_pose(read_bvh(MOCAP / f"{stem}.bvh"))
    sim = ImuSimulator(sampling_rate_hz=100.0, mounting_rotation=mount, seed=seed)
    return sim.simulate(pose.position_m("Hips"), pose.orientation("Hips"), pose.frame_rate_hz)


def joined(first: MotionRecording, second: MotionRecording) -> tuple[MotionRecording, float]:
    """``second`` right after ``first``; returns it and where ``second`` starts (s)."""
    assert first.gyro_rad_s is not None and second.gyro_rad_s is not None
    dt = float(first.time_s[1] - first.time_s[0])
    start = float(first.time_s[-1]) + dt
    return (
        MotionRecording(
            time_s=np.concatenate([first.time_s, second.time_s + start]),
            acc_m_s2=np.concatenate([first.acc_m_s2, second.acc_m_s2]),
            gyro_rad_s=np.concatenate([first.gyro_rad_s, second.gyro_rad_s]),
            gravity_included=True,
            source_format="simulated",
        ),
        start,
    )


def forward_csv(folder: Path, name: str = "forward.csv", seed: int = 1) -> Path:
    return write_generic_csv(simulated(FORWARD, seed), folder / name)


def calibration_walk_csv(folder: Path, name: str = "calibration_walk.csv") -> Path:
    """Another forward take of the same style, same mounting (a separate recording)."""
    return write_generic_csv(simulated(FORWARD_OTHER, 3), folder / name)


def warmup_then_backward_csv(folder: Path) -> tuple[Path, float]:
    """A forward clip, then a backward clip, same sensor and mounting; the split (s)."""
    recording, split_s = joined(simulated(FORWARD, 1), simulated(BACKWARD, 2))
    return write_generic_csv(recording, folder / "warmup_backward.csv"), split_s


def real_waist_csv(folder: Path, trial: str = "1-1", seconds: float = 60.0) -> Path:
    """A real lower-back IMU forward walk (waist-imu) as generic CSV."""
    return write_generic(folder / f"waist_{trial}.csv", waist_walk(trial, seconds))


def chain(*recordings: MotionRecording) -> tuple[MotionRecording, list[float]]:
    """Recordings one after another; returns it and where each starts (s)."""
    out, starts = recordings[0], [0.0]
    for nxt in recordings[1:]:
        out, start = joined(out, nxt)
        starts.append(start)
    return out, starts


def long_forward_csv(folder: Path, name: str = "long_forward.csv", seed: int = 10) -> Path:
    """About 43 s of forward walking (four takes in a row; a session lasts at least 30 s)."""
    takes = [simulated(s, seed + k) for k, s in enumerate([FORWARD, FORWARD_OTHER] * 2)]
    return write_generic_csv(chain(*takes)[0], folder / name)


def long_warmup_then_backward_csv(folder: Path) -> tuple[Path, float, float]:
    """Two forward takes (warm-up), then the backward clip three times; the split and the
    backward part's length (s)."""
    takes = [simulated(FORWARD, 1), simulated(FORWARD_OTHER, 2)]
    takes += [simulated(BACKWARD, 3 + k) for k in range(3)]
    recording, starts = chain(*takes)
    end = float(recording.time_s[-1])
    path = write_generic_csv(recording, folder / "long_warmup_backward.csv")
    return path, starts[2], end - starts[2]
