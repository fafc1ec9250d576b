"""Ask for a value only when a flag did not give it, and only when someone can answer.

Interactive by default: prompts show the allowed range. Scriptable: a value given as a flag is
never asked for; when standard input is not a terminal (or ``--json``/``--yes`` is on), a missing
required value is an error naming the flag, never a prompt that waits forever.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from rich.console import Console
from rich.prompt import Confirm, Prompt

from retrowalk.domain.validation import Range
from retrowalk.errors import InvalidInput

E = TypeVar("E", bound=StrEnum)


@dataclass
class Asker:
    """Prompts on ``console`` when ``interactive``; otherwise refuses missing values."""

    console: Console
    interactive: bool

    @classmethod
    def for_terminal(cls, console: Console, *, no_prompts: bool) -> Asker:
        return cls(console, interactive=(not no_prompts) and sys.stdin.isatty())

    def _missing(self, flag: str, allowed: str) -> InvalidInput:
        return InvalidInput(flag, None, f"{allowed} (pass {flag}; no terminal to ask on)")

    def number(
        self,
        value: float | None,
        *,
        flag: str,
        question: str,
        allowed: Range,
        default: float | None = None,
        optional: bool = False,
    ) -> float | None:
        if value is not None:
            allowed.check(flag, value)
            return value
        if not self.interactive:
            if default is not None or optional:
                return default
            raise self._missing(flag, allowed.describe())
        hint = f" [dim]({allowed.describe()}{', Enter to skip' if optional else ''})[/dim]"
        while True:
            shown_default = None if default is None else _plain(default)
            answer = Prompt.ask(
                f"{question}{hint}", console=self.console, default=shown_default, show_default=True
            )
            if answer in (None, "") and optional:
                return None
            try:
                number = float(str(answer).replace(",", "."))
                allowed.check(flag, number, shown=number)
            except (ValueError, InvalidInput):
                self.console.print(f"[red]Please enter {allowed.describe()}.[/red]")
                continue
            return int(number) if allowed.integer else number

    def integer(
        self,
        value: int | None,
        *,
        flag: str,
        question: str,
        allowed: Range,
        default: int | None = None,
    ) -> int:
        result = self.number(value, flag=flag, question=question, allowed=allowed, default=default)
        assert result is not None
        return int(result)

    def yes_no(
        self, value: bool | None, *, flag: str, question: str, default: bool | None = None
    ) -> bool:
        if value is not None:
            return value
        if not self.interactive:
            if default is not None:
                return default
            raise self._missing(f"{flag}/--no-{flag.removeprefix('--')}", "yes or no")
        if default is None:  # Enter asks again: a red-flag question is never answered by a guess
            return Confirm.ask(question, console=self.console)
        return Confirm.ask(question, console=self.console, default=default)

    def choice(
        self,
        value: str | None,
        enum: type[E],
        *,
        flag: str,
        question: str,
        default: E | None = None,
    ) -> E:
        options = [member.value for member in enum]
        if value is not None:
            return parse_choice(value, enum, flag)
        if not self.interactive:
            if default is not None:
                return default
            raise self._missing(flag, "one of " + ", ".join(options))
        prompt = f"{question} [dim]({', '.join(options)})[/dim]"
        if default is None:  # Enter asks again
            answer = Prompt.ask(prompt, console=self.console, choices=options, show_choices=False)
        else:
            answer = Prompt.ask(
                prompt,
                console=self.console,
                choices=options,
                default=default.value,
                show_choices=False,
            )
        return enum(answer)

    def choices(
        self,
        values: Sequence[str] | None,
        enum: type[E],
        *,
        flag: str,
        question: str,
        default: Sequence[E] = (),
    ) -> frozenset[E]:
        if values:
            return frozenset(parse_choice(v, enum, flag) for item in values for v in _split(item))
        if not self.interactive:
            if default:
                return frozenset(default)
            raise self._missing(flag, "one or more of " + ", ".join(m.value for m in enum))
        options = ", ".join(member.value for member in enum)
        while True:
            answer = Prompt.ask(
                f"{question} [dim](comma-separated: {options})[/dim]",
                console=self.console,
                default=",".join(d.value for d in default) or None,
            )
            try:
                chosen = frozenset(parse_choice(v, enum, flag) for v in _split(answer or ""))
            except InvalidInput as error:
                self.console.print(f"[red]{error}[/red]")
                continue
            if chosen:
                return chosen
            self.console.print(f"[red]Please enter one or more of {options}.[/red]")

    def text(
        self,
        value: str | None,
        *,
        flag: str,
        question: str,
        default: str | None = None,
        validate: Callable[[str], None] | None = None,
    ) -> str:
        if value is None:
            if not self.interactive:
                if default is not None:
                    return default
                raise self._missing(flag, "a text")
            value = Prompt.ask(question, console=self.console, default=default)
            value = value or ""
        if validate:
            validate(value)
        return value


def parse_choice(value: str, enum: type[E], flag: str) -> E:
    cleaned = value.strip().lower().replace("_", "-").replace(" ", "-")
    try:
        return enum(cleaned)
    except ValueError:
        raise InvalidInput(flag, value, "one of " + ", ".join(m.value for m in enum)) from None


def _split(text: str) -> list[str]:
    return [part for part in (p.strip() for p in text.split(",")) if part]


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else f"{number:g}"
