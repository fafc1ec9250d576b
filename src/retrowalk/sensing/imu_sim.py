"""Simulate a body-worn motion sensor (accelerometer + gyroscope) from a segment's motion.

Frames and signs
----------------
- World frame: right-handed, metres, z up (see :mod:`retrowalk.sensing.kinematics`);
  gravity is ``g_world = (0, 0, -9.80665) m/s^2``.
- Segment frame: the frame whose orientation ``R(t)`` (segment -> world) is given.
- Sensor frame: ``R_sensor(t) = R(t) * M`` where ``M`` (``mounting_rotation``) is the
  sensor's orientation in the segment frame (sensor coordinates -> segment coordinates).
  ``M = None`` means the sensor axes are the segment axes.
- Accelerometer: specific force ``f = R_sensor^T (a_world - g_world)`` in m/s^2, gravity
  included: a sensor at rest reads +9.81 along whichever of its axes points up (the
  convention of phone and IMU accelerometers, "gravity included").
- Gyroscope: angular rate of the sensor relative to the world, expressed in the sensor frame
  (right-hand rule, rad/s): for ``R(t) = R0 * exp(t [w]x)`` it reads ``M^T w``.

How
---
The motion (e.g. 30 frames/s motion capture) is resampled at ``sampling_rate_hz`` by a cubic
spline of the sensor position (its second derivative gives the acceleration, no numerical
differencing) and a cubic rotation spline (SciPy ``RotationSpline``: continuous angular rate
and acceleration; its first derivative is the body-frame rate). Output times start at 0 and
cover the motion's span. Then white Gaussian noise and a constant bias are added per axis.
A ``lever_arm_m`` places the sensor away from the joint origin (a phone in a trouser pocket
sits on the thigh, not at the hip joint); its effect (centripetal and tangential terms) comes
out of the position spline of the displaced point.

Motion capture at 30 frames/s holds nothing above 15 Hz: the simulated signals have no heel-
strike impacts. Results on them are "validated on simulated sensors from real motion".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.interpolate import CubicSpline
from scipy.spatial.transform import Rotation, RotationSpline

from retrowalk.errors import InvalidInput
from retrowalk.sensing.recording import STANDARD_GRAVITY_M_S2, MotionRecording

SOURCE_FORMAT = "simulated"
MIN_FRAMES = 4


def _vector3(name: str, value: ArrayLike) -> NDArray[np.float64]:
    arr = np.asarray(value, dtype=np.float64)
    if arr.shape != (3,) or not np.all(np.isfinite(arr)):
        raise InvalidInput(name, value, "three finite numbers (x, y, z)")
    return arr


def _non_negative(name: str, value: float) -> float:
    if not (np.isfinite(value) and value >= 0):
        raise InvalidInput(name, value, "a finite number >= 0")
    return float(value)


@dataclass(frozen=True)
class ImuSimulator:
    """A simulated 6-axis sensor attached to a moving segment.

    Parameters (defaults in brackets):

    - ``sampling_rate_hz`` [100]: output rate, Hz (50 and 100 are the usual phone rates).
    - ``mounting_rotation`` [None = identity]: sensor orientation in the segment frame.
    - ``lever_arm_m`` [(0, 0, 0)]: sensor position in the segment frame, metres.
    - ``acc_noise_m_s2`` [0.02]: white-noise standard deviation per axis, m/s^2 (a phone
      accelerometer, ~200 micro-g/sqrt(Hz) over a 50 Hz band; expert-opinion).
    - ``gyro_noise_rad_s`` [0.005]: white-noise standard deviation per axis, rad/s
      (expert-opinion, a phone gyroscope).
    - ``acc_bias_m_s2`` / ``gyro_bias_rad_s`` [zero]: constant bias added per sensor axis.
    - ``seed`` [None]: seed of the noise generator (an int makes the output reproducible).
    """

    sampling_rate_hz: float = 100.0
    mounting_rotation: Rotation | None = None
    lever_arm_m: tuple[float, float, float] = (0.0, 0.0, 0.0)
    acc_noise_m_s2: float = 0.02
    gyro_noise_rad_s: float = 0.005
    acc_bias_m_s2: tuple[float, float, float] = (0.0, 0.0, 0.0)
    gyro_bias_rad_s: tuple[float, float, float] = (0.0, 0.0, 0.0)
    seed: int | None = None

    def __post_init__(self) -> None:
        if not (np.isfinite(self.sampling_rate_hz) and self.sampling_rate_hz > 0):
            raise InvalidInput("sampling_rate_hz", self.sampling_rate_hz, "a number > 0")
        if self.mounting_rotation is not None and not self.mounting_rotation.single:
            raise InvalidInput("mounting_rotation", "several rotations", "one rotation")
        _non_negative("acc_noise_m_s2", self.acc_noise_m_s2)
        _non_negative("gyro_noise_rad_s", self.gyro_noise_rad_s)
        _vector3("lever_arm_m", self.lever_arm_m)
        _vector3("acc_bias_m_s2", self.acc_bias_m_s2)
        _vector3("gyro_bias_rad_s", self.gyro_bias_rad_s)

    def simulate(
        self,
        positions_m: NDArray[np.float64],
        orientations: Rotation,
        frame_rate_hz: float,
    ) -> MotionRecording:
        """Sensor readings for a segment moving through ``positions_m`` (n_frames, 3, world
        frame, metres) with ``orientations`` (n_frames rotations, segment -> world), sampled
        uniformly at ``frame_rate_hz``. Returns a gravity-included MotionRecording in the
        sensor frame (time from 0 s)."""
        pos = np.asarray(positions_m, dtype=np.float64)
        if pos.ndim != 2 or pos.shape[1] != 3 or pos.shape[0] < MIN_FRAMES:
            raise InvalidInput("positions_m", pos.shape, f"(n_frames >= {MIN_FRAMES}, 3)")
        if not np.all(np.isfinite(pos)):
            raise InvalidInput("positions_m", "non-finite values", "finite numbers")
        if orientations.single or len(orientations) != pos.shape[0]:
            n = 1 if orientations.single else len(orientations)
            raise InvalidInput("orientations", n, f"one rotation per frame ({pos.shape[0]})")
        if not (np.isfinite(frame_rate_hz) and frame_rate_hz > 0):
            raise InvalidInput("frame_rate_hz", frame_rate_hz, "a number > 0")

        n_frames = pos.shape[0]
        frame_t = np.arange(n_frames) / frame_rate_hz
        n_out = int(np.floor(frame_t[-1] * self.sampling_rate_hz + 1e-9)) + 1
        t = np.arange(n_out) / self.sampling_rate_hz

        sensor_pos = pos + orientations.apply(np.asarray(self.lever_arm_m, dtype=np.float64))
        acc_world = CubicSpline(frame_t, sensor_pos, axis=0)(t, 2)
        rot_spline = RotationSpline(frame_t, orientations)
        rot_t = rot_spline(t)
        gyro_segment = rot_spline(t, 1)  # body-frame angular rate, rad/s

        gravity_world = np.array([0.0, 0.0, -STANDARD_GRAVITY_M_S2])
        acc_segment = rot_t.inv().apply(acc_world - gravity_world)
        if self.mounting_rotation is not None:
            to_sensor = self.mounting_rotation.inv()
            acc = to_sensor.apply(acc_segment)
            gyro = to_sensor.apply(gyro_segment)
        else:
            acc, gyro = acc_segment, gyro_segment

        rng = np.random.default_rng(self.seed)
        acc = (
            acc
            + np.asarray(self.acc_bias_m_s2)
            + rng.normal(0.0, 1.0, acc.shape) * (self.acc_noise_m_s2)
        )
        gyro = (
            gyro
            + np.asarray(self.gyro_bias_rad_s)
            + rng.normal(0.0, 1.0, gyro.shape) * (self.gyro_noise_rad_s)
        )
        mount = "identity" if self.mounting_rotation is None else _describe(self.mounting_rotation)
        notes = (
            f"simulated at {self.sampling_rate_hz:g} Hz from {n_frames} frames at "
            f"{frame_rate_hz:g} frames/s",
            f"mounting rotation {mount}; lever arm {tuple(self.lever_arm_m)} m",
            f"noise acc {self.acc_noise_m_s2:g} m/s^2, gyro {self.gyro_noise_rad_s:g} rad/s; "
            f"bias acc {tuple(self.acc_bias_m_s2)} m/s^2, gyro {tuple(self.gyro_bias_rad_s)} rad/s",
        )
        return MotionRecording(
            time_s=t,
            acc_m_s2=np.ascontiguousarray(acc),
            gyro_rad_s=np.ascontiguousarray(gyro),
            gravity_included=True,
            source_format=SOURCE_FORMAT,
            notes=notes,
        )


def _describe(rotation: Rotation) -> str:
    x, y, z = rotation.as_euler("xyz", degrees=True)
    return f"xyz ({x:.1f}, {y:.1f}, {z:.1f}) deg"
