"""Entry point of the `retrowalk` command."""

from __future__ import annotations

import sys

from retrowalk.cli import (  # noqa: F401 - registers commands
    exchange,
    imports,
    onboarding,
    outcomes,
    sessions,
)
from retrowalk.cli.app import app
from retrowalk.cli.outcomes import test_app

app.add_typer(test_app, name="test")

GLOBAL_FLAGS = {"--json", "--yes", "-y"}
GLOBAL_WITH_VALUE = {"--walker", "-w"}


def hoist_global_options(argv: list[str]) -> list[str]:
    """Let --json, --yes and --walker NAME stand anywhere: move them before the command."""
    front: list[str] = []
    rest: list[str] = []
    args = iter(argv)
    for arg in args:
        if arg == "--":
            rest.append(arg)
            rest.extend(args)
            break
        if arg in GLOBAL_FLAGS:
            front.append(arg)
        elif arg in GLOBAL_WITH_VALUE:
            front.append(arg)
            front.append(next(args, ""))
        elif arg.startswith("--walker="):
            front.append(arg)
        else:
            rest.append(arg)
    return front + rest


def main() -> None:
    app(args=hoist_global_options(sys.argv[1:]), prog_name="retrowalk")


if __name__ == "__main__":
    main()
