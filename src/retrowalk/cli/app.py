"""The Typer application, its global options and the one place errors become exit codes."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import typer
from rich.console import Console

from retrowalk.bootstrap import Services, build_services
from retrowalk.cli.ask import Asker
from retrowalk.errors import InvalidInput, RetrowalkError
from retrowalk.settings import Settings

app = typer.Typer(
    name="retrowalk",
    help="Backward walking made safe, measurable and progressive. Never a diagnosis: "
    "every recommendation says why and cites its source.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@dataclass
class Cli:
    """What every command needs: services, output style and a way to ask."""

    json_output: bool
    walker: str | None
    console: Console
    err: Console
    asker: Asker
    _services: Services | None = None
    _settings: Settings | None = None

    @property
    def services(self) -> Services:
        if self._services is None:
            self._services = build_services(self._settings or Settings())
        return self._services

    def close(self) -> None:
        """Release the database connections (the command is over)."""
        if self._services is not None:
            self._services.close()
            self._services = None

    def emit(self, document: Any, human: Callable[[], None]) -> None:
        """Print ``document`` as JSON with --json, else call ``human`` to render it."""
        if self.json_output:
            sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        else:
            human()


STATE: dict[str, Cli] = {}


def cli() -> Cli:
    return STATE["cli"]


@app.callback()
def main_options(
    ctx: typer.Context,
    json_output: bool = typer.Option(False, "--json", help="Machine-readable JSON output."),
    walker: str | None = typer.Option(
        None, "--walker", "-w", help="Which walker (display name); default: the only one."
    ),
    yes: bool = typer.Option(
        False, "--yes", "-y", help="Never prompt: take defaults, fail on missing values."
    ),
) -> None:
    console = Console(highlight=False, soft_wrap=False)
    err = Console(stderr=True, highlight=False)
    asker = Asker.for_terminal(err if json_output else console, no_prompts=yes or json_output)
    state = Cli(json_output=json_output, walker=walker, console=console, err=err, asker=asker)
    STATE["cli"] = state
    ctx.call_on_close(state.close)


@contextmanager
def handled(flags: Mapping[str, str] | None = None) -> Iterator[None]:
    """Turn retrowalk's own errors into a one-line message and exit code 2.

    ``flags`` names the command-line flag of a field the services check (``{"on": "--date"}``),
    so the message names what the walker typed.
    """
    try:
        yield
    except InvalidInput as error:
        if flags and error.field in flags:
            error = InvalidInput(flags[error.field], error.value, error.allowed)
        _fail(
            str(error),
            {"field": error.field, "value": _jsonable(error.value), "allowed": error.allowed},
        )
    except RetrowalkError as error:
        _fail(str(error), {"kind": type(error).__name__})


def _jsonable(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool | type(None)) else str(value)


def _fail(message: str, detail: dict[str, Any]) -> None:
    state = STATE.get("cli")
    if state is not None and state.json_output:
        sys.stdout.write(json.dumps({"error": message, **detail}, ensure_ascii=False) + "\n")
    else:
        Console(stderr=True, highlight=False).print(f"[red]error:[/red] {message}", soft_wrap=True)
    raise typer.Exit(code=2)
