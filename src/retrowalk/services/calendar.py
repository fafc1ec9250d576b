"""The program as a calendar: dates of the planned sessions and an iCalendar (.ics) document.

Each planned session gets a UID derived from the program id, its week and its place in the
week, so downloading or re-subscribing to the calendar never duplicates events (product.md:
"calendar exports keep a stable UID per planned session"). Sessions are all-day events: the
walker picks the hour.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from icalendar import Calendar, Event

from retrowalk.domain.evidence import SOURCES
from retrowalk.domain.models import Modality, PlannedSession, SessionTarget
from retrowalk.domain.units import format_duration, format_incline, format_load, format_speed
from retrowalk.services.uow import UowFactory
from retrowalk.store.records import StoredProgram

UID_NAMESPACE = uuid.UUID("6f1d2c9e-5b7a-4e2f-9c1d-8a3b4c5d6e7f")
"""Fixed namespace of the planned-session UIDs (uuid5): never change it, or calendars
subscribed to earlier would see every event twice."""

MODALITY_TEXT = {
    Modality.OVERGROUND: "overground",
    Modality.TREADMILL: "treadmill",
    Modality.NON_MOTORISED_TREADMILL: "non-motorised treadmill",
    Modality.SLED_DRAG: "sled drag",
    Modality.INCLINE: "incline",
}


@dataclass(frozen=True)
class CalendarDay:
    on: date
    planned: PlannedSession
    uid: str


def target_summary(target: SessionTarget, body_mass_kg: float | None = None) -> str:
    """One line a walker reads: "10 min, treadmill, 2.2 km/h, 5 % incline"."""
    parts = [format_duration(target.duration_s), MODALITY_TEXT[target.modality]]
    if target.speed_m_s is not None:
        parts.append(format_speed(target.speed_m_s, target.modality is Modality.TREADMILL))
    if target.incline_pct:
        parts.append(format_incline(target.incline_pct))
    if target.load_pct_body_mass is not None:
        parts.append(format_load(target.load_pct_body_mass, body_mass_kg))
    if target.rails:
        parts.append("holding the rails")
    return ", ".join(parts)


def planned_uid(program_id: str, planned: PlannedSession) -> str:
    name = f"{program_id}/week-{planned.week}/session-{planned.day_index}"
    return f"{uuid.uuid5(UID_NAMESPACE, name)}@retrowalk"


def schedule(stored: StoredProgram) -> list[CalendarDay]:
    """The date of every planned session: week ``w`` starts ``7 (w - 1)`` days after the
    program's first day; the sessions of a week are spread evenly over it."""
    first_day = stored.created_at.date()
    per_week = max(1, stored.program.sessions_per_week)
    days = []
    for planned in stored.program.sessions:
        offset = (planned.week - 1) * 7 + round(planned.day_index * 7 / per_week)
        days.append(
            CalendarDay(
                first_day + timedelta(days=offset), planned, planned_uid(stored.id, planned)
            )
        )
    days.sort(key=lambda day: (day.on, day.planned.day_index))
    return days


def _description(planned: PlannedSession) -> str:
    lines = []
    if planned.warmup:
        lines.append("Warm-up:")
        lines.extend(f"- {step}" for step in planned.warmup)
    if planned.safety_cues:
        lines.append("Safety:")
        lines.extend(
            f"- {cue.text} (source: {SOURCES[cue.citation].short})" for cue in planned.safety_cues
        )
    lines.append("Log it afterwards in retrowalk: the next session follows what you did.")
    return "\n".join(lines)


def program_ics(stored: StoredProgram, *, body_mass_kg: float | None = None) -> bytes:
    """The program as an iCalendar document (RFC 5545), one all-day event per planned session.

    ``SEQUENCE`` is the program's version, so calendar apps take a clinician's edit as an
    update of the same events; ``DTSTAMP`` is the program's last change, so two downloads of an
    unchanged program are byte-identical.
    """
    calendar = Calendar()
    calendar.add("prodid", "-//retrowalk//backward walking program//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Backward walking program")
    for day in schedule(stored):
        event = Event()
        event.add("uid", day.uid)
        event.add("dtstamp", stored.updated_at)
        event.add("dtstart", day.on)
        event.add("dtend", day.on + timedelta(days=1))
        event.add("sequence", stored.version)
        event.add(
            "summary",
            f"Backward walk, week {day.planned.week}: "
            f"{target_summary(day.planned.target, body_mass_kg)}",
        )
        event.add("description", _description(day.planned))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def walker_calendar(uow: UowFactory, walker_ref: str) -> tuple[StoredProgram, bytes]:
    """The walker's current program and its .ics document (``NotFound`` without a program)."""
    from retrowalk.services.programs import current_program

    stored = current_program(uow, walker_ref)
    with uow(read_only=True) as work:
        body_mass_kg = work.walkers.get(stored.walker_id).profile.body_mass_kg
    return stored, program_ics(stored, body_mass_kg=body_mass_kg)
