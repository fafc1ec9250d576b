"""phyphox CSV exports: one file per sensor or ``Raw Data.csv``, plus ``meta/``; or a zip.

Columns are found by their quoted, unit-bearing names: ``"Time (s)"``,
``"Acceleration x (m/s^2)"`` (gravity included), ``"Linear Acceleration x (m/s^2)"`` (gravity
removed), ``"Gyroscope x (rad/s)"``. A file may hold several time columns (one per sensor
buffer); each sensor column belongs to the time column before it. Separator comma, tab or
semicolon (the semicolon variant has a decimal comma); E notation is read as is.
``meta/time.csv`` gives the wall-clock time of the START event.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pyarrow as pa

from retrowalk.errors import UnsupportedFile
from retrowalk.formats.motion_io import (
    Bundle,
    Columns,
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

FORMAT = "phyphox"
_TIME = re.compile(r"^time \(s\)$", re.IGNORECASE)
_ACC = re.compile(r"^(linear )?acceleration ([xyz]) \((.+)\)$", re.IGNORECASE)
_GYRO = re.compile(r"^gyroscope ([xyz]) \((.+)\)$", re.IGNORECASE)
_ACC_UNITS = {"m/s^2": AccUnit.M_S2, "m/s²": AccUnit.M_S2, "m/s2": AccUnit.M_S2, "g": AccUnit.G}
_GYRO_UNITS = {"rad/s": 1.0, "deg/s": math.pi / 180.0, "°/s": math.pi / 180.0}
#: Which file to take the acceleration from, best first (gravity included before linear).
_ACC_FILES = ("accelerometer.csv", "raw data.csv", "linear accelerometer.csv")


def is_phyphox_header(layout: CsvLayout | None) -> bool:
    return layout is not None and any(_TIME.match(c) for c in layout.columns)


def has_phyphox_meta(bundle: Bundle) -> bool:
    return bundle.find("meta/time.csv") is not None or bundle.find("meta/device.csv") is not None


@dataclass
class _Group:
    """Sensor columns sharing one time column: axis letter -> column index."""

    time: int
    acc: dict[str, int] = field(default_factory=dict)
    acc_unit: str | None = None
    linear: bool = False
    gyro: dict[str, int] = field(default_factory=dict)
    gyro_unit: str | None = None


def _groups(layout: CsvLayout) -> list[_Group]:
    groups: list[_Group] = []
    for i, name in enumerate(layout.columns):
        if _TIME.match(name):
            groups.append(_Group(i))
        elif groups and (m := _ACC.match(name)):
            groups[-1].acc[m.group(2).lower()] = i
            groups[-1].acc_unit = m.group(3)
            groups[-1].linear = m.group(1) is not None
        elif groups and (m := _GYRO.match(name)):
            groups[-1].gyro[m.group(1).lower()] = i
            groups[-1].gyro_unit = m.group(2)
    return groups


def _missing(axes: dict[str, int], label: str) -> list[str]:
    return [f"{label} {a} (...)" for a in "xyz" if a not in axes]


def read_phyphox(bundle: Bundle, progress: ProgressCallback | None) -> MotionRecording:
    """Read a phyphox CSV export (folder, zip or one of its CSV files)."""
    csvs = {
        key: source
        for key, source in bundle.files.items()
        if key.lower().endswith(".csv") and not key.lower().startswith("meta/")
    }
    layouts = {key: sniff_layout(source.head()) for key, source in csvs.items()}
    if not csvs or all(layout is None for layout in layouts.values()):
        raise UnsupportedFile(bundle.display, "empty file" if csvs else "no phyphox CSV file")
    groups = {key: _groups(layout) for key, layout in layouts.items() if layout is not None}
    acc_key = _pick(groups, lambda g: bool(g.acc), prefer=_ACC_FILES)
    if acc_key is None:
        found = "; ".join(",".join(layout.columns) for layout in layouts.values() if layout)
        raise UnsupportedFile(
            bundle.display,
            f'no acceleration columns ("Acceleration x (m/s^2)" ...); found: {found[:200]}',
        )
    acc_group = next(g for g in groups[acc_key] if g.acc)
    if missing := _missing(acc_group.acc, "Acceleration"):
        raise UnsupportedFile(csvs[acc_key].display, f"missing column(s) {', '.join(missing)}")
    gyro_key = _pick(groups, lambda g: bool(g.gyro), prefer=("gyroscope.csv", acc_key.lower()))
    gyro_group = next(g for g in groups[gyro_key] if g.gyro) if gyro_key else None
    if gyro_group is not None and (missing := _missing(gyro_group.gyro, "Gyroscope")):
        assert gyro_key is not None
        raise UnsupportedFile(csvs[gyro_key].display, f"missing column(s) {', '.join(missing)}")
    declared_unit = _acc_unit(csvs[acc_key], acc_group.acc_unit)
    gyro_factor = 1.0
    if gyro_key is not None and gyro_group is not None:
        gyro_factor = _gyro_factor(csvs[gyro_key], gyro_group.gyro_unit)
    keys = {acc_key} | ({gyro_key} if gyro_key else set())
    meter = Progress(sum(csvs[k].size for k in keys), progress)
    wanted: dict[str, dict[int, pa.DataType]] = {k: {} for k in keys}
    for key, group, axes in ((acc_key, acc_group, acc_group.acc),) + (
        ((gyro_key, gyro_group, gyro_group.gyro),) if gyro_key and gyro_group else ()
    ):
        wanted[key].update({i: pa.float64() for i in (group.time, *axes.values())})
    notes: list[str] = []
    arrays: dict[str, Columns] = {}
    for key in keys:
        layout = layouts[key]
        assert layout is not None
        arrays[key], read_notes = read_columns(csvs[key], layout, wanted[key], meter)
        notes.extend(read_notes)
    meter.finish()
    acc = _stream(csvs[acc_key], layouts[acc_key], arrays[acc_key], acc_group.time, acc_group.acc)
    gyro = None
    if gyro_key is not None and gyro_group is not None:
        gyro = _stream(
            csvs[gyro_key], layouts[gyro_key], arrays[gyro_key], gyro_group.time, gyro_group.gyro
        )
    origin, time_notes = _start_epoch_s(bundle)
    notes.extend(time_notes)
    layout = layouts[acc_key]
    if layout is not None and layout.decimal_point == ",":
        notes.append(f"{csvs[acc_key].display}: semicolon-separated with decimal commas")
    return build_recording(
        acc,
        gyro=gyro,
        source_format=FORMAT,
        declared_unit=declared_unit,
        declared_gravity=not acc_group.linear,
        gyro_factor_to_rad_s=gyro_factor,
        origin_epoch_s=origin,
        notes=tuple(notes),
    )


def _pick(
    groups: dict[str, list[_Group]], has: Callable[[_Group], bool], prefer: tuple[str, ...]
) -> str | None:
    """The file whose groups satisfy ``has``, by preferred name first."""
    candidates = [key for key, gs in groups.items() if any(has(g) for g in gs)]
    for name in prefer:
        for key in candidates:
            if key.lower() == name:
                return key
    return candidates[0] if candidates else None


def _acc_unit(source: Source, text: str | None) -> AccUnit:
    unit = _ACC_UNITS.get((text or "").strip())
    if unit is None:
        raise UnsupportedFile(
            source.display, f"unknown acceleration unit {text!r}; expected m/s^2 or g"
        )
    return unit


def _gyro_factor(source: Source, text: str | None) -> float:
    factor = _GYRO_UNITS.get((text or "").strip())
    if factor is None:
        raise UnsupportedFile(source.display, f"unknown gyroscope unit {text!r}; expected rad/s")
    return factor


def _stream(
    source: Source,
    layout: CsvLayout | None,
    arrays: Columns,
    time: int,
    axes: dict[str, int],
) -> RawStream:
    assert layout is not None
    return RawStream(
        source.display,
        arrays.column(time),
        arrays.stack(*(axes[a] for a in "xyz")),
        axis_names=(
            layout.columns[axes["x"]],
            layout.columns[axes["y"]],
            layout.columns[axes["z"]],
        ),
    )


def _start_epoch_s(bundle: Bundle) -> tuple[float | None, tuple[str, ...]]:
    """UTC seconds at experiment time 0, from the START row of meta/time.csv."""
    source = bundle.find("meta/time.csv")
    if source is None:
        return None, ("no meta/time.csv: start time unknown",)
    head = source.head(65536)
    layout = sniff_layout(head)
    if layout is None:
        return None, (f"{source.display}: empty; start time unknown",)
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    for row in csv.reader(text.splitlines()[1:], delimiter=layout.delimiter):
        if len(row) >= 3 and row[0].strip().upper() == "START":
            try:
                experiment = float(row[1].replace(layout.decimal_point, "."))
                system = float(row[2].replace(layout.decimal_point, "."))
            except ValueError:
                break
            return system - experiment, ()
    return None, (f"{source.display}: no readable START event; start time unknown",)
