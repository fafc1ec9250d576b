"""`retrowalk serve`: the web app (pages and the JSON API) on http://127.0.0.1:8000."""

from __future__ import annotations

import importlib
import os
from datetime import UTC, datetime

import typer

from retrowalk.cli.app import app, cli, handled
from retrowalk.errors import InvalidInput
from retrowalk.services.demo import DemoLogins, demo_logins, fill_demo_clinic
from retrowalk.web.config import DEFAULT_THREADS, MAX_THREADS, check_threads

WEB_PARTS = ("uvicorn",)


def _missing(modules: tuple[str, ...]) -> str | None:
    """The first module that cannot be imported, with why."""
    for module in modules:
        try:
            importlib.import_module(module)
        except ImportError as error:
            return f"{module} ({error})"
    return None


def _fail(message: str) -> None:
    cli().err.print(f"[red]error:[/red] {message}", soft_wrap=True)
    raise typer.Exit(code=2)


def welcome(url: str, logins: DemoLogins | None) -> list[str]:
    """What ``serve`` prints before the server starts: where to go, and the demo sign-ins."""
    lines = [f"retrowalk is starting: open {url} in a browser (Ctrl+C stops it)."]
    if logins is not None:
        lines.append(
            f"Demo clinic: sign in as the therapist {logins.therapist_email} / "
            f"{logins.therapist_password}"
        )
        if logins.patient_email is not None:
            lines.append(
                f"  or as a patient {logins.patient_email} (patient2, ...) / "
                f"{logins.patient_password}"
            )
        lines.append("  or sign up as a new walker.")
    return lines


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on (1-65535)."),
    demo: bool = typer.Option(
        False,
        "--demo",
        help='Fill a demo clinic first (therapist "therapist@demo.retrowalk", password '
        '"demo-therapist", a dozen patients with 8 weeks of sessions; once per database).',
    ),
    workers: int = typer.Option(1, "--workers", help="Worker processes (1-64)."),
    threads: int = typer.Option(
        DEFAULT_THREADS,
        "--threads",
        help=f"Threads per worker that run the routes (1-{MAX_THREADS}): a few serve more "
        "than many (one interpreter lock).",
    ),
    access_log: bool = typer.Option(
        True,
        "--access-log/--no-access-log",
        help="Print one line per request (uvicorn's access log); off behind a proxy that logs "
        "them already.",
    ),
) -> None:
    """Start the web app: pages for walkers and therapists, and the JSON API (/api/v1)."""
    c = cli()
    with handled():
        if not 1 <= port <= 65535:
            raise InvalidInput("--port", port, "1 to 65535")
        if not 1 <= workers <= 64:
            raise InvalidInput("--workers", workers, "1 to 64")
        check_threads("--threads", threads)
        os.environ["RETROWALK_WEB_THREADS"] = str(threads)  # read by every worker
        if missing := _missing(WEB_PARTS):
            _fail(f"the web app needs a part that is not installed: {missing}")
        from retrowalk.settings import Settings
        from retrowalk.web.config import web_settings

        settings = Settings()
        web_settings(settings)  # creates the shared secret once, before any worker starts
        services = c.services  # opens and migrates the database once
        if demo:
            filled = fill_demo_clinic(services.uow, now=datetime.now(UTC))
            state = "filled" if filled.created else "already there"
            c.err.print(
                f"Demo clinic {state}: {filled.patients} patients, {filled.sessions} sessions."
            )
        logins = demo_logins(services.uow)
        services.close()
        shown = "[" + host + "]" if ":" in host else host
        c.err.print(f"Database: {settings.database_url_redacted}", soft_wrap=True)
        for line in welcome(f"http://{shown}:{port}", logins):
            c.console.print(line, soft_wrap=True, markup=False, highlight=False)
        if host not in ("127.0.0.1", "localhost", "::1"):
            c.err.print("Reachable from other machines: serve it behind TLS (Secure cookies).")
    from retrowalk.web.server import run

    run(
        "retrowalk.web.app:create_app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        log_level="info",
        access_log=access_log,
    )
