"""Turn submitted forms into domain objects. Units people type (minutes, km/h, kg) are
converted here; ranges are the domain's (converted ranges are derived from them, never
restated). Every problem is an ``InvalidInput`` naming the form field, so the page can put the
message beside that input.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from enum import StrEnum
from typing import Any, TypeVar, cast

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
T = TypeVar("T")
Form = Mapping[str, Any]

UTC_OFFSET_MIN = Range(-14 * 60, 14 * 60, "min", integer=True)
NAME_MAX_CHARS = 60
DURATION_ALLOWED = (
    f"minutes:seconds from {format_minutes_seconds(DURATION_S.low)} to "
    f"{format_minutes_seconds(DURATION_S.high)} (such as 6:04), or minutes (such as 6.5)"
)
"""The session durations the forms take, in the words the field's hint uses."""
PAIN_FIELDS = ("pain_during_nprs", "pain_after_nprs")
UNREPORTED_PAIN_AT = "0"
"""Where the slider of a pain not reported yet rests (a slider has no empty position)."""
SESSION_FLAGS = ("rails", "near_falls", "fell", "swelling", "giving_way", "chest_symptoms")


def unreported(name: str) -> str:
    """The name of the "not reported yet" checkbox beside the pain slider ``name``."""
    return f"{name}_unreported"


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


def pain(form: Form, name: str, *, may_stay_unreported: bool = False) -> int | None:
    """A pain score (a slider), required unless ``may_stay_unreported``: a session being
    corrected whose pain is not reported yet (an imported recording) is shown with a ticked
    "not reported yet" checkbox beside its slider, and stays unreported while that box is
    ticked. The slider then rests at 0; one moved elsewhere with the box still ticked (a page
    without its script, which unticks the box) is refused rather than guessed."""
    if may_stay_unreported and checkbox(form, unreported(name)):
        raw = _raw(form, name)
        if raw not in ("", UNREPORTED_PAIN_AT):
            raise InvalidInput(
                name,
                raw,
                "untick 'not reported yet' to save this pain, or leave the slider at "
                f"{UNREPORTED_PAIN_AT} to keep it unreported",
            )
        return None
    return required_integer(form, name)


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


def session_fields(session: LoggedSession) -> dict[str, str]:
    """A stored session as the texts of the log form's fields, as a correction shows them: the
    time in the session's own zone to the minute, the duration as minutes:seconds, the speed in
    km/h to 0.1, a pain not reported yet as its ticked "not reported yet" box (``pain``).

    ``logged_session(..., shown=session)`` keeps each stored value whose field still holds this
    text, so the rounding of what is shown never reaches the stored session.
    """
    offset = session.performed_at.utcoffset()
    values = {
        "performed_at": session.performed_at.strftime("%Y-%m-%dT%H:%M"),
        "utc_offset_min": "" if offset is None else str(int(offset.total_seconds() // 60)),
        "minutes": format_minutes_seconds(session.duration_s),
        "modality": Modality(session.modality).value,
        "speed_kmh": "" if session.speed_m_s is None else f"{session.speed_m_s * 3.6:.1f}",
        "incline_pct": f"{session.incline_pct:g}",
        "load_kg": "" if session.load_kg is None else f"{session.load_kg:g}",
        "rpe": "" if session.rpe is None else str(session.rpe),
        "notes": session.notes,
    }
    for name in PAIN_FIELDS:
        value = getattr(session, name)
        values[name] = UNREPORTED_PAIN_AT if value is None else str(value)
        values[unreported(name)] = "on" if value is None else ""
    for flag in SESSION_FLAGS:
        values[flag] = "on" if getattr(session, flag) else ""
    return values


def _same_text(submitted: str, shown: str) -> bool:
    """Whether a field still holds the text it was shown with (browsers send a textarea's line
    breaks as CR LF whatever it was filled in with)."""
    return submitted.replace("\r\n", "\n") == shown.strip().replace("\r\n", "\n")


def logged_session(
    form: Any, now: datetime, *, shown: LoggedSession | None = None
) -> LoggedSession:
    """The log form; ``shown`` is the stored session a correction form was filled in with
    (``session_fields``).

    A correction keeps the stored value of every field that still holds the text it was shown
    with: a form saved unchanged leaves an imported session's seconds (its time and duration),
    its zone, its exact speed and incline, and its unreported pain as they were. The texts are
    compared with the stored session's own rendering (the edit handler has just read it, and a
    session changed meanwhile is refused by its version), so no hidden field is needed and the
    values kept are never ones the browser sent. The distance, which the form does not show,
    stays as stored.
    """
    texts = session_fields(shown) if shown is not None else {}

    def kept(names: tuple[str, ...], attribute: str, read: Callable[[], T]) -> T:
        if shown is not None and all(_same_text(_raw(form, n), texts[n]) for n in names):
            return cast(T, getattr(shown, attribute))
        return read()

    def speed() -> float | None:
        speed_kmh = number(form, "speed_kmh", allowed=SPEED_KMH)
        return None if speed_kmh is None else kmh_to_m_s(speed_kmh)

    return LoggedSession(
        performed_at=kept(
            ("performed_at", "utc_offset_min"),
            "performed_at",
            lambda: when(form, "performed_at", now),
        ),
        modality=choice(form, "modality", Modality),
        duration_s=duration(form, "minutes", shown_s=None if shown is None else shown.duration_s),
        pain_during_nprs=pain(
            form, "pain_during_nprs", may_stay_unreported=_unreported(shown, "pain_during_nprs")
        ),
        pain_after_nprs=pain(
            form, "pain_after_nprs", may_stay_unreported=_unreported(shown, "pain_after_nprs")
        ),
        speed_m_s=kept(("speed_kmh",), "speed_m_s", speed),
        distance_m=shown.distance_m if shown is not None else number(form, "distance_m"),
        incline_pct=kept(
            ("incline_pct",), "incline_pct", lambda: number(form, "incline_pct") or 0.0
        ),
        load_kg=kept(("load_kg",), "load_kg", lambda: number(form, "load_kg", allowed=LOAD_KG)),
        rails=checkbox(form, "rails"),
        rpe=integer(form, "rpe"),
        near_falls=checkbox(form, "near_falls"),
        fell=checkbox(form, "fell"),
        swelling=checkbox(form, "swelling"),
        giving_way=checkbox(form, "giving_way"),
        chest_symptoms=checkbox(form, "chest_symptoms"),
        notes=kept(("notes",), "notes", lambda: _raw(form, "notes")),
    )


def _unreported(shown: LoggedSession | None, name: str) -> bool:
    return shown is not None and getattr(shown, name) is None


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
