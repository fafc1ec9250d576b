"""The motion recording every sensor reader produces and every sensing algorithm consumes."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

STANDARD_GRAVITY_M_S2 = 9.80665


@dataclass(frozen=True)
class MotionRecording:
    """Raw motion samples in SI units, in the sensor's own frame.

    ``time_s``: seconds from the first sample, strictly increasing (shape (n,)).
    ``acc_m_s2``: acceleration in m/s^2 (shape (n, 3)); ``gravity_included`` says whether it
    is total acceleration (specific force, a still device reads about 9.81) or gravity-free
    user acceleration. ``gyro_rad_s``: angular rate in rad/s (shape (n, 3)) or None.
    ``start_epoch_s``: wall-clock time of the first sample (UTC seconds) when the file says it.
    ``source_format``: e.g. "generic-csv", "sensor-logger", "phyphox".
    ``notes``: what the reader noticed and did (unit conversion, dropped rows, resampling).
    """

    time_s: NDArray[np.float64]
    acc_m_s2: NDArray[np.float64]
    gyro_rad_s: NDArray[np.float64] | None
    gravity_included: bool
    source_format: str
    start_epoch_s: float | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def duration_s(self) -> float:
        return float(self.time_s[-1] - self.time_s[0]) if self.time_s.size else 0.0

    @property
    def n_samples(self) -> int:
        return int(self.time_s.size)
