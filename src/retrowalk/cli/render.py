"""Human output of the CLI (Rich) and the JSON documents of the same views."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from retrowalk.domain.evidence import SOURCES
from retrowalk.domain.models import (
    Decision,
    DecisionKind,
    LoggedSession,
    Modality,
    Reason,
    ScreeningResult,
    SessionTarget,
    Verdict,
)
from retrowalk.domain.units import format_duration, format_incline, format_load, format_speed
from retrowalk.errors import InvalidInput
from retrowalk.formats.codec import to_jsonable
from retrowalk.services.views import (
    CheckInResult,
    Enrolment,
    LogResult,
    NextView,
    PlanView,
    ProgressView,
)

VERDICT_STYLE = {
    Verdict.SEE_CLINICIAN: ("red", "See a clinician first"),
    Verdict.SUPERVISED: ("yellow", "Suitable with supervision"),
    Verdict.ALTERNATIVE: (
        "cyan",
        "Squats and lunges work just as well (backward walking is an option beside them)",
    ),
    Verdict.SUITABLE: ("green", "Backward walking suits you"),
}
DECISION_STYLE = {
    DecisionKind.PROGRESS: ("green", "Progress"),
    DecisionKind.HOLD: ("yellow", "Hold"),
    DecisionKind.REGRESS: ("magenta", "Step back"),
    DecisionKind.STOP: ("red", "Stop and see a clinician"),
}
NAME_MAX = 60


def check_display_name(name: str) -> None:
    if not name.strip() or len(name) > NAME_MAX:
        raise InvalidInput("--name", name, f"1 to {NAME_MAX} characters")


def _reasons(console: Console, reasons: Iterable[Reason], bullet: str = "•") -> None:
    """Each reason as a hanging-indented bullet with its source on the next line."""
    for reason in reasons:
        source = SOURCES[reason.citation].short
        grid = Table.grid(padding=(0, 1))
        grid.add_column(width=1)
        grid.add_column()
        grid.add_row(bullet, Text(reason.text))
        grid.add_row("", Text(f"source: {reason.citation} ({source})", style="dim"))
        console.print(Padding(grid, (0, 0, 0, 2)))


def target_line(target: SessionTarget, body_mass_kg: float | None = None) -> str:
    treadmill = target.modality is Modality.TREADMILL
    parts = [target.modality.value, format_duration(target.duration_s)]
    if target.speed_m_s is not None:
        parts.append(format_speed(target.speed_m_s, treadmill))
    if target.incline_pct:
        parts.append(format_incline(target.incline_pct))
    if target.load_pct_body_mass is not None:
        parts.append(format_load(target.load_pct_body_mass, body_mass_kg))
    if target.rails:
        parts.append("hold the rails / a wall")
    return ", ".join(parts)


def screening(
    console: Console,
    result: ScreeningResult,
    *,
    saved: bool = True,
    program_status: str | None = None,
) -> None:
    style, title = VERDICT_STYLE[result.verdict]
    console.print(Panel(f"[bold {style}]{title}[/]  ({result.verdict.value})", expand=False))
    console.print("Why:")
    _reasons(console, result.reasons)
    if not saved:
        console.print("[dim]Not saved: run `retrowalk start` to create your profile.[/dim]")
    elif program_status == "paused":
        console.print(
            "Your program stays [bold]paused[/bold]: once a clinician has cleared you, run "
            "`retrowalk resume --cleared`."
        )


def enrolment(console: Console, result: Enrolment) -> None:
    screening(console, result.screening)
    if result.program is None:
        console.print(
            "\n[bold]No program yet.[/bold] Please see a clinician first; when you are "
            "cleared, run `retrowalk screen` again."
        )
        return
    program = result.program
    console.print(
        f"\n[bold]Your program:[/bold] {program.weeks} weeks, "
        f"{program.sessions_per_week} sessions a week."
    )
    first = program.sessions[0]
    console.print(f"First session: {target_line(first.target)}")
    _reasons(console, program.reasons)
    if program.squats_lunges_note is not None:
        console.print("\n[bold]Worth knowing:[/bold]")
        _reasons(console, [program.squats_lunges_note])
    console.print("\nNext: `retrowalk next` shows today's session; `retrowalk log` records it.")


def plan_document(view: PlanView) -> dict[str, Any]:
    return {
        "walker_id": view.walker_id,
        "display_name": view.display_name,
        "status": view.status,
        "current_week": view.current_week,
        "current_target": to_jsonable(view.current_target),
        "program": to_jsonable(view.program),
    }


def plan(console: Console, view: PlanView) -> None:
    program = view.program
    table = Table(
        title=f"{view.display_name}: {program.weeks}-week program "
        f"({program.sessions_per_week} sessions a week)"
    )
    table.add_column("week", justify="right")
    table.add_column("session")
    table.add_column("warm-up")
    shown = set()
    for planned in program.sessions:
        key = (planned.week, planned.target)
        if key in shown:
            continue
        shown.add(key)
        marker = " ◀ now" if planned.week == view.current_week else ""
        table.add_row(
            f"{planned.week}{marker}",
            target_line(planned.target, view.body_mass_kg),
            "; ".join(planned.warmup[:1]),
        )
    console.print(table)
    console.print(
        f"Your current target: [bold]{target_line(view.current_target, view.body_mass_kg)}"
        f"[/bold] (status: {view.status})"
    )
    _reasons(console, program.reasons)


def decision(console: Console, made: Decision, *, heading: str = "Decision") -> None:
    style, title = DECISION_STYLE[made.kind]
    console.print(f"{heading}: [bold {style}]{title}[/] ({made.kind.value})")
    for change in made.changes:
        console.print(
            f"  → {change.variable}: {_value(change.from_value)} → {_value(change.to_value)}"
        )
    _reasons(console, made.reasons)


def _value(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def logged(console: Console, result: LogResult) -> None:
    console.print(f"Logged: {target_line(_as_target(result))}, {pain_text(result.session)}.")
    decision(console, result.decision)
    if result.decision.kind is not DecisionKind.STOP:
        console.print("Tomorrow morning: `retrowalk checkin` (has the pain settled?).")


def pain_text(session: LoggedSession) -> str:
    """Pain during/after as people read it; imported sessions may not have it yet."""
    during, after = session.pain_during_nprs, session.pain_after_nprs
    if during is None and after is None:
        return "pain not reported yet (add it with `retrowalk pain SESSION_ID`)"
    shown = ["?" if value is None else f"{value}/10" for value in (during, after)]
    return f"pain during {shown[0]}, after {shown[1]}"


def _as_target(result: LogResult) -> SessionTarget:
    s = result.session
    return SessionTarget(s.modality, s.duration_s, s.speed_m_s, s.incline_pct, None, s.rails)


def checked_in(console: Console, result: CheckInResult) -> None:
    c = result.checkin
    console.print(
        f"Check-in {c.on.isoformat()}: pain {c.pain_next_morning_nprs}/10 "
        f"(usual {c.usual_pain_nprs}/10)."
    )
    decision(console, result.decision)


def next_document(view: NextView) -> dict[str, Any]:
    return {
        "status": view.status,
        "target": to_jsonable(view.target),
        "planned": None if view.planned is None else to_jsonable(view.planned),
        "decision": to_jsonable(view.decision),
        "preview": None if view.preview is None else to_jsonable(view.preview),
        "energy": None if view.energy is None else to_jsonable(view.energy),
        "warmup": list(view.warmup),
        "safety_cues": to_jsonable(view.safety_cues),
    }


def next_view(console: Console, view: NextView) -> None:
    if view.status == "paused":
        console.print(
            "[bold red]Your program is paused.[/bold red] Please see a clinician before "
            "walking backward again."
        )
    console.print(Panel(f"[bold]Next session:[/bold] {target_line(view.target)}", expand=False))
    if view.warmup:
        console.print("Warm-up:")
        for step in view.warmup:
            console.print(Padding(Text(f"- {step}"), (0, 0, 0, 2)))
    if view.energy is not None and view.energy.kcal is not None:
        console.print(
            f"Energy: about {view.energy.kcal:.0f} kcal "
            f"({view.energy.met:g} MET, Compendium {view.energy.compendium_code})"
            + ("" if view.energy.in_range else " [dim](an extrapolation)[/dim]")
        )
    decision(console, view.decision, heading="Why this session")
    if view.preview is not None:
        console.print()
        decision(console, view.preview, heading="What if")
    if view.safety_cues:
        console.print("Safety:")
        _reasons(console, view.safety_cues, bullet="!")


def progress_document(view: ProgressView) -> dict[str, Any]:
    return {
        "display_name": view.display_name,
        "weeks": to_jsonable(view.weeks),
        "decisions": [{"made_at": at.isoformat(), **to_jsonable(d)} for at, d in view.decisions],
        "outcomes": [{"taken_at": at.isoformat(), **to_jsonable(o)} for at, o in view.outcomes],
    }


def _num(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def progress(console: Console, view: ProgressView, chart: bool) -> None:
    table = Table(title=f"{view.display_name}: progress by week")
    for name in ("week", "from", "sessions", "minutes", "pain during", "after", "next morning"):
        table.add_column(name, justify="right")
    for row in view.weeks:
        table.add_row(
            str(row.week),
            row.starts_on.isoformat(),
            f"{row.done_sessions}/{row.planned_sessions}",
            f"{row.done_minutes:.0f}/{row.planned_minutes:.0f}",
            _num(row.mean_pain_during),
            _num(row.mean_pain_after),
            _num(row.mean_pain_next_morning),
        )
    console.print(table)
    if chart and view.weeks:
        console.print(
            Text.from_ansi(minutes_chart(view, width=min(console.width, 80) - 2)),
            no_wrap=True,
            crop=True,
        )
    if view.decisions:
        at, last = view.decisions[-1]
        console.print(f"Last decision ({at:%Y-%m-%d}): {last.kind.value}")


def minutes_chart(view: ProgressView, width: int = 72) -> str:
    """A small terminal chart of minutes per week (done vs planned) and mean pain (plotext)."""
    import plotext as plt

    weeks = [row.week for row in view.weeks]
    plt.clear_figure()
    plt.plotsize(width, 15)
    plt.theme("clear")
    plt.plot(weeks, [row.planned_minutes for row in view.weeks], label="planned min", marker="dot")
    plt.bar(weeks, [row.done_minutes for row in view.weeks], label="done min", width=0.4)
    pains = [
        (row.week, row.mean_pain_during) for row in view.weeks if row.mean_pain_during is not None
    ]
    if pains:
        plt.plot(
            [w for w, _ in pains], [p * 10 for _, p in pains], label="pain during x10", marker="x"
        )
    plt.xlabel("week")
    plt.xticks(weeks)
    return str(plt.build())


def outcome(console: Console, result: object) -> None:
    """An outcome test result: its value and what it means (a flag, never a diagnosis)."""
    kind = getattr(result, "kind", None)
    value = getattr(result, "value", None)
    unit = getattr(result, "unit", "")
    if value is not None:
        label = kind.value if kind is not None else "result"
        console.print(f"[bold]{label}[/bold]: {value:g} {unit}".rstrip())
    else:  # KOOS-12: several scales
        for scale in ("pain", "function", "qol", "summary"):
            score = getattr(result, scale, None)
            console.print(f"  {scale}: {_num(score)} / 100")
    reasons: Iterable[Reason] = (
        getattr(result, "interpretation", None) or getattr(result, "reasons", None) or ()
    )
    _reasons(console, reasons)
