"""Turn submitted forms into domain objects. Units people type (minutes, km/h, kg) are
converted here; ranges are the domain's (converted ranges are derived from them, never
restated). Every problem is an ``InvalidInput`` naming the form field, so the page can put the
message beside that input.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from enum import StrEnum
from typing import Any, TypeVar

from retrowalk.domain.models import (
    CheckIn,
    Equipment,
    Goal,
    LoggedSession,
    Modality,
    Place,
    ScreeningAnswers,
    SessionTarget,
    StartMethod,
)
from retrowalk.domain.screening import FORWARD_SPEED_KMH
from retrowalk.domain.units import format_minutes_seconds, kmh_to_m_s, parse_minutes_seconds
from retrowalk.domain.validation import DURATION_S, LOAD_KG, MINUTES, SPEED_KMH, Range
from retrowalk.errors import InvalidInput

E = TypeVar("E", bound=StrEnum)
Form = Mapping[str, Any]

UTC_OFFSET_MIN = Range(-14 * 60, 14 * 60, "min", integer=True)
NAME_MAX_CHARS = 60
DURATION_ALLOWED = (
    f"minutes:seconds from {format_minutes_seconds(DURATION_S.low)} to "
    f"{format_minutes_seconds(DURATION_S.high)} (such as 6:04), or minutes (such as 6.5)"
)
"""The session durations the forms take, in the words the field's hint uses."""


def _raw(form: Form, name: str) -> str:
    """The field's text, trimmed; ``InvalidInput`` for text holding a NUL character (nothing
    retrowalk stores has one, and PostgreSQL cannot store it)."""
    value = form.get(name)
    if not isinstance(value, str):
        return ""
    if "\x00" in value:
        raise InvalidInput(name, value.replace("\x00", "\\0"), "text without NUL characters")
    return value.strip()


def text(form: Form, name: str, *, max_chars: int = 200, required: bool = True) -> str:
    value = _raw(form, name)
    if required and not value:
        raise InvalidInput(name, value, f"1 to {max_chars} characters")
    if len(value) > max_chars:
        raise InvalidInput(name, f"{len(value)} characters", f"at most {max_chars} characters")
    return value


def number(form: Form, name: str, *, allowed: Range | None = None) -> float | None:
    raw = _raw(form, name).replace(",", ".")
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise InvalidInput(name, raw, allowed.describe() if allowed else "a number") from None
    if not math.isfinite(value):
        raise InvalidInput(name, raw, allowed.describe() if allowed else "a finite number")
    if allowed is not None:
        allowed.check(name, value, shown=value)
    return value


def required_number(form: Form, name: str, *, allowed: Range | None = None) -> float:
    value = number(form, name, allowed=allowed)
    if value is None:
        raise InvalidInput(name, "", allowed.describe() if allowed else "a number")
    return value


def integer(form: Form, name: str, *, allowed: Range | None = None) -> int | None:
    raw = _raw(form, name)
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise InvalidInput(name, raw, allowed.describe() if allowed else "a whole number") from None


def required_integer(form: Form, name: str, *, allowed: Range | None = None) -> int:
    value = integer(form, name, allowed=allowed)
    if value is None:
        raise InvalidInput(name, "", allowed.describe() if allowed else "a whole number")
    return value


def duration(form: Form, name: str, *, shown_s: float | None = None) -> float:
    """A duration typed as minutes:seconds or minutes (``units.parse_minutes_seconds``), in s.

    ``shown_s`` is the stored duration the form was filled in with (a session being corrected).
    While the field still holds the text it was shown as, that value is kept exactly: a form
    saved unchanged leaves an imported 363.7 s session at 363.7 s instead of rounding it to the
    364 s its "6:04" stands for. The text is compared with the stored session's own rendering
    (the edit handler has just read it, and a session changed meanwhile is refused by its
    version), so no hidden field is needed and the seconds kept are never ones the browser sent.
    """
    raw = _raw(form, name)
    if shown_s is not None and raw == format_minutes_seconds(shown_s):
        seconds = shown_s
    else:
        try:
            seconds = parse_minutes_seconds(raw)
        except ValueError:
            raise InvalidInput(name, raw, DURATION_ALLOWED) from None
    if not DURATION_S.low <= seconds <= DURATION_S.high:
        raise InvalidInput(name, raw, DURATION_ALLOWED)
    return seconds


def yes_no(form: Form, name: str) -> bool:
    raw = _raw(form, name).lower()
    if raw not in ("yes", "no"):
        raise InvalidInput(name, raw, "yes or no")
    return raw == "yes"


def checkbox(form: Form, name: str) -> bool:
    return _raw(form, name).lower() in ("on", "yes", "true", "1")


def choice(form: Form, name: str, enum: type[E]) -> E:
    raw = _raw(form, name)
    try:
        return enum(raw)
    except ValueError:
        raise InvalidInput(name, raw, ", ".join(m.value for m in enum)) from None


def choices(form: Any, name: str, enum: type[E]) -> frozenset[E]:
    raws = form.getlist(name) if hasattr(form, "getlist") else [form.get(name)]
    values = set()
    for raw in raws:
        try:
            values.add(enum(str(raw)))
        except ValueError:
            raise InvalidInput(name, raw, ", ".join(m.value for m in enum)) from None
    return frozenset(values)


def utc_offset(form: Form) -> timezone:
    """The browser's UTC offset (sent by a script; minutes east of UTC), else UTC."""
    minutes = integer(form, "utc_offset_min", allowed=UTC_OFFSET_MIN)
    if minutes is None:
        return UTC
    UTC_OFFSET_MIN.check("utc_offset_min", minutes)
    return timezone(timedelta(minutes=minutes))


def local_today(form: Form, now: datetime) -> date:
    return now.astimezone(utc_offset(form)).date()


def when(form: Form, name: str, now: datetime) -> datetime:
    """A ``datetime-local`` input in the browser's zone; empty means now."""
    raw = _raw(form, name)
    zone = utc_offset(form)
    if not raw:
        return now.astimezone(zone)
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(name, raw, "a date and time such as 2026-11-25T08:30") from None
    return value.replace(tzinfo=zone) if value.tzinfo is None else value


def day(form: Form, name: str, default: date) -> date:
    raw = _raw(form, name)
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(name, raw, "a date such as 2026-11-25") from None


# --- the forms --------------------------------------------------------------------------------


def screening_answers(form: Any) -> ScreeningAnswers:
    time_3m = number(form, "backward_walk_3m_s")
    speed_kmh = number(form, "forward_speed_kmh", allowed=FORWARD_SPEED_KMH)
    equipment = choices(form, "equipment", Equipment) or frozenset({Equipment.NONE})
    return ScreeningAnswers(
        goal=choice(form, "goal", Goal),
        knee_pain_nprs=required_integer(form, "knee_pain_nprs"),
        pain_with_squats_lunges=yes_no(form, "pain_with_squats_lunges"),
        falls_last_12_months=required_integer(form, "falls_last_12_months"),
        balance_or_neuro_condition=yes_no(form, "balance_or_neuro_condition"),
        recent_knee_injury_without_clearance=yes_no(form, "recent_knee_injury_without_clearance"),
        knee_swelling_or_giving_way=yes_no(form, "knee_swelling_or_giving_way"),
        heart_symptoms_on_exertion=yes_no(form, "heart_symptoms_on_exertion"),
        age_years=required_integer(form, "age_years"),
        body_mass_kg=required_number(form, "body_mass_kg"),
        equipment=equipment,
        place=choice(form, "place", Place),
        companion_available=yes_no(form, "companion_available"),
        backward_walk_3m_s=time_3m,
        backward_walk_3m_start=(
            choice(form, "backward_walk_3m_start", StartMethod) if time_3m is not None else None
        ),
        forward_speed_m_s=None if speed_kmh is None else kmh_to_m_s(speed_kmh),
    )


def logged_session(form: Any, now: datetime, *, shown_s: float | None = None) -> LoggedSession:
    """The log form (``shown_s``: the duration of the session being corrected, see
    ``duration``)."""
    speed_kmh = number(form, "speed_kmh", allowed=SPEED_KMH)
    load_kg = number(form, "load_kg", allowed=LOAD_KG)
    return LoggedSession(
        performed_at=when(form, "performed_at", now),
        modality=choice(form, "modality", Modality),
        duration_s=duration(form, "minutes", shown_s=shown_s),
        pain_during_nprs=required_integer(form, "pain_during_nprs"),
        pain_after_nprs=required_integer(form, "pain_after_nprs"),
        speed_m_s=None if speed_kmh is None else kmh_to_m_s(speed_kmh),
        distance_m=number(form, "distance_m"),
        incline_pct=number(form, "incline_pct") or 0.0,
        load_kg=load_kg,
        rails=checkbox(form, "rails"),
        rpe=integer(form, "rpe"),
        near_falls=checkbox(form, "near_falls"),
        fell=checkbox(form, "fell"),
        swelling=checkbox(form, "swelling"),
        giving_way=checkbox(form, "giving_way"),
        chest_symptoms=checkbox(form, "chest_symptoms"),
        notes=_raw(form, "notes"),
    )


def check_in(form: Any, today: date) -> CheckIn:
    return CheckIn(
        on=day(form, "on", today),
        pain_next_morning_nprs=required_integer(form, "pain_next_morning_nprs"),
        usual_pain_nprs=required_integer(form, "usual_pain_nprs"),
        swelling=checkbox(form, "swelling"),
        giving_way=checkbox(form, "giving_way"),
    )


def session_target(form: Any) -> SessionTarget:
    speed_kmh = number(form, "speed_kmh", allowed=SPEED_KMH)
    return SessionTarget(
        modality=choice(form, "modality", Modality),
        duration_s=required_number(form, "minutes", allowed=MINUTES) * 60,
        speed_m_s=None if speed_kmh is None else kmh_to_m_s(speed_kmh),
        incline_pct=number(form, "incline_pct") or 0.0,
        load_pct_body_mass=number(form, "load_pct_body_mass"),
        rails=checkbox(form, "rails"),
    )
