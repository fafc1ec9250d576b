"""`retrowalk start`, `screen` and `plan`: profile, screening and the program."""

from __future__ import annotations

from datetime import UTC, datetime

import typer

from retrowalk.cli import render
from retrowalk.cli.app import app, cli, handled
from retrowalk.cli.ask import Asker
from retrowalk.domain.models import Equipment, Goal, Place, ScreeningAnswers, StartMethod
from retrowalk.domain.screening import FORWARD_SPEED_KMH, RANGES
from retrowalk.domain.units import kmh_to_m_s
from retrowalk.domain.validation import PAIN
from retrowalk.formats.codec import to_jsonable


def ask_screening(
    asker: Asker,
    *,
    goal: str | None,
    knee_pain: int | None,
    squat_pain: bool | None,
    falls: int | None,
    balance_condition: bool | None,
    recent_injury: bool | None,
    swelling: bool | None,
    heart_symptoms: bool | None,
    age: int | None,
    body_mass: float | None,
    equipment: list[str] | None,
    place: str | None,
    companion: bool | None,
    backward_walk_3m: float | None,
    start_method: str | None,
    forward_speed_kmh: float | None,
) -> ScreeningAnswers:
    """Ask every screening question a flag did not answer (ranges shown in the prompt)."""
    a = asker
    goal_value = a.choice(goal, Goal, flag="--goal", question="Your main goal")
    pain = a.integer(knee_pain, flag="--knee-pain", question="Knee pain right now", allowed=PAIN)
    answers_3m = a.number(
        backward_walk_3m,
        flag="--backward-walk-3m",
        optional=True,
        question="Your 3-metre backward walk time in seconds, if a therapist measured it",
        allowed=RANGES["backward_walk_3m_s"],
    )
    method = (
        a.choice(
            start_method,
            StartMethod,
            flag="--start-method",
            question="Was that a static start (heels on the line) or a flying start",
            default=StartMethod.STATIC,
        )
        if answers_3m is not None
        else None
    )
    speed_kmh = a.number(
        forward_speed_kmh,
        flag="--forward-speed-kmh",
        optional=True,
        question="Your usual forward walking speed in km/h, if you know it",
        allowed=FORWARD_SPEED_KMH,
    )
    return ScreeningAnswers(
        goal=goal_value,
        knee_pain_nprs=pain,
        pain_with_squats_lunges=a.yes_no(
            squat_pain, flag="--squat-pain", question="Do squats or lunges hurt your knees?"
        ),
        falls_last_12_months=a.integer(
            falls,
            flag="--falls",
            question="How many falls in the last 12 months",
            allowed=RANGES["falls_last_12_months"],
            default=None,
        ),
        balance_or_neuro_condition=a.yes_no(
            balance_condition,
            flag="--balance-condition",
            question="Do you have a balance problem or a neurological condition "
            "(e.g. Parkinson's, MS, stroke)?",
        ),
        recent_knee_injury_without_clearance=a.yes_no(
            recent_injury,
            flag="--recent-injury",
            question="A recent knee injury, surgery or injection that a clinician has not "
            "cleared you for exercise after?",
        ),
        knee_swelling_or_giving_way=a.yes_no(
            swelling, flag="--swelling", question="Is your knee swollen, or does it give way?"
        ),
        heart_symptoms_on_exertion=a.yes_no(
            heart_symptoms,
            flag="--heart-symptoms",
            question="Chest pain, dizziness or other heart symptoms when you exert yourself?",
        ),
        age_years=a.integer(
            age,
            flag="--age",
            question="Your age in years",
            allowed=RANGES["age_years"],
        ),
        body_mass_kg=float(
            a.number(
                body_mass,
                flag="--body-mass",
                question="Your body mass in kg",
                allowed=RANGES["body_mass_kg"],
            )
            or 0
        ),
        equipment=a.choices(
            equipment,
            Equipment,
            flag="--equipment",
            question="Equipment you can use",
            default=(Equipment.NONE,),
        ),
        place=a.choice(place, Place, flag="--place", question="Where will you walk"),
        companion_available=a.yes_no(
            companion, flag="--companion", question="Can someone walk with you?"
        ),
        backward_walk_3m_s=answers_3m,
        backward_walk_3m_start=method,
        forward_speed_m_s=None if speed_kmh is None else kmh_to_m_s(speed_kmh),
    )


# Options shared by `start` and `screen` (Typer needs them spelled out per command).
GOAL = typer.Option(
    None, "--goal", help="knee-pain, knee-oa, balance, athletic-knee-strength, general-fitness"
)
KNEE_PAIN = typer.Option(None, "--knee-pain", help="Knee pain now, 0-10 (NPRS).")
SQUAT_PAIN = typer.Option(
    None, "--squat-pain/--no-squat-pain", help="Do squats or lunges hurt your knees?"
)
FALLS = typer.Option(None, "--falls", help="Falls in the last 12 months (0-100).")
BALANCE = typer.Option(
    None,
    "--balance-condition/--no-balance-condition",
    help="A balance problem or neurological condition.",
)
INJURY = typer.Option(
    None,
    "--recent-injury/--no-recent-injury",
    help="Recent knee injury, surgery or injection without clearance.",
)
SWELLING = typer.Option(None, "--swelling/--no-swelling", help="Knee swelling or giving way.")
HEART = typer.Option(
    None,
    "--heart-symptoms/--no-heart-symptoms",
    help="Chest pain, dizziness or heart symptoms on exertion.",
)
AGE = typer.Option(None, "--age", help="Age in years (10-110).")
MASS = typer.Option(None, "--body-mass", help="Body mass in kg (25-300).")
EQUIPMENT = typer.Option(
    None,
    "--equipment",
    help="treadmill, non-motorised-treadmill, sled, slope, none (repeat or comma-separate).",
)
PLACE = typer.Option(None, "--place", help="indoor-hall, track, park, street")
COMPANION = typer.Option(None, "--companion/--no-companion", help="Someone can walk with you.")
BW3M = typer.Option(None, "--backward-walk-3m", help="3-metre backward walk time, s (0.5-120).")
START = typer.Option(None, "--start-method", help="static or flying (how the 3 m test started).")
FWD = typer.Option(None, "--forward-speed-kmh", help="Usual forward walking speed, km/h.")


@app.command()
def start(
    name: str | None = typer.Option(None, "--name", help="Your display name."),
    weeks: int = typer.Option(6, "--weeks", help="Program length in weeks (1-26)."),
    goal: str | None = GOAL,
    knee_pain: int | None = KNEE_PAIN,
    squat_pain: bool | None = SQUAT_PAIN,
    falls: int | None = FALLS,
    balance_condition: bool | None = BALANCE,
    recent_injury: bool | None = INJURY,
    swelling: bool | None = SWELLING,
    heart_symptoms: bool | None = HEART,
    age: int | None = AGE,
    body_mass: float | None = MASS,
    equipment: list[str] | None = EQUIPMENT,
    place: str | None = PLACE,
    companion: bool | None = COMPANION,
    backward_walk_3m: float | None = BW3M,
    start_method: str | None = START,
    forward_speed_kmh: float | None = FWD,
) -> None:
    """Create your profile, answer the screening and get your program."""
    c = cli()
    with handled({"weeks": "--weeks"}):
        display_name = c.asker.text(
            name,
            flag="--name",
            question="Your name (as shown to you)",
            default="me",
            validate=render.check_display_name,
        )
        answers = ask_screening(
            c.asker,
            goal=goal,
            knee_pain=knee_pain,
            squat_pain=squat_pain,
            falls=falls,
            balance_condition=balance_condition,
            recent_injury=recent_injury,
            swelling=swelling,
            heart_symptoms=heart_symptoms,
            age=age,
            body_mass=body_mass,
            equipment=equipment,
            place=place,
            companion=companion,
            backward_walk_3m=backward_walk_3m,
            start_method=start_method,
            forward_speed_kmh=forward_speed_kmh,
        )
        enrolment = c.services.enrol(display_name, answers, weeks=weeks, now=datetime.now(UTC))
        c.emit(
            {
                "walker_id": enrolment.walker_id,
                "display_name": display_name,
                "screening": to_jsonable(enrolment.screening),
                "program": None if enrolment.program is None else to_jsonable(enrolment.program),
            },
            lambda: render.enrolment(c.console, enrolment),
        )


@app.command()
def screen(
    goal: str | None = GOAL,
    knee_pain: int | None = KNEE_PAIN,
    squat_pain: bool | None = SQUAT_PAIN,
    falls: int | None = FALLS,
    balance_condition: bool | None = BALANCE,
    recent_injury: bool | None = INJURY,
    swelling: bool | None = SWELLING,
    heart_symptoms: bool | None = HEART,
    age: int | None = AGE,
    body_mass: float | None = MASS,
    equipment: list[str] | None = EQUIPMENT,
    place: str | None = PLACE,
    companion: bool | None = COMPANION,
    backward_walk_3m: float | None = BW3M,
    start_method: str | None = START,
    forward_speed_kmh: float | None = FWD,
) -> None:
    """Answer the screening again: does backward walking suit you, or see a clinician first?"""
    c = cli()
    with handled():
        answers = ask_screening(
            c.asker,
            goal=goal,
            knee_pain=knee_pain,
            squat_pain=squat_pain,
            falls=falls,
            balance_condition=balance_condition,
            recent_injury=recent_injury,
            swelling=swelling,
            heart_symptoms=heart_symptoms,
            age=age,
            body_mass=body_mass,
            equipment=equipment,
            place=place,
            companion=companion,
            backward_walk_3m=backward_walk_3m,
            start_method=start_method,
            forward_speed_kmh=forward_speed_kmh,
        )
        result = c.services.rescreen(c.walker, answers, now=datetime.now(UTC))
        c.emit(
            {
                "screening": to_jsonable(result.screening),
                "saved": result.saved,
                "program_status": result.program_status,
            },
            lambda: render.screening(
                c.console,
                result.screening,
                saved=result.saved,
                program_status=result.program_status,
            ),
        )


@app.command()
def plan() -> None:
    """Show your program: every week's sessions and where you stand now."""
    c = cli()
    with handled():
        view = c.services.plan(c.walker, now=datetime.now(UTC))
        c.emit(render.plan_document(view), lambda: render.plan(c.console, view))
