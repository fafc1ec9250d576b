"""`retrowalk log`, `checkin`, `next` and `progress`: what was done and what comes next."""

from __future__ import annotations

from datetime import UTC, date, datetime

import typer

from retrowalk.cli import render
from retrowalk.cli.app import app, cli, handled
from retrowalk.cli.ask import Asker, parse_choice
from retrowalk.domain.models import CheckIn, LoggedSession, Modality, SessionTarget
from retrowalk.domain.units import kmh_to_m_s
from retrowalk.domain.validation import (
    INCLINE_PCT,
    LOAD_KG,
    MINUTES,
    PAIN,
    RPE,
    SPEED_KMH,
)
from retrowalk.errors import InvalidInput
from retrowalk.formats.codec import to_jsonable


def parse_when(text: str | None, flag: str) -> datetime:
    """An ISO date or date-time typed by a person; a time without a zone is local time."""
    if text is None or text.strip().lower() in ("", "now"):
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            flag, text, "an ISO date or date-time, e.g. 2026-11-25 or 2026-11-25T08:30"
        ) from None
    if value.tzinfo is None:
        value = value.astimezone()  # the walker's local zone
    return value


def parse_day(text: str | None, flag: str) -> date:
    if text is None or text.strip().lower() in ("", "today"):
        return datetime.now().astimezone().date()
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(flag, text, "an ISO date such as 2026-11-25") from None


def ask_session(
    asker: Asker,
    target: SessionTarget | None,
    *,
    when: str | None,
    modality: str | None,
    minutes: float | None,
    pain_during: int | None,
    pain_after: int | None,
    speed_kmh: float | None,
    incline: float | None,
    load_kg: float | None,
    rails: bool | None,
    rpe: int | None,
    near_falls: bool | None,
    fell: bool | None,
    swelling: bool | None,
    giving_way: bool | None,
    chest_symptoms: bool | None,
    notes: str | None,
) -> LoggedSession:
    """Ask for what a flag did not give; defaults come from the session's target."""
    a = asker
    default_modality = target.modality if target else None
    chosen = (
        parse_choice(modality, Modality, "--modality")
        if modality
        else a.choice(
            None, Modality, flag="--modality", question="How did you walk", default=default_modality
        )
    )
    default_min = None if target is None else target.duration_s / 60
    duration_min = a.number(
        minutes,
        flag="--minutes",
        question="Minutes of backward walking",
        allowed=MINUTES,
        default=default_min,
    )
    assert duration_min is not None
    SPEED_KMH.check("--speed-kmh", speed_kmh)
    LOAD_KG.check("--load-kg", load_kg)
    RPE.check("--rpe", rpe)
    return LoggedSession(
        performed_at=parse_when(when, "--when"),
        modality=chosen,
        duration_s=float(duration_min) * 60,
        pain_during_nprs=a.integer(
            pain_during,
            flag="--pain-during",
            question="Worst knee pain DURING the session",
            allowed=PAIN,
        ),
        pain_after_nprs=a.integer(
            pain_after,
            flag="--pain-after",
            question="Knee pain right AFTER the session",
            allowed=PAIN,
        ),
        speed_m_s=None if speed_kmh is None else kmh_to_m_s(speed_kmh),
        incline_pct=float(
            a.number(
                incline,
                flag="--incline",
                question="Incline in %",
                allowed=INCLINE_PCT,
                default=target.incline_pct if target else 0.0,
            )
            or 0.0
        ),
        load_kg=load_kg,
        rails=a.yes_no(
            rails,
            flag="--rails",
            question="Did you hold the rails or a wall?",
            default=target.rails if target else False,
        ),
        rpe=rpe,
        near_falls=a.yes_no(
            near_falls,
            flag="--near-falls",
            question="Did you nearly fall or lose your balance?",
            default=False,
        ),
        fell=a.yes_no(fell, flag="--fell", question="Did you fall?", default=False),
        swelling=a.yes_no(
            swelling, flag="--swelling", question="Is the knee swollen now?", default=False
        ),
        giving_way=a.yes_no(
            giving_way, flag="--giving-way", question="Did the knee give way?", default=False
        ),
        chest_symptoms=a.yes_no(
            chest_symptoms,
            flag="--chest-symptoms",
            question="Chest pain, dizziness or palpitations?",
            default=False,
        ),
        notes=notes or "",
    )


@app.command()
def log(
    when: str | None = typer.Option(None, "--when", help="When (ISO date-time; default now)."),
    modality: str | None = typer.Option(
        None,
        "--modality",
        help="overground, treadmill, non-motorised-treadmill, sled-drag, incline",
    ),
    minutes: float | None = typer.Option(None, "--minutes", help="Minutes walked (0.5-180)."),
    pain_during: int | None = typer.Option(None, "--pain-during", help="Pain during, 0-10."),
    pain_after: int | None = typer.Option(None, "--pain-after", help="Pain right after, 0-10."),
    speed_kmh: float | None = typer.Option(None, "--speed-kmh", help="Speed in km/h."),
    incline: float | None = typer.Option(None, "--incline", help="Incline in % (0-30)."),
    load_kg: float | None = typer.Option(None, "--load-kg", help="Sled load in kg (0-400)."),
    rails: bool | None = typer.Option(None, "--rails/--no-rails", help="Held rails or a wall."),
    rpe: int | None = typer.Option(None, "--rpe", help="Perceived exertion, Borg 6-20."),
    near_falls: bool | None = typer.Option(None, "--near-falls/--no-near-falls"),
    fell: bool | None = typer.Option(None, "--fell/--no-fell"),
    swelling: bool | None = typer.Option(None, "--swelling/--no-swelling"),
    giving_way: bool | None = typer.Option(None, "--giving-way/--no-giving-way"),
    chest_symptoms: bool | None = typer.Option(None, "--chest-symptoms/--no-chest-symptoms"),
    notes: str | None = typer.Option(None, "--notes", help="Anything worth remembering."),
) -> None:
    """Log a session you did (progression follows what you did, not the plan)."""
    c = cli()
    with handled({"performed_at": "--when"}):
        target = c.services.current_target(c.walker)
        session = ask_session(
            c.asker,
            target,
            when=when,
            modality=modality,
            minutes=minutes,
            pain_during=pain_during,
            pain_after=pain_after,
            speed_kmh=speed_kmh,
            incline=incline,
            load_kg=load_kg,
            rails=rails,
            rpe=rpe,
            near_falls=near_falls,
            fell=fell,
            swelling=swelling,
            giving_way=giving_way,
            chest_symptoms=chest_symptoms,
            notes=notes,
        )
        result = c.services.log_session(c.walker, session, now=datetime.now(UTC))
        c.emit(
            {
                "session_id": result.session_id,
                "session": to_jsonable(session),
                "decision": to_jsonable(result.decision),
            },
            lambda: render.logged(c.console, result),
        )


@app.command()
def checkin(
    on: str | None = typer.Option(None, "--date", help="The morning (ISO date; default today)."),
    pain: int | None = typer.Option(None, "--pain", help="Knee pain this morning, 0-10."),
    usual: int | None = typer.Option(None, "--usual", help="Your usual knee pain, 0-10."),
    swelling: bool | None = typer.Option(None, "--swelling/--no-swelling"),
    giving_way: bool | None = typer.Option(None, "--giving-way/--no-giving-way"),
    replace: bool = typer.Option(False, "--replace", help="Correct that date's check-in."),
) -> None:
    """Next-morning check-in: has the pain settled back to usual?"""
    c = cli()
    with handled({"on": "--date"}):
        day = parse_day(on, "--date")
        usual_default = c.services.usual_pain(c.walker)
        entry = CheckIn(
            on=day,
            pain_next_morning_nprs=c.asker.integer(
                pain, flag="--pain", question="Knee pain this morning", allowed=PAIN
            ),
            usual_pain_nprs=c.asker.integer(
                usual,
                flag="--usual",
                question="Your usual knee pain",
                allowed=PAIN,
                default=usual_default,
            ),
            swelling=c.asker.yes_no(
                swelling, flag="--swelling", question="Is the knee swollen?", default=False
            ),
            giving_way=c.asker.yes_no(
                giving_way, flag="--giving-way", question="Has the knee given way?", default=False
            ),
        )
        result = c.services.check_in(
            c.walker,
            entry,
            today=datetime.now().astimezone().date(),
            now=datetime.now(UTC),
            replace=replace,
        )
        c.emit(
            {"checkin": to_jsonable(entry), "decision": to_jsonable(result.decision)},
            lambda: render.checked_in(c.console, result),
        )


@app.command(name="next")
def next_session(
    what_if_pain: int | None = typer.Option(
        None, "--what-if-pain", help="Preview: what if your next session hurt this much (0-10)?"
    ),
) -> None:
    """Your next session and the decision behind it, with its reasons."""
    c = cli()
    with handled():
        if what_if_pain is not None:
            PAIN.check("--what-if-pain", what_if_pain)
        view = c.services.next_session(c.walker, now=datetime.now(UTC), what_if_pain=what_if_pain)
        c.emit(render.next_document(view), lambda: render.next_view(c.console, view))


@app.command()
def progress(
    chart: bool = typer.Option(True, "--chart/--no-chart", help="Draw a small terminal chart."),
) -> None:
    """Weekly minutes against the plan, pain during/after/next morning, and a chart."""
    c = cli()
    with handled():
        view = c.services.progress(c.walker)
        c.emit(render.progress_document(view), lambda: render.progress(c.console, view, chart))


@app.command()
def resume(
    cleared: bool = typer.Option(
        False, "--cleared", help="Confirm that a clinician has cleared you to continue."
    ),
) -> None:
    """Resume a program that was paused for safety (after a clinician has cleared you)."""
    c = cli()
    with handled():
        if not cleared:
            raise InvalidInput(
                "--cleared",
                False,
                "pass --cleared once a clinician has cleared you to walk backward again",
            )
        resumed = c.services.resume(c.walker, now=datetime.now(UTC))
        c.emit(
            {"resumed": resumed},
            lambda: c.console.print(
                "Program resumed." if resumed else "Your program was not paused."
            ),
        )
