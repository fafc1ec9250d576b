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
  A contradicted session stays so until the walker answers (``services.direction_confirm``):
  ``declared, confirmed by the walker`` (backward after all: still no sensor minutes) or, walked
  forward, the declaration corrected to forward (``not checked``).

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
CONFIRMED = "declared, confirmed by the walker"
#: Every state of ``direction_check``.
CHECKS = (VERIFIED, CONTRADICTED, NOT_VERIFIED, NOT_CHECKED, CONFIRMED)
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


#: What a walker may answer about a contradicted session's direction.
ANSWERS = ("backward", "forward")


def awaiting_answer(details: dict[str, Any]) -> bool:
    """Whether the session waits for the walker to confirm its direction."""
    return details.get("direction_needs_confirmation") is True


def may_answer(details: dict[str, Any]) -> bool:
    """A contradicted session, or one the walker answered before (they may change their mind)."""
    return awaiting_answer(details) or isinstance(details.get("direction_confirmation"), dict)


def answered(details: dict[str, Any], direction: str, at: str) -> dict[str, Any]:
    """The details once the walker says how they walked (``direction``: backward or forward;
    ``at``: ISO time of the answer).

    Backward: the declaration stands, ``declared, confirmed by the walker``. The sensor's own
    view is kept as measured (its backward seconds are never made up: a confirmed session is not
    "verified"). Forward: the declaration becomes forward (``not checked``: only backward
    declarations are checked). Either way the question is closed; ``direction_confirmation``
    records the answer and what the sensor said.
    """
    if direction not in ANSWERS:
        raise InvalidInput("direction", direction, " or ".join(ANSWERS))
    before = details.get("direction_confirmation")
    first = before if isinstance(before, dict) else {}
    return {
        **details,
        "declared_direction": direction,
        "direction_check": CONFIRMED if direction == "backward" else NOT_CHECKED,
        "direction_needs_confirmation": False,
        "direction_confirmation": {
            "direction": direction,
            "confirmed_at": at,
            "by": "walker",
            "sensor_check": first.get("sensor_check", details.get("direction_check")),
            "declared_before": first.get("declared_before", details.get("declared_direction")),
        },
    }
