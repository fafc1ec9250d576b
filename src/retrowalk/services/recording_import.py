"""Turn one recording (FIT, GPX or a phone motion recording) into a logged session to store.

Dispatch is on content, never on the file name alone: FIT and GPX by their first bytes
(``formats.activity.detect_format``), motion recordings (a folder, a zip, a CSV or a JSON
export) by ``formats.sensor_csv.sniff_motion_format``; the extension only picks which reader
explains why a file that matches nothing is refused. Readers and the analysis raise
``UnsupportedFile`` naming the file and the problem; nothing here writes anything.

What a session is made of (SI units):

- ``performed_at``: the file's start time (FIT with its local offset, GPX and motion in UTC);
  a file without one takes ``--when``, else it is refused naming ``--when``.
- ``duration_s``: FIT and GPX: ``ActivitySummary.duration_s`` (the device timer, or the time
  inside GPX segments; the elapsed time when no timer is known); a file without times takes
  ``--minutes``, else it is refused naming ``--minutes`` (a duration made up from the distance
  would be a silent guess). Motion: the total walking time of the detected bouts.
- ``distance_m`` and ``speed_m_s``: from the summary (speed = distance over moving time).
- ``incline_pct``: 0 unless the walker declares it (``--incline``). A GPX track's outdoor grade
  is the ground's slope, not a treadmill incline: it is kept in the details.
- ``modality``: ``--modality``; else treadmill for a FIT treadmill sub-sport; else the walker's
  current target modality (a GPS track is never a treadmill walk: overground then).
- Pain as given (else None: not reported yet); rails and near-falls false.

The walking direction is the one the walker declares (backward unless ``--direction`` says
otherwise): the session records it. For motion recordings the sensor's view is added to the
details beside it (``services.direction_check``: measured backward seconds and whether it
verifies, contradicts or cannot verify the declaration); it never changes the session.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from retrowalk.domain.models import LoggedSession, Modality
from retrowalk.errors import UnsupportedFile
from retrowalk.formats.activity import ActivitySummary, detect_format, ensure_walking
from retrowalk.formats.fit import read_fit
from retrowalk.formats.gpx import read_gpx
from retrowalk.formats.sensor_csv import read_motion, sniff_motion_format
from retrowalk.sensing.gait import GaitAnalysis, analyze_motion
from retrowalk.sensing.recording import MotionRecording
from retrowalk.services.direction_check import CalibrationLookup, sensor_direction
from retrowalk.services.warmup_rule import WarmupPlan

HASH_CHUNK_BYTES = 1 << 20
#: How ``formats.activity.decide_walking`` starts the sentence explaining a judgement call.
_WALKING_JUDGEMENTS = ("The file names no sport", "The file calls it")
ByteProgress = Callable[[int, int], None]


class DeclaredDirection(StrEnum):
    """The walking direction as the walker declares it for an imported recording."""

    BACKWARD = "backward"
    FORWARD = "forward"
    MIXED = "mixed"


@dataclass(frozen=True)
class ImportOptions:
    """What the walker says about the files of one import (the CLI flags).

    ``when``: the start time of files that do not say it. ``duration_s``: the duration of files
    without times (``--minutes``). ``direction``: None means backward for a new import and, on
    re-analysis, the direction declared before. ``warmup_s``: a motion recording's first
    seconds are a forward warm-up (they calibrate the direction detection). ``reanalyse``: a file imported before is read
    and analysed again and its session replaced (a revision keeps the earlier state).
    """

    modality: Modality | None = None
    when: datetime | None = None
    duration_s: float | None = None
    incline_pct: float | None = None
    direction: DeclaredDirection | None = None
    pain_during_nprs: int | None = None
    pain_after_nprs: int | None = None
    allow_non_walking: bool = False
    reanalyse: bool = False
    warmup_s: float | None = None


@dataclass(frozen=True)
class ReadRecording:
    """A recording read and analysed: the session to store and its details (JSON-safe)."""

    format: str
    session: LoggedSession
    details: dict[str, Any] = field(default_factory=dict)


# --- content -----------------------------------------------------------------------------------


def content_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes; of a folder: over its files' sorted relative paths, sizes and
    contents (renaming or changing any file changes it; where the folder lies does not)."""
    digest = hashlib.sha256()
    if path.is_dir():
        files = sorted(
            (p for p in path.rglob("*") if p.is_file()), key=lambda p: p.relative_to(path).parts
        )
        for file in files:
            name = file.relative_to(path).as_posix().encode()
            digest.update(len(name).to_bytes(8, "big") + name)
            digest.update(file.stat().st_size.to_bytes(8, "big"))
            _hash_file(file, digest)
    else:
        _hash_file(path, digest)
    return digest.hexdigest()


def _hash_file(path: Path, digest: Any) -> None:
    # one reused buffer: no fresh megabyte (and its page faults) per chunk
    buffer = bytearray(HASH_CHUNK_BYTES)
    view = memoryview(buffer)
    with path.open("rb", buffering=0) as stream:
        while n := stream.readinto(buffer):
            digest.update(view[:n])


def size_bytes(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size


def detect_kind(path: Path) -> str:
    """ "fit", "gpx" or "motion": what the content shows (the extension only as a last resort,
    so that the matching reader explains the refusal)."""
    if path.is_dir():
        return "motion"
    with path.open("rb") as stream:
        head = stream.read(64)
    found = detect_format(head)
    if found is not None:
        return found
    if sniff_motion_format(path) is not None:
        return "motion"
    suffix = path.suffix.lower()
    if suffix == ".fit":
        return "fit"
    if suffix == ".gpx":
        return "gpx"
    return "motion"


# --- reading -----------------------------------------------------------------------------------


def read_recording(
    path: Path,
    options: ImportOptions,
    *,
    target_modality: Modality | None,
    progress: ByteProgress | None = None,
    calibration_for: CalibrationLookup | None = None,
    warmup_plan: WarmupPlan | None = None,
) -> ReadRecording:
    """Read and analyse ``path`` into the session to store; raise ``UnsupportedFile``.
    ``calibration_for(placement)``: the walker's stored direction calibration, or None.
    ``warmup_plan``: the program's forward warm-up (a motion recording may calibrate itself on
    it: ``services.warmup_rule``)."""
    kind = detect_kind(path)
    if kind == "motion":
        recording = read_motion(path, progress=progress)
        gait = analyze_motion(recording)
        read = _from_motion(path, recording, gait, options, target_modality)
        return _with_direction(read, recording, gait, options, calibration_for, warmup_plan)
    summary = read_fit(path) if kind == "fit" else read_gpx(path)
    if progress is not None:
        total = size_bytes(path)
        progress(total, total)
    _ensure_walking(summary, options.allow_non_walking)
    return _from_activity(path, summary, options, target_modality)


def _ensure_walking(summary: ActivitySummary, allow_non_walking: bool) -> None:
    """``ensure_walking``, with the reader's reason when it had to judge (no sport named)."""
    try:
        ensure_walking(summary, allow_non_walking)
    except UnsupportedFile as error:
        judged = [n for n in summary.notes if n.startswith(_WALKING_JUDGEMENTS)]
        if not judged:
            raise
        raise UnsupportedFile(error.path, f"{error.problem}. {judged[-1]}") from None


def _from_activity(
    path: Path, summary: ActivitySummary, options: ImportOptions, target: Modality | None
) -> ReadRecording:
    name = str(path)
    notes = list(summary.notes)
    performed_at = _start(name, summary.start_time, options, notes)
    duration_s = summary.duration_s
    if duration_s is None:
        if options.duration_s is None:
            raise UnsupportedFile(
                name,
                "has no usable times, so the duration of the walk is unknown: give it with "
                "--minutes (and the start with --when)",
            )
        duration_s = options.duration_s
        notes.append("The file has no usable times; the duration is the one given (--minutes).")
    if not summary.is_walking:
        notes.append(f"Imported although the file says {summary.sport} (--allow-non-walking).")
    modality, modality_from = _modality(summary, options, target)
    session = _session(
        performed_at,
        modality,
        duration_s,
        options,
        distance_m=summary.distance_m,
        speed_m_s=summary.mean_speed_m_s,
    )
    details = _details(
        path,
        summary.source_format,
        options,
        steps=summary.steps,
        cadence=summary.cadence_steps_per_min,
        bouts=[],
        quality_issues=[],
        file_totals=dict(summary.file_totals),
        notes=notes,
    )
    details.update(
        modality_from=modality_from,
        sport=summary.sport,
        sub_sport=summary.sub_sport,
        elapsed_s=summary.elapsed_s,
        timer_s=summary.timer_s,
        moving_s=summary.moving_s,
        elevation_gain_m=summary.elevation_gain_m,
        outdoor_grade_pct=summary.mean_grade_pct,
        mean_heart_rate_bpm=summary.mean_heart_rate_bpm,
    )
    return ReadRecording(summary.source_format, session, _json_safe(details))


def _from_motion(
    path: Path,
    recording: MotionRecording,
    analysis: GaitAnalysis,
    options: ImportOptions,
    target: Modality | None,
) -> ReadRecording:
    name = str(path)
    if not analysis.bouts:
        issues = "; ".join(analysis.quality.issues)
        raise UnsupportedFile(
            name,
            f"no walking found in {recording.duration_s:.0f} s of motion (no bout of steady "
            "steps)" + (f"; signal quality: {issues}" if issues else ""),
        )
    notes = list(recording.notes)
    start = (
        None
        if recording.start_epoch_s is None
        else datetime.fromtimestamp(recording.start_epoch_s, UTC)
    )
    performed_at = _start(name, start, options, notes)
    modality = options.modality or target or Modality.OVERGROUND
    modality_from = "option" if options.modality else ("target" if target else "default")
    session = _session(performed_at, modality, analysis.total_walking_s, options)
    quality = analysis.quality
    details = _details(
        path,
        recording.source_format,
        options,
        steps=analysis.total_steps,
        cadence=analysis.mean_cadence_steps_per_min,
        bouts=[
            {
                "start_s": bout.start_s,
                "end_s": bout.end_s,
                "steps": bout.steps,
                "cadence_steps_per_min": bout.cadence_steps_per_min,
            }
            for bout in analysis.bouts
        ],
        quality_issues=list(quality.issues),
        file_totals={
            "recording_s": recording.duration_s,
            "samples": recording.n_samples,
            "mean_rate_hz": quality.mean_rate_hz,
            "gyroscope": recording.gyro_rad_s is not None,
            "gravity_included": recording.gravity_included,
        },
        notes=notes,
    )
    details.update(modality_from=modality_from, walking_s=analysis.total_walking_s)
    return ReadRecording(recording.source_format, session, _json_safe(details))


def _with_direction(
    read: ReadRecording,
    recording: MotionRecording,
    gait: GaitAnalysis,
    options: ImportOptions,
    calibration_for: CalibrationLookup | None,
    warmup_plan: WarmupPlan | None = None,
) -> ReadRecording:
    """The sensor's direction beside the declared one (the session itself is unchanged)."""
    details = dict(read.details)
    sensed = sensor_direction(
        recording,
        gait,
        declared=details["declared_direction"],
        warmup_s=options.warmup_s,
        calibration_for=calibration_for,
        plan=warmup_plan,
    )
    for bout, direction in zip(details["bouts"], sensed.pop("bout_directions", []), strict=False):
        bout.update(direction)
    details.update(sensed)
    return ReadRecording(read.format, read.session, _json_safe(details))


def _start(
    name: str, from_file: datetime | None, options: ImportOptions, notes: list[str]
) -> datetime:
    if from_file is not None:
        if options.when is not None:
            notes.append("The file gives its own start time; --when was not used.")
        return from_file
    if options.when is None:
        raise UnsupportedFile(
            name, "does not say when the walk started: give the start with --when (ISO date-time)"
        )
    notes.append("The file does not say when it started; the start is the one given (--when).")
    return options.when


def _modality(
    summary: ActivitySummary, options: ImportOptions, target: Modality | None
) -> tuple[Modality, str]:
    if options.modality is not None:
        return options.modality, "option"
    if summary.source_format == "fit" and summary.sub_sport == "treadmill":
        return Modality.TREADMILL, "file"
    if summary.source_format == "gpx" and target in (
        Modality.TREADMILL,
        Modality.NON_MOTORISED_TREADMILL,
    ):
        return Modality.OVERGROUND, "file"  # a GPS track moved over ground
    if target is not None:
        return target, "target"
    return Modality.OVERGROUND, "default"


def _session(
    performed_at: datetime,
    modality: Modality,
    duration_s: float,
    options: ImportOptions,
    *,
    distance_m: float | None = None,
    speed_m_s: float | None = None,
) -> LoggedSession:
    return LoggedSession(
        performed_at=performed_at,
        modality=modality,
        duration_s=float(duration_s),
        pain_during_nprs=options.pain_during_nprs,
        pain_after_nprs=options.pain_after_nprs,
        speed_m_s=speed_m_s,
        distance_m=distance_m,
        incline_pct=options.incline_pct or 0.0,
        rails=False,
        near_falls=False,
    )


def _details(
    path: Path,
    fmt: str,
    options: ImportOptions,
    *,
    steps: int | None,
    cadence: float | None,
    bouts: list[dict[str, Any]],
    quality_issues: list[str],
    file_totals: dict[str, Any],
    notes: list[str],
) -> dict[str, Any]:
    direction = options.direction or DeclaredDirection.BACKWARD
    return {
        "format": fmt,
        "file_name": path.name,
        "steps": steps,
        "cadence_steps_per_min": cadence,
        "bouts": bouts,
        "quality_issues": quality_issues,
        "file_totals": file_totals,
        "notes": notes,
        "declared_direction": direction.value,
        "incline_declared": options.incline_pct is not None,
    }


def _json_safe(value: Any) -> Any:
    """Details as JSON can hold them: finite floats (NaN and infinities become None)."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item") and not isinstance(value, str | bytes):  # NumPy scalars
        return _json_safe(value.item())
    return value
