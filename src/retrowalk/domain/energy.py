"""Energy cost of a backward-walking session from the Compendium of Physical Activities.

kcal = MET x body mass (kg) x hours (1 MET = 3.5 mL O2/kg/min), evidence.md §2.1. The
Compendium has only a few backward-walking codes; the nearest one by incline (and modality) is
used and its value is never stretched: when the speed or incline is outside what the codes cover
(backward 2.5-3.5 mph, 0-10 %), the figure is an extrapolation and a ``Reason`` says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from retrowalk.domain.models import Modality, Reason
from retrowalk.domain.units import m_s_to_mph, mph_to_m_s
from retrowalk.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class CompendiumEntry:
    code: str
    activity: str
    met: float
    speed_mph: float | None
    incline_pct: float
    key: str


WALK_BACKWARD_LEVEL = CompendiumEntry(
    "17320", "walking, backward, 3.5 mph, level", 6.0, 3.5, 0.0, "compendium2024"
)
WALK_BACKWARD_UPHILL_5 = CompendiumEntry(
    "17325", "walking, backward, 3.5 mph, uphill, 5 % grade", 7.8, 3.5, 5.0, "compendium2024"
)
WALK_BACKWARD_UPHILL_5_2011_MET = 8.0
"""The same code in the 2011 Compendium (compendium2011)."""
TREADMILL_BACKWARD_10 = CompendiumEntry(
    "17475",
    "walking, treadmill, backwards, 2.5 mph, +10 % grade",
    7.8,
    2.5,
    10.0,
    "compendium2024",
)
CURVED_TREADMILL = CompendiumEntry(
    "17455",
    "walking, curved (non-motorised) treadmill, 3.0-5.0 mph, brisk",
    8.3,
    None,
    0.0,
    "compendium2024",
)
BACKWARD_CODES = (WALK_BACKWARD_LEVEL, WALK_BACKWARD_UPHILL_5, TREADMILL_BACKWARD_10)

BACKWARD_MIN_MPH = 2.5
BACKWARD_MAX_MPH = 3.5
"""Speeds covered by the backward-walking codes; none exists below 2.5 mph (§2.1)."""
CURVED_MIN_MPH = 3.0
CURVED_MAX_MPH = 5.0
_TOLERANCE_MPH = 0.005


@dataclass(frozen=True, slots=True)
class EnergyEstimate:
    """MET and kcal of one session; ``None`` when the Compendium has no value for it."""

    met: float | None
    kcal: float | None
    compendium_code: str | None
    compendium_key: str | None
    in_range: bool
    reasons: tuple[Reason, ...]


def _check(field: str, value: float, low: float, high: float, unit: str) -> None:
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if not is_number or not math.isfinite(value) or not low <= value <= high:
        raise InvalidInput(field, value, f"{low:g}-{high:g} {unit}")


def _nearest_backward(incline_pct: float) -> CompendiumEntry:
    # ties go to the lower (less costly) code
    return min(BACKWARD_CODES, key=lambda e: (abs(e.incline_pct - incline_pct), e.incline_pct))


def _within(speed_mph: float, low: float, high: float) -> bool:
    return low - _TOLERANCE_MPH <= speed_mph <= high + _TOLERANCE_MPH


def estimate(
    modality: Modality,
    speed_m_s: float | None,
    incline_pct: float,
    duration_s: float,
    body_mass_kg: float,
) -> EnergyEstimate:
    """MET and kcal for a backward-walking session (compendium2024, compendium2011).

    ``in_range`` is True only when the speed is known and inside the chosen code(s)' range and
    the incline lies within 0-10 %. Sled drag has no Compendium value: met and kcal are None.
    """
    if not isinstance(modality, Modality):
        raise InvalidInput("modality", modality, ", ".join(m.value for m in Modality))
    _check("duration_s", duration_s, 0, 24 * 3600, "s")
    _check("body_mass_kg", body_mass_kg, 25, 300, "kg")
    _check("incline_pct", incline_pct, -40, 40, "%")
    if speed_m_s is not None:
        _check("speed_m_s", speed_m_s, 0.01, 10, "m/s")

    if modality is Modality.SLED_DRAG:
        reason = Reason(
            "energy-sled-no-value",
            "The Compendium has no value for dragging a sled backward, so no MET or kcal "
            "figure is given (compendium2024).",
            "compendium2024",
        )
        return EnergyEstimate(None, None, None, None, False, (reason,))

    reasons: list[Reason] = []
    if modality is Modality.NON_MOTORISED_TREADMILL:
        entry = CURVED_TREADMILL
        low, high = CURVED_MIN_MPH, CURVED_MAX_MPH
        reasons.append(
            Reason(
                "energy-curved-treadmill",
                f"Code {entry.code} ({entry.met:g} MET) is brisk walking on a curved "
                "non-motorised treadmill; no backward value exists, so this is an "
                "approximation (compendium2024).",
                entry.key,
            )
        )
        incline_ok = incline_pct == 0
    else:
        entry = _nearest_backward(incline_pct)
        low, high = BACKWARD_MIN_MPH, BACKWARD_MAX_MPH
        incline_ok = 0 <= incline_pct <= 10
        if incline_pct != entry.incline_pct:
            reasons.append(
                Reason(
                    "energy-nearest-incline",
                    f"No code for {incline_pct:g} % incline: the nearest, code {entry.code} "
                    f"({entry.activity}), is used (compendium2024).",
                    entry.key,
                )
            )
        if entry is TREADMILL_BACKWARD_10 and modality is not Modality.TREADMILL:
            reasons.append(
                Reason(
                    "energy-treadmill-code-overground",
                    f"Code {entry.code} was measured on a treadmill; it is used for your "
                    f"{incline_pct:g} % slope as the nearest value (compendium2024).",
                    entry.key,
                )
            )
        if entry is WALK_BACKWARD_UPHILL_5:
            reasons.append(
                Reason(
                    "energy-2011-value",
                    f"The 2011 Compendium gave {WALK_BACKWARD_UPHILL_5_2011_MET:g} MET for this "
                    f"code; the 2024 value {entry.met:g} is used (compendium2011).",
                    "compendium2011",
                )
            )
        if not incline_ok:
            reasons.append(
                Reason(
                    "energy-incline-out-of-range",
                    f"The backward codes cover 0-10 % incline; {incline_pct:g} % is outside, "
                    "so the figure is an extrapolation (compendium2024).",
                    "compendium2024",
                )
            )

    if speed_m_s is None:
        speed_ok = False
        reasons.append(
            Reason(
                "energy-speed-unknown",
                f"The speed is not known; the value assumes {low:g}-{high:g} mph "
                f"({mph_to_m_s(low):.2f}-{mph_to_m_s(high):.2f} m/s) (compendium2024).",
                "compendium2024",
            )
        )
    else:
        speed_mph = m_s_to_mph(speed_m_s)
        speed_ok = _within(speed_mph, low, high)
        if not speed_ok:
            below = speed_mph < low
            reasons.append(
                Reason(
                    "energy-speed-out-of-range",
                    f"Your speed ({speed_m_s:.2f} m/s, {speed_mph:.1f} mph) is "
                    f"{'below' if below else 'above'} the Compendium's range for this activity "
                    f"({low:g}-{high:g} mph"
                    + ("; there is no backward value below 2.5 mph" if below else "")
                    + "), so the figure is an extrapolation"
                    + (" and probably too high" if below else " and probably too low")
                    + " (compendium2024).",
                    "compendium2024",
                )
            )
    reasons.append(
        Reason(
            "energy-adult-ages",
            "The 2024 Compendium values come from adults aged 19-59; for other ages the figure "
            "is less certain (compendium2024).",
            "compendium2024",
        )
    )
    kcal = entry.met * body_mass_kg * duration_s / 3600.0
    return EnergyEstimate(
        met=entry.met,
        kcal=kcal,
        compendium_code=entry.code,
        compendium_key=entry.key,
        in_range=speed_ok and incline_ok,
        reasons=tuple(reasons),
    )
