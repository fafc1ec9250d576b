"""`retrowalk test 3mbwt|tug|koos12`: record an outcome test."""

from __future__ import annotations

from datetime import UTC, datetime

import typer

from retrowalk.cli import render
from retrowalk.cli.app import cli, handled
from retrowalk.cli.ask import parse_choice
from retrowalk.cli.sessions import parse_when
from retrowalk.domain.models import StartMethod
from retrowalk.domain.outcomes import KOOS12_ITEMS, BackwardWalkPopulation
from retrowalk.domain.validation import Range
from retrowalk.formats.codec import to_jsonable

test_app = typer.Typer(help="Record an outcome test: 3mbwt, tug or koos12.", no_args_is_help=True)
KOOS_ITEM = Range(0, 4, "(0 none ... 4 extreme)", integer=True)
TIME_3M = Range(0.5, 120.0, "s")
TIME_TUG = Range(1.0, 300.0, "s")
ITEMS: tuple[str, ...] = tuple(item for scale in KOOS12_ITEMS.values() for item in scale)
"""The twelve KOOS-12 item ids (KOOS12_ITEMS maps each scale to its items)."""


def _show(result: object, outcome_id: str) -> None:
    c = cli()
    c.emit(
        {"outcome_id": outcome_id, "result": to_jsonable(result)},
        lambda: render.outcome(c.console, result),
    )


@test_app.command("3mbwt")
def backward_walk_3m(
    seconds: float | None = typer.Option(None, "--seconds", help="Time in seconds (0.5-120)."),
    start: str | None = typer.Option(None, "--start", help="static (heels on the line) or flying."),
    population: str = typer.Option(
        BackwardWalkPopulation.COMMUNITY_OLDER_ADULTS.value,
        "--population",
        help="Which published cut-offs apply: "
        + ", ".join(p.value for p in BackwardWalkPopulation),
    ),
    when: str | None = typer.Option(None, "--when", help="When (ISO date-time; default now)."),
) -> None:
    """3-metre backward walk test: walk backward 3 m as quickly as you safely can."""
    c = cli()
    with handled({"taken_at": "--when"}):
        time_s = c.asker.number(
            seconds, flag="--seconds", question="Time for 3 m backward (s)", allowed=TIME_3M
        )
        method = c.asker.choice(
            start, StartMethod, flag="--start", question="Start method", default=StartMethod.STATIC
        )
        group = parse_choice(population, BackwardWalkPopulation, "--population")
        assert time_s is not None
        recorded = c.services.record_3mbwt(
            c.walker,
            time_s,
            method,
            group,
            taken_at=parse_when(when, "--when"),
            now=datetime.now(UTC),
        )
        _show(recorded.result, recorded.outcome_id)


@test_app.command("tug")
def timed_up_and_go(
    seconds: float | None = typer.Option(None, "--seconds", help="Time in seconds (1-300)."),
    when: str | None = typer.Option(None, "--when", help="When (ISO date-time; default now)."),
) -> None:
    """Timed Up and Go: rise from a chair, walk 3 m, turn, walk back and sit."""
    c = cli()
    with handled({"taken_at": "--when"}):
        time_s = c.asker.number(
            seconds, flag="--seconds", question="TUG time (s)", allowed=TIME_TUG
        )
        assert time_s is not None
        recorded = c.services.record_tug(
            c.walker, time_s, taken_at=parse_when(when, "--when"), now=datetime.now(UTC)
        )
        _show(recorded.result, recorded.outcome_id)


@test_app.command("koos12")
def koos12(
    answer: list[str] | None = typer.Option(
        None,
        "--answer",
        "-a",
        help="ITEM=SCORE (0-4), repeatable; items: " + ", ".join(ITEMS),
    ),
    when: str | None = typer.Option(None, "--when", help="When (ISO date-time; default now)."),
) -> None:
    """KOOS-12 knee questionnaire (last week; 0 = none ... 4 = extreme)."""
    c = cli()
    with handled({"taken_at": "--when"}):
        given = _parse_items(answer or [])
        answers: dict[str, int | None] = {}
        for item in ITEMS:
            if item in given or not c.asker.interactive:
                answers[item] = given.get(item)
            else:
                value = c.asker.number(
                    None,
                    flag=f"--answer {item}=",
                    optional=True,
                    question=item.replace("_", " "),
                    allowed=KOOS_ITEM,
                )
                answers[item] = None if value is None else int(value)
        recorded = c.services.record_koos12(
            c.walker, answers, taken_at=parse_when(when, "--when"), now=datetime.now(UTC)
        )
        _show(recorded.result, recorded.outcome_id)


def _parse_items(pairs: list[str]) -> dict[str, int | None]:
    from retrowalk.errors import InvalidInput

    items: dict[str, int | None] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or name not in ITEMS:
            raise InvalidInput("--answer", pair, "ITEM=SCORE with ITEM one of " + ", ".join(ITEMS))
        try:
            score = float(value)
        except ValueError:
            raise InvalidInput(f"--answer {name}", value, KOOS_ITEM.describe()) from None
        KOOS_ITEM.check(f"--answer {name}", score)
        items[name] = int(score)
    return items
