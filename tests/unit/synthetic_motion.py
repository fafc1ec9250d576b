"""Synthetic motion recordings for the sensing unit tests (edge cases, never accuracy evidence).

A walking body bounces once per step (vertical), sways once per stride (lateral) and surges
once per step (forward); ``stride_amplitude_m_s2`` adds a vertical component once per stride,
as a device on one side of the body sees (left and right steps differ). ``walking_recording``
builds that signal in a body frame, rotates it into a sensor frame and samples it at the
requested times; the true number of steps is the number of bounce peaks, counted from the phase.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from retrowalk.sensing.recording import STANDARD_GRAVITY_M_S2, MotionRecording

FloatArray = NDArray[np.float64]


def rotation_matrix(yaw_deg: float, pitch_deg: float, roll_deg: float) -> FloatArray:
    y, p, r = np.deg2rad([yaw_deg, pitch_deg, roll_deg])
    rz = np.array([[np.cos(y), -np.sin(y), 0], [np.sin(y), np.cos(y), 0], [0, 0, 1]])
    ry = np.array([[np.cos(p), 0, np.sin(p)], [0, 1, 0], [-np.sin(p), 0, np.cos(p)]])
    rx = np.array([[1, 0, 0], [0, np.cos(r), -np.sin(r)], [0, np.sin(r), np.cos(r)]])
    return np.asarray(rz @ ry @ rx, dtype=np.float64)


def walking_recording(
    duration_s: float,
    walks: Sequence[tuple[float, float]],
    *,
    cadence_steps_per_min: float = 110.0,
    rate_hz: float = 100.0,
    rotation: FloatArray | None = None,
    jitter_fraction: float = 0.0,
    stride_amplitude_m_s2: float = 0.3,
    step_amplitude_m_s2: float = 2.0,
    noise_m_s2: float = 0.05,
    gravity_included: bool = True,
    with_gyro: bool = False,
    seed: int = 0,
) -> tuple[MotionRecording, int]:
    """A recording of ``duration_s`` with walking in each (start_s, end_s) of ``walks``.

    ``jitter_fraction``: sample intervals vary uniformly by this fraction (Android-like
    irregular sampling). Returns the recording and the true number of steps.
    """
    rng = np.random.default_rng(seed)
    n = int(duration_s * rate_hz)
    dt = np.full(n, 1.0 / rate_hz)
    if jitter_fraction:
        dt *= 1.0 + rng.uniform(-jitter_fraction, jitter_fraction, n)
    t = np.concatenate([[0.0], np.cumsum(dt[:-1])])
    step_hz = cadence_steps_per_min / 60.0
    phase = np.zeros(n)
    true_steps = 0
    for start, end in walks:
        inside = (t >= start) & (t < end)
        phase[inside] = 2 * np.pi * step_hz * (t[inside] - start)
        # a step (bounce peak) at every phase 2*pi*k, k = 0, 1, ... while walking
        true_steps += int(np.floor(step_hz * (min(end, t[-1]) - start) - 1e-9)) + 1
    moving = np.zeros(n, dtype=bool)
    for start, end in walks:
        moving |= (t >= start) & (t < end)
    vertical = step_amplitude_m_s2 * (np.cos(phase) + 0.2 * np.cos(2 * phase))
    vertical += stride_amplitude_m_s2 * np.cos(phase / 2)
    vertical = np.where(moving, vertical, 0.0)
    forward = np.where(moving, 0.5 * step_amplitude_m_s2 * np.sin(phase), 0.0)
    lateral = np.where(moving, 0.3 * np.sin(phase / 2 + 0.5), 0.0)
    up = STANDARD_GRAVITY_M_S2 if gravity_included else 0.0
    body = np.column_stack([forward, lateral, up + vertical])
    body += rng.normal(0.0, noise_m_s2, body.shape)
    rot = np.eye(3) if rotation is None else rotation
    acc = body @ rot.T
    gyro = None
    if with_gyro:
        body_gyro = np.column_stack(
            [0.4 * np.sin(phase / 2), 0.3 * np.sin(phase), 0.2 * np.cos(phase / 2)]
        )
        body_gyro = np.where(moving[:, None], body_gyro, 0.0)
        gyro = (body_gyro + rng.normal(0.0, 0.01, body_gyro.shape)) @ rot.T
    recording = MotionRecording(
        time_s=t,
        acc_m_s2=acc,
        gyro_rad_s=gyro,
        gravity_included=gravity_included,
        source_format="synthetic",
    )
    return recording, true_steps


def still_recording(
    duration_s: float, rate_hz: float = 100.0, noise_m_s2: float = 0.05, seed: int = 0
) -> MotionRecording:
    """A device lying still: gravity plus sensor noise."""
    rec, _ = walking_recording(duration_s, [], rate_hz=rate_hz, noise_m_s2=noise_m_s2, seed=seed)
    return rec
