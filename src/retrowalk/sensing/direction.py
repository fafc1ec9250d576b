"""Backward, forward or sideways: the walking direction of each bout from a body-worn sensor.

    detector = DirectionDetector(placement="auto")
    calibration = detector.calibrate(forward_walk)            # stored for the walker
    result = detector.detect(recording, bouts, calibration)   # or warmup_s=... instead

See :class:`DirectionDetector` (the rule and its measured figures), the cues in
:mod:`retrowalk.sensing.direction_cues`, the rules in :mod:`retrowalk.sensing.direction_rules`
and the walker's signature in :mod:`retrowalk.sensing.direction_calibration`. Cadence and
speed do not tell the directions apart (backward walking is slower with the same cadence,
laufer2005), so only the shape of each step is used.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from retrowalk.errors import InvalidInput
from retrowalk.sensing.direction_calibration import Calibration
from retrowalk.sensing.direction_cues import (
    FloatArray,
    Span,
    WindowCues,
    gravity_like,
    window_cues,
)
from retrowalk.sensing.direction_results import (
    BoutDirection,
    Context,
    DirectionResult,
    WindowDirection,
    assemble,
    empty_result,
)
from retrowalk.sensing.direction_rules import (
    BACK,
    R_PLACEMENT,
    R_RUNNING,
    R_STANDING,
    R_TURNING,
    UNKNOWN,
    RuleInputs,
    Thresholds,
    WindowCalls,
    decide_windows,
    detect_placement,
    screen_reasons,
    tilt_change_deg,
)
from retrowalk.sensing.gait import WalkingBout, analyze_motion
from retrowalk.sensing.recording import MotionRecording
from retrowalk.sensing.resample import check_recording

__all__ = [
    "BoutDirection",
    "Calibration",
    "DirectionDetector",
    "DirectionResult",
    "WindowDirection",
]


class DirectionDetector:
    """Tell backward from forward and sideways walking, from a waist or front-pocket sensor.

    A wrong "backward" tells a therapist an exercise was done when it was not, so the detector
    says ``unknown`` unless two things agree (design choice, expert-opinion):

    - Travel direction in the sensor's own frame (accelerometer only): the travel axis is the
      principal horizontal axis of the step-repeating acceleration, its sign the inverted
      pendulum's (the body slows while it rises over the stance leg, walking forward or
      backward alike). A calibration (the walker's ordinary forward walking with the sensor
      on, e.g. a session's warm-up) says which way "forward" points in the sensor frame; a walk
      travelling the opposite way is backward, at right angles sideways.
    - Pitch cue (needs a gyroscope): corr(pitch rate, travel acceleration), orientation-free and
      odd under time reversal (backward walking is close to forward walking played backwards).
      Its sign belongs to the walker and the attachment, not to the direction alone: judged
      against the calibrated sign, it is the second opinion, and the protection against a
      sensor worn turned round since the calibration (same tilt, travel direction flipped).
      In a pocket it is taken about the thigh's swing axis (``thigh_cue``). The issue's
      thigh-timing cue (the swing starts at the vertical acceleration peak walking forward,
      ends there walking backward) was measured and is not used: on simulated thighs
      (scripts/direction_cue_study.py) corr(a_up, d|w|^2/dt) was negative on only 8 of 18
      backward clips (positive on 86 % of 78 forward ones); its phase form on 12 of 18.

    Without a calibration the pitch cue alone must pass +/-0.85 (beyond every real forward
    walk measured): in practice ``unknown``. With a calibration from another recording whose
    tilt no longer matches (the sensor was re-attached), the pitch cue is the only calibrated
    cue: it is judged per bout (the median over the bout's windows against the walker's sign)
    and only when the walker's signature is clear (see ``far_margin``,
    ``min_far_calibration``). On real lower backs the cue's sign held within an attachment but
    changed between attachments for 7 of 12 people, each time with a faint signature (|median|
    under 0.3) on one side; judged against a clear calibration, the other side's walks kept
    their median at -0.27 or above. Running (cadence 165 steps/min or more, or 1 g
    RMS), turning (heading rate over 20 deg/s), standing and unclear windows are ``unknown``.

    Real forward walks, none backward (scripts/validate_direction_real.py; share of walking
    time called backward / forward, U-turns excluded; no trial in any condition held a backward
    stretch of 10 s or more):

    - waist-imu (70 trials, 12 adults aged 26-75, lower-back IMU, 20.4 min of walking):
      uncalibrated 0.00 % / 0 %; calibrated on another trial of the same person after the sensor
      was re-attached (272 runs) 0.00 % / 61 %; same attachment (68) 0.00 % / 74 %; same
      recording, the first 10 m as warm-up (69, 3 warm-ups too short) 0.00 % / 73 %; a
      calibration turned round, the worst re-attachment (68) 0.00 % / 26 % (conflict found);
      the pitch cue alone, as after a re-attachment with another tilt (272 runs, travel
      direction disabled): 0.00 % / 15 % with the bout rule's defaults, 0.00 % at bout margins
      0.3-0.7, 2.1 % at 0.2 (subjects 5 and 8, whose sign changed between attachments; the
      earlier per-window rule gave 0.43 % at 0.7, 14 % at 0.2). Per subject 0.00 % in every
      default condition.
    - phone-steps (48 Android walks, 7 placements, accelerometer only, 123 min): uncalibrated
      0.00 % / 0 % (no gyroscope: unknown); 30 s warm-up 0.00 % / 73 %; calibrated on another
      walk of the same walker and placement (79 runs) 0.00 % / 82 % (backward needs the pitch
      cue then: never called). Placement found: front pocket 6/6 pocket; hand, bag, neck,
      armband and swinging arm come out as waist, pocket or unknown (not supported as such).

    Simulated sensors from real motion (scripts/validate_direction_sim.py: every motion-capture
    clip at the pelvis (waist) and both thighs (pocket), 50 and 100 Hz, 20 random mounting
    rotations, noise and bias; the 9 backward clips of 3 s or more give 360 waist / 720 pocket
    backward bouts, the forward, diagonal and running clips 2,800 / 5,600 others). Backward
    bouts called backward, waist / pocket; no other bout was ever called backward and no
    backward bout forward, in any condition:

    - warm-up (a forward clip of the same style, then the test clip, one recording, same
      mounting): 100 % / 98.5 %;
    - calibrated on that forward clip as another recording, same mounting: 100 % / 93.9 %
      (88.9 % / 82.8 % under the earlier per-window rule: weak travel-sign windows fall back
      to the pitch cue);
    - re-attached (calibration at another mounting rotation, the issue's protocol: only the
      pitch cue carries over): 96.9 % / 91.5 % with the default bout rule (waist 0.35,
      pocket 0.2), which leave-one-style-out also picks in every fold; 22.2 % / 0.8 % under
      the earlier per-window rule (margin 0.7). Bout margins 0.1-0.3 give the same at the
      waist, 0.4 gives 85.8 % / 16.1 %;
    - uncalibrated: 11.1 % / 0 %.

    Simulation against reality at the waist (scripts/direction_gap_report.py, per 6 s window
    of forward walking): the travel cue's strength is the same (median 0.69 both), and its
    direction was within 45 deg of the truth (sim) or of the same recording's calibration
    (real) in 100 % of windows, never beyond 135 deg. The simulated pelvis moves 1.6-1.7x the
    real lower back (acceleration and rotation RMS). The pitch cue is where they part: sim 99 %
    positive (median 0.69), real 53 % positive (median 0.06): its sign belongs to the person,
    which is why it only ever confirms against the walker's own calibration (real windows kept
    the same recording's calibrated sign in 95 %, fell past -0.2 in 0.8 %).

    Speed (benchmarks/direction_bench.py: 60 min at 100 Hz, 44 min of it walking; CPU time,
    medians of 11-15 runs interleaved with ``analyze_motion`` on 2 shared, busy cores): 35-52 ms
    (6.9-10.3 M samples/s), 60-71 % of ``analyze_motion``'s time in the same run (target 20 %:
    not met), 15-16 % of the import (reading the generic CSV plus ``analyze_motion``). The
    previous version, timed in turn with it: 64-74 ms, 83-100 %. Standing time is skipped: with
    9 of the 60 minutes walking, 21 ms (56 ms before).

    Parameters (defaults are design choices, expert-opinion, checked on ../shared/data)
    ----------
    window_s: analysis window, default 6 s (at least five steps); 2-30 s.
    hop_s: one call per ``hop_s`` seconds of walking, default 1 s.
    placement: ``"auto"`` (from the signal), ``"waist"`` or ``"pocket"`` (front trouser pocket).
    margin: how far below zero the calibrated pitch cue must fall (cue x sign of the walker's
        forward value) to count as backward evidence, default 0.2.
    far_margin: how far the median of a bout's pitch cue must fall below zero (x the
        walker's sign) when the pitch cue is the only calibrated cue and the calibration
        comes from another recording (the sensor was worn with another tilt); each window's
        own cue must still pass ``margin``. Default (None) per placement: waist 0.35 (real
        re-attached lower backs: 0.00 % called backward at 0.3, 2.1 % at 0.2; simulated
        backward bouts' medians -0.37 or below), pocket 0.2 (simulated thighs: backward bout
        medians -0.25 or below, forward -0.02 or above; no real pocket gyroscope data).
    min_far_calibration: least |median| of the calibrated pitch cue for that rule to apply;
        default (None) per placement: waist 0.3 (a fainter real signature changed sign between
        attachments), pocket 0.05 (the simulated thigh cue's forward medians are 0.01-0.46).
    uncalibrated_threshold: without a calibration the pitch cue must pass -/+ this to call
        backward/forward, default 0.85: above every real forward walk's value measured.
    min_confidence: calls below it become ``unknown``, default 0.5 (0.5 = each cue just at
        its threshold, 1 = every cue clear of it).
    bout_share: share of a bout's time a direction needs to name the bout, default 0.6.
    min_travel_strength: least inverted-pendulum correlation to trust the travel sign,
        default 0.15.
    tilt_match_deg: largest tilt change for a calibration's travel direction to apply,
        default 25 deg (re-attached waist sensors changed by up to 24 deg, waist-imu).
    max_heading_rate_deg_s: turning faster than this is not judged, default 20 deg/s.
    running_cadence_steps_per_min: at or above it the walker runs (not judged), default 165:
        above brisk walking (real walks here: at most 130) and the quick-stepping acted styles
        of the motion capture (up to 162), at the low end of running. A slower jog under 1 g
        RMS is not screened; its travel sign inverts (the body is lowest at mid-stance), so
        the pitch cue must still agree before anything is called backward.
    min_calibration_s: least steady walking a calibration needs (time covered by its
        windows), default 4 s (about seven steps; a session's warm-up gives minutes, the
        validation clips only seconds).
    """

    def __init__(
        self,
        window_s: float = 6.0,
        hop_s: float = 1.0,
        placement: str = "auto",
        margin: float = 0.2,
        far_margin: float | None = None,
        min_far_calibration: float | None = None,
        uncalibrated_threshold: float = 0.85,
        min_confidence: float = 0.5,
        bout_share: float = 0.6,
        min_travel_strength: float = 0.15,
        tilt_match_deg: float = 25.0,
        max_heading_rate_deg_s: float = 20.0,
        running_cadence_steps_per_min: float = 165.0,
        min_calibration_s: float = 4.0,
    ) -> None:
        if not 2.0 <= window_s <= 30.0:
            raise InvalidInput("window_s", window_s, "2 to 30 s")
        if not 0.04 <= hop_s <= window_s:
            raise InvalidInput("hop_s", hop_s, f"0.04 s to window_s ({window_s} s)")
        if placement not in ("auto", "waist", "pocket"):
            raise InvalidInput("placement", placement, "auto, waist or pocket")
        for name, value in (
            ("margin", margin),
            ("far_margin", 0.0 if far_margin is None else far_margin),
            ("min_far_calibration", 0.0 if min_far_calibration is None else min_far_calibration),
            ("uncalibrated_threshold", uncalibrated_threshold),
            ("min_confidence", min_confidence),
            ("bout_share", bout_share),
            ("min_travel_strength", min_travel_strength),
        ):
            if not 0.0 <= value <= 1.0:
                raise InvalidInput(name, value, "0 to 1")
        if bout_share <= 0.5:
            raise InvalidInput("bout_share", bout_share, "above 0.5 and at most 1")
        if not 0.0 <= tilt_match_deg <= 90.0:
            raise InvalidInput("tilt_match_deg", tilt_match_deg, "0 to 90 deg")
        if not max_heading_rate_deg_s > 0:
            raise InvalidInput("max_heading_rate_deg_s", max_heading_rate_deg_s, "above 0")
        if not 60.0 <= running_cadence_steps_per_min <= 300.0:
            raise InvalidInput(
                "running_cadence_steps_per_min", running_cadence_steps_per_min, "60 to 300"
            )
        if not 1.0 <= min_calibration_s <= 3600.0:
            raise InvalidInput("min_calibration_s", min_calibration_s, "1 to 3600 s")
        self.min_calibration_s = float(min_calibration_s)
        self.window_s = float(window_s)
        self.hop_s = float(hop_s)
        self.placement = placement
        self.min_confidence = float(min_confidence)
        self.bout_share = float(bout_share)
        self.thresholds = Thresholds(
            margin=float(margin),
            far_margin=None if far_margin is None else float(far_margin),
            min_far_calibration=None if min_far_calibration is None else float(min_far_calibration),
            uncalibrated_threshold=float(uncalibrated_threshold),
            min_travel_strength=float(min_travel_strength),
            tilt_match_deg=float(tilt_match_deg),
            max_heading_rate_rad_s=float(np.deg2rad(max_heading_rate_deg_s)),
            running_cadence_steps_per_min=float(running_cadence_steps_per_min),
        )

    # ------------------------------------------------------------------ actions

    def calibrate(
        self,
        recording: MotionRecording,
        bouts: Sequence[WalkingBout] | None = None,
        *,
        start_s: float | None = None,
        end_s: float | None = None,
    ) -> Calibration:
        """The forward-walking signature of ``recording`` (all of it, or [start_s, end_s] in
        recording seconds), which must be ordinary forward walking.

        ``bouts``: its walking bouts (from :func:`~retrowalk.sensing.gait.analyze_motion`;
        found here when None). Raises InvalidInput when under ``min_calibration_s`` of steady
        walking remain or the placement cannot be told.
        """
        check_recording(recording)
        if bouts is None:
            bouts = analyze_motion(recording).bouts
        if start_s is not None or end_s is not None:
            recording = _slice(recording, start_s, end_s)
        spans = _spans(bouts, start_s, end_s)
        cues = self._cues(recording, spans)
        return self._calibration(cues, np.ones(cues.n_windows, dtype=bool), recording)

    def _calibration(
        self,
        cues: WindowCues,
        selected: NDArray[np.bool_],
        recording: MotionRecording,
        placement: str | None = None,
    ) -> Calibration:
        ok = selected & (screen_reasons(cues, self.thresholds) < 0)
        steady = _select(cues, ok)
        walking_s = _covered_s(steady.start_s, steady.end_s)
        if walking_s < self.min_calibration_s - 1e-6:
            raise InvalidInput(
                "recording",
                f"{walking_s:.1f} s of steady walking",
                f"at least {self.min_calibration_s:g} s of straight forward walking (not "
                "running or turning)",
            )
        if placement is None:
            placement = self.placement if self.placement != "auto" else detect_placement(steady)
        if placement == "unknown":
            raise InvalidInput(
                "placement", "auto (the signal fits neither waist nor pocket)", "waist or pocket"
            )
        up = steady.up.mean(axis=0)
        up /= np.linalg.norm(up)
        strong = steady.travel_strength >= self.thresholds.min_travel_strength
        travel = steady.travel_sensor[strong] if strong.any() else steady.travel_sensor
        mean = travel.mean(axis=0)
        mean -= (mean @ up) * up
        consistency = float(np.linalg.norm(mean))
        forward = None
        if consistency >= MIN_TRAVEL_CONSISTENCY:
            f = mean / consistency
            forward = (float(f[0]), float(f[1]), float(f[2]))
        pitch = _placement_pitch(steady, placement)
        finite = pitch[np.isfinite(pitch)]
        pitch_median = pitch_iqr = None
        if finite.size:
            q1, q2, q3 = np.percentile(finite, [25, 50, 75])
            pitch_median, pitch_iqr = float(q2), float(q3 - q1)
        return Calibration(
            placement=placement,
            up_sensor=(float(up[0]), float(up[1]), float(up[2])),
            forward_sensor=forward,
            travel_consistency=min(consistency, 1.0),
            travel_strength_median=float(np.median(steady.travel_strength)),
            pitch_cue_median=pitch_median,
            pitch_cue_iqr=pitch_iqr,
            walking_s=walking_s,
            n_windows=steady.n_windows,
            has_gyro=recording.gyro_rad_s is not None,
        )

    def detect(
        self,
        recording: MotionRecording,
        bouts: Sequence[WalkingBout] | None = None,
        calibration: Calibration | None = None,
        *,
        warmup_s: float | None = None,
    ) -> DirectionResult:
        """Direction of every bout (and of every ``hop_s`` stretch of it) in ``recording``.

        ``bouts``: its walking bouts (found with :func:`~retrowalk.sensing.gait.analyze_motion`
        when None). ``calibration``: the walker's, for this placement. ``warmup_s``: the
        recording's first ``warmup_s`` seconds are declared forward walking: they calibrate
        the rest (same sensor, same attachment: the strongest calibration), taking precedence
        over ``calibration``.
        """
        if warmup_s is not None and not (np.isfinite(warmup_s) and warmup_s > 0):
            raise InvalidInput("warmup_s", warmup_s, "a positive number of seconds")
        notes: list[str] = []
        check_recording(recording)
        if bouts is None:
            bouts = analyze_motion(recording).bouts
        if not gravity_like(recording):
            notes.append("the acceleration holds no gravity: direction needs it; all unknown")
            return empty_result(bouts, notes, "no-gravity")
        source = "given" if calibration is not None else "none"
        spans = _spans(bouts, None, None)
        cues = window_cues(recording, spans, self.window_s, self.hop_s)  # gravity checked
        placement = self._placement(cues, None if warmup_s is not None else calibration, notes)
        if warmup_s is not None:
            warm_end_s = float(recording.time_s[0]) + warmup_s
            in_warmup = cues.end_s <= warm_end_s + 1e-9
            try:
                place = None if placement == "unknown" else placement
                calibration = self._calibration(cues, in_warmup, recording, place)
                placement, source = calibration.placement, "warm-up"
            except InvalidInput as exc:
                notes.append(f"the declared warm-up could not calibrate: {exc}")
        if calibration is not None and calibration.placement != placement:
            notes.append(
                f"calibration is for {calibration.placement}, the recording looks like "
                f"{placement}: not used"
            )
            calibration, source = None, "none"
        pitch = _placement_pitch(cues, placement)
        same = source == "warm-up"
        inputs = RuleInputs(placement, cues, pitch, calibration, same, travel_allowed=True)
        calls = decide_windows(inputs, self.thresholds, self.min_confidence)
        attachment = "none" if calibration is None else "same-recording" if same else "matched"
        if calibration is not None and not same and _conflict(calls, self.thresholds):
            notes.append(
                "travel and pitch cues disagree throughout: the sensor seems worn differently "
                "from the calibration (turned round?); its travel direction is not used"
            )
            inputs = RuleInputs(placement, cues, pitch, calibration, same, travel_allowed=False)
            calls = decide_windows(inputs, self.thresholds, self.min_confidence)
            attachment = "conflict"
        elif (
            calibration is not None
            and not same
            and cues.n_windows
            and not np.any(tilt_change_deg(cues.up, calibration) <= self.thresholds.tilt_match_deg)
        ):
            attachment = "changed"
        if placement == "unknown" and cues.n_windows:
            notes.append("placement not recognised (waist or front pocket): direction unknown")
            calls = _all_unknown(calls)
        context = Context(placement, calibration, source, attachment, tuple(notes))
        return assemble(bouts, cues, calls, self.hop_s, self.bout_share, context)

    # ------------------------------------------------------------------ helpers

    def cues(
        self, recording: MotionRecording, bouts: Sequence[WalkingBout] | None = None
    ) -> WindowCues:
        """The per-window cues ``detect`` decides on (for validation and studies)."""
        check_recording(recording)
        if bouts is None:
            bouts = analyze_motion(recording).bouts
        return self._cues(recording, _spans(bouts, None, None))

    def _cues(self, recording: MotionRecording, spans: Sequence[Span]) -> WindowCues:
        if not gravity_like(recording):
            raise InvalidInput(
                "acc_m_s2", "acceleration without gravity", "gravity-including acceleration"
            )
        return window_cues(recording, spans, self.window_s, self.hop_s)

    def _placement(
        self, cues: WindowCues, calibration: Calibration | None, notes: list[str]
    ) -> str:
        if self.placement != "auto":
            return self.placement
        ok = screen_reasons(cues, self.thresholds) < 0
        found = detect_placement(_select(cues, ok))
        if found == "unknown" and calibration is not None:
            notes.append(f"placement taken from the calibration ({calibration.placement})")
            return calibration.placement
        return found


SCREENS = (R_STANDING, R_RUNNING, R_TURNING)
SLICE_MARGIN_S = 5.0
"""Signal kept on each side of a calibration stretch (the filters settle in it)."""
MIN_TRAVEL_CONSISTENCY = 0.8
"""Least mean resultant length of the calibration's travel directions for it to hold one."""


def _spans(bouts: Sequence[WalkingBout], start_s: float | None, end_s: float | None) -> list[Span]:
    lo = -np.inf if start_s is None else start_s
    hi = np.inf if end_s is None else end_s
    spans = []
    for b in bouts:
        a, z = max(b.start_s, lo), min(b.end_s, hi)
        if z <= a:
            z = a  # keeps bout indices aligned; yields no windows
        steps = b.step_times_s[(b.step_times_s >= a) & (b.step_times_s <= z)]
        spans.append(Span(float(a), float(z), steps))
    return spans


def _slice(
    recording: MotionRecording, start_s: float | None, end_s: float | None
) -> MotionRecording:
    """The samples from ``SLICE_MARGIN_S`` before ``start_s`` to as long after ``end_s``."""
    t = recording.time_s
    lo = 0 if start_s is None else int(np.searchsorted(t, start_s - SLICE_MARGIN_S))
    hi = t.size if end_s is None else int(np.searchsorted(t, end_s + SLICE_MARGIN_S))
    if hi - lo < 2:
        raise InvalidInput("start_s/end_s", (start_s, end_s), "a stretch inside the recording")
    gyro = recording.gyro_rad_s
    return MotionRecording(
        time_s=t[lo:hi],
        acc_m_s2=recording.acc_m_s2[lo:hi],
        gyro_rad_s=None if gyro is None else gyro[lo:hi],
        gravity_included=recording.gravity_included,
        source_format=recording.source_format,
    )


def _covered_s(start_s: FloatArray, end_s: FloatArray) -> float:
    """Length of the union of the intervals [start_s, end_s] (seconds)."""
    if start_s.size == 0:
        return 0.0
    order = np.argsort(start_s)
    a, b = start_s[order], end_s[order]
    reach = np.maximum.accumulate(b)
    before = np.concatenate([[-np.inf], reach[:-1]])
    return float(np.sum(np.maximum(b - np.maximum(a, before), 0.0) * (b > before)))


def _select(cues: WindowCues, mask: NDArray[np.bool_]) -> WindowCues:
    return WindowCues(**{k: v[mask] for k, v in vars(cues).items()})


def _placement_pitch(cues: WindowCues, placement: str) -> FloatArray:
    return cues.thigh_cue if placement == "pocket" else cues.pitch_cue


def _conflict(calls: WindowCalls, th: Thresholds) -> bool:
    """Over the recording, where the travel cue says backward the pitch cue does not agree
    (its median is not past -margin): the calibration's travel direction does not fit this
    attachment (a sensor turned round keeps its tilt)."""
    back = calls.travel_usable & (calls.travel_direction == BACK) & (calls.travel_confidence >= 0.5)
    z = calls.pitch_z[back]
    z = z[np.isfinite(z)]
    return bool(z.size >= 3 and np.median(z) > -th.margin)


def _all_unknown(calls: WindowCalls) -> WindowCalls:
    k = calls.direction.size
    return WindowCalls(
        np.full(k, UNKNOWN, dtype=np.intp),
        np.zeros(k),
        np.where(np.isin(calls.reason, SCREENS), calls.reason, R_PLACEMENT).astype(np.intp),
        calls.travel_direction,
        calls.travel_confidence,
        calls.travel_usable,
        calls.pitch_z,
    )
