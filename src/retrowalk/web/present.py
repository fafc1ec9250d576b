"""How values read on the pages: labels of verdicts and decisions, sources, units at the edge.

Only wording and units; every rule stays in the domain (the pain zones come from
``domain.pain_zones``, the texts of reasons from the rules that fired).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import quote as _quote

from retrowalk.domain.evidence import SOURCES
from retrowalk.domain.models import DecisionKind, Modality, SessionTarget, Verdict
from retrowalk.domain.pain_zones import ZONES, zone_for
from retrowalk.domain.units import format_duration, format_incline, format_load, format_speed
from retrowalk.services.calendar import MODALITY_TEXT, target_summary

VERDICT_TEXT = {
    Verdict.SEE_CLINICIAN: "See a clinician first",
    Verdict.SUPERVISED: "Suitable with supervision",
    Verdict.ALTERNATIVE: "Squats and lunges work just as well",
    Verdict.SUITABLE: "Backward walking suits you",
}
DECISION_TEXT = {
    DecisionKind.PROGRESS: "Progress",
    DecisionKind.HOLD: "Hold",
    DecisionKind.REGRESS: "Step back",
    DecisionKind.STOP: "Stop and see a clinician",
}
VARIABLE_TEXT = {
    "duration_s": "duration",
    "speed_m_s": "speed",
    "incline_pct": "incline",
    "load_pct_body_mass": "sled load",
    "rails": "holding the rails",
    "modality": "way of walking",
}


def quote(text: str) -> str:
    return _quote(text, safe="/")


def source(key: str) -> str:
    found = SOURCES.get(key)
    return found.short if found else key


def source_strength(key: str) -> str:
    found = SOURCES.get(key)
    return found.strength if found else ""


def verdict_text(verdict: Verdict | str) -> str:
    return VERDICT_TEXT[Verdict(verdict)]


def decision_text(kind: DecisionKind | str) -> str:
    return DECISION_TEXT[DecisionKind(kind)]


def change_value(variable: str, value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if variable == "duration_s":
        return format_duration(float(value))
    if variable == "speed_m_s":
        return format_speed(float(value), treadmill=False)
    if variable == "incline_pct":
        return format_incline(float(value))
    if variable == "load_pct_body_mass":
        return format_load(float(value))
    return str(value)


def variable_text(variable: str) -> str:
    return VARIABLE_TEXT.get(variable, variable.replace("_", " "))


def pain_label(pain_nprs: int | float | None) -> str:
    if pain_nprs is None:
        return "-"
    value = round(pain_nprs)
    return f"{pain_nprs:g}/10 ({zone_for(value).label})"


def minutes(duration_s: float | None) -> str:
    return "-" if duration_s is None else format_duration(duration_s)


def kmh(speed_m_s: float | None) -> str:
    return "" if speed_m_s is None else f"{speed_m_s * 3.6:.1f}"


def when(value: datetime | date | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def enum_value(value: Any) -> str:
    return str(getattr(value, "value", value))


def target_line(target: SessionTarget | None, body_mass_kg: float | None = None) -> str:
    return "-" if target is None else target_summary(target, body_mass_kg)


TEMPLATE_HELPERS: dict[str, Any] = {
    "source": source,
    "source_strength": source_strength,
    "verdict_text": verdict_text,
    "decision_text": decision_text,
    "change_value": change_value,
    "variable_text": variable_text,
    "pain_label": pain_label,
    "pain_zones": ZONES,
    "minutes": minutes,
    "kmh": kmh,
    "when": when,
    "enum_value": enum_value,
    "target_line": target_line,
    "modality_text": MODALITY_TEXT,
    "modalities": tuple(Modality),
    "format_duration": format_duration,
}
