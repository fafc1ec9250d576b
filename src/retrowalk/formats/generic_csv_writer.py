"""Write a MotionRecording as the generic sensor CSV the importer reads.

Layout: a header line ``time_s,ax,ay,az,gx,gy,gz`` (``time_s,ax,ay,az`` when the recording has
no gyroscope), then one row per sample: time in seconds from the first sample, acceleration in
m/s^2 (gravity included for a raw accelerometer), angular rate in rad/s. Comma-separated, dot
decimal mark, no index column, ``\\n`` line endings.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from retrowalk.errors import InvalidInput, UnsupportedFile
from retrowalk.sensing.recording import MotionRecording

HEADER_WITH_GYRO = "time_s,ax,ay,az,gx,gy,gz"
HEADER_ACC_ONLY = "time_s,ax,ay,az"


def write_generic_csv(recording: MotionRecording, path: str | Path) -> Path:
    """Write ``recording`` to ``path`` (overwriting it); returns the path written.

    Numbers are written with 9 significant digits (well below sensor noise).
    """
    p = Path(path)
    n = recording.n_samples
    if n == 0:
        raise InvalidInput("recording", "0 samples", "at least one sample")
    columns = [recording.time_s.reshape(n, 1), recording.acc_m_s2]
    header = HEADER_ACC_ONLY
    if recording.gyro_rad_s is not None:
        columns.append(recording.gyro_rad_s)
        header = HEADER_WITH_GYRO
    table = np.hstack(columns)
    if not np.all(np.isfinite(table)):
        raise InvalidInput("recording", "non-finite samples", "finite numbers")
    try:
        np.savetxt(p, table, fmt="%.9g", delimiter=",", header=header, comments="")
    except OSError as exc:
        raise UnsupportedFile(str(p), f"cannot be written ({exc.strerror or exc})") from exc
    return p
