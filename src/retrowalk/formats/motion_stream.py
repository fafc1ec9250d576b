"""From raw sensor streams to a checked MotionRecording (shared by every motion reader)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from retrowalk.errors import UnsupportedFile
from retrowalk.formats.motion_io import first_nan
from retrowalk.formats.motion_units import (
    MAX_GYRO_RAD_S,
    AccUnit,
    FloatArray,
    MotionDataError,
    align_stream,
    check_acceleration,
    check_gyro_rad_s,
    clean_time,
    median_interval_s,
    sampling_notes,
)
from retrowalk.sensing.recording import MotionRecording


@dataclass(frozen=True)
class RawStream:
    """One sensor's samples as read: time on the recording's common origin, raw units.

    ``name`` names the stream in messages (a file path, or "export.json, Gyroscope");
    sample i is "``row_label`` ``first_row + i``" there (a line of a CSV file).
    """

    name: str
    time_s: FloatArray
    xyz: FloatArray
    axis_names: tuple[str, str, str] = ("x", "y", "z")
    row_label: str = "line"
    first_row: int = 2

    def where(self, i: int) -> str:
        return f"{self.row_label} {self.first_row + i}"

    def take(self, keep: np.ndarray) -> RawStream:
        return replace(self, time_s=self.time_s[keep], xyz=self.xyz[keep])


def _may_hold_nan(values: FloatArray) -> bool:
    """False only when no value is NaN: a NaN makes the sum NaN (the sum of numbers can be NaN
    too, +inf plus -inf, hence "may"). No temporary array, unlike ``np.isnan(values).any()``."""
    return bool(np.isnan(np.sum(values)))


def _strictly_increasing(time_s: FloatArray) -> bool:
    """Finite and strictly increasing: then ``clean_time`` keeps every sample, notes nothing."""
    if time_s.size < 2:
        return False
    finite_ends = bool(np.isfinite(time_s[0]) and np.isfinite(time_s[-1]))
    return finite_ends and bool(np.all(time_s[1:] > time_s[:-1]))


def tidy_stream(stream: RawStream) -> tuple[RawStream, tuple[str, ...]]:
    """Trim incomplete trailing rows, refuse missing values inside, make time increase."""
    notes: list[str] = []
    if (_may_hold_nan(stream.time_s) or _may_hold_nan(stream.xyz)) and (
        np.isnan(stream.time_s).any() or np.isnan(stream.xyz).any()
    ):
        values = np.column_stack([stream.time_s, stream.xyz])
        complete = ~np.isnan(values).any(axis=1)
        last_complete = np.flatnonzero(complete)
        end = int(last_complete[-1]) + 1 if last_complete.size else 0
        trailing = values[end:]
        if np.isfinite(trailing).any():
            notes.append(f"{stream.name}: {trailing.shape[0]} incomplete row(s) at the end dropped")
        stream = replace(stream, time_s=stream.time_s[:end], xyz=stream.xyz[:end])
        bad = first_nan(np.column_stack([stream.time_s, stream.xyz]))
        if bad is not None:
            columns = ("time", *stream.axis_names)
            row = values[bad]
            column = columns[int(np.flatnonzero(np.isnan(row))[0])]
            raise UnsupportedFile(
                stream.name, f"column '{column}' is empty or NaN on {stream.where(bad)}"
            )
    if _strictly_increasing(stream.time_s):
        return stream, tuple(notes)  # the usual case, checked in one pass
    try:
        cleaning = clean_time(stream.time_s, stream.where)
    except MotionDataError as exc:
        raise UnsupportedFile(stream.name, str(exc)) from exc
    if cleaning.keep is not None:
        stream = stream.take(cleaning.keep)
    notes.extend(f"{stream.name}: {note}" for note in cleaning.notes)
    return stream, tuple(notes)


def align_onto(
    target: RawStream, other: RawStream, label: str
) -> tuple[RawStream, FloatArray | None, tuple[str, ...]]:
    """``other`` interpolated at ``target``'s times; ``target`` trimmed to their overlap."""
    values, inside, notes = align_stream(target.time_s, other.time_s, other.xyz, label)
    if values is not None and not inside.all():
        target = target.take(inside)
    return target, values, notes


def _within(values: FloatArray, limit: float) -> bool:
    """Every absolute value at most ``limit`` (then any percentile of them is too): the cheap
    test that spares ``check_gyro_rad_s`` its percentile on the usual, plausible gyroscope."""
    if values.size == 0:
        return True
    return bool(np.max(values) <= limit and -np.min(values) <= limit)


def build_recording(
    acc: RawStream,
    *,
    gyro: RawStream | None,
    source_format: str,
    declared_unit: AccUnit | None = None,
    declared_gravity: bool | None = None,
    gyro_factor_to_rad_s: float = 1.0,
    origin_epoch_s: float | None = None,
    notes: tuple[str, ...] = (),
) -> MotionRecording:
    """Check and convert the streams into a MotionRecording, or refuse naming the problem.

    ``origin_epoch_s``: wall-clock time (UTC s) of time 0 of the streams, when known.
    """
    if acc.time_s.size == 0:
        raise UnsupportedFile(acc.name, "no data rows (empty recording)")
    acc, acc_notes = tidy_stream(acc)
    all_notes = [*notes, *acc_notes]
    if acc.time_s.size < 2:
        raise UnsupportedFile(acc.name, f"only {acc.time_s.size} usable sample(s)")
    gyro_values = None
    if gyro is not None and gyro.time_s.size:
        gyro, gyro_notes = tidy_stream(gyro)
        all_notes.extend(gyro_notes)
        acc, gyro_values, align_notes = align_onto(acc, gyro, "the gyroscope")
        all_notes.extend(align_notes)
    elif gyro is not None:
        all_notes.append(f"{gyro.name}: no gyroscope samples; not used")
    median_dt_s = median_interval_s(acc.time_s)  # for the gravity check and the notes
    try:
        check = check_acceleration(
            acc.xyz,
            acc.time_s,
            declared_unit=declared_unit,
            declared_gravity=declared_gravity,
            median_dt_s=median_dt_s,
        )
    except MotionDataError as exc:
        raise UnsupportedFile(acc.name, str(exc)) from exc
    gyro_rad_s = None
    if gyro is not None and gyro_values is not None:
        gyro_rad_s = (
            gyro_values if gyro_factor_to_rad_s == 1.0 else gyro_values * gyro_factor_to_rad_s
        )
        if not _within(gyro_rad_s, MAX_GYRO_RAD_S):
            try:
                check_gyro_rad_s(gyro_rad_s)
            except MotionDataError as exc:
                raise UnsupportedFile(gyro.name, str(exc)) from exc
    all_notes.extend(check.notes)
    all_notes.extend(sampling_notes(acc.time_s, median_dt_s=median_dt_s))
    t0 = float(acc.time_s[0])
    return MotionRecording(
        time_s=acc.time_s if t0 == 0.0 else acc.time_s - t0,
        acc_m_s2=acc.xyz if check.factor_to_m_s2 == 1.0 else acc.xyz * check.factor_to_m_s2,
        gyro_rad_s=gyro_rad_s,
        gravity_included=check.gravity_included,
        source_format=source_format,
        start_epoch_s=None if origin_epoch_s is None else origin_epoch_s + t0,
        notes=tuple(all_notes),
    )
