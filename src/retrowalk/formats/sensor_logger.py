"""Sensor Logger (iOS and Android) recordings: a folder or zip of CSV files, or the JSON export.

Motion files have the header ``time,seconds_elapsed,z,y,x`` (columns are read by name, so
the z, y, x order does not matter); ``time`` is UTC epoch in nanoseconds. Which file is used:
``TotalAcceleration.csv`` (gravity included) when present; else ``Accelerometer.csv`` (user
acceleration, gravity removed) plus ``Gravity.csv``, summed; else ``Accelerometer.csv`` alone,
read as gravity-free. ``Gyroscope.csv`` (rad/s) is interpolated onto the accelerometer's times.
Units are checked against gravity (some iOS versions write g). Leading rows with a huge
negative ``seconds_elapsed`` (a bogus all-zero row seen in exports) are dropped with a note.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pajson
from numpy.typing import NDArray

from retrowalk.errors import UnsupportedFile
from retrowalk.formats.motion_io import (
    HEAD_BYTES,
    Bundle,
    CsvLayout,
    Progress,
    ProgressCallback,
    Source,
    read_columns,
    sniff_layout,
)
from retrowalk.formats.motion_stream import RawStream, align_onto, build_recording, tidy_stream
from retrowalk.formats.motion_units import AccUnit, check_acceleration, combine_user_and_gravity
from retrowalk.sensing.recording import MotionRecording

FORMAT = "sensor-logger"
SENSORS = ("TotalAcceleration", "Accelerometer", "Gravity", "Gyroscope")
#: A ``seconds_elapsed`` below this (s) is not a real sample (the bogus first row).
BOGUS_SECONDS_ELAPSED = -86_400.0
JSON_CHUNK_BYTES = 8 << 20


def is_sensor_logger_header(layout: CsvLayout | None) -> bool:
    """``time,seconds_elapsed,...``: the first two columns of every Sensor Logger CSV."""
    return layout is not None and [c.lower() for c in layout.columns[:2]] == [
        "time",
        "seconds_elapsed",
    ]


def is_sensor_logger_json(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text.startswith(b"[") and b'"sensor"' in text


@dataclass(frozen=True)
class _Rows:
    """One sensor's rows as read: epoch nanoseconds and raw x, y, z."""

    name: str
    time_ns: NDArray[np.int64]
    seconds_elapsed: NDArray[np.float64] | None
    xyz: NDArray[np.float64]
    row_label: str
    first_row: int
    notes: tuple[str, ...] = ()


def read_sensor_logger(bundle: Bundle, progress: ProgressCallback | None) -> MotionRecording:
    """Read a Sensor Logger recording (folder, zip, single CSV or JSON export)."""
    json_sources = [s for k, s in bundle.files.items() if k.lower().endswith(".json")]
    if json_sources and is_sensor_logger_json(json_sources[0].head(4096)):
        source = json_sources[0]
        meter = Progress(source.size, progress)
        rows, notes = _read_json(source, meter)
        meter.finish()
        return _assemble(bundle.display, rows, ("Sensor Logger JSON export", *notes), lone=None)
    found = {name: bundle.find(f"{name}.csv") for name in SENSORS}
    lone: Source | None = None
    if not any(found.values()):
        csvs = [s for k, s in bundle.files.items() if k.lower().endswith(".csv")]
        if len(csvs) == 1:
            lone = csvs[0]
        else:
            raise UnsupportedFile(
                bundle.display,
                "no Sensor Logger motion file: expected TotalAcceleration.csv or "
                "Accelerometer.csv (with Gravity.csv, Gyroscope.csv)",
            )
    if found["TotalAcceleration"] is not None:
        found["Accelerometer"] = found["Gravity"] = None
    to_read = {k: s for k, s in found.items() if s is not None}
    if lone is not None:
        to_read = {"Unknown": lone}
    meter = Progress(sum(s.size for s in to_read.values()), progress)
    rows = {name: _read_csv(source, meter) for name, source in to_read.items()}
    meter.finish()
    return _assemble(bundle.display, rows, (), lone=lone)


def _read_csv(source: Source, meter: Progress) -> _Rows:
    head = source.head()
    layout = sniff_layout(head)
    if layout is None:
        raise UnsupportedFile(source.display, "empty file")
    needed = ("time", "x", "y", "z")
    missing = [c for c in needed if layout.index(c) is None]
    if missing:
        raise UnsupportedFile(
            source.display,
            f"missing column(s) {', '.join(missing)}; header is {','.join(layout.columns)}",
        )
    idx = {c: i for c in needed if (i := layout.index(c)) is not None}
    wanted: dict[int, pa.DataType] = {idx["time"]: pa.int64()}
    wanted.update({idx[c]: pa.float64() for c in "xyz"})
    elapsed_idx = layout.index("seconds_elapsed")
    if elapsed_idx is not None and _first_row_is_real(head, layout, idx["time"], elapsed_idx):
        elapsed_idx = None  # only _drop_bogus reads it, and it stops at a real first row
    if elapsed_idx is not None:
        wanted[elapsed_idx] = pa.float64()
    arrays, notes = read_columns(source, layout, wanted, meter)
    return _Rows(
        source.display,
        np.asarray(arrays.column(idx["time"]), dtype=np.int64),
        None if elapsed_idx is None else arrays.column(elapsed_idx),
        arrays.stack(*(idx[c] for c in "xyz")),
        "line",
        2,
        notes,
    )


def _first_row_is_real(head: bytes, layout: CsvLayout, time_idx: int, elapsed_idx: int) -> bool:
    """The first data row, read whole from the head of the file, is no bogus row (its time is
    not 0 and its seconds_elapsed not hugely negative). Then ``_drop_bogus`` drops nothing
    whatever the later rows hold, so the seconds_elapsed column (a tenth of the parsing) need
    not be read. False when unsure (a cut-off or odd first line): the column is read."""
    # Lines end at "\n" only, as the CSV reader sees them (str.splitlines would also split at
    # form feeds, "\x1c" or U+2028 inside a field and take a fragment for the first row).
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]  # the last piece had no "\n" after it
    rows = [line for line in lines if line.strip()]
    if len(rows) < 2 or (len(head) >= HEAD_BYTES and not rows[1].endswith("\n")):
        return False
    fields = next(csv.reader([rows[1].rstrip("\r\n")], delimiter=layout.delimiter), [])
    if len(fields) != len(layout.columns):
        return False
    try:
        time_ns = int(fields[time_idx])
        elapsed_s = float(fields[elapsed_idx])
    except ValueError:
        return False
    return time_ns != 0 and elapsed_s >= BOGUS_SECONDS_ELAPSED


_OBJECT_BOUNDARY = re.compile(rb"\}\s*,\s*\{")
_NUMBER = r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$"


def _read_json(source: Source, meter: Progress) -> tuple[dict[str, _Rows], tuple[str, ...]]:
    """Stream the JSON array in chunks: flat objects become NDJSON lines for pyarrow."""
    parts: dict[str, list[dict[str, NDArray[np.generic]]]] = {name: [] for name in SENSORS}
    counts = dict.fromkeys(SENSORS, 0)
    carry = b""
    first = True
    with source.open(meter) as stream:
        while True:
            chunk = stream.read(JSON_CHUNK_BYTES)
            if not chunk:
                break
            buffer = carry + chunk
            if first:
                buffer = buffer.lstrip(b"\xef\xbb\xbf \t\r\n")
                if not buffer.startswith(b"["):
                    raise UnsupportedFile(source.display, "not a JSON array of sensor records")
                buffer = buffer[1:]
                first = False
            end = buffer.rfind(b"}")
            body, carry = buffer[: end + 1], buffer[end + 1 :]
            body = body.lstrip(b", \t\r\n")
            if body:
                _parse_json_chunk(source, body, parts, counts)
    tail = carry.strip(b", \t\r\n")
    if first:
        raise UnsupportedFile(source.display, "empty file")
    notes = []
    if tail != b"]":
        notes.append(
            f"{source.display}: the JSON array is not closed (export cut off?); "
            "an incomplete last record, if any, dropped"
        )
    rows = {}
    for name, chunks in parts.items():
        if not chunks:
            continue
        elapsed = [c["seconds_elapsed"] for c in chunks if "seconds_elapsed" in c]
        rows[name] = _Rows(
            f"{source.display}, {name}",
            np.concatenate([c["time"] for c in chunks]).astype(np.int64),
            np.concatenate(elapsed).astype(np.float64) if len(elapsed) == len(chunks) else None,
            np.column_stack(
                [np.concatenate([c[a] for c in chunks]).astype(np.float64) for a in "xyz"]
            ),
            f"{name} record",
            1,
        )
    return rows, tuple(notes)


def _ndjson_table(ndjson: bytes) -> pa.Table:
    """One block of newline-separated flat objects as a table (whole chunk in one block)."""
    options = pajson.ReadOptions(block_size=len(ndjson) + 1)
    return pajson.read_json(io.BytesIO(ndjson), read_options=options)


def _parse_json_chunk(
    source: Source,
    body: bytes,
    parts: dict[str, list[dict[str, NDArray[np.generic]]]],
    counts: dict[str, int],
) -> None:
    try:
        table = _ndjson_table(body.replace(b"},", b"}\n"))  # the usual separator, at C speed
    except pa.ArrowInvalid:
        try:  # separators with spaces around the comma
            table = _ndjson_table(_OBJECT_BOUNDARY.sub(b"}\n{", body))
        except pa.ArrowInvalid as exc:
            raise UnsupportedFile(source.display, f"not a readable JSON export: {exc}") from exc
    if "sensor" not in table.column_names:
        raise UnsupportedFile(source.display, "records without a 'sensor' field")
    sensor = table.column("sensor").cast(pa.string())
    for name in SENSORS:
        mask = pc.equal(sensor, name)
        n = pc.sum(mask).as_py() or 0
        if n == 0:
            continue
        selected = table.filter(mask)
        missing = [c for c in ("time", "x", "y", "z") if c not in selected.column_names]
        if missing:
            raise UnsupportedFile(
                source.display, f"{name} records lack the field(s) {', '.join(missing)}"
            )
        fields = [
            f for f in ("time", "seconds_elapsed", "x", "y", "z") if f in selected.column_names
        ]
        part = {
            f: _numbers(
                source,
                selected.column(f),
                pa.int64() if f == "time" else pa.float64(),
                f"{name} record",
                f,
                counts[name],
            )
            for f in fields
        }
        parts[name].append(part)
        counts[name] += n


def _numbers(
    source: Source,
    column: pa.ChunkedArray,
    dtype: pa.DataType,
    record: str,
    field: str,
    offset: int,
) -> NDArray[np.generic]:
    """A JSON field as numbers (strings of numbers, or numbers); refuses naming the record."""
    values = column.combine_chunks()
    if values.null_count:
        i = int(np.flatnonzero(values.is_null().to_numpy(zero_copy_only=False))[0])
        raise UnsupportedFile(
            source.display, f"{record} {offset + i + 1}: field '{field}' is missing or null"
        )
    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        try:
            return np.asarray(pc.cast(values, dtype).to_numpy(zero_copy_only=False))
        except pa.ArrowInvalid:
            pass  # spaces, an integer written as 1.7E18, or text: look closer
        values = pc.utf8_trim_whitespace(values)
        ok = pc.match_substring_regex(values, _NUMBER).to_numpy(zero_copy_only=False)
        bad = np.flatnonzero(~ok.astype(bool))
        if bad.size:
            i = int(bad[0])
            raise UnsupportedFile(
                source.display,
                f"{record} {offset + i + 1}: field '{field}' holds {values[i].as_py()!r}, "
                "where a number belongs",
            )
        values = pc.cast(values, pa.float64())
    return np.asarray(pc.cast(values, dtype).to_numpy(zero_copy_only=False))


def _drop_bogus(rows: _Rows) -> tuple[_Rows, tuple[str, ...]]:
    """Drop leading rows with a zero time or a seconds_elapsed more than a day negative."""
    first_bogus = rows.time_ns.size > 0 and (
        rows.time_ns[0] == 0
        or (rows.seconds_elapsed is not None and rows.seconds_elapsed[0] < BOGUS_SECONDS_ELAPSED)
    )
    if not first_bogus:
        return rows, ()
    bogus = rows.time_ns == 0
    if rows.seconds_elapsed is not None:
        bogus |= rows.seconds_elapsed < BOGUS_SECONDS_ELAPSED
    n = int(np.argmin(bogus)) if not bogus.all() else bogus.size
    if n == 0:
        return rows, ()
    note = (
        f"{rows.name}: {n} bogus leading row(s) (zero time or huge negative seconds_elapsed) "
        "dropped"
    )
    trimmed = replace(
        rows,
        time_ns=rows.time_ns[n:],
        seconds_elapsed=None if rows.seconds_elapsed is None else rows.seconds_elapsed[n:],
        xyz=rows.xyz[n:],
        first_row=rows.first_row + n,
    )
    return trimmed, (note,)


def _assemble(
    display: str, rows: dict[str, _Rows], notes: tuple[str, ...], lone: Source | None
) -> MotionRecording:
    all_notes = list(notes)
    cleaned = {}
    for name, r in rows.items():
        all_notes.extend(r.notes)
        r, dropped = _drop_bogus(r)
        all_notes.extend(dropped)
        cleaned[name] = r
    acc_name = next(
        (n for n in ("TotalAcceleration", "Accelerometer", "Unknown") if n in cleaned), None
    )
    if acc_name is None:
        present = ", ".join(sorted(cleaned)) or "nothing"
        raise UnsupportedFile(
            display,
            f"no accelerometer data (found {present}): need TotalAcceleration or Accelerometer",
        )
    if cleaned[acc_name].time_ns.size == 0:
        raise UnsupportedFile(cleaned[acc_name].name, "no data rows (empty recording)")
    origin_ns = int(cleaned[acc_name].time_ns[0])
    streams = {name: _to_stream(r, origin_ns) for name, r in cleaned.items()}
    acc = streams[acc_name]
    declared_gravity: bool | None = {"TotalAcceleration": True, "Accelerometer": False}.get(
        acc_name
    )
    declared_unit: AccUnit | None = None
    if acc_name == "Accelerometer" and "Gravity" in streams:
        acc, gravity_notes, declared_unit = _add_gravity(acc, streams["Gravity"])
        all_notes.extend(gravity_notes)
        declared_gravity = True
    elif acc_name == "Accelerometer":
        all_notes.append(
            f"{acc.name}: user acceleration only (no Gravity.csv or TotalAcceleration.csv)"
        )
    elif acc_name == "Unknown" and lone is not None:
        all_notes.append(f"{acc.name}: not a standard Sensor Logger file name; gravity detected")
    return build_recording(
        acc,
        gyro=streams.get("Gyroscope"),
        source_format=FORMAT,
        declared_unit=declared_unit,
        declared_gravity=declared_gravity,
        origin_epoch_s=origin_ns / 1e9,
        notes=tuple(all_notes),
    )


def _to_stream(rows: _Rows, origin_ns: int) -> RawStream:
    time_s = (rows.time_ns - origin_ns).astype(np.float64)
    time_s /= 1e9  # in place: one temporary array fewer
    return RawStream(
        rows.name,
        time_s,
        rows.xyz,
        row_label=rows.row_label,
        first_row=rows.first_row,
    )


def _add_gravity(user: RawStream, gravity: RawStream) -> tuple[RawStream, tuple[str, ...], AccUnit]:
    """TotalAcceleration rebuilt as Accelerometer + Gravity, in Gravity's detected unit."""
    user, user_notes = tidy_stream(user)
    gravity, gravity_notes = tidy_stream(gravity)
    if gravity.time_s.size < 2:
        raise UnsupportedFile(gravity.name, "fewer than 2 gravity samples")
    try:
        unit = check_acceleration(gravity.xyz, gravity.time_s).unit
    except ValueError as exc:
        raise UnsupportedFile(gravity.name, str(exc)) from exc
    user, gravity_values, align_notes = align_onto(user, gravity, "Gravity.csv")
    if gravity_values is None:
        raise UnsupportedFile(gravity.name, "; ".join(align_notes))
    total = replace(user, xyz=combine_user_and_gravity(user.xyz, gravity_values))
    note = (
        f"no TotalAcceleration.csv: total acceleration = Accelerometer.csv + Gravity.csv "
        f"(both taken as {unit.value}, the unit Gravity.csv reads)"
    )
    return total, (*user_notes, *gravity_notes, *align_notes, note), unit
