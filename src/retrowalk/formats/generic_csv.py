"""The documented generic motion CSV, and Physics Toolbox Sensor Suite exports.

Generic CSV (retrowalk's own documented layout)::

    time_s,ax,ay,az[,gx,gy,gz]

- A header line is required; names are case-insensitive, in any order; other columns are
  ignored. Separator comma (or semicolon or tab; with a semicolon, decimal commas are allowed).
- ``time_s``: seconds, any origin, increasing (irregular sampling is fine).
- ``ax, ay, az``: acceleration in m/s^2 or in g, detected from gravity (a still phone reads
  about 9.81 or about 1); with gravity removed (linear acceleration) m/s^2 is assumed.
- ``gx, gy, gz``: angular rate in rad/s, optional (all three or none).

Physics Toolbox: ``time,gFx,gFy,gFz,TgF`` (g-force in g, gravity included) or
``time,ax,ay,az,aT`` (linear acceleration, m/s^2), optional ``wx,wy,wz`` (rad/s); ``time`` in
seconds or as a clock ``hh:mm:ss:SSS``.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from retrowalk.errors import UnsupportedFile
from retrowalk.formats.motion_io import (
    BadValue,
    Bundle,
    ColumnTransform,
    CsvLayout,
    Progress,
    ProgressCallback,
    Source,
    read_columns,
    sniff_layout,
)
from retrowalk.formats.motion_stream import RawStream, build_recording
from retrowalk.formats.motion_units import AccUnit
from retrowalk.sensing.recording import MotionRecording

GENERIC = "generic-csv"
PHYSICS_TOOLBOX = "physics-toolbox"
_GENERIC_ACC = ("ax", "ay", "az")
_GENERIC_GYRO = ("gx", "gy", "gz")
_PT_G_FORCE = ("gfx", "gfy", "gfz")
_PT_LINEAR = ("ax", "ay", "az")
_PT_GYRO = ("wx", "wy", "wz")
_CLOCK = r"^\s*(?P<h>\d+):(?P<m>\d+):(?P<s>\d+)[:.](?P<f>\d+)\s*$"
_DAY_S = 86_400.0


def _names(layout: CsvLayout) -> set[str]:
    return {c.lower() for c in layout.columns}


def is_physics_toolbox_header(layout: CsvLayout | None) -> bool:
    if layout is None:
        return False
    names = _names(layout)
    return "time" in names and (
        set(_PT_G_FORCE) <= names or "tgf" in names or ({"at", *_PT_LINEAR} <= names)
    )


def is_generic_header(layout: CsvLayout | None) -> bool:
    """``time_s`` with at least one of ax/ay/az (missing ones are then named when read)."""
    if layout is None:
        return False
    names = _names(layout)
    return "time_s" in names and bool(names & set(_GENERIC_ACC))


def _single_csv(bundle: Bundle) -> Source:
    csvs = [s for k, s in bundle.files.items() if not k.lower().startswith("meta/")]
    if len(csvs) != 1:
        raise UnsupportedFile(bundle.display, "expected one CSV file")
    return csvs[0]


def _require(source: Source, layout: CsvLayout, columns: tuple[str, ...]) -> dict[str, int]:
    missing = [c for c in columns if layout.index(c) is None]
    if missing:
        raise UnsupportedFile(
            source.display,
            f"missing column(s) {', '.join(missing)}; header is {','.join(layout.columns)}",
        )
    found = {c: layout.index(c) for c in columns}
    return {c: i for c, i in found.items() if i is not None}


def read_generic_csv(bundle: Bundle, progress: ProgressCallback | None) -> MotionRecording:
    """Read the generic ``time_s,ax,ay,az[,gx,gy,gz]`` CSV."""
    source = _single_csv(bundle)
    layout = sniff_layout(source.head())
    if layout is None:
        raise UnsupportedFile(source.display, "empty file")
    acc = _require(source, layout, ("time_s", *_GENERIC_ACC))
    present = [c for c in _GENERIC_GYRO if layout.index(c) is not None]
    gyro = _require(source, layout, _GENERIC_GYRO) if present else None
    order = ("time_s", *_GENERIC_ACC)
    return _read(source, layout, progress, acc, gyro, GENERIC, order, None, None)


def read_physics_toolbox(bundle: Bundle, progress: ProgressCallback | None) -> MotionRecording:
    """Read a Physics Toolbox Sensor Suite CSV (g-force or linear acceleration)."""
    source = _single_csv(bundle)
    layout = sniff_layout(source.head())
    if layout is None:
        raise UnsupportedFile(source.display, "empty file")
    g_force = bool(set(_PT_G_FORCE) & _names(layout))
    axes = _PT_G_FORCE if g_force else _PT_LINEAR
    acc = _require(source, layout, ("time", *axes))
    present = [c for c in _PT_GYRO if layout.index(c) is not None]
    gyro = _require(source, layout, _PT_GYRO) if present else None
    unit, gravity = (AccUnit.G, True) if g_force else (AccUnit.M_S2, False)
    order = ("time", *axes)
    return _read(source, layout, progress, acc, gyro, PHYSICS_TOOLBOX, order, unit, gravity)


def _read(
    source: Source,
    layout: CsvLayout,
    progress: ProgressCallback | None,
    acc: dict[str, int],
    gyro: dict[str, int] | None,
    source_format: str,
    order: tuple[str, ...],
    declared_unit: AccUnit | None,
    declared_gravity: bool | None,
) -> MotionRecording:
    time_col, ax, ay, az = (acc[c] for c in order)
    wanted: dict[int, pa.DataType] = {i: pa.float64() for i in acc.values()}
    transforms: dict[int, ColumnTransform] = {}
    notes: list[str] = []
    first_time = _first_value(layout, time_col)
    if ":" in first_time:
        wanted[time_col] = pa.string()
        transforms[time_col] = _clock_to_seconds
        notes.append(f"{source.display}: clock times (hh:mm:ss:ms) read as seconds")
    if gyro is not None:
        wanted.update({i: pa.float64() for i in gyro.values()})
    meter = Progress(source.size, progress)
    arrays, read_notes = read_columns(source, layout, wanted, meter, transforms)
    meter.finish()
    notes.extend(read_notes)
    time_s = np.asarray(arrays.column(time_col), dtype=np.float64)
    if transforms:
        # A clock passes midnight: add a day at each large step back.
        wraps = np.concatenate([[0.0], np.cumsum(np.diff(time_s) < -_DAY_S / 2) * _DAY_S])
        time_s = time_s + wraps
    names = layout.columns
    acc_stream = RawStream(
        source.display,
        time_s,
        arrays.stack(ax, ay, az),
        axis_names=(names[ax], names[ay], names[az]),
    )
    gyro_stream = None
    if gyro is not None:
        gx, gy, gz = gyro.values()
        gyro_stream = RawStream(
            source.display,
            time_s,
            arrays.stack(gx, gy, gz),
            axis_names=(names[gx], names[gy], names[gz]),
        )
    if layout.decimal_point == ",":
        notes.append(f"{source.display}: decimal commas read")
    return build_recording(
        acc_stream,
        gyro=gyro_stream,
        source_format=source_format,
        declared_unit=declared_unit,
        declared_gravity=declared_gravity,
        notes=tuple(notes),
    )


def _first_value(layout: CsvLayout, index: int) -> str:
    if layout.first_data_line is None:
        return ""
    import csv

    row = next(csv.reader([layout.first_data_line], delimiter=layout.delimiter))
    return row[index] if index < len(row) else ""


def _clock_to_seconds(column: pa.Array) -> NDArray[np.float64]:
    """``hh:mm:ss:SSS`` (or ``hh:mm:ss.SSS``) text to seconds since midnight, vectorised."""
    parts = pc.extract_regex(column, _CLOCK)
    valid = parts.is_valid().to_numpy(zero_copy_only=False)
    if not valid.all():
        i = int(np.flatnonzero(~valid)[0])
        raise BadValue(i, column[i].as_py())
    fields = [pc.struct_field(parts, [k]) for k in range(4)]
    h, m, s = (np.asarray(pc.cast(f, pa.float64())) for f in fields[:3])
    fraction = fields[3]
    digits = np.asarray(pc.utf8_length(fraction), dtype=np.float64)
    frac = np.asarray(pc.cast(fraction, pa.float64())) / 10.0**digits
    return np.asarray(h * 3600.0 + m * 60.0 + s + frac, dtype=np.float64)
