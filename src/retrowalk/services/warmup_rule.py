"""When a motion recording may calibrate itself on the plan's forward warm-up (issue 7).

Every planned session starts with 3-5 minutes of forward walking
(``domain.safety_cues.WARMUP_FORWARD``), which is the best calibration there is: same walker,
same sensor, same attachment, same day. But it is only a plan: if the walker did not walk
forward at the start, a calibration taken there inverts everything after it, and forward
walking would be counted as backward minutes. So the plan's warm-up is used only when the
recording itself looks like it (design choice, expert-opinion; conservative on purpose):

1. Structure (``judge_structure``): the first walking bout starts within
   ``START_WITHIN_S`` of the recording's start; it lasts about the warm-up's length (the plan's
   range widened by ``LENGTH_TOLERANCE`` either way); it is followed by a pause of at least
   ``PAUSE_S`` (another bout starting later: the walker stopped, e.g. to turn round), and by more
   walking (a recording that is one walk has no warm-up apart from the rest). A walker who
   turns without stopping makes one long bout: refused (longer than the warm-up).
2. Cross-check (``services.direction_check`` does it): the walker's stored calibration must
   call the first bout forward with confidence. Without a stored calibration the plan's
   warm-up is not used: measured on a simulated walker who began with 13 s of backward
   walking, stopped and walked forward (tests/integration/test_warmup_import.py), the
   uncalibrated detector did not object, and the warm-up calibration then counted the 42 s
   of forward walking after it as backward: exactly the error a therapist must never see.
   On real lower-back forward walks (waist-imu, 12 people), a calibration from one trial
   calls the first bout of another trial forward with confidence in 50 of 58 trials (unknown
   in 8, never backward), so a real warm-up is usually confirmed.

Otherwise the import falls back to the stored calibration (or none) and says why in the
summary. An explicit ``--warmup-s`` (the walker's own statement) always wins over the plan.
Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from retrowalk.domain.models import Program
from retrowalk.domain.safety_cues import WARMUP_FORWARD, WARMUP_FORWARD_S
from retrowalk.sensing.gait import WalkingBout

START_WITHIN_S = 60.0
"""The warm-up starts within this of the recording's start (time to pocket the phone)."""
LENGTH_TOLERANCE = 0.25
"""The first bout may be this share shorter than the shortest or longer than the longest
planned warm-up (3-5 min: 135-375 s)."""
PAUSE_S = 3.0
"""A stop after the warm-up: the next bout starts at least this long after it ends."""


@dataclass(frozen=True)
class WarmupPlan:
    """The plan's forward warm-up length range (s)."""

    min_s: float
    max_s: float

    @classmethod
    def of(cls, program: Program) -> WarmupPlan | None:
        """The warm-up of ``program``'s sessions when they start with forward walking."""
        if program.sessions and all(
            p.warmup and p.warmup[0] == WARMUP_FORWARD for p in program.sessions
        ):
            return cls(*WARMUP_FORWARD_S)
        return None


@dataclass(frozen=True)
class WarmupJudgement:
    """``warmup_s``: seconds from the recording's start to the end of the warm-up, when the
    structure fits (None: it does not); ``reason`` says why in the walker's words."""

    warmup_s: float | None
    reason: str


def judge_structure(
    recording_start_s: float, bouts: Sequence[WalkingBout], plan: WarmupPlan
) -> WarmupJudgement:
    """Rule 1 of the module doc."""
    low, high = plan.min_s * (1 - LENGTH_TOLERANCE), plan.max_s * (1 + LENGTH_TOLERANCE)
    if not bouts:
        return WarmupJudgement(None, "no walking found")
    first = bouts[0]
    span = f"{low / 60:.1f}-{high / 60:.1f} min"
    if first.start_s - recording_start_s > START_WITHIN_S:
        return WarmupJudgement(
            None,
            f"the first walk starts {first.start_s - recording_start_s:.0f} s into the "
            f"recording (a warm-up starts within {START_WITHIN_S:.0f} s)",
        )
    if not low <= first.duration_s <= high:
        return WarmupJudgement(
            None,
            f"the first walk lasts {first.duration_s / 60:.1f} min, not about the plan's "
            f"forward warm-up ({span})",
        )
    if len(bouts) < 2:
        return WarmupJudgement(None, "the first walk is the only one (no walking after it)")
    pause_s = bouts[1].start_s - first.end_s
    if pause_s < PAUSE_S:
        return WarmupJudgement(
            None,
            f"the first walk is followed by a pause of {pause_s:.1f} s only (at least "
            f"{PAUSE_S:.0f} s marks the end of a warm-up)",
        )
    return WarmupJudgement(
        first.end_s - recording_start_s,
        f"the first walk ({first.duration_s / 60:.1f} min, then a {pause_s:.0f} s pause) "
        "fits the plan's forward warm-up",
    )
