"""Phone motion-sensor recordings: detect the app's layout and read it into a MotionRecording.

Supported (see each reader's module for the layout):

- ``sensor-logger``: Sensor Logger folder, zip of it, one of its CSV files, or its JSON export
  (formats/sensor_logger.py);
- ``phyphox``: phyphox CSV export, folder or zip, or one of its CSV files (formats/phyphox.py);
- ``generic-csv``: ``time_s,ax,ay,az[,gx,gy,gz]`` (formats/generic_csv.py);
- ``physics-toolbox``: Physics Toolbox Sensor Suite ``time,gFx,gFy,gFz,TgF`` (same module).

Every problem is an ``UnsupportedFile(path, problem)`` naming the file (the member of a zip)
and what is wrong: unknown layout, missing columns, text in a number column (column and line),
time going backwards (where), an empty file, a magnitude that is gravity in no unit.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from retrowalk.errors import UnsupportedFile
from retrowalk.formats import generic_csv, phyphox, sensor_logger
from retrowalk.formats.motion_io import Bundle, ProgressCallback, open_bundle, sniff_layout
from retrowalk.sensing.recording import MotionRecording

Reader = Callable[[Bundle, ProgressCallback | None], MotionRecording]
READERS: dict[str, Reader] = {
    sensor_logger.FORMAT: sensor_logger.read_sensor_logger,
    phyphox.FORMAT: phyphox.read_phyphox,
    generic_csv.GENERIC: generic_csv.read_generic_csv,
    generic_csv.PHYSICS_TOOLBOX: generic_csv.read_physics_toolbox,
}
_EXPECTED = (
    "expected a Sensor Logger recording (time,seconds_elapsed,z,y,x files or its JSON export), "
    'a phyphox CSV export ("Time (s)","Acceleration x (m/s^2)",...), the generic CSV '
    "time_s,ax,ay,az[,gx,gy,gz] or Physics Toolbox time,gFx,gFy,gFz,TgF"
)


def read_motion(
    path: str | Path, *, progress: Callable[[int, int], None] | None = None
) -> MotionRecording:
    """Read a phone motion recording in any supported layout.

    ``progress(done_bytes, total_bytes)`` is called as the files are read. Raises
    ``UnsupportedFile`` naming the file and the problem.
    """
    bundle = open_bundle(Path(path))
    fmt = _detect(bundle)
    if fmt is None:
        raise UnsupportedFile(bundle.display, _unknown_problem(bundle))
    return READERS[fmt](bundle, progress)


def sniff_motion_format(path: str | Path) -> str | None:
    """The layout name of a motion recording (a key of ``READERS``), or None; never raises
    for unreadable input (the import dispatcher then tries other readers)."""
    try:
        return _detect(open_bundle(Path(path)))
    except (UnsupportedFile, OSError, zipfile.BadZipFile):
        return None


def _detect(bundle: Bundle) -> str | None:
    files = bundle.files
    for key, source in files.items():
        if key.lower().endswith(".json") and sensor_logger.is_sensor_logger_json(source.head(4096)):
            return sensor_logger.FORMAT
    if phyphox.has_phyphox_meta(bundle):
        return phyphox.FORMAT
    csvs = {
        key: source
        for key, source in files.items()
        if "/" not in key and key.lower().endswith((".csv", ".txt", ".tsv"))
    }
    if len(files) == 1 and not csvs:
        csvs = dict(files)  # a single file whatever its extension: look at its header
    layouts = {key: sniff_layout(source.head()) for key, source in csvs.items()}
    checks = (
        (sensor_logger.FORMAT, sensor_logger.is_sensor_logger_header),
        (phyphox.FORMAT, phyphox.is_phyphox_header),
        (generic_csv.PHYSICS_TOOLBOX, generic_csv.is_physics_toolbox_header),
        (generic_csv.GENERIC, generic_csv.is_generic_header),
    )
    for fmt, check in checks:
        if any(check(layout) for layout in layouts.values()):
            return fmt
    return None


def _unknown_problem(bundle: Bundle) -> str:
    if not bundle.files:
        return f"empty folder or zip; {_EXPECTED}"
    if len(bundle.files) == 1:
        source = next(iter(bundle.files.values()))
        if source.size == 0:
            return "empty file"
        layout = sniff_layout(source.head())
        if layout is None:
            return "empty file (no header line)"
        header = ",".join(layout.columns)
        return f"unknown layout: header {header[:120]!r}; {_EXPECTED}"
    names = ", ".join(sorted(bundle.files)[:8])
    return f"unknown layout: no motion file among {names}; {_EXPECTED}"
