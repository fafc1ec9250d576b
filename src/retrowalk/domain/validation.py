"""Allowed ranges of what walkers type, checked before anything is stored.

Every check raises ``InvalidInput(field, value, allowed)`` so every interface can name the
field, the value and the allowed range in one line. Ranges are plausibility limits for a
backward-walking session, not health thresholds (those live in the rules that cite evidence).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from retrowalk.domain.models import CheckIn, LoggedSession
from retrowalk.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class Range:
    low: float
    high: float
    unit: str = ""
    integer: bool = False

    def describe(self) -> str:
        low = f"{self.low:g}"
        high = f"{self.high:g}"
        unit = f" {self.unit}" if self.unit else ""
        kind = "whole number " if self.integer else ""
        return f"{kind}{low} to {high}{unit}"

    def check(self, field: str, value: float | None, *, shown: float | None = None) -> None:
        """Raise InvalidInput unless ``value`` lies in the range (``shown`` is what was typed)."""
        if value is None:
            return
        typed = value if shown is None else shown
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            raise InvalidInput(field, typed, self.describe())
        if self.integer and not float(value).is_integer():
            raise InvalidInput(field, typed, self.describe())
        if not self.low <= value <= self.high:
            raise InvalidInput(field, typed, self.describe())


PAIN = Range(0, 10, "(NPRS)", integer=True)
#: Borg 6-20 rating of perceived exertion (RPE ~13 "somewhat hard", ~15 "hard": evidence §2.2).
RPE = Range(6, 20, "(Borg)", integer=True)
DURATION_S = Range(30, 3 * 3600, "s")
SPEED_M_S = Range(0.05, 2.5, "m/s")
DISTANCE_M = Range(0, 50_000, "m")
INCLINE_PCT = Range(0, 30, "%")
LOAD_KG = Range(0, 400, "kg")
#: The same limits in the units people type at the edges (minutes, km/h).
MINUTES = Range(DURATION_S.low / 60, DURATION_S.high / 60, "min")
SPEED_KMH = Range(round(SPEED_M_S.low * 3.6, 2), round(SPEED_M_S.high * 3.6, 1), "km/h")
NOTES_MAX_CHARS = 2000
#: A session may be logged up to this far back; the future is refused (a small clock skew aside).
LOG_MAX_AGE = timedelta(days=366)
CLOCK_SKEW = timedelta(minutes=10)


def validate_logged_session(
    session: LoggedSession, now: datetime, *, max_age: timedelta | None = LOG_MAX_AGE
) -> None:
    """Check a logged session's fields; ``now`` is timezone-aware.

    Pain may be None (not reported yet, e.g. an imported recording); a reported pain is a whole
    number 0-10. ``max_age`` bounds how far back a session may be dated: typed sessions within
    the last year (an older date is most likely a typo); ``None`` for recordings, whose time
    comes from the device's clock (a walker importing an archive of older walks).
    """
    if session.performed_at.tzinfo is None:
        raise InvalidInput("performed_at", session.performed_at.isoformat(), "a time with a zone")
    if session.performed_at > now + CLOCK_SKEW:
        raise InvalidInput(
            "performed_at",
            session.performed_at.isoformat(),
            f"not after now ({now:%Y-%m-%d %H:%M})",
        )
    if max_age is not None and session.performed_at < now - max_age:
        window = "the last year" if max_age == LOG_MAX_AGE else f"the last {max_age.days} days"
        raise InvalidInput("performed_at", session.performed_at.isoformat(), f"within {window}")
    DURATION_S.check("duration_s", session.duration_s)
    PAIN.check("pain_during_nprs", session.pain_during_nprs)
    PAIN.check("pain_after_nprs", session.pain_after_nprs)
    SPEED_M_S.check("speed_m_s", session.speed_m_s)
    DISTANCE_M.check("distance_m", session.distance_m)
    INCLINE_PCT.check("incline_pct", session.incline_pct)
    LOAD_KG.check("load_kg", session.load_kg)
    RPE.check("rpe", session.rpe)
    if len(session.notes) > NOTES_MAX_CHARS:
        raise InvalidInput(
            "notes", f"{len(session.notes)} characters", f"at most {NOTES_MAX_CHARS}"
        )


def validate_checkin(checkin: CheckIn, today: date) -> None:
    """A next-morning check-in: pain values 0-10, never dated in the future."""
    if checkin.on > today:
        raise InvalidInput("on", checkin.on.isoformat(), f"today ({today.isoformat()}) or earlier")
    if checkin.on < today - LOG_MAX_AGE:
        raise InvalidInput("on", checkin.on.isoformat(), "within the last year")
    PAIN.check("pain_next_morning_nprs", checkin.pain_next_morning_nprs)
    PAIN.check("usual_pain_nprs", checkin.usual_pain_nprs)


def validate_taken_at(taken_at: datetime, now: datetime) -> None:
    """When an outcome test was taken: not in the future, within the last year."""
    if taken_at.tzinfo is None:
        raise InvalidInput("taken_at", taken_at.isoformat(), "a time with a zone")
    if taken_at > now + CLOCK_SKEW:
        raise InvalidInput(
            "taken_at", taken_at.isoformat(), f"not after now ({now:%Y-%m-%d %H:%M})"
        )
    if taken_at < now - LOG_MAX_AGE:
        raise InvalidInput("taken_at", taken_at.isoformat(), "within the last year")
