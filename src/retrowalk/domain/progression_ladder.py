"""The ladders progression moves along: limits, one step up, one step down, per variable.

Variables are the field names of ``SessionTarget``: ``duration_s``, ``speed_m_s``,
``incline_pct``, ``load_pct_body_mass`` and ``rails``. A step up makes a session harder by one
rung; a step down makes it easier by one rung and never goes below the floor. ``rails`` steps
"up" from holding the rails to walking hands-free, and "down" back to the rails (the supported
level, expert-opinion; treadmill-safety).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

from retrowalk.domain.models import Modality, SessionTarget
from retrowalk.errors import InvalidInput

EPS = 1e-9

DURATION = "duration_s"
SPEED = "speed_m_s"
INCLINE = "incline_pct"
LOAD = "load_pct_body_mass"
RAILS = "rails"
VARIABLES: tuple[str, ...] = (DURATION, SPEED, INCLINE, LOAD, RAILS)

RAIL_MODALITIES = frozenset(
    {Modality.TREADMILL, Modality.NON_MOTORISED_TREADMILL, Modality.OVERGROUND, Modality.INCLINE}
)
"""Modalities where holding a support (treadmill rails, a wall rail) is possible; not a sled."""

Value = float | bool | None


@dataclass(frozen=True, slots=True)
class ProgressionLimits:
    """Floors, ceilings and step sizes of progression (SI units).

    - Duration 300 -> 600 s in 60-s steps: 5 to 10 minutes for knee pain and knee OA; 10 min is
      the dose of the knee OA trial (alghadir2019), the 5-minute start and the 1-minute steps are
      expert opinion (evidence.md §4.3, §4.4).
    - Speed 0.3 -> 1.5 m/s in 0.1 m/s steps: the ceiling stays below the backward walk-run
      transition at 1.63 m/s (hreljac2005); the floor, the step and the margin are expert opinion.
    - Incline 0 -> 5 -> 10 % (cipriani1995).
    - Sled load 20 -> 55 % body mass in 5 % steps (uthoff2021).
    - 3 sessions at a level (a week of 3 sessions) before the next step (expert-opinion).
    - A session counts as done when it reached 90 % of the target duration (expert-opinion).
    - A week-on-week rise counts from 1 point of mean pain, the smallest NPRS change that
      patients notice (salaffi2004); smaller differences are treated as noise (design choice).
    """

    min_duration_s: float = 300.0
    max_duration_s: float = 600.0
    duration_step_s: float = 60.0
    min_speed_m_s: float = 0.3
    max_speed_m_s: float = 1.5
    speed_step_m_s: float = 0.1
    incline_steps_pct: tuple[float, ...] = (0.0, 5.0, 10.0)
    min_load_pct_body_mass: float = 20.0
    max_load_pct_body_mass: float = 55.0
    load_step_pct_body_mass: float = 5.0
    sessions_at_level_before_progress: int = 3
    done_fraction_of_duration: float = 0.9
    weekly_rise_nprs: float = 1.0

    def __post_init__(self) -> None:
        pairs = (
            ("min_duration_s", self.min_duration_s, self.max_duration_s),
            ("min_speed_m_s", self.min_speed_m_s, self.max_speed_m_s),
            ("min_load_pct_body_mass", self.min_load_pct_body_mass, self.max_load_pct_body_mass),
        )
        for name, low, high in pairs:
            if not 0 < low <= high:
                raise InvalidInput(name, low, f"greater than 0 and at most {high}")
        for name, step in (
            ("duration_step_s", self.duration_step_s),
            ("speed_step_m_s", self.speed_step_m_s),
            ("load_step_pct_body_mass", self.load_step_pct_body_mass),
        ):
            if step <= 0:
                raise InvalidInput(name, step, "greater than 0")
        steps = self.incline_steps_pct
        if not steps or any(b <= a for a, b in itertools.pairwise(steps)):
            raise InvalidInput("incline_steps_pct", steps, "one or more values, strictly rising")
        if self.sessions_at_level_before_progress < 1:
            raise InvalidInput("sessions_at_level_before_progress", 0, "1 or more")
        if not 0 < self.done_fraction_of_duration <= 1:
            raise InvalidInput(
                "done_fraction_of_duration", self.done_fraction_of_duration, "over 0 up to 1"
            )

    @property
    def incline_tolerance_pct(self) -> float:
        """Half the smallest gap between incline steps: closer than this is the same rung."""
        steps = self.incline_steps_pct
        gaps = [b - a for a, b in itertools.pairwise(steps)]
        return min(gaps) / 2 if gaps else 0.5


def value_of(target: SessionTarget, variable: str) -> Value:
    value: Value = getattr(target, variable)
    return value


def applicable(target: SessionTarget, variable: str) -> bool:
    """Whether ``variable`` is part of this target (a speed, a load, rails on this modality)."""
    if variable == RAILS:
        return target.modality in RAIL_MODALITIES
    return value_of(target, variable) is not None


def step_up(target: SessionTarget, variable: str, limits: ProgressionLimits) -> Value:
    """The value one rung harder, or None when at the ceiling or not applicable."""
    if not applicable(target, variable):
        return None
    if variable == RAILS:
        return False if target.rails else None
    current = float(value_of(target, variable) or 0.0)
    if variable == DURATION:
        return _up(current, limits.duration_step_s, None, limits.max_duration_s)
    if variable == SPEED:
        return _up(current, limits.speed_step_m_s, None, limits.max_speed_m_s)
    if variable == LOAD:
        return _up(
            current,
            limits.load_step_pct_body_mass,
            limits.min_load_pct_body_mass,
            limits.max_load_pct_body_mass,
        )
    higher = [step for step in limits.incline_steps_pct if step > current + EPS]
    return higher[0] if higher else None


def step_down(target: SessionTarget, variable: str, limits: ProgressionLimits) -> Value:
    """The value one rung easier, or None when at the floor or not applicable."""
    if not applicable(target, variable):
        return None
    if variable == RAILS:
        return None if target.rails else True
    current = float(value_of(target, variable) or 0.0)
    if variable == DURATION:
        return _down(current, limits.duration_step_s, limits.min_duration_s)
    if variable == SPEED:
        return _down(current, limits.speed_step_m_s, limits.min_speed_m_s)
    if variable == LOAD:
        return _down(current, limits.load_step_pct_body_mass, limits.min_load_pct_body_mass)
    lower = [step for step in limits.incline_steps_pct if step < current - EPS]
    return lower[-1] if lower else None


def _up(current: float, step: float, floor: float | None, ceiling: float) -> float | None:
    if current >= ceiling - EPS:
        return None
    raised = current + step
    if floor is not None:
        raised = max(raised, floor)
    return round(min(raised, ceiling), 6)


def _down(current: float, step: float, floor: float) -> float | None:
    if current <= floor + EPS:
        return None
    return round(max(current - step, floor), 6)


def with_value(target: SessionTarget, variable: str, value: Value) -> SessionTarget:
    """``target`` with one variable set to ``value``."""
    if variable == RAILS:
        return replace(target, rails=bool(value))
    if isinstance(value, bool):
        raise InvalidInput(variable, value, "a number")
    if variable == DURATION:
        if value is None:
            raise InvalidInput(variable, value, "a number of seconds")
        return replace(target, duration_s=value)
    if variable == SPEED:
        return replace(target, speed_m_s=value)
    if variable == INCLINE:
        return replace(target, incline_pct=value or 0.0)
    if variable == LOAD:
        return replace(target, load_pct_body_mass=value)
    raise InvalidInput("variable", variable, ", ".join(VARIABLES))


def describe(variable: str, value: float | bool | str | None) -> str:
    """A value as a walker reads it (minutes, m/s with km/h, %, rails)."""
    if variable == RAILS:
        return "holding the rails" if value else "hands-free"
    if value is None or isinstance(value, bool | str):
        return "not set"
    if variable == DURATION:
        return f"{_num(value / 60)} min"
    if variable == SPEED:
        return f"{_num(value)} m/s ({_num(value * 3.6)} km/h)"
    if variable == INCLINE:
        return f"{_num(value)} % incline"
    return f"{_num(value)} % body mass"


def name_of(variable: str) -> str:
    return {
        DURATION: "duration",
        SPEED: "speed",
        INCLINE: "incline",
        LOAD: "sled load",
        RAILS: "rails",
    }[variable]


def _num(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text if text != "-0" else "0"
