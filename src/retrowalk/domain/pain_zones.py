"""Pain zones of the pain-monitoring model, for rules and for the UI (colours, legends).

NEMEX-TJR operationalises the pain-monitoring model (thomee1997, silbernagel2007) as pain
during exercise 0-2 "safe", over 2 to 5 "acceptable", over 5 "high risk" (nemex2010). On the
integer NPRS that is 0-2, 3-5 and 6-10. retrowalk splits the top zone once more: pain over 7
stops the program until a clinician has been seen (clinicians expect pain 7 or more to be an
urgent flag; the threshold is expert opinion, product.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from retrowalk.domain.evidence import cite
from retrowalk.errors import InvalidInput

SAFE_MAX_NPRS = 2
"""Highest pain (0-10) in the safe zone (nemex2010)."""
ACCEPTABLE_MAX_NPRS = 5
"""Highest pain (0-10) in the acceptable zone; over this is too much (nemex2010)."""
URGENT_ABOVE_NPRS = 7
"""Pain over this (8-10) stops the program: see a clinician (expert-opinion, nemex2010)."""


@dataclass(frozen=True, slots=True)
class PainZone:
    """One pain zone: a stable id, the inclusive NPRS range, what it means and its source."""

    name: str
    min_nprs: int
    max_nprs: int
    label: str
    advice: str
    citation: str

    def __post_init__(self) -> None:
        cite(self.citation)

    def contains(self, pain_nprs: int) -> bool:
        return self.min_nprs <= pain_nprs <= self.max_nprs


ZONES: tuple[PainZone, ...] = (
    PainZone(
        "safe",
        0,
        SAFE_MAX_NPRS,
        "safe",
        "Pain 0-2 during or after the session: safe; the program can move on.",
        "nemex2010",
    ),
    PainZone(
        "acceptable",
        SAFE_MAX_NPRS + 1,
        ACCEPTABLE_MAX_NPRS,
        "acceptable",
        "Pain 3-5: acceptable if it is back to usual by the next morning; stay at this level.",
        "nemex2010",
    ),
    PainZone(
        "too-much",
        ACCEPTABLE_MAX_NPRS + 1,
        URGENT_ABOVE_NPRS,
        "too much",
        "Pain 6-7: too much; the next session is made easier.",
        "nemex2010",
    ),
    PainZone(
        "urgent",
        URGENT_ABOVE_NPRS + 1,
        10,
        "urgent",
        "Pain 8-10: stop and see a clinician before the next session (threshold: expert opinion).",
        "expert-opinion",
    ),
)
"""The zones, lowest pain first; together they cover 0-10 without gaps or overlaps."""


def zone_for(pain_nprs: int) -> PainZone:
    """The zone a pain rating (integer NPRS 0-10) falls in."""
    if isinstance(pain_nprs, bool) or not isinstance(pain_nprs, int):
        raise InvalidInput("pain_nprs", pain_nprs, "a whole number from 0 to 10")
    for zone in ZONES:
        if zone.contains(pain_nprs):
            return zone
    raise InvalidInput("pain_nprs", pain_nprs, "a whole number from 0 to 10")
