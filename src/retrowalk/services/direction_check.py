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
from dataclasses import replace
from typing import Any

from retrowalk.domain.models import WalkDirection
from retrowalk.errors import InvalidInput
from retrowalk.sensing.direction import DirectionDetector, DirectionResult
from retrowalk.sensing.direction_calibration import PLACEMENTS, Calibration
from retrowalk.sensing.gait import GaitAnalysis
from retrowalk.sensing.recording import MotionRecording
from retrowalk.services.warmup_rule import WarmupPlan, judge_structure

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
    plan: WarmupPlan | None = None,
) -> dict[str, Any]:
    """The details to add to the session (see the module doc); never raises for the data.
    ``plan``: the program's forward warm-up; without ``warmup_s`` the recording calibrates
    itself on it when ``services.warmup_rule`` says it is safe (``warmup_calibration`` says
    whether and why)."""
    detector = DirectionDetector(placement="auto")
    judged: dict[str, Any] | None = None
    try:
        if warmup_s is None and plan is not None:
            warmup_s, judged = _plan_warmup(detector, recording, gait, plan, calibration_for)
        result = _detect(detector, recording, gait, warmup_s, calibration_for)
        if judged is not None and judged["used"] and result.calibration_source != "warm-up":
            judged = {**judged, "used": False, "reason": "the warm-up could not calibrate"}
            result = _detect(detector, recording, gait, None, calibration_for)
    except InvalidInput as error:
        return {
            "measured_backward_s": 0.0,
            "direction_calibration": "none",
            "direction_check": NOT_VERIFIED if declared == "backward" else NOT_CHECKED,
            "direction_notes": [f"direction not analysed: {error}"],
        }
    source = {"given": "stored"}.get(result.calibration_source, result.calibration_source)
    check = _check(result, declared)
    extra = {} if judged is None else {"warmup_calibration": judged}
    return {
        **extra,
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
    stored = {p: calibration_for(p) for p in PLACEMENTS}
    first = stored["waist"] or stored["pocket"]
    result = detector.detect(recording, gait.bouts, first)
    other = stored.get(result.placement)
    if first is not None and other is not None and other is not first:
        result = detector.detect(recording, gait.bouts, other)
    return result


def _plan_warmup(
    detector: DirectionDetector,
    recording: MotionRecording,
    gait: GaitAnalysis,
    plan: WarmupPlan,
    calibration_for: CalibrationLookup | None,
) -> tuple[float | None, dict[str, Any]]:
    """The warm-up seconds to calibrate on (None: fall back) and what to tell the walker."""
    judged = judge_structure(float(recording.time_s[0]), gait.bouts, plan)
    stored = calibration_for is not None and any(calibration_for(p) for p in PLACEMENTS)
    fallback = (
        "the stored calibration is used instead"
        if stored
        else "no calibration either: the direction is judged cautiously without one"
    )
    if judged.warmup_s is None:
        return None, {"used": False, "reason": f"{judged.reason}: {fallback}"}
    if not stored:
        reason = (
            f"{judged.reason}, but there is no stored calibration to confirm that it was "
            "forward walking (a backward start would invert everything after it): the "
            "direction is judged cautiously without one; calibrate once on a forward walk"
        )
        return None, {"used": False, "reason": reason}
    first = gait.bouts[0]
    seen = _detect(detector, recording, replace(gait, bouts=(first,)), None, calibration_for)
    call = seen.bouts[0] if seen.bouts else None
    if call is None or seen.calibration_source != "given":
        reason = f"{judged.reason}, but the stored calibration could not judge it: {fallback}"
        return None, {"used": False, "reason": reason}
    if call.direction is not WalkDirection.FORWARD or call.confidence < CONFIDENT:
        saw = (
            "saw backward walking in it"
            if call.direction is WalkDirection.BACKWARD
            else f"did not see it as forward walking ({call.direction.value})"
        )
        reason = (
            f"{judged.reason}, but the stored calibration {saw} (confidence "
            f"{call.confidence:.2f}): not taken as a forward warm-up; {fallback}"
        )
        return None, {"used": False, "reason": reason}
    return judged.warmup_s, {
        "used": True,
        "warmup_s": judged.warmup_s,
        "reason": f"{judged.reason}; the stored calibration saw forward walking in it "
        f"(confidence {call.confidence:.2f})",
    }


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


def check_answer(direction: str) -> str:
    """``direction`` when it is one of ``ANSWERS``; ``InvalidInput`` naming the field if not."""
    if direction not in ANSWERS:
        raise InvalidInput("direction", direction, " or ".join(ANSWERS))
    return direction


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
    check_answer(direction)
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
