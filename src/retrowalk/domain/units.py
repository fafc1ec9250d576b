"""Unit conversions and formatting for the edges (CLI, web, reports).

Inside retrowalk everything is SI (m/s, s, %, kg). People type and read km/h, mph and minutes;
these helpers convert at the edge and format values the way a walker reads them (a treadmill
display shows km/h to one decimal). Pure functions, no validation: callers validate ranges.
"""

from __future__ import annotations

import math
import re

M_S_PER_KMH = 1000.0 / 3600.0
"""1 km/h in m/s (exact)."""

M_S_PER_MPH = 0.44704
"""1 mph in m/s (exact by definition of the international mile: 1609.344 m / 3600 s)."""

TREADMILL_STEP_KMH = 0.1
"""Speed step of a typical treadmill display (km/h)."""


def kmh_to_m_s(speed_kmh: float) -> float:
    return speed_kmh * M_S_PER_KMH


def m_s_to_kmh(speed_m_s: float) -> float:
    return speed_m_s / M_S_PER_KMH


def mph_to_m_s(speed_mph: float) -> float:
    return speed_mph * M_S_PER_MPH


def m_s_to_mph(speed_m_s: float) -> float:
    return speed_m_s / M_S_PER_MPH


def minutes_to_s(minutes: float) -> float:
    return minutes * 60.0


def s_to_minutes(duration_s: float) -> float:
    return duration_s / 60.0


def round_to_treadmill_step(speed_m_s: float) -> float:
    """The speed (m/s) a treadmill can actually be set to: the nearest 0.1 km/h."""
    steps = round(m_s_to_kmh(speed_m_s) / TREADMILL_STEP_KMH)
    return kmh_to_m_s(steps * TREADMILL_STEP_KMH)


def format_speed(speed_m_s: float | None, treadmill: bool) -> str:
    """A speed as a walker reads it.

    Treadmills show km/h, so a treadmill speed is "2.2 km/h"; an overground speed is given in
    m/s with km/h beside it ("0.60 m/s (2.2 km/h)"). ``None`` means no set pace.
    """
    if speed_m_s is None:
        return "your own comfortable pace"
    kmh = f"{m_s_to_kmh(speed_m_s):.1f} km/h"
    if treadmill:
        return kmh
    return f"{speed_m_s:.2f} m/s ({kmh})"


def format_duration(duration_s: float) -> str:
    """Whole minutes as "5 min", otherwise minutes and seconds: "7 min 30 s", "45 s"."""
    total_s = round(duration_s)
    minutes, seconds = divmod(total_s, 60)
    if minutes == 0:
        return f"{seconds} s"
    if seconds == 0:
        return f"{minutes} min"
    return f"{minutes} min {seconds} s"


CLOCK_DURATION = re.compile(r"(?P<minutes>[0-9]{1,5}):(?P<seconds>[0-5][0-9])")
"""Minutes and two-digit seconds, "6:04" (ASCII digits only; seconds 00-59)."""
PLAIN_MINUTES = re.compile(r"[0-9]{1,5}(?:[.,][0-9]{1,6})?")
"""Minutes alone, "6" or "6.5" (a decimal comma is read as a point, as in the other fields)."""


def format_minutes_seconds(duration_s: float) -> str:
    """A duration as minutes:seconds, rounded to whole seconds: 364.0 -> "6:04",
    363.7 -> "6:04", 30 -> "0:30", 10800 -> "180:00" (minutes do not roll over into hours:
    people count backward-walking sessions in minutes)."""
    minutes, seconds = divmod(round(duration_s), 60)
    return f"{minutes}:{seconds:02d}"


def parse_minutes_seconds(text: str) -> float:
    """Seconds from what a person types for a duration: minutes:seconds ("6:04" -> 364.0)
    or minutes alone ("6" -> 360.0, "6.5" or "6,5" -> 390.0). Surrounding blanks are ignored.

    ``ValueError`` for anything else ("6:75", "6:4", "-6", "abc", ""): callers turn it into an
    ``InvalidInput`` naming their field, and check the range themselves.
    """
    text = text.strip()
    clock = CLOCK_DURATION.fullmatch(text)
    if clock is not None:
        return float(int(clock["minutes"]) * 60 + int(clock["seconds"]))
    if PLAIN_MINUTES.fullmatch(text) is not None:
        return minutes_to_s(float(text.replace(",", ".")))
    raise ValueError(f"not minutes:seconds (6:04) or minutes (6.5): {text!r}")


def format_pct(value_pct: float) -> str:
    """A percentage without a pointless ".0": 5.0 -> "5 %", 27.5 -> "27.5 %"."""
    if math.isclose(value_pct, round(value_pct), abs_tol=1e-9):
        return f"{round(value_pct)} %"
    return f"{value_pct:.1f} %"


def format_incline(incline_pct: float) -> str:
    return "level (0 %)" if incline_pct == 0 else f"{format_pct(incline_pct)} incline"


def format_load(load_pct_body_mass: float | None, body_mass_kg: float | None = None) -> str:
    """A sled load as % body mass, with kg when known: "20 % of body mass (14 kg)"."""
    if load_pct_body_mass is None:
        return "no load"
    text = f"{format_pct(load_pct_body_mass)} of body mass"
    if body_mass_kg is not None:
        text += f" ({load_pct_body_mass / 100.0 * body_mass_kg:.0f} kg)"
    return text
