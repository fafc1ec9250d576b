"""Synthetic pelvis motion for the direction tests (edge cases, never accuracy evidence).

A walker's pelvis vaults over the stance leg like an inverted pendulum: it is highest at
mid-stance, when its speed along the walk is lowest; it sways sideways once per stride and
pitches once per step. Backward walking is the same motion played backwards in time (the
walker faces the same way and travels the other way). The motion goes through
:class:`~retrowalk.sensing.imu_sim.ImuSimulator` with any mounting rotation, so the sensor
frame is arbitrary; segments are simulated one by one and joined in time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.spatial.transform import Rotation

from retrowalk.sensing.imu_sim import ImuSimulator
from retrowalk.sensing.recording import MotionRecording

FloatArray = NDArray[np.float64]
FPS = 100.0


@dataclass(frozen=True)
class Segment:
    """``kind``: forward, backward, sideways (travel to the walker's left), run or stand."""

    kind: str
    duration_s: float
    heading_rate_deg_s: float = 0.0


def _motion(seg: Segment) -> tuple[FloatArray, Rotation]:
    n = round(seg.duration_s * FPS) + 1
    t = np.arange(n) / FPS
    if seg.kind == "stand":
        pos = np.tile([0.0, 0.0, 1.0], (n, 1))
        return pos, Rotation.from_euler("z", np.zeros((n, 1)))
    running = seg.kind == "run"
    step_hz = 2.8 if running else 1.8
    w = 2 * np.pi * step_hz
    speed, surge, bounce = (3.0, 0.6, 0.05) if running else (1.2, 0.25, 0.03)
    along = speed * t - surge / w * np.sin(w * t) + 0.002 * np.sin(2 * w * t)
    height = 1.0 + bounce * np.cos(w * t) + 0.002 * np.cos(2 * w * t + 0.4)
    sway = 0.03 * np.sin(w * t / 2)
    heading = np.deg2rad(seg.heading_rate_deg_s) * t
    facing_offset = np.pi / 2 if seg.kind == "sideways" else 0.0
    # travel along heading; the body faces heading - offset (sideways: travel to its left)
    c, s = np.cos(heading), np.sin(heading)
    x = np.cumsum(np.gradient(along) * c)
    y = np.cumsum(np.gradient(along) * s)
    pos = np.column_stack([x - sway * s, y + sway * c, height])
    yaw = heading - facing_offset + np.deg2rad(4.0) * np.sin(w * t / 2)
    pitch = np.deg2rad(3.0) * np.sin(w * t - np.pi / 2) + np.deg2rad(1.0) * np.sin(2 * w * t)
    roll = np.deg2rad(3.0) * np.sin(w * t / 2 + 0.3)
    rot = Rotation.from_euler("ZYX", np.column_stack([yaw, pitch, roll]))
    if seg.kind == "backward":
        pos, rot = pos[::-1].copy(), rot[::-1]
    return pos, rot


def recording(
    segments: Sequence[Segment],
    mounting: Rotation | None = None,
    *,
    rate_hz: float = 100.0,
    seed: int = 0,
    with_gyro: bool = True,
) -> MotionRecording:
    """The segments one after the other, seen by one sensor (``mounting`` in the pelvis)."""
    rng = np.random.default_rng(seed)
    times, accs, gyros = [], [], []
    start = 0.0
    for seg in segments:
        pos, rot = _motion(seg)
        sim = ImuSimulator(
            sampling_rate_hz=rate_hz, mounting_rotation=mounting, seed=int(rng.integers(1 << 30))
        )
        rec = sim.simulate(pos, rot, FPS)
        assert rec.gyro_rad_s is not None
        times.append(rec.time_s + start)
        accs.append(rec.acc_m_s2)
        gyros.append(rec.gyro_rad_s)
        start = float(times[-1][-1]) + 1.0 / rate_hz
    return MotionRecording(
        time_s=np.concatenate(times),
        acc_m_s2=np.concatenate(accs),
        gyro_rad_s=np.concatenate(gyros) if with_gyro else None,
        gravity_included=True,
        source_format="synthetic",
    )


def rotated(rec: MotionRecording, rotation: Rotation) -> MotionRecording:
    """The same recording from a sensor turned by ``rotation`` (new axes = rotation^-1 old)."""
    inv = rotation.inv()
    return MotionRecording(
        time_s=rec.time_s,
        acc_m_s2=inv.apply(rec.acc_m_s2),
        gyro_rad_s=None if rec.gyro_rad_s is None else inv.apply(rec.gyro_rad_s),
        gravity_included=rec.gravity_included,
        source_format=rec.source_format,
    )
