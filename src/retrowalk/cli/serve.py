"""`retrowalk serve`: the web app (pages and the JSON API) on http://127.0.0.1:8000."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime

import typer

from retrowalk.cli.app import app, cli, handled
from retrowalk.errors import InvalidInput


def _require_web_parts() -> None:
    for module, what in (
        ("uvicorn", "the uvicorn package"),
        ("retrowalk.services.accounts", "the accounts service"),
        ("retrowalk.domain.access", "the access rules"),
    ):
        try:
            importlib.import_module(module)
        except ImportError as error:
            raise InvalidInput("serve", module, f"{what} installed ({error})") from None


def _fill_demo() -> str:
    try:
        demo = importlib.import_module("retrowalk.services.demo")
    except ImportError as error:
        raise InvalidInput(
            "--demo", "services.demo", f"the demo clinic installed ({error})"
        ) from None
    services = cli().services
    summary = demo.fill_demo_clinic(services.uow, now=datetime.now(UTC))
    return str(summary)


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
        _require_web_parts()
        from retrowalk.settings import Settings
        from retrowalk.web.config import web_settings

        settings = Settings()
        web_settings(settings)  # creates the shared secret once, before any worker starts
        services = c.services  # opens and migrates the database once
        if demo:
            c.err.print(f"Demo clinic ready: {_fill_demo()}")
        services.close()
        c.err.print(
            f"retrowalk on http://{host}:{port}  (database: {settings.database_url_redacted})"
        )
        if host not in ("127.0.0.1", "localhost", "::1"):
            c.err.print(
                "Reachable from other machines: put it behind TLS (cookies are Secure there)."
            )
    import uvicorn

    uvicorn.run(
        "retrowalk.web.app:create_app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        log_level="info",
    )
