"""The sensor's view of an imported motion recording's direction, beside the declared one.

Runs :class:`~retrowalk.sensing.direction.DirectionDetector` after the gait analysis, with the
declared forward warm-up (``--warmup-s``) or else the walker's stored calibration for the
detected placement. The session keeps what the walker declared (direction and duration are
never changed here); the details get the sensor's view:

- per bout ``direction``, ``direction_confidence``, ``backward_s``;
- ``measured_backward_s``: seconds called backward with confidence (``DirectionResult``);
- ``direction_calibration``: none, warm-up or stored;
- ``direction_check`` for a session declared backward: ``verified`` (a bout confidently
  called backward, with a calibration), ``contradicted`` (none, but a bout confidently called
  forward with a calibration: the walker is asked to confirm, ``direction_needs_confirmation``)
  or ``declared, not verified`` (the sensor was unsure). Other declarations: ``not checked``.

A wrong "backward" is worse than none (design choice, expert-opinion): only confident,
calibrated calls count, as in the detector.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from retrowalk.domain.models import WalkDirection
from retrowalk.errors import InvalidInput
from retrowalk.sensing.direction import DirectionDetector, DirectionResult
from retrowalk.sensing.direction_calibration import Calibration
from retrowalk.sensing.gait import GaitAnalysis
from retrowalk.sensing.recording import MotionRecording

VERIFIED = "verified"
CONTRADICTED = "contradicted"
NOT_VERIFIED = "declared, not verified"
NOT_CHECKED = "not checked"
#: Least bout confidence for a call to verify or contradict a declaration (the detector's own
#: ``min_confidence``; expert-opinion).
CONFIDENT = 0.5

CalibrationLookup = Callable[[str], Calibration | None]


def sensor_direction(
    recording: MotionRecording,
    gait: GaitAnalysis,
    *,
    declared: str,
    warmup_s: float | None,
    calibration_for: CalibrationLookup | None,
) -> dict[str, Any]:
    """The details to add to the session (see the module doc); never raises for the data."""
    detector = DirectionDetector(placement="auto")
    try:
        result = _detect(detector, recording, gait, warmup_s, calibration_for)
    except InvalidInput as error:
        return {
            "measured_backward_s": 0.0,
            "direction_calibration": "none",
            "direction_check": NOT_VERIFIED if declared == "backward" else NOT_CHECKED,
            "direction_notes": [f"direction not analysed: {error}"],
        }
    source = {"given": "stored"}.get(result.calibration_source, result.calibration_source)
    check = _check(result, declared)
    return {
        "bout_directions": [
            {
                "direction": b.direction.value,
                "direction_confidence": b.confidence,
                "backward_s": b.backward_s,
            }
            for b in result.bouts
        ],
        "measured_backward_s": result.backward_s,
        "direction_placement": result.placement,
        "direction_calibration": source,
        "direction_attachment": result.attachment,
        "direction_check": check,
        "direction_needs_confirmation": check == CONTRADICTED,
        "direction_notes": list(result.notes),
    }


def _detect(
    detector: DirectionDetector,
    recording: MotionRecording,
    gait: GaitAnalysis,
    warmup_s: float | None,
    calibration_for: CalibrationLookup | None,
) -> DirectionResult:
    if warmup_s is not None or calibration_for is None:
        return detector.detect(recording, gait.bouts, warmup_s=warmup_s)
    stored = {p: calibration_for(p) for p in ("waist", "pocket")}
    first = stored["waist"] or stored["pocket"]
    result = detector.detect(recording, gait.bouts, first)
    other = stored.get(result.placement)
    if first is not None and other is not None and other is not first:
        result = detector.detect(recording, gait.bouts, other)
    return result


def _check(result: DirectionResult, declared: str) -> str:
    if declared != "backward":
        return NOT_CHECKED

    def confident(direction: WalkDirection) -> bool:
        return any(
            b.direction is direction and b.calibrated and b.confidence >= CONFIDENT
            for b in result.bouts
        )

    if result.backward_s > 0 and confident(WalkDirection.BACKWARD):
        return VERIFIED
    if confident(WalkDirection.FORWARD):
        return CONTRADICTED
    return NOT_VERIFIED
