"""`retrowalk serve`: the web app (pages and the JSON API) on http://127.0.0.1:8000."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime

import typer

from retrowalk.cli.app import app, cli, handled
from retrowalk.errors import InvalidInput

WEB_PARTS = ("uvicorn", "retrowalk.services.accounts", "retrowalk.domain.access")


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


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on (1-65535)."),
    demo: bool = typer.Option(
        False,
        "--demo",
        help='Fill a demo clinic first (therapist "therapist@demo.retrowalk", password '
        '"demo-therapist", a dozen patients with 8 weeks of sessions).',
    ),
    workers: int = typer.Option(1, "--workers", help="Worker processes (1-64)."),
) -> None:
    """Start the web app: pages for walkers and therapists, and the JSON API (/api/v1)."""
    c = cli()
    with handled():
        if not 1 <= port <= 65535:
            raise InvalidInput("--port", port, "1 to 65535")
        if not 1 <= workers <= 64:
            raise InvalidInput("--workers", workers, "1 to 64")
        if missing := _missing(WEB_PARTS):
            _fail(f"the web app needs a part that is not installed: {missing}")
        if demo and (missing := _missing(("retrowalk.services.demo",))):
            _fail(f"--demo needs the demo clinic, which is not installed: {missing}")
        from retrowalk.settings import Settings
        from retrowalk.web.config import web_settings

        settings = Settings()
        web_settings(settings)  # creates the shared secret once, before any worker starts
        services = c.services  # opens and migrates the database once
        if demo:
            fill = importlib.import_module("retrowalk.services.demo").fill_demo_clinic
            c.err.print(f"Demo clinic ready: {fill(services.uow, now=datetime.now(UTC))}")
        services.close()
        c.err.print(f"retrowalk on http://{host}:{port}  ({settings.database_url_redacted})")
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
    )
