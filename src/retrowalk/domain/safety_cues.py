"""Safety cues and warm-ups of a planned session, tailored to its modality, place and verdict.

Sources: treadmill care from consumer-safety guidance (treadmill-safety, evidence.md §6.2);
clinicians' advice for backward walking, outdoor and indoor practice (expert-opinion, §6.2,
§6.3); stopping signs (§6.4); the pain-monitoring zones (nemex2010, §4.1).

Every warm-up starts with ``WARMUP_FORWARD``: 3-5 minutes of forward walking, which later
sensor work uses to calibrate (the forward part of a recording is known to be forward).
"""

from __future__ import annotations

from dataclasses import dataclass

from retrowalk.domain.models import (
    Goal,
    Modality,
    Place,
    Reason,
    ScreeningAnswers,
    SessionTarget,
)
from retrowalk.domain.units import format_speed

WARMUP_FORWARD = "Walk forward at an easy pace for 3-5 minutes."
"""First warm-up item of every session (sensor calibration relies on it)."""
WARMUP_FORWARD_S = (180.0, 300.0)
"""The forward warm-up's length as ``WARMUP_FORWARD`` says it (3-5 minutes), in seconds."""


@dataclass(frozen=True, slots=True)
class CueContext:
    answers: ScreeningAnswers
    supervised: bool
    familiarisation: bool = False


PAIN_MONITORING = Reason(
    "cue-pain-monitoring",
    "Pain during the session may reach 5/10 at most (0-2 safe, over 2 to 5 acceptable) and "
    "must settle by the next morning; stop and report it if it goes above 5 (nemex2010).",
    "nemex2010",
)
STOP_SIGNS = Reason(
    "cue-stop-signs",
    "Stop at once for chest pain or tightness, dizziness, unusual breathlessness, a near-fall "
    "or the knee giving way, and seek care if it does not settle with rest (standard "
    "exercise-safety advice: expert opinion).",
    "expert-opinion",
)
TREADMILL_CLEARANCE = Reason(
    "cue-treadmill-clearance",
    "Leave at least 2 m clear behind the treadmill and 0.6 m at each side.",
    "treadmill-safety",
)
TREADMILL_SAFETY_KEY = Reason(
    "cue-treadmill-safety-key",
    "Clip the safety key to your clothing before the belt starts.",
    "treadmill-safety",
)
TREADMILL_STRADDLE = Reason(
    "cue-treadmill-straddle",
    "Stand astride the belt while it starts, then step on holding the rails.",
    "treadmill-safety",
)
TREADMILL_NEVER_STEP_OFF = Reason(
    "cue-treadmill-never-step-off",
    "Never step off a moving belt, and stop it completely before turning around after the "
    "forward warm-up.",
    "treadmill-safety",
)
HOLD_RAILS = Reason(
    "cue-hold-rails",
    "Hold the rails while you walk backward, as clinicians advise for a start (expert opinion).",
    "expert-opinion",
)
NMT_FAMILIARISATION = Reason(
    "cue-nmt-familiarisation",
    "This week is for getting used to the non-motorised treadmill with a coach or therapist "
    "beside you: it needs more coordination than a powered one (expert opinion).",
    "expert-opinion",
)
LOOK_BACK = Reason(
    "cue-outdoor-look-back",
    "Look back over both shoulders every few steps, without twisting your neck hard (expert "
    "opinion).",
    "expert-opinion",
)
FLAT_PATH = Reason(
    "cue-outdoor-flat-path",
    "Choose a flat path away from traffic, kerbs and trip hazards (expert opinion).",
    "expert-opinion",
)
STREET = Reason(
    "cue-street-prefer-track-or-park",
    "A street has traffic, kerbs and people: an athletics track or a park path is safer for "
    "backward walking (expert opinion).",
    "expert-opinion",
)
INDOOR_CLEAR_SPACE = Reason(
    "cue-indoor-clear-space",
    "Use a clear, uncrowded space with nothing behind you to trip over (expert opinion).",
    "expert-opinion",
)
WALL_SUPPORT = Reason(
    "cue-wall-support",
    "Walk along a wall or hallway you can touch with one hand; begin with 10 steps forward, "
    "then walk backward to the wall (expert opinion).",
    "expert-opinion",
)
SUPERVISED_HELPER = Reason(
    "cue-supervised-helper",
    "Practise with a helper beside or behind you, or within reach of a wall, until a "
    "clinician or a repeat 3-metre backward walk test says you can go alone (expert opinion).",
    "expert-opinion",
)
SLED_TECHNIQUE = Reason(
    "cue-sled-technique",
    "Strap the sled at the waist, lean back slightly, take short steps and end each drag "
    "before your form breaks down (expert opinion: coaching advice).",
    "expert-opinion",
)


def _companion(available: bool) -> Reason:
    if available:
        text = (
            "Bring your companion: they walk beside you facing your direction of travel and "
            "warn you of obstacles (expert opinion)."
        )
    else:
        text = (
            "Outdoors a companion is ideal; without one, pick a quiet route you know well and "
            "check behind you often (expert opinion)."
        )
    return Reason("cue-outdoor-companion", text, "expert-opinion")


def _speed_first(target: SessionTarget) -> Reason:
    return Reason(
        "cue-treadmill-set-speed-first",
        f"Set the speed ({format_speed(target.speed_m_s, treadmill=True)}) and incline before "
        "you start walking backward: reaching the console while walking backward is awkward "
        "(expert opinion).",
        "expert-opinion",
    )


def safety_cues(target: SessionTarget, ctx: CueContext) -> tuple[Reason, ...]:
    """The cues of one session: modality first, then place, then verdict, then stop signs."""
    a = ctx.answers
    cues: list[Reason] = []
    if target.modality is Modality.TREADMILL:
        cues += [
            TREADMILL_SAFETY_KEY,
            TREADMILL_CLEARANCE,
            _speed_first(target),
            TREADMILL_STRADDLE,
            HOLD_RAILS,
            TREADMILL_NEVER_STEP_OFF,
        ]
    elif target.modality is Modality.NON_MOTORISED_TREADMILL:
        cues += [TREADMILL_CLEARANCE, HOLD_RAILS]
        if ctx.familiarisation:
            cues.append(NMT_FAMILIARISATION)
    else:
        if a.place.outdoors:
            cues += [_companion(a.companion_available), LOOK_BACK, FLAT_PATH]
            if a.place is Place.STREET:
                cues.append(STREET)
        else:
            cues.append(INDOOR_CLEAR_SPACE)
        if target.modality is Modality.SLED_DRAG:
            cues.append(SLED_TECHNIQUE)
        elif a.goal is Goal.BALANCE or target.rails:
            cues.append(WALL_SUPPORT)
    if ctx.supervised:
        cues.append(SUPERVISED_HELPER)
    cues += [PAIN_MONITORING, STOP_SIGNS]
    return tuple(cues)


def warmup(target: SessionTarget) -> tuple[str, ...]:
    """Warm-up steps: always 3-5 min of forward walking first, then an easy backward start."""
    if target.modality is Modality.TREADMILL:
        return (
            WARMUP_FORWARD,
            "Stop the belt, turn around, then walk backward slowly for 1-2 minutes holding "
            "the rails before the set speed.",
        )
    if target.modality is Modality.NON_MOTORISED_TREADMILL:
        return (WARMUP_FORWARD, "Walk backward slowly for 1-2 minutes holding the rails.")
    if target.modality is Modality.SLED_DRAG:
        return (WARMUP_FORWARD, "Do 2 easy backward drags with an empty sled.")
    return (WARMUP_FORWARD, "Walk backward slowly for 1-2 minutes, looking back often.")
