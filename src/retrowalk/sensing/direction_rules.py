"""The decision rules of direction detection, vectorised over analysis windows.

Each cue gives a direction and a confidence in [0, 1] that is 0.5 exactly at its threshold and
1 well clear of it; a call's confidence is the least of its cues' (so ``min_confidence`` 0.5
means "every cue at least at its threshold"). Rules, in order (see
:class:`retrowalk.sensing.direction.DirectionDetector` for the figures behind them):

1. Screens (never judged, ``unknown``): ``standing`` (band-passed RMS under 0.3 m/s^2),
   ``running`` (cadence at or above the running cadence, or RMS above 1 g: the inverted-pendulum
   travel sign inverts in running), ``turning`` (heading rate above the maximum).
2. Calibrated, travel direction usable (the calibration has one and this window's tilt is
   within ``tilt_match_deg`` of it, and the recording shows no conflict): the travel direction
   in the sensor frame against the calibrated forward direction: within 45 deg forward, beyond
   135 deg backward, between sideways. Backward also needs the pitch cue to agree
   (``travel-and-pitch``) when it is informative (a gyroscope, and a calibrated pitch value at
   least 0.05 from zero); without it only a calibration from the same recording may call
   backward on travel alone (``travel``), any other says ``no-second-cue``. Forward with a
   pitch cue saying backward is ``cues-disagree``.
3. Calibrated, travel direction not usable (or its sign too weak in this window): the pitch
   cue alone against the walker's sign (``pitch-calibrated``). With a calibration from the
   same recording each window's cue must pass ``margin``. With any other (the sensor may have
   been re-attached) the bout decides: the median of its judged windows' cues must pass the
   placement's ``far_margin`` and the window's own cue ``margin``, and the calibration must
   hold a clear sign (its median at least the placement's ``min_far_calibration`` from zero):
   the walker's signature is compared with the whole bout, not with one noisy window, and a
   faint signature (real lower backs whose sign changed between attachments) is not carried
   over.
4. Uncalibrated: the pitch cue alone, past +/- ``uncalibrated_threshold``
   (``pitch-uncalibrated``); without a gyroscope ``no-gyroscope``.
5. Calls under ``min_confidence`` become ``unknown`` (``weak-evidence``); a recording whose
   placement is neither waist nor pocket is all ``unknown`` (``placement-unknown``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from retrowalk.sensing.direction_calibration import Calibration
from retrowalk.sensing.direction_cues import FloatArray, WindowCues

UNKNOWN, FWD, BACK, SIDE = 0, 1, 2, 3
STANDING_RMS_M_S2 = 0.3
RUNNING_RMS_M_S2 = 9.80665
MIN_PITCH_CALIBRATION = 0.05
FAR_MARGIN = {"waist": 0.35, "pocket": 0.2}
"""Default bout-level pitch margin of rule 3 per placement (see ``Thresholds.far``)."""
MIN_FAR_CALIBRATION = {"waist": 0.3, "pocket": 0.05}
"""Default least calibrated pitch value (absolute) of rule 3 per placement."""
_COS45 = float(np.cos(np.deg2rad(45.0)))
_COS25 = float(np.cos(np.deg2rad(25.0)))
_COS70 = float(np.cos(np.deg2rad(70.0)))

REASONS = (
    "travel-and-pitch",
    "travel",
    "pitch-calibrated",
    "pitch-uncalibrated",
    "standing",
    "running",
    "turning",
    "cues-disagree",
    "no-second-cue",
    "no-gyroscope",
    "weak-evidence",
    "placement-unknown",
)
(
    R_TRAVEL_PITCH,
    R_TRAVEL,
    R_PITCH,
    R_PITCH_UNCAL,
    R_STANDING,
    R_RUNNING,
    R_TURNING,
    R_DISAGREE,
    R_NO_SECOND,
    R_NO_GYRO,
    R_WEAK,
    R_PLACEMENT,
) = range(len(REASONS))


@dataclass(frozen=True)
class Thresholds:
    """``far_margin`` / ``min_far_calibration``: None = the placement's default
    (:data:`FAR_MARGIN`, :data:`MIN_FAR_CALIBRATION`)."""

    margin: float
    far_margin: float | None
    min_far_calibration: float | None
    uncalibrated_threshold: float
    min_travel_strength: float
    tilt_match_deg: float
    max_heading_rate_rad_s: float
    running_cadence_steps_per_min: float

    def far(self, placement: str) -> tuple[float, float]:
        """(bout margin, least calibrated |pitch|) of rule 3 at ``placement``."""
        key = placement if placement in FAR_MARGIN else "waist"
        margin = FAR_MARGIN[key] if self.far_margin is None else self.far_margin
        least = (
            MIN_FAR_CALIBRATION[key]
            if self.min_far_calibration is None
            else self.min_far_calibration
        )
        return margin, least


@dataclass(frozen=True)
class RuleInputs:
    """``pitch``: the placement's pitch cue per window (NaN without a gyroscope)."""

    placement: str
    cues: WindowCues
    pitch: FloatArray
    calibration: Calibration | None
    same_recording: bool
    travel_allowed: bool


@dataclass(frozen=True)
class WindowCalls:
    """Per window: ``direction`` code, ``confidence``, ``reason`` code; diagnostics:
    ``travel_direction`` (what the travel cue alone says, with ``travel_usable``) and
    ``pitch_z`` (pitch cue x sign of the calibrated value; NaN when not informative)."""

    direction: NDArray[np.intp]
    confidence: FloatArray
    reason: NDArray[np.intp]
    travel_direction: NDArray[np.intp]
    travel_confidence: FloatArray
    travel_usable: NDArray[np.bool_]
    pitch_z: FloatArray


def ramp(x: FloatArray, half: float, full: float) -> FloatArray:
    """0.5 at ``half``, 1 at ``full``, linear between, clipped to [0, 1]; NaN gives 0."""
    y = 0.5 + 0.5 * (x - half) / (full - half)
    return np.asarray(np.nan_to_num(np.clip(y, 0.0, 1.0), nan=0.0))


def tilt_change_deg(up: FloatArray, calibration: Calibration) -> FloatArray:
    ref = np.asarray(calibration.up_sensor, dtype=np.float64)
    return np.asarray(np.degrees(np.arccos(np.clip(up @ ref, -1.0, 1.0))))


def travel_calls(
    cues: WindowCues, forward: FloatArray, th: Thresholds
) -> tuple[NDArray[np.intp], FloatArray]:
    """Direction and confidence from the travel direction against ``forward`` (sensor frame)."""
    up = cues.up
    fh = forward[None, :] - (up @ forward)[:, None] * up
    fh /= np.maximum(np.linalg.norm(fh, axis=1, keepdims=True), 1e-12)
    cos = np.einsum("ki,ki->k", cues.travel_sensor, fh)
    direction = np.where(cos >= _COS45, FWD, np.where(cos <= -_COS45, BACK, SIDE))
    q_angle = np.where(
        direction == SIDE, ramp(-np.abs(cos), -_COS45, -_COS70), ramp(np.abs(cos), _COS45, _COS25)
    )
    q_strength = ramp(cues.travel_strength, th.min_travel_strength, th.min_travel_strength + 0.2)
    return direction.astype(np.intp), np.minimum(q_angle, q_strength)


def decide_windows(inp: RuleInputs, th: Thresholds, min_confidence: float) -> WindowCalls:
    cues, cal, pitch = inp.cues, inp.calibration, inp.pitch
    k = cues.n_windows
    direction = np.full(k, UNKNOWN, dtype=np.intp)
    conf = np.zeros(k)
    reason = np.full(k, R_WEAK, dtype=np.intp)
    has_gyro = bool(np.any(np.isfinite(pitch)))
    pitch_z = np.full(k, np.nan)
    travel_dir = np.full(k, UNKNOWN, dtype=np.intp)
    travel_conf = np.zeros(k)
    usable = np.zeros(k, dtype=bool)

    if cal is None:
        if has_gyro:
            q_back = ramp(-pitch, th.uncalibrated_threshold, th.uncalibrated_threshold + 0.1)
            q_fwd = ramp(pitch, th.uncalibrated_threshold, th.uncalibrated_threshold + 0.1)
            direction[:] = np.where(pitch < 0, BACK, FWD)
            conf = np.where(pitch < 0, q_back, q_fwd)
            reason[:] = R_PITCH_UNCAL
        else:
            reason[:] = R_NO_GYRO
    else:
        informative = (
            has_gyro
            and cal.pitch_cue_median is not None
            and abs(cal.pitch_cue_median) >= MIN_PITCH_CALIBRATION
        )
        if informative:
            assert cal.pitch_cue_median is not None
            pitch_z = pitch * np.sign(cal.pitch_cue_median)
        q_pb = ramp(-pitch_z, th.margin, th.margin + 0.2)
        pitch_says_back = q_pb >= 0.5
        pitch_says_fwd = pitch_z >= th.margin
        # rule 3: pitch alone (every window; rule 2 overrides where travel is usable)
        if informative:
            q_window = np.where(
                pitch_z < 0,
                ramp(-pitch_z, th.margin, th.margin + 0.2),
                ramp(pitch_z, th.margin, th.margin + 0.2),
            )
            direction[:] = np.where(pitch_z < 0, BACK, FWD)
            conf = q_window
            if not inp.same_recording:
                assert cal.pitch_cue_median is not None
                far, least = th.far(inp.placement)
                judged = screen_reasons(cues, th) < 0
                bout_z = bout_medians(pitch_z, cues.span_index, judged)
                q_bout = np.where(
                    pitch_z < 0, ramp(-bout_z, far, far + 0.2), ramp(bout_z, far, far + 0.2)
                )
                agree = np.sign(bout_z) == np.sign(pitch_z)
                clear = abs(cal.pitch_cue_median) >= least
                conf = np.where(agree & clear, np.minimum(q_window, q_bout), 0.0)
            reason[:] = R_PITCH
        else:
            reason[:] = R_NO_GYRO if not has_gyro else R_NO_SECOND
        if cal.forward_sensor is not None and inp.travel_allowed:
            forward = np.asarray(cal.forward_sensor, dtype=np.float64)
            travel_dir, travel_conf = travel_calls(cues, forward, th)
            # the travel sign must be trustworthy; otherwise the pitch cue alone (rule 3)
            sign_ok = cues.travel_strength >= th.min_travel_strength
            usable = sign_ok & (tilt_change_deg(cues.up, cal) <= th.tilt_match_deg)
            v_back = usable & (travel_dir == BACK)
            v_fwd = usable & (travel_dir == FWD) & (travel_conf >= 0.5)
            direction = np.where(usable, travel_dir, direction)
            conf = np.where(usable, travel_conf, conf)
            reason = np.where(usable, R_TRAVEL, reason)
            if informative:
                # backward needs the pitch cue too; forward must not meet a backward pitch
                conf = np.where(v_back, np.minimum(conf, q_pb), conf)
                reason = np.where(v_back, R_TRAVEL_PITCH, reason)
                disagree = (v_back & (travel_conf >= 0.5) & pitch_says_fwd) | (
                    v_fwd & pitch_says_back
                )
                reason = np.where(disagree, R_DISAGREE, reason)
                conf = np.where(disagree, 0.0, conf)
            elif not inp.same_recording:
                reason = np.where(v_back, R_NO_SECOND, reason)
                conf = np.where(v_back, 0.0, conf)

    weak = conf < min_confidence
    judged = np.isin(reason, (R_TRAVEL_PITCH, R_TRAVEL, R_PITCH, R_PITCH_UNCAL))
    reason = np.where(weak & judged, R_WEAK, reason)
    direction = np.where(weak, UNKNOWN, direction)
    conf = np.where(weak, 0.0, conf)
    screen = screen_reasons(cues, th)
    screened = screen >= 0
    reason = np.where(screened, screen, reason)
    direction = np.where(screened, UNKNOWN, direction)
    conf = np.where(screened, 0.0, conf)
    return WindowCalls(
        direction=direction.astype(np.intp),
        confidence=np.asarray(conf, dtype=np.float64),
        reason=reason.astype(np.intp),
        travel_direction=travel_dir,
        travel_confidence=travel_conf,
        travel_usable=usable & ~screened,
        pitch_z=pitch_z,
    )


def bout_medians(
    values: FloatArray, bout: NDArray[np.intp], selected: NDArray[np.bool_]
) -> FloatArray:
    """Per window: the median of ``values`` over the selected finite windows of its bout
    (NaN when its bout has none)."""
    out = np.full(values.size, np.nan)
    idx = np.flatnonzero(selected & np.isfinite(values))
    if idx.size == 0:
        return out
    g, v = bout[idx], values[idx]
    order = np.lexsort((v, g))
    g, v = g[order], v[order]
    starts = np.r_[0, np.flatnonzero(np.diff(g)) + 1]
    counts = np.diff(np.r_[starts, g.size])
    median = 0.5 * (v[starts + (counts - 1) // 2] + v[starts + counts // 2])
    per_bout = np.full(int(bout.max()) + 1, np.nan)
    per_bout[g[starts]] = median
    return np.asarray(per_bout[bout])


def screen_reasons(cues: WindowCues, th: Thresholds) -> NDArray[np.intp]:
    """Rule 1 per window: the reason code of the screen that applies, -1 where none does."""
    heading = np.nan_to_num(np.abs(cues.heading_rate_rad_s), nan=0.0)
    running = (cues.cadence_steps_per_min >= th.running_cadence_steps_per_min) | (
        cues.acc_rms_m_s2 >= RUNNING_RMS_M_S2
    )
    out = np.full(cues.n_windows, -1, dtype=np.intp)
    out = np.where(heading > th.max_heading_rate_rad_s, R_TURNING, out)
    out = np.where(running, R_RUNNING, out)
    out = np.where(cues.acc_rms_m_s2 < STANDING_RMS_M_S2, R_STANDING, out)
    return out


def detect_placement(cues: WindowCues) -> str:
    """``waist``, ``pocket`` or ``unknown`` from the medians over walking windows.

    A thigh swings: rotation about horizontal axes (``swing_rms_rad_s``) 1.0-2.6 rad/s on
    simulated thighs (median 1.8), 0.2-1.3 on real lower backs (median 0.43) and 0.3-1.1 on
    the simulated pelvis. A trunk repeats its acceleration every step, a thigh every stride
    (``step_correlation``): real lower backs 0.41-0.85, real front-pocket phones -0.09-0.10,
    back-pocket 0.06-0.21 (../shared/data); simulated sensors overlap more (no heel strikes).
    With a gyroscope: swing under 1.0 rad/s is a waist, 1.35 or more a pocket, between the step
    correlation decides (0.45); without: step correlation 0.45 or more is a waist, 0.2 or less a
    pocket, between unknown. Thresholds are design choices (expert-opinion) between those groups.
    Other placements (hand, arm, bag) are not recognised as such: they come out as one of the
    two or unknown.
    """
    if cues.n_windows == 0:
        return "unknown"
    step_corr = float(np.median(cues.step_correlation))
    swing = cues.swing_rms_rad_s[np.isfinite(cues.swing_rms_rad_s)]
    if swing.size:
        g = float(np.median(swing))
        if g < 1.0:
            return "waist"
        if g >= 1.35:
            return "pocket"
        return "waist" if step_corr >= 0.45 else "pocket"
    if step_corr >= 0.45:
        return "waist"
    if step_corr <= 0.2:
        return "pocket"
    return "unknown"
