"""What direction detection returns: per window, per bout and for the whole recording."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from retrowalk.domain.models import WalkDirection
from retrowalk.sensing.direction_calibration import Calibration
from retrowalk.sensing.direction_cues import FloatArray, Span, WindowCues
from retrowalk.sensing.direction_rules import BACK, FWD, REASONS, SIDE, WindowCalls
from retrowalk.sensing.gait import WalkingBout

DIRECTIONS = (
    WalkDirection.UNKNOWN,
    WalkDirection.FORWARD,
    WalkDirection.BACKWARD,
    WalkDirection.SIDEWAYS,
)


@dataclass(frozen=True)
class WindowDirection:
    """The call for one stretch of a bout (the stretches tile each bout; the cues come from a
    ``window_s`` window centred on the stretch). ``reason``: which rule decided (a stable
    string, see :mod:`retrowalk.sensing.direction_rules`)."""

    start_s: float
    end_s: float
    direction: WalkDirection
    confidence: float
    reason: str


@dataclass(frozen=True)
class BoutDirection:
    """A walking bout's direction: the direction called for at least ``bout_share`` of its
    time, else ``unknown``; ``confidence`` = that share x the mean confidence of its calls.
    ``backward_s`` etc.: seconds of the bout called each way (a bout may hold both)."""

    start_s: float
    end_s: float
    direction: WalkDirection
    confidence: float
    calibrated: bool
    backward_s: float
    forward_s: float
    sideways_s: float
    unknown_s: float
    reason: str


@dataclass(frozen=True)
class DirectionResult:
    """Direction of every bout and window of one recording.

    ``placement``: waist, pocket or unknown (as used). ``calibration_source``: none, warm-up
    (the recording's declared forward start) or given. ``attachment``: how the calibration
    relates to this recording's sensor: same-recording, matched (same tilt), changed (tilt
    differs: only the pitch cue is calibrated), conflict (the cues disagree over the whole
    recording: the sensor was probably turned round), or none.
    """

    bouts: tuple[BoutDirection, ...]
    windows: tuple[WindowDirection, ...]
    placement: str
    calibrated: bool
    calibration_source: str
    attachment: str
    calibration: Calibration | None
    notes: tuple[str, ...]

    @property
    def backward_s(self) -> float:
        """Seconds of walking called backward with confidence."""
        return float(sum(b.backward_s for b in self.bouts))


def empty_result(
    bouts: Sequence[WalkingBout], notes: Sequence[str], reason: str
) -> DirectionResult:
    """Every bout unknown for one ``reason`` (no windows judged)."""
    out = tuple(
        BoutDirection(
            start_s=b.start_s,
            end_s=b.end_s,
            direction=WalkDirection.UNKNOWN,
            confidence=0.0,
            calibrated=False,
            backward_s=0.0,
            forward_s=0.0,
            sideways_s=0.0,
            unknown_s=b.end_s - b.start_s,
            reason=reason,
        )
        for b in bouts
    )
    return DirectionResult(out, (), "unknown", False, "none", "none", None, tuple(notes))


@dataclass(frozen=True)
class Context:
    """How the calls were made (copied into the result)."""

    placement: str
    calibration: Calibration | None
    calibration_source: str
    attachment: str
    notes: tuple[str, ...]


def assemble(
    bouts: Sequence[WalkingBout],
    cues: WindowCues,
    calls: WindowCalls,
    hop_s: float,
    bout_share: float,
    context: Context,
) -> DirectionResult:
    """Window calls onto the stretches they cover, and each bout's direction from them."""
    lo, hi = owned_intervals(cues, hop_s, bouts)
    owned = hi - lo
    windows = tuple(
        WindowDirection(a, b, DIRECTIONS[d], c, REASONS[r])
        for a, b, d, c, r in zip(
            lo.tolist(),
            hi.tolist(),
            calls.direction.tolist(),
            calls.confidence.tolist(),
            calls.reason.tolist(),
            strict=True,
        )
    )
    calibrated = context.calibration is not None
    idx = cues.span_index
    durations = np.zeros((len(bouts), 4))
    np.add.at(durations, (idx, calls.direction), owned)
    weighted = np.zeros((len(bouts), 4))
    np.add.at(weighted, (idx, calls.direction), owned * calls.confidence)
    out: list[BoutDirection] = []
    for j, bout in enumerate(bouts):
        total = bout.end_s - bout.start_s
        per = durations[j]
        best = int(np.argmax(per[1:])) + 1
        share = per[best] / total if total > 0 else 0.0
        direction, confidence = WalkDirection.UNKNOWN, 0.0
        if per.sum() == 0:
            reason = "too-short"
        elif share >= bout_share:
            direction = DIRECTIONS[best]
            confidence = float(share * weighted[j, best] / per[best])
            reason = _main_reason(calls, owned, (idx == j) & (calls.direction == best))
        else:
            reason = _main_reason(calls, owned, idx == j)
        out.append(
            BoutDirection(
                start_s=bout.start_s,
                end_s=bout.end_s,
                direction=direction,
                confidence=confidence,
                calibrated=calibrated,
                backward_s=float(per[BACK]),
                forward_s=float(per[FWD]),
                sideways_s=float(per[SIDE]),
                unknown_s=float(max(total - per[FWD] - per[BACK] - per[SIDE], 0.0)),
                reason=reason,
            )
        )
    return DirectionResult(
        bouts=tuple(out),
        windows=windows,
        placement=context.placement,
        calibrated=calibrated,
        calibration_source=context.calibration_source,
        attachment=context.attachment,
        calibration=context.calibration,
        notes=context.notes,
    )


def _main_reason(calls: WindowCalls, owned: FloatArray, mask: NDArray[np.bool_]) -> str:
    """The reason covering most time among the masked windows."""
    codes = calls.reason[mask]
    if codes.size == 0:
        return "too-short"
    return REASONS[int(np.bincount(codes, weights=owned[mask]).argmax())]


def owned_intervals(
    cues: WindowCues, hop_s: float, bouts: Sequence[WalkingBout] | Sequence[Span]
) -> tuple[FloatArray, FloatArray]:
    """The stretch of its bout each window's call covers: hop_s around the window's centre,
    the first and last window stretched to the bout's ends."""
    center = 0.5 * (cues.start_s + cues.end_s)
    lo, hi = center - hop_s / 2, center + hop_s / 2
    if cues.n_windows:
        idx = cues.span_index
        first = np.r_[True, idx[1:] != idx[:-1]]
        last = np.r_[idx[1:] != idx[:-1], True]
        starts = np.array([b.start_s for b in bouts])[idx]
        ends = np.array([b.end_s for b in bouts])[idx]
        lo = np.where(first, starts, lo)
        hi = np.where(last, ends, hi)
    return lo, hi
