"""Read a GPX track (phone apps, GPS units) into an ActivitySummary.

Safety first: GPX is XML, and XML can declare entities that expand into gigabytes (a "billion
laughs" bomb) or pull in other files (external entities). GPX never needs a DOCTYPE, so the file
is first parsed by defusedxml with DTDs forbidden, and refused if it declares one; only then
does gpxpy (which would parse with lxml or the standard library as they come) read it.

What is computed (retrowalk.sensing.track): distance is horizontal (2D, from latitude and
longitude; the 3D length including climbs is given in a note), nothing counted across a gap
between segments. ``elapsed_s`` runs from each track's first to last point, ``timer_s`` is the
time inside segments, ``moving_s`` excludes standing still. Several tracks in one file are
summed (each track's own elapsed time, not the hours between tracks). Routes and waypoints
are plans and places, not recorded walks: they are noted, never imported.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as SafeElementTree
import gpxpy
import gpxpy.gpx
import numpy as np
from defusedxml import DefusedXmlException, DTDForbidden
from numpy.typing import NDArray

from retrowalk.errors import InvalidInput, UnsupportedFile
from retrowalk.formats.activity import (
    WALKING_SPEED_CEILING_M_S,
    ActivitySummary,
    Track,
    decide_walking,
    detect_format,
)
from retrowalk.sensing.track import TrackAnalyzer, path_distance_m

#: Times spanning less than this are a placeholder, not a recording (s).
_MIN_TIME_SPAN_S = 1.0
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_DECLARED_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)[\"']")
_SPORT_WORDS = {
    "walking": "walking",
    "walk": "walking",
    "hiking": "hiking",
    "hike": "hiking",
    "running": "running",
    "run": "running",
    "jogging": "running",
    "trail_running": "running",
    "cycling": "cycling",
    "biking": "cycling",
    "bike": "cycling",
    "ride": "cycling",
    "road_biking": "cycling",
    "mountain_biking": "cycling",
}


@dataclass(frozen=True)
class _TrackPoints:
    number: int
    lat: np.ndarray
    lon: np.ndarray
    altitude_m: np.ndarray
    times: list[datetime | None]
    new_segment: np.ndarray
    segment_of: list[int]


def read_gpx(path: str | os.PathLike[str]) -> ActivitySummary:
    """Read one GPX file's tracks; raise UnsupportedFile (naming the file) when it cannot."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise UnsupportedFile(name, f"cannot be read ({exc.strerror or exc})") from exc
    if not data.strip():
        raise UnsupportedFile(name, "is empty, not a GPX file")
    _check_safe_gpx(name, data)
    try:
        document = gpxpy.parse(_XML_DECLARATION.sub("", _decode(name, data), count=1))
    except (gpxpy.gpx.GPXException, ValueError) as exc:
        raise UnsupportedFile(name, f"is not a valid GPX file ({exc})") from exc
    notes: list[str] = []
    tracks = _collect(name, document, notes)
    return _summarise(name, document, tracks, notes)


def _check_safe_gpx(name: str, data: bytes) -> None:
    try:
        root = SafeElementTree.fromstring(data, forbid_dtd=True)
    except DTDForbidden as exc:
        raise UnsupportedFile(
            name,
            "declares a DOCTYPE, which GPX never needs and which can hide an XML bomb or "
            "read other files (external entities); refused for safety",
        ) from exc
    except DefusedXmlException as exc:
        raise UnsupportedFile(
            name, f"uses XML entities, refused for safety ({type(exc).__name__})"
        ) from exc
    except ParseError as exc:
        hint = (
            " (it looks like a FIT file: is the file name's extension wrong?)"
            if detect_format(data[:64]) == "fit"
            else ""
        )
        raise UnsupportedFile(name, f"is not well-formed XML ({exc}){hint}") from exc
    tag = str(root.tag).rsplit("}", 1)[-1]
    if tag != "gpx":
        raise UnsupportedFile(name, f"is XML but not GPX: its root element is <{tag}>, not <gpx>")


def _decode(name: str, data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        encoding, data = "utf-8", data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        declared = _DECLARED_ENCODING.match(data)
        encoding = declared.group(1).decode("ascii") if declared else "utf-8"
    try:
        return data.decode(encoding)
    except (LookupError, UnicodeDecodeError) as exc:
        raise UnsupportedFile(name, f"is not valid {encoding} text ({exc})") from exc


def _collect(name: str, document: gpxpy.gpx.GPX, notes: list[str]) -> list[_TrackPoints]:
    tracks: list[_TrackPoints] = []
    for t_number, track in enumerate(document.tracks, start=1):
        points: list[gpxpy.gpx.GPXTrackPoint] = []
        starts: list[bool] = []
        segment_of: list[int] = []
        for s_number, segment in enumerate(track.segments, start=1):
            if not segment.points:
                notes.append(f"Track {t_number}, segment {s_number} has no points and was skipped.")
                continue
            points.extend(segment.points)
            starts.extend([True] + [False] * (len(segment.points) - 1))
            segment_of.extend([s_number] * len(segment.points))
        if not track.segments:
            notes.append(f"Track {t_number} has no segments and was skipped.")
        if points:
            tracks.append(
                _TrackPoints(
                    number=t_number,
                    lat=np.array([p.latitude for p in points], dtype=np.float64),
                    lon=np.array([p.longitude for p in points], dtype=np.float64),
                    altitude_m=np.array(
                        [np.nan if p.elevation is None else p.elevation for p in points],
                        dtype=np.float64,
                    ),
                    times=[p.time for p in points],
                    new_segment=np.array(starts, dtype=bool),
                    segment_of=segment_of,
                )
            )
    others = []
    if document.routes:
        others.append(f"{len(document.routes)} route(s)")
    if document.waypoints:
        others.append(f"{len(document.waypoints)} waypoint(s)")
    also = (
        f" ({' and '.join(others)}: planned paths and marked places, not recorded walks)"
        if others
        else ""
    )
    n_points = sum(t.lat.size for t in tracks)
    if n_points == 0:
        raise UnsupportedFile(name, f"has no track points, so there is no walk in it{also}")
    if n_points == 1:
        raise UnsupportedFile(name, f"has a single track point; a walk needs at least two{also}")
    if others:
        notes.append(
            f"The file also holds {' and '.join(others)}; routes and waypoints are not walks "
            "and were not imported."
        )
    if len(tracks) > 1:
        notes.append(
            f"The file holds {len(tracks)} tracks; they were summed into one session "
            "(import them one by one if they were separate walks)."
        )
    return tracks


def _epoch_s(moment: datetime) -> float:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def _usable_times(
    name: str, tracks: list[_TrackPoints], notes: list[str]
) -> list[NDArray[np.float64]] | None:
    """Seconds since the epoch per track, or None (with a note) when the times are unusable."""
    moments = [m for t in tracks for m in t.times]
    timed = [m for m in moments if m is not None]
    if not timed:
        notes.append(
            "The track has no times, so its duration is unknown; only its distance was read."
        )
        return None
    if len(timed) < len(moments):
        notes.append(
            f"Only {len(timed)} of {len(moments)} track points have a time, "
            "so the duration is unknown."
        )
        return None
    if any(m.tzinfo is None for m in timed):
        notes.append("The track's times carry no time zone; they were taken as UTC.")
    seconds = [np.array([_epoch_s(m) for m in t.times if m is not None]) for t in tracks]
    everything = np.concatenate(seconds)
    if everything.max() - everything.min() < _MIN_TIME_SPAN_S:
        notes.append(
            f"All {everything.size} track points carry the same time "
            f"({min(timed):%Y-%m-%d %H:%M:%S}), a placeholder from a device without a clock, "
            "so the duration is unknown."
        )
        return None
    for track, t in zip(tracks, seconds, strict=True):
        back = np.flatnonzero(np.diff(t) < 0)
        if back.size:
            i = int(back[0]) + 1
            raise UnsupportedFile(
                name,
                f"has times going backwards in track {track.number}, segment "
                f"{track.segment_of[i]} ({track.times[i - 1]} then {track.times[i]})",
            )
    return seconds


def _sport(document: gpxpy.gpx.GPX, notes: list[str]) -> str:
    types = {(t.type or "").strip().lower().replace(" ", "_") for t in document.tracks if t.type}
    sports = {_SPORT_WORDS.get(t, t) for t in types}
    if not sports:
        return "unknown"
    if len(sports) > 1:
        notes.append(f"The tracks have different types ({', '.join(sorted(types))}).")
        return "multisport"
    sport = sports.pop()
    if sport not in _SPORT_WORDS.values():
        notes.append(f"The track's type {sport!r} is not a sport retrowalk knows.")
        return "unknown"
    return sport


def _summarise(
    name: str, document: gpxpy.gpx.GPX, tracks: list[_TrackPoints], notes: list[str]
) -> ActivitySummary:
    seconds = _usable_times(name, tracks, notes)
    if seconds is not None:  # analyse the tracks in the order they were walked
        first_s = [float(track_seconds[0]) for track_seconds in seconds]
        order = sorted(range(len(tracks)), key=first_s.__getitem__)
        tracks, seconds = [tracks[i] for i in order], [seconds[i] for i in order]
    # One array for all tracks; each track and each segment starts a new segment, so
    # nothing is counted across the gaps between them.
    new_segment = np.concatenate([t.new_segment for t in tracks])
    new_segment[0] = True
    starts = np.cumsum([0] + [t.lat.size for t in tracks[:-1]])
    new_segment[starts] = True
    lat = np.concatenate([t.lat for t in tracks])
    lon = np.concatenate([t.lon for t in tracks])
    altitude = np.concatenate([t.altitude_m for t in tracks])
    distance = path_distance_m(lat, lon, new_segment)
    origin = float(seconds[0][0]) if seconds else None
    time_s = np.concatenate(seconds) - origin if seconds and origin is not None else None
    has_altitude = np.isfinite(altitude).sum() >= 2
    try:
        stats = TrackAnalyzer().analyze(
            distance, time_s, altitude if has_altitude else None, new_segment
        )
    except InvalidInput as exc:  # times not increasing from one track to the next
        raise UnsupportedFile(name, f"has tracks that overlap in time ({exc})") from exc
    elapsed = float(sum(t[-1] - t[0] for t in seconds)) if seconds is not None else None
    if stats.elevation_gain_m is None:
        notes.append("The track has no elevations, so its climb is unknown.")
    step = np.diff(distance)
    climb = np.where(step > 0, np.nan_to_num(np.diff(altitude)), 0.0)
    notes.append(
        f"Distance is horizontal (2D, from latitude and longitude): {step.sum():.0f} m; "
        f"counting climbs (3D) it is {np.hypot(step, climb).sum():.0f} m."
    )
    if (
        stats.fast_distance_m
        and stats.distance_m
        and stats.fast_distance_m > 0.1 * stats.distance_m
    ):
        notes.append(
            f"{stats.fast_distance_m:.0f} m of the {stats.distance_m:.0f} m were covered faster "
            f"than {WALKING_SPEED_CEILING_M_S} m/s, faster than walking: part of the track may be "
            "a ride or GPS jumps; check the distance."
        )
    mean_speed = stats.mean_speed_m_s
    if mean_speed is None and stats.distance_m is not None and stats.timer_s:
        mean_speed = stats.distance_m / stats.timer_s
    sport = _sport(document, notes)
    is_walking, why = decide_walking(sport, None, stats.median_moving_speed_m_s)
    if why:
        notes.append(why.replace("mean speed", "typical moving speed"))
    speed = None
    if time_s is not None:
        speed = np.full(distance.size, np.nan)
        dt = np.diff(time_s)
        np.divide(step, dt, out=speed[1:], where=(dt > 0) & ~new_segment[1:])
    start = None
    if origin is not None:
        start = datetime.fromtimestamp(origin, tz=UTC)
        notes.append("GPX times are in UTC; the file does not give the local time zone.")
    return ActivitySummary(
        source_path=name,
        source_format="gpx",
        sport=sport,
        sub_sport=None,
        is_walking=is_walking,
        start_time=start,
        elapsed_s=elapsed,
        timer_s=stats.timer_s,
        moving_s=stats.moving_s,
        distance_m=stats.distance_m,
        mean_speed_m_s=mean_speed,
        elevation_gain_m=stats.elevation_gain_m,
        mean_grade_pct=stats.mean_grade_pct,
        steps=None,
        cadence_steps_per_min=None,
        mean_heart_rate_bpm=None,
        notes=tuple(notes),
        track=Track(time_s, distance, altitude, speed),
    )
