"""The summary every activity-file reader (FIT, GPX) returns, and the walking check.

A summary holds what a logged walking session can be made from, in SI units, with None for
what the file does not say, and plain sentences (``notes``) for what was skipped, guessed or
unknown. The import service decides what to do with it; readers never write anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from retrowalk.errors import UnsupportedFile

SourceFormat = Literal["fit", "gpx"]
FileTotal = float | int | str | None

#: Sports that are walks whatever the sub-sport (a treadmill walk is a walk).
WALKING_SPORTS = frozenset({"walking", "hiking"})
#: Sub-sports that do not say whether the person walked or ran.
AMBIGUOUS_SUB_SPORTS = frozenset({"treadmill", "indoor_walking", "indoor_running"})
#: Sports that do not say what the person did.
AMBIGUOUS_SPORTS = frozenset({"unknown", "fitness_equipment"})

#: Fastest mean speed still taken as walking when the file does not say (m/s).
#: expert-opinion: people switch from walking to running at about 2 m/s going forward;
#: backward, the switch comes sooner, at 1.63 m/s (hreljac2005), so every backward walk is
#: below this ceiling.
WALKING_SPEED_CEILING_M_S = 2.0


@dataclass(frozen=True, eq=False)
class Track:
    """Per-record values for charts, from the start of the activity; NaN where missing.

    ``time_s`` is None when the file has no usable times; ``distance_m`` is cumulative.
    """

    time_s: NDArray[np.float64] | None
    distance_m: NDArray[np.float64]
    altitude_m: NDArray[np.float64] | None = None
    speed_m_s: NDArray[np.float64] | None = None

    def __len__(self) -> int:
        return int(self.distance_m.size)


@dataclass(frozen=True)
class ActivitySummary:
    """One recorded activity, read from a FIT or GPX file.

    Times in seconds, distances in metres, speeds in m/s, grades in percent, cadence in
    steps (not strides) per minute. ``elapsed_s`` runs from start to end, pauses included;
    ``timer_s`` excludes pauses (the device timer, or GPX segment time); ``moving_s`` excludes
    standing still; ``mean_speed_m_s`` is distance over moving time (over timer time when the
    moving time is unknown). ``mean_grade_pct`` is 100 x elevation gain / distance.
    ``file_totals`` holds the file's own summary values as the file states them (FIT session
    message fields; empty for GPX); readers check their totals against it.
    """

    source_path: str
    source_format: SourceFormat
    sport: str
    sub_sport: str | None
    is_walking: bool
    start_time: datetime | None
    elapsed_s: float | None
    timer_s: float | None
    moving_s: float | None
    distance_m: float | None
    mean_speed_m_s: float | None
    elevation_gain_m: float | None
    mean_grade_pct: float | None
    steps: int | None
    cadence_steps_per_min: float | None
    mean_heart_rate_bpm: float | None
    notes: tuple[str, ...] = ()
    file_totals: Mapping[str, FileTotal] = field(
        default_factory=lambda: MappingProxyType({}), compare=False
    )
    track: Track | None = field(default=None, compare=False, repr=False)

    @property
    def duration_s(self) -> float | None:
        """The session's duration: the timer time when known, else the elapsed time."""
        return self.timer_s if self.timer_s is not None else self.elapsed_s


def ensure_walking(summary: ActivitySummary, allow_non_walking: bool = False) -> None:
    """Refuse a ride, a run or anything else that is not a walk, unless the walker insists.

    Raises UnsupportedFile naming the file and what it is.
    """
    if summary.is_walking or allow_non_walking:
        return
    what = (
        "this activity does not say it is a walk"
        if summary.sport == "unknown"
        else f"this is {_article(summary.sport)} {summary.sport} activity, not a walk"
    )
    raise UnsupportedFile(
        summary.source_path, f"{what}; use --allow-non-walking to import it anyway"
    )


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def decide_walking(
    sport: str,
    sub_sport: str | None,
    mean_speed_m_s: float | None,
    device_activity: str | None = None,
) -> tuple[bool, str | None]:
    """Whether an activity counts as a walk, and the sentence explaining a judgement call.

    Walking and hiking are walks. When the file does not say walk or run (no sport, a
    fitness-equipment or treadmill session), the device's own per-record activity type
    decides, else the mean speed (at most ``WALKING_SPEED_CEILING_M_S``), else a session with
    no sport at all is taken as a walk because the walker chose to import it. Everything
    else (cycling, running, swimming...) is not a walk.
    """
    if sport in WALKING_SPORTS:
        return True, None
    if sport not in AMBIGUOUS_SPORTS and sub_sport not in AMBIGUOUS_SUB_SPORTS:
        return False, None
    label = (
        "The file names no sport"
        if sport == "unknown"
        else f"The file calls it {sport}" + (f" ({sub_sport})" if sub_sport else "")
    )
    if device_activity is not None:
        walking = device_activity in WALKING_SPORTS
        verdict = "counts as a walk" if walking else "is not a walk"
        return (
            walking,
            f"{label}; the device marked its records as {device_activity}, so it {verdict}.",
        )
    if mean_speed_m_s is not None:
        walking = mean_speed_m_s <= WALKING_SPEED_CEILING_M_S
        speed = f"its mean speed of {mean_speed_m_s:.2f} m/s"
        if walking:
            return True, (
                f"{label}; {speed} is a walking speed (at most "
                f"{WALKING_SPEED_CEILING_M_S} m/s), so it counts as a walk."
            )
        return False, f"{label}; {speed} is faster than walking, so it is not taken as a walk."
    if sport == "unknown":
        return True, f"{label} and no speed; it is taken as a walk."
    return False, f"{label} and no speed, so it is not taken as a walk."


def detect_format(head: bytes) -> SourceFormat | None:
    """The format a file's first bytes show, whatever its name: "fit", "gpx" (XML) or None."""
    if len(head) >= 12 and head[8:12] == b".FIT":
        return "fit"
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"<"):
        return "gpx"
    return None
