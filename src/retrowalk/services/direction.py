"""Walking direction of a motion recording, and a walker's forward-walking calibration.

``analyze_file`` reads a phone or IMU motion recording (any layout ``formats.sensor_csv``
reads), finds its walking bouts (``sensing.gait.analyze_motion``) and calls each bout's
direction with :class:`~retrowalk.sensing.direction.DirectionDetector`. ``calibrate_file``
builds a :class:`~retrowalk.sensing.direction_calibration.Calibration` from a forward walk;
``read_calibration_file`` / ``write_calibration_file`` keep one as JSON (``to_dict``). Storing
a calibration for a walker is ``store_calibration`` / ``latest_calibration`` (a unit of work).

Only bouts called backward with confidence count as measured backward walking: a wrong
"backward" tells a therapist an exercise was done when it was not (design choice,
expert-opinion; see the detector's docstring for the measured figures).
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from retrowalk.errors import InvalidInput, UnsupportedFile
from retrowalk.formats.sensor_csv import read_motion
from retrowalk.sensing.direction import DirectionDetector, DirectionResult
from retrowalk.sensing.direction_calibration import Calibration
from retrowalk.sensing.gait import GaitAnalysis, analyze_motion
from retrowalk.sensing.recording import MotionRecording
from retrowalk.services.uow import UowFactory
from retrowalk.store.calibrations import PLACEMENTS as STORED_PLACEMENTS

PLACEMENTS = ("auto", "waist", "pocket")
#: A calibration file larger than this is not a calibration (they are a few hundred bytes).
CALIBRATION_MAX_BYTES = 64 << 10


@dataclass(frozen=True)
class BoutReport:
    """One walking bout: recording seconds, steps, cadence and the direction called."""

    start_s: float
    end_s: float
    steps: int
    cadence_steps_per_min: float
    direction: str
    confidence: float
    calibrated: bool
    backward_s: float


@dataclass(frozen=True)
class MotionAnalysis:
    """What ``analyze_file`` found. ``backward_s``: seconds called backward with confidence."""

    file: str
    source_format: str
    placement: str
    calibration_source: str
    attachment: str
    bouts: tuple[BoutReport, ...]
    walking_s: float
    backward_s: float
    notes: tuple[str, ...]


def check_placement(placement: str) -> str:
    if placement not in PLACEMENTS:
        raise InvalidInput("placement", placement, ", ".join(PLACEMENTS))
    return placement


def read_walking(path: Path) -> tuple[MotionRecording, GaitAnalysis]:
    """The recording and its walking bouts; ``UnsupportedFile`` when it holds no walking."""
    recording = read_motion(path)
    gait = analyze_motion(recording)
    if not gait.bouts:
        raise UnsupportedFile(
            str(path),
            f"no walking found in {recording.duration_s:.0f} s of motion (no bout of steady steps)",
        )
    return recording, gait


def bout_reports(gait: GaitAnalysis, result: DirectionResult) -> tuple[BoutReport, ...]:
    return tuple(
        BoutReport(
            start_s=b.start_s,
            end_s=b.end_s,
            steps=b.steps,
            cadence_steps_per_min=b.cadence_steps_per_min,
            direction=d.direction.value,
            confidence=d.confidence,
            calibrated=d.calibrated,
            backward_s=d.backward_s,
        )
        for b, d in zip(gait.bouts, result.bouts, strict=True)
    )


def analyze_file(
    path: Path,
    *,
    placement: str = "auto",
    calibration: Calibration | None = None,
    warmup_s: float | None = None,
) -> MotionAnalysis:
    """Walking bouts of ``path`` with their direction. ``warmup_s``: the first seconds are a
    declared forward warm-up (they calibrate the rest, before ``calibration``)."""
    detector = DirectionDetector(placement=check_placement(placement))
    recording, gait = read_walking(path)
    result = detector.detect(recording, gait.bouts, calibration, warmup_s=warmup_s)
    return MotionAnalysis(
        file=str(path),
        source_format=recording.source_format,
        placement=result.placement,
        calibration_source=result.calibration_source,
        attachment=result.attachment,
        bouts=bout_reports(gait, result),
        walking_s=gait.total_walking_s,
        backward_s=result.backward_s,
        notes=result.notes,
    )


def analysis_document(analysis: MotionAnalysis) -> dict[str, Any]:
    """The JSON form (``--json``): seconds as given, minutes for the totals."""
    return {
        "file": analysis.file,
        "format": analysis.source_format,
        "placement": analysis.placement,
        "calibration": analysis.calibration_source,
        "attachment": analysis.attachment,
        "bouts": [vars(b) for b in analysis.bouts],
        "walking_min": analysis.walking_s / 60.0,
        "measured_backward_min": analysis.backward_s / 60.0,
        "notes": list(analysis.notes),
    }


def calibrate_file(
    path: Path,
    *,
    placement: str = "auto",
    start_s: float | None = None,
    end_s: float | None = None,
) -> Calibration:
    """A calibration from ordinary forward walking in ``path`` (or its [start_s, end_s])."""
    if start_s is not None and end_s is not None and end_s <= start_s:
        raise InvalidInput("end_s", end_s, f"after start_s ({start_s} s)")
    detector = DirectionDetector(placement=check_placement(placement))
    recording, gait = read_walking(path)
    return detector.calibrate(recording, gait.bouts, start_s=start_s, end_s=end_s)


def read_calibration_file(path: Path) -> Calibration:
    """A calibration written by ``write_calibration_file`` (``retrowalk calibrate --out``)."""
    try:
        if path.stat().st_size > CALIBRATION_MAX_BYTES:
            raise UnsupportedFile(str(path), "is too large to be a calibration")
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as error:
        raise UnsupportedFile(str(path), f"cannot be read ({error.strerror or error})") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise UnsupportedFile(str(path), "is not a calibration (JSON) file") from None
    try:
        return Calibration.from_dict(data)
    except InvalidInput as error:
        raise UnsupportedFile(str(path), f"is not a usable calibration: {error}") from None


def write_calibration_file(calibration: Calibration, path: Path) -> Path:
    try:
        path.write_text(json.dumps(calibration.to_dict(), indent=2) + "\n", encoding="utf-8")
    except OSError as error:
        raise UnsupportedFile(str(path), f"cannot be written ({error.strerror or error})") from None
    return path


# --- stored calibrations ------------------------------------------------------------------------


def store_calibration(
    uow: UowFactory,
    walker_ref: str | None,
    calibration: Calibration,
    *,
    source_name: str,
    now: datetime,
) -> str:
    """Keep ``calibration`` for the walker and its placement (the newest is used); its id."""
    with uow() as work:
        walker = work.walkers.default(walker_ref)
        stored_id = work.calibrations.add(
            walker.id,
            calibration.placement,
            calibration.to_dict(),
            source_name=source_name,
            created_at=now,
        )
        work.commit()
    return stored_id


def calibration_lookup(uow: UowFactory, walker_id: str) -> Callable[[str], Calibration | None]:
    """``latest_calibration`` for one import: the walker's newest calibration of every
    placement read in one unit of work at the first call, then answered from memory."""
    found: dict[str, Calibration | None] = {}

    def lookup(placement: str) -> Calibration | None:
        if not found:
            with uow(read_only=True) as work:
                stored = {p: work.calibrations.latest(walker_id, p) for p in STORED_PLACEMENTS}
            found.update(
                {p: None if d is None else Calibration.from_dict(d) for p, d in stored.items()}
            )
        return found.get(placement)

    return lookup


def latest_calibration(uow: UowFactory, walker_id: str, placement: str) -> Calibration | None:
    """The walker's newest calibration for ``placement`` (waist or pocket), or None."""
    with uow(read_only=True) as work:
        data = work.calibrations.latest(walker_id, placement)
    return None if data is None else Calibration.from_dict(data)


# --- uploaded calibrations (the web app) ------------------------------------------------------

#: The largest upload taken as a calibration walk: a few minutes of forward walking at 100 Hz
#: is a few megabytes of CSV; this leaves room for a zipped phone export of a longer walk.
UPLOAD_MAX_BYTES = 32 << 20
UPLOAD_CHUNK_BYTES = 1 << 20
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class CalibrationEntry:
    """A stored calibration as a page shows it; ``in_use``: the newest for its placement."""

    id: str
    placement: str
    created_at: datetime
    source_name: str
    walking_s: float
    in_use: bool


def upload_name(file_name: str | None) -> str:
    """A safe file name for an upload (its extension kept: the readers look at it)."""
    base = PurePosixPath((file_name or "").replace("\\", "/")).name
    cleaned = _SAFE_NAME.sub("_", base).strip("._")[:100]
    return cleaned or "recording"


def calibrate_upload(
    uow: UowFactory,
    walker_ref: str | None,
    stream: BinaryIO,
    *,
    file_name: str | None,
    placement: str,
    now: datetime,
    max_bytes: int | None = None,
) -> CalibrationEntry:
    """Store a calibration made from an uploaded forward walk (any layout ``calibrate``
    reads: one CSV or JSON file, or a zip). ``UnsupportedFile`` naming the upload for an empty,
    too large, unreadable or non-walking file; ``InvalidInput`` for a bad placement."""
    check_placement(placement)
    max_bytes = UPLOAD_MAX_BYTES if max_bytes is None else max_bytes
    name = upload_name(file_name)
    with tempfile.TemporaryDirectory(prefix="retrowalk-calibration-") as folder:
        path = Path(folder) / name
        size = 0
        with path.open("wb") as out:
            while chunk := stream.read(UPLOAD_CHUNK_BYTES):
                size += len(chunk)
                if size > max_bytes:
                    raise UnsupportedFile(
                        name,
                        f"is larger than {max_bytes / 2**20:g} MB: a calibration needs a few minutes "
                        "of ordinary forward walking, not a long recording",
                    )
                out.write(chunk)
        if size == 0:
            raise UnsupportedFile(name, "is empty")
        try:
            made = calibrate_file(path, placement=placement)
        except UnsupportedFile as error:
            problem = error.problem.replace(f"{folder}/", "")
            raise UnsupportedFile(name, problem) from None
        except OSError as error:
            raise UnsupportedFile(name, f"cannot be read ({error.strerror or error})") from None
    stored_id = store_calibration(uow, walker_ref, made, source_name=name, now=now)
    return next(c for c in calibrations(uow, walker_ref) if c.id == stored_id)


def calibrations(uow: UowFactory, walker_ref: str | None) -> list[CalibrationEntry]:
    """The walker's calibrations, newest first; the newest per placement is the one in use."""
    with uow(read_only=True) as work:
        stored = work.calibrations.list(work.walkers.default(walker_ref).id)
    seen: set[str] = set()
    entries = []
    for c in stored:
        entries.append(
            CalibrationEntry(
                id=c.id,
                placement=c.placement,
                created_at=c.created_at,
                source_name=c.source_name,
                walking_s=float(c.data.get("walking_s") or 0.0),
                in_use=c.placement not in seen,
            )
        )
        seen.add(c.placement)
    return entries
