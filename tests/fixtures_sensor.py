"""Write motion recordings in each app's layout, at test time, from real walks.

The samples come from ../shared/data (never copied into the repository): a phone walk of the
Oxford step-counter set (``phone-steps``: Android, irregular ~100-400 Hz, m/s^2 with gravity,
no gyroscope) and a lower-back IMU walk of the IPOL gait set (``waist-imu``: 100 Hz, m/s^2 with
gravity, gyroscope in rad/s). The writers lay them out as Sensor Logger, phyphox, the generic
CSV and Physics Toolbox would, so a reader's test checks real signals against known values.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
G = 9.80665
#: Sensor Logger's clock: UTC epoch ns of the first sample of every fixture (2023-11-14).
EPOCH_START_NS = 1_700_000_000_000_000_000
PHYPHOX_START_EPOCH_S = 1_700_000_000.25


@dataclass(frozen=True)
class Walk:
    """A real walk: time from its first sample (s), acceleration (m/s^2), gyro (rad/s)."""

    time_s: NDArray[np.float64]
    acc_m_s2: NDArray[np.float64]
    gyro_rad_s: NDArray[np.float64] | None
    time_ns: NDArray[np.int64]  # the same times in integer nanoseconds


def phone_walk(name: str = "Samsung_Jamie_Hard_InHand_1", seconds: float = 30.0) -> Walk:
    """The first ``seconds`` of a phone walk (irregular Android sampling, no gyroscope)."""
    raw = np.loadtxt(SHARED_DATA / "phone-steps" / name / "accelerometer.csv", delimiter=",")
    ns = raw[:, 0].astype(np.int64) - int(raw[0, 0])
    keep = ns <= int(seconds * 1e9)
    return Walk(ns[keep] / 1e9, raw[keep, 2:5], None, ns[keep])


def waist_walk(trial: str = "1-1", seconds: float = 20.0) -> Walk:
    """The first ``seconds`` of a waist-IMU walk (100 Hz, with gyroscope)."""
    raw = np.loadtxt(SHARED_DATA / "waist-imu" / f"{trial}_lb.txt", skiprows=2)
    n = min(raw.shape[0], int(seconds * 100))
    ns = np.arange(n, dtype=np.int64) * 10_000_000
    return Walk(ns / 1e9, raw[:n, 1:4], raw[:n, 4:7], ns)


def gravity_of(walk: Walk, window_s: float = 1.0) -> NDArray[np.float64]:
    """A smooth gravity estimate (centred moving mean), as Sensor Logger's Gravity.csv holds."""
    dt = float(np.median(np.diff(walk.time_s)))
    n = max(1, round(window_s / dt))
    kernel = np.ones(n) / n
    padded = np.pad(walk.acc_m_s2, ((n // 2, n - 1 - n // 2), (0, 0)), mode="edge")
    return np.column_stack([np.convolve(padded[:, a], kernel, mode="valid") for a in range(3)])


def _table(columns: list[NDArray[np.generic]], formats: list[str], sep: str) -> str:
    """Rows of formatted columns (each column keeps its own dtype: int64 ns stay exact)."""
    text = np.char.mod(formats[0], columns[0])
    for fmt, column in zip(formats[1:], columns[1:], strict=True):
        text = np.char.add(np.char.add(text, sep), np.char.mod(fmt, column))
    return "\n".join(text.tolist()) + "\n"


def _zip_folder(folder: Path, zip_path: Path, inner: str | None) -> Path:
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                name = file.relative_to(folder).as_posix()
                archive.write(file, f"{inner}/{name}" if inner else name)
    return zip_path


# ---------------------------------------------------------------------- Sensor Logger


def sensor_logger_csv(time_ns: NDArray[np.int64], xyz: NDArray[np.float64]) -> str:
    """``time,seconds_elapsed,z,y,x`` text: epoch ns, seconds since start, z, y, x."""
    epoch = EPOCH_START_NS + time_ns
    elapsed = time_ns / 1e9
    body = _table(
        [epoch, elapsed, xyz[:, 2], xyz[:, 1], xyz[:, 0]],
        ["%d", "%.9f", "%.9g", "%.9g", "%.9g"],
        ",",
    )
    return "time,seconds_elapsed,z,y,x\n" + body


def write_sensor_logger(
    folder: Path,
    walk: Walk,
    *,
    files: tuple[str, ...] = ("TotalAcceleration", "Gyroscope"),
    unit: str = "m/s^2",
    bogus_first_row: bool = False,
) -> Path:
    """A Sensor Logger recording folder with the named motion files (and Metadata.csv)."""
    folder.mkdir(parents=True, exist_ok=True)
    scale = 1.0 / G if unit == "g" else 1.0
    gravity = gravity_of(walk)
    values = {
        "TotalAcceleration": walk.acc_m_s2 * scale,
        "Gravity": gravity * scale,
        "Accelerometer": (walk.acc_m_s2 - gravity) * scale,
    }
    for name in files:
        if name == "Gyroscope":
            assert walk.gyro_rad_s is not None, "this walk has no gyroscope"
            text = sensor_logger_csv(walk.time_ns, walk.gyro_rad_s)
        else:
            text = sensor_logger_csv(walk.time_ns, values[name])
        if bogus_first_row:
            header, rest = text.split("\n", 1)
            text = f"{header}\n0,{-EPOCH_START_NS / 1e9:.6f},0,0,0\n{rest}"
        (folder / f"{name}.csv").write_text(text)
    (folder / "Metadata.csv").write_text(
        "version,device name,recording time,platform,appVersion\n"
        "3,Pixel 7,2023-11-14_22-13-20,android,1.30.0"
    )
    return folder


def zip_sensor_logger(folder: Path, zip_path: Path) -> Path:
    """The recording zipped as Sensor Logger shares it: files inside a named folder."""
    return _zip_folder(folder, zip_path, inner="2023-11-14_22-13-20")


def write_sensor_logger_json(
    path: Path, walk: Walk, *, bogus_first_row: bool = True, with_gyro: bool = True
) -> Path:
    """The JSON export: one array, every value a string, sensors one after another."""
    records: list[dict[str, str]] = []
    if bogus_first_row:
        records.append(
            {
                "sensor": "TotalAcceleration",
                "time": "0",
                "seconds_elapsed": f"{-EPOCH_START_NS / 1e9:.6f}",
                "z": "0",
                "y": "0",
                "x": "0",
            }
        )
    streams = [("TotalAcceleration", walk.acc_m_s2)]
    if with_gyro and walk.gyro_rad_s is not None:
        streams.append(("Gyroscope", walk.gyro_rad_s))
    for sensor, xyz in streams:
        for i in range(walk.time_ns.size):
            records.append(
                {
                    "sensor": sensor,
                    "time": str(EPOCH_START_NS + int(walk.time_ns[i])),
                    "seconds_elapsed": f"{walk.time_ns[i] / 1e9:.9f}",
                    "z": repr(float(xyz[i, 2])),
                    "y": repr(float(xyz[i, 1])),
                    "x": repr(float(xyz[i, 0])),
                }
            )
    records.append({"sensor": "Metadata", "version": "3", "platform": "ios"})
    path.write_text(json.dumps(records, indent=1))
    return path


# ---------------------------------------------------------------------------- phyphox

_PHYPHOX_SEPARATORS = {"comma": ",", "tab": "\t", "semicolon": ";"}


def phyphox_csv(
    headers: list[str], columns: list[NDArray[np.float64]], variant: str = "comma"
) -> str:
    """Quoted headers, E notation, decimal comma in the semicolon variant."""
    sep = _PHYPHOX_SEPARATORS[variant]
    body = _table(columns, ["%.9E"] * len(columns), sep)
    if variant == "semicolon":
        body = body.replace(".", ",")
    return sep.join(f'"{h}"' for h in headers) + "\n" + body


def write_phyphox(
    folder: Path,
    walk: Walk,
    *,
    variant: str = "comma",
    raw_data: bool = False,
    linear: bool = False,
    meta: bool = True,
) -> Path:
    """A phyphox export folder: per-sensor files, or one ``Raw Data.csv``; and ``meta/``."""
    folder.mkdir(parents=True, exist_ok=True)
    acc = walk.acc_m_s2 - gravity_of(walk) if linear else walk.acc_m_s2
    label = "Linear Acceleration" if linear else "Acceleration"
    acc_headers = ["Time (s)"] + [f"{label} {a} (m/s^2)" for a in "xyz"]
    acc_headers.append("Absolute acceleration (m/s^2)")
    acc_columns = [walk.time_s, acc[:, 0], acc[:, 1], acc[:, 2], np.linalg.norm(acc, axis=1)]
    gyro_headers = ["Time (s)"] + [f"Gyroscope {a} (rad/s)" for a in "xyz"]
    gyro_columns: list[NDArray[np.float64]] = []
    if walk.gyro_rad_s is not None:
        gyro_columns = [walk.time_s, *(walk.gyro_rad_s[:, a] for a in range(3))]
    if raw_data:
        headers, columns = acc_headers, acc_columns
        if gyro_columns:
            headers, columns = headers + gyro_headers, columns + gyro_columns
        (folder / "Raw Data.csv").write_text(phyphox_csv(headers, columns, variant))
    else:
        name = "Linear Accelerometer.csv" if linear else "Accelerometer.csv"
        (folder / name).write_text(phyphox_csv(acc_headers, acc_columns, variant))
        if gyro_columns:
            (folder / "Gyroscope.csv").write_text(phyphox_csv(gyro_headers, gyro_columns, variant))
    if meta:
        (folder / "meta").mkdir(exist_ok=True)
        sep = _PHYPHOX_SEPARATORS[variant]
        start = f"{PHYPHOX_START_EPOCH_S:.3f}"
        zero = "0.000000000E0"
        if variant == "semicolon":
            start, zero = start.replace(".", ","), zero.replace(".", ",")
        quoted = [
            ['"event"', '"experiment time"', '"system time"', '"system time text"'],
            ['"START"', zero, start, '"2023-11-14 22:13:20.250 UTC+00:00"'],
        ]
        (folder / "meta" / "time.csv").write_text("\n".join(sep.join(r) for r in quoted) + "\n")
        (folder / "meta" / "device.csv").write_text(
            sep.join(['"property"', '"value"'])
            + "\n"
            + sep.join(['"deviceModel"', '"Pixel 7"'])
            + "\n"
        )
    return folder


def zip_phyphox(folder: Path, zip_path: Path) -> Path:
    """phyphox shares its CSV export as a zip with the files at the top level."""
    return _zip_folder(folder, zip_path, inner=None)


# ------------------------------------------------------------ generic CSV, Physics Toolbox


def write_generic(
    path: Path,
    walk: Walk,
    *,
    unit: str = "m/s^2",
    gyro: bool = True,
    bom: bool = False,
    variant: str = "comma",
    time_offset_s: float = 0.0,
) -> Path:
    """``time_s,ax,ay,az[,gx,gy,gz]`` with acceleration in m/s^2 or g."""
    scale = 1.0 / G if unit == "g" else 1.0
    headers = ["time_s", "ax", "ay", "az"]
    columns = [walk.time_s + time_offset_s, *(walk.acc_m_s2[:, a] * scale for a in range(3))]
    if gyro:
        assert walk.gyro_rad_s is not None
        headers += ["gx", "gy", "gz"]
        columns += [walk.gyro_rad_s[:, a] for a in range(3)]
    sep = _PHYPHOX_SEPARATORS[variant]
    body = _table(columns, ["%.6f"] + ["%.8g"] * (len(columns) - 1), sep)
    if variant == "semicolon":
        body = body.replace(".", ",")
    text = sep.join(headers) + "\n" + body
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode())
    return path


def write_physics_toolbox(path: Path, walk: Walk, *, clock: bool = False) -> Path:
    """``time,gFx,gFy,gFz,TgF`` in g; ``time`` in seconds or as ``hh:mm:ss:SSS``."""
    g_force = walk.acc_m_s2 / G
    total = np.linalg.norm(g_force, axis=1)
    body = _table([*(g_force[:, a] for a in range(3)), total], ["%.4f"] * 4, ",")
    if clock:
        ms = np.round((10 * 3600 + 15 * 60 + walk.time_s) * 1000).astype(np.int64)
        times = [
            f"{m // 3_600_000:02d}:{m // 60_000 % 60:02d}:{m // 1000 % 60:02d}:{m % 1000:03d}"
            for m in ms.tolist()
        ]
    else:
        times = [f"{s:.3f}" for s in walk.time_s]
    lines = [f"{t},{row}" for t, row in zip(times, body.splitlines(), strict=True)]
    path.write_text("time,gFx,gFy,gFz,TgF\n" + "\n".join(lines) + "\n")
    return path
