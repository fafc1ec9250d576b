"""Read a FIT activity file (watches, bike computers, phone apps) into an ActivitySummary.

Decoding is fitdecode's, with every checksum checked. The totals (elapsed and timer time,
distance, climb, steps) are the device's own, from the session messages (or the laps, or at
worst the records), because the device measured at a finer resolution than the records it kept;
the reader recomputes them from the records and notes any disagreement. Measured on
../shared/data/fit: the records span within 1.15 s of the session's elapsed time (record times
have 1 s resolution; Edge 800 indoor session 2263 s vs 2261.85 s) and end at its distance
exactly, on every readable file.

Damaged files are refused, never half-read: a truncated file (its checksum cannot be
verified, even when its session summary happens to be complete), a corrupt header (also of a
second FIT file chained after the first), a checksum mismatch, undecodable data. Copying the
file again from the device is the fix, and importing part of a walk would be a silent guess.

Cadence: in FIT, walking and running ``cadence`` counts strides (one foot) per minute, with
``fractional_cadence`` for the fraction; steps per minute are twice that. ``total_strides``
(``total_cycles``) in the session likewise counts strides. On the Garmin fenix 5 walk the
watch's stride total gives 82 steps while its cadence records imply about 93 (+14 %); the
reader keeps the device's count and notes the gap. Its cadence, 121.8 steps/min from the
records, is within 1.1 steps/min of twice the stride cadence listed by another decoder
(garmin-fenix-5-walk-records.csv, 120.7).
"""

from __future__ import annotations

import os
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from retrowalk.errors import UnsupportedFile
from retrowalk.formats.activity import (
    AMBIGUOUS_SUB_SPORTS,
    ActivitySummary,
    FileTotal,
    Track,
    decide_walking,
    detect_format,
)
from retrowalk.formats.fit_decode import FitMessages, decode_fit, require_activity
from retrowalk.sensing.track import (
    TrackAnalyzer,
    path_distance_m,
    steps_from_cadence,
    time_weighted_mean,
)

ON_FOOT_SPORTS = frozenset({"walking", "running", "hiking"})
_ADDITIVE_TOTALS = (
    "total_elapsed_time",
    "total_timer_time",
    "total_distance",
    "total_moving_time",
    "total_ascent",
    "total_descent",
    "total_strides",
    "total_cycles",
)
_MEAN_TOTALS = (
    "enhanced_avg_speed",
    "avg_heart_rate",
    "avg_cadence",
    "avg_running_cadence",
    "avg_fractional_cadence",
)
#: Doubling a stride cadence above this would exceed any human step rate (steps/min), so the
#: device must have written steps already (expert-opinion; sprinters reach about 240-280).
MAX_PLAUSIBLE_STEPS_PER_MIN = 240.0
#: FIT timestamps below 0x10000000 s count from device power-on, not from the FIT epoch.
_FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)
_EARLIEST_REAL_TIME = _FIT_EPOCH + timedelta(seconds=0x10000000)
_SEMICIRCLE_DEG = 180.0 / 2**31
#: Record timestamps have 1 s resolution, so the records may span up to about 2 s more or
#: less than the device's own elapsed time.
_SPAN_TOLERANCE_S = 2.0


def read_fit(path: str | os.PathLike[str]) -> ActivitySummary:
    """Read one FIT activity file; raise UnsupportedFile (naming the file) when it cannot."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise UnsupportedFile(name, f"cannot be read ({exc.strerror or exc})") from exc
    if not data:
        raise UnsupportedFile(name, "is empty (0 bytes), not a FIT file")
    found = detect_format(data[:64])
    if found != "fit":
        hint = " (it looks like XML, e.g. a GPX file: is the file name's extension wrong?)"
        raise UnsupportedFile(
            name,
            "is not a FIT file: its header lacks the '.FIT' signature"
            + (hint if found == "gpx" else ""),
        )
    messages = decode_fit(name, data)
    require_activity(name, messages)
    return _summarise(name, messages)


def _norm(value: Any, empty: str | None) -> str | None:
    if value is None or value == "generic" or isinstance(value, int):
        return empty
    return str(value).lower()


def _float(values: list[Any]) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)


def _first(records: list[dict[str, Any]], *names: str) -> np.ndarray:
    """Per record, the first of ``names`` that is present (e.g. enhanced_speed, speed)."""
    return _float([next((r[n] for n in names if r.get(n) is not None), None) for r in records])


def _sum(summaries: list[dict[str, Any]], key: str) -> float | None:
    values = [s.get(key) for s in summaries]
    present = [float(v) for v in values if v is not None]
    return sum(present) if values and len(present) == len(values) else None


def _file_totals(
    sessions: list[dict[str, Any]], file_ids: list[dict[str, Any]]
) -> dict[str, FileTotal]:
    totals: dict[str, FileTotal] = {"sessions": len(sessions)}
    for key in _ADDITIVE_TOTALS:
        if any(key in s for s in sessions):
            totals[key] = float(sum(s.get(key, 0) for s in sessions))
    if len(sessions) == 1:
        session = sessions[0]
        for key in (*_MEAN_TOTALS, "sport", "sub_sport"):
            if session.get(key) is not None:
                totals[key] = (
                    session[key] if isinstance(session[key], int | float) else str(session[key])
                )
        if isinstance(session.get("start_time"), datetime):
            totals["start_time"] = session["start_time"].isoformat()
    if file_ids:
        fid = file_ids[0]
        product = fid.get("garmin_product") or fid.get("product_name") or fid.get("product")
        maker = fid.get("manufacturer")
        totals["device"] = " ".join(str(v) for v in (maker, product) if v is not None) or None
    return totals


def _summarise(name: str, messages: FitMessages) -> ActivitySummary:
    notes: list[str] = [f"The FIT decoder warned: {w}" for w in messages.warnings[:3]]
    sessions = messages.get("session")
    summaries = sessions or messages.get("lap")
    records = [r for r in messages.records if isinstance(r.get("timestamp"), datetime)]
    if len(records) < len(messages.records):
        notes.append(f"{len(messages.records) - len(records)} records without a time were skipped.")
    t_abs = _float([r["timestamp"].timestamp() for r in records])
    if np.any(np.diff(t_abs) < 0):
        i = int(np.argmax(np.diff(t_abs) < 0)) + 1
        raise UnsupportedFile(
            name,
            f"is damaged: record times go backwards at record {i + 1} "
            f"({records[i - 1]['timestamp']:%Y-%m-%d %H:%M:%S} then "
            f"{records[i]['timestamp']:%Y-%m-%d %H:%M:%S} UTC)",
        )
    t_rel = t_abs - t_abs[0] if t_abs.size else t_abs
    distance = _first(records, "distance")
    if not np.isfinite(distance).any() and records:
        lat = _first(records, "position_lat") * _SEMICIRCLE_DEG
        lon = _first(records, "position_long") * _SEMICIRCLE_DEG
        has_fix = np.isfinite(lat) & np.isfinite(lon)
        if has_fix.sum() >= 2:
            distance = np.full(len(records), np.nan)
            distance[has_fix] = path_distance_m(lat[has_fix], lon[has_fix])
            notes.append(
                "The records carry no distance; it was measured along their GPS positions."
            )
    altitude = _first(records, "enhanced_altitude", "altitude")
    speed = _first(records, "enhanced_speed", "speed")
    from_records = TrackAnalyzer().analyze(distance, t_rel, altitude)

    if not sessions and summaries:
        notes.append(
            f"The file has no session summary; its totals come from its {len(summaries)} laps."
        )
    elif not summaries:
        notes.append(
            "The file has no session or lap summary; "
            f"its totals come from its {len(records)} records."
        )
    elapsed = _sum(summaries, "total_elapsed_time")
    if elapsed is None:
        elapsed = from_records.elapsed_s
    timer = _sum(summaries, "total_timer_time")
    if timer is None:
        timer = _timer_from_events(messages.get("event"))
    if timer is None:
        timer = from_records.elapsed_s
    dist = _sum(summaries, "total_distance")
    if dist is None:
        dist = from_records.distance_m
    if dist == 0.0 and from_records.distance_m is None:
        notes.append("The file records no distance (its summary says 0 m).")
        dist = None
    moving = _sum(summaries, "total_moving_time") if summaries else None
    if moving is None and from_records.moving_s is not None:
        # Record times have 1 s resolution: never report more moving than timer time.
        moving = min(from_records.moving_s, timer) if timer is not None else from_records.moving_s
    gain = _sum(summaries, "total_ascent") if summaries else None
    if gain is None:
        gain = from_records.elevation_gain_m
    _cross_check(notes, from_records.elapsed_s, elapsed, from_records.distance_m, dist)

    sport, sub_sport = _sport(messages, notes)
    activity_types = [
        str(r["activity_type"]) for r in records if r.get("activity_type") is not None
    ]
    device_activity = Counter(activity_types).most_common(1)[0][0] if activity_types else None
    basis_s = moving or timer
    mean_speed = dist / basis_s if dist is not None and basis_s else None
    is_walking, why = decide_walking(sport, sub_sport, mean_speed, device_activity)
    if why:
        notes.append(why)
    on_foot = (
        sport in ON_FOOT_SPORTS
        or device_activity in ON_FOOT_SPORTS
        or sub_sport in AMBIGUOUS_SUB_SPORTS
    )
    steps, cadence = _steps_and_cadence(records, t_rel, summaries, on_foot, sport, notes)
    heart_rate = _heart_rate(records, t_rel, summaries)

    return ActivitySummary(
        source_path=name,
        source_format="fit",
        sport=sport,
        sub_sport=sub_sport,
        is_walking=is_walking,
        start_time=_start_time(messages, summaries, records, notes),
        elapsed_s=elapsed,
        timer_s=timer,
        moving_s=moving,
        distance_m=dist,
        mean_speed_m_s=mean_speed,
        elevation_gain_m=gain,
        mean_grade_pct=100.0 * gain / dist if gain is not None and dist else None,
        steps=steps,
        cadence_steps_per_min=cadence,
        mean_heart_rate_bpm=heart_rate,
        notes=tuple(notes),
        file_totals=MappingProxyType(_file_totals(sessions, messages.get("file_id"))),
        track=Track(t_rel, distance, altitude, speed) if records else None,
    )


def _timer_from_events(events: list[dict[str, Any]]) -> float | None:
    """Seconds the device timer ran, from its timer start and stop events (None: no events)."""
    timer_events = sorted(
        (e["timestamp"], str(e.get("event_type")))
        for e in events
        if e.get("event") == "timer" and isinstance(e.get("timestamp"), datetime)
    )
    if not timer_events:
        return None
    total, started = 0.0, None
    for moment, kind in timer_events:
        if kind == "start" and started is None:
            started = moment
        elif kind.startswith("stop") and started is not None:
            total += (moment - started).total_seconds()
            started = None
    return total if started is None else None


def _cross_check(
    notes: list[str],
    span_s: float | None,
    elapsed_s: float | None,
    record_distance_m: float | None,
    distance_m: float | None,
) -> None:
    if (
        span_s is not None
        and elapsed_s is not None
        and abs(span_s - elapsed_s) > max(_SPAN_TOLERANCE_S, 0.01 * elapsed_s)
    ):
        notes.append(
            f"The records span {span_s:.0f} s but the file's summary says {elapsed_s:.0f} s; "
            "the summary was used."
        )
    if (
        record_distance_m is not None
        and distance_m
        and abs(record_distance_m - distance_m) > 0.01 * distance_m + 1.0
    ):
        notes.append(
            f"The records cover {record_distance_m:.0f} m but the file's summary says "
            f"{distance_m:.0f} m; the summary was used."
        )


def _sport(messages: FitMessages, notes: list[str]) -> tuple[str, str | None]:
    sources = messages.get("session") or messages.get("sport") or messages.get("lap")
    pairs = {(_norm(m.get("sport"), "unknown"), _norm(m.get("sub_sport"), None)) for m in sources}
    if not pairs:
        return "unknown", None
    if len(pairs) > 1:
        sports = sorted({s or "unknown" for s, _ in pairs})
        if len(sports) > 1:
            notes.append(
                f"The file holds {len(sources)} sessions of different sports ({', '.join(sports)})."
            )
            return "multisport", None
        return sports[0], None
    sport, sub_sport = pairs.pop()
    return sport or "unknown", sub_sport


def _steps_and_cadence(
    records: list[dict[str, Any]],
    t_rel: np.ndarray,
    summaries: list[dict[str, Any]],
    on_foot: bool,
    sport: str,
    notes: list[str],
) -> tuple[int | None, float | None]:
    raw = _first(records, "cadence") + np.nan_to_num(_first(records, "fractional_cadence"))
    if not on_foot:
        if sport == "cycling" and np.isfinite(raw).any():
            notes.append("Its cadence is pedal revolutions per minute, not steps.")
        return None, None
    moving = np.where(raw > 0, raw, np.nan)
    factor = 2.0
    if np.isfinite(moving).any() and 2 * np.nanmean(moving) > MAX_PLAUSIBLE_STEPS_PER_MIN:
        factor = 1.0
        notes.append(
            "Its cadence values are already steps per minute (too high for strides); not doubled."
        )
    cadence = time_weighted_mean(moving * factor, t_rel) if records else None
    if cadence is None:
        strides_per_min = _sum(summaries, "avg_cadence") or _sum(summaries, "avg_running_cadence")
        if strides_per_min and len(summaries) == 1:
            cadence = factor * (strides_per_min + summaries[0].get("avg_fractional_cadence", 0.0))
    strides = _sum(summaries, "total_strides")
    if strides is None:
        strides = _sum(summaries, "total_cycles")
    from_cadence = steps_from_cadence(t_rel, np.nan_to_num(raw) * factor) if records else 0.0
    if strides is not None and strides > 0:
        steps = round(2 * strides)
        if from_cadence > 0 and abs(from_cadence - steps) > 0.1 * steps:
            notes.append(
                f"The device counted {steps} steps; its cadence records imply about "
                f"{from_cadence:.0f} ({100 * (from_cadence - steps) / steps:+.0f} %)."
            )
        return steps, cadence
    if from_cadence > 0:
        notes.append(
            f"The file has no step total; {from_cadence:.0f} steps were estimated from its cadence."
        )
        return round(from_cadence), cadence
    return None, cadence


def _heart_rate(
    records: list[dict[str, Any]], t_rel: np.ndarray, summaries: list[dict[str, Any]]
) -> float | None:
    rated = [
        (s["avg_heart_rate"], s.get("total_timer_time") or 0.0)
        for s in summaries
        if s.get("avg_heart_rate")
    ]
    weight = sum(w for _, w in rated)
    if rated and weight > 0:
        return float(sum(hr * w for hr, w in rated) / weight)
    if not records:
        return None
    hr = _first(records, "heart_rate")
    return time_weighted_mean(np.where(hr > 0, hr, np.nan), t_rel)


def _start_time(
    messages: FitMessages,
    summaries: list[dict[str, Any]],
    records: list[dict[str, Any]],
    notes: list[str],
) -> datetime | None:
    starts = [s["start_time"] for s in summaries if isinstance(s.get("start_time"), datetime)]
    start: datetime | None = (
        min(starts) if starts else (records[0]["timestamp"] if records else None)
    )
    if start is None:
        notes.append("The file does not say when the activity started.")
        return None
    if start < _EARLIEST_REAL_TIME:
        notes.append("The device's clock was not set, so the start time is unknown.")
        return None
    for activity in messages.get("activity"):
        local, utc = activity.get("local_timestamp"), activity.get("timestamp")
        if isinstance(local, datetime) and isinstance(utc, datetime):
            # fitdecode labels local_timestamp UTC; its wall-clock value is local time.
            offset_min = round((local - utc).total_seconds() / 900) * 15
            if abs(offset_min) <= 14 * 60:
                return start.astimezone(timezone(timedelta(minutes=offset_min)))
    notes.append("The file does not give the local time zone; the start time is in UTC.")
    return start.astimezone(UTC)
