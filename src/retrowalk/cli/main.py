"""Entry point of the `retrowalk` command."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence

import typer

from retrowalk.cli import (  # noqa: F401 - registers commands
    direction,
    exchange,
    history,
    imports,
    onboarding,
    outcomes,
    serve,
    sessions,
)
from retrowalk.cli.app import app
from retrowalk.cli.outcomes import test_app

app.add_typer(test_app, name="test")

GLOBAL_FLAGS = {"--json", "--yes", "-y"}
GLOBAL_WITH_VALUE = {"--walker", "-w"}


def hoist_global_options(argv: Sequence[str]) -> list[str]:
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


def wants_json(argv: Sequence[str]) -> bool:
    """Whether --json was given (before a ``--`` that ends the options)."""
    for arg in argv:
        if arg == "--":
            return False
        if arg == "--json":
            return True
    return False


def main(argv: Sequence[str] | None = None) -> None:
    """Run the CLI on ``argv`` (default: the process's arguments) and exit with its code.

    With --json, a usage error (an unknown option, a value of the wrong type) is a JSON
    document on standard output too, exit code 2, like every other error.
    """
    args = hoist_global_options(sys.argv[1:] if argv is None else argv)
    if not wants_json(args):
        app(args=args, prog_name="retrowalk")
        return
    try:
        code = app(args=args, prog_name="retrowalk", standalone_mode=False)
    except typer.TyperException as error:  # click's usage errors derive from it
        param = getattr(error, "param", None)
        document: dict[str, object] = {"error": error.format_message(), "kind": "UsageError"}
        if param is not None and getattr(param, "opts", None):
            document["field"] = param.opts[0]
        sys.stdout.write(json.dumps(document, ensure_ascii=False) + "\n")
        sys.exit(getattr(error, "exit_code", 2))
    except typer.Abort:
        sys.stderr.write("Aborted.\n")
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
