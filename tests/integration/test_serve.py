"""`retrowalk serve --demo` (the README's run command) and the demo sign-ins on the home page."""

from __future__ import annotations

import functools
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from retrowalk.cli import serve as serve_module
from retrowalk.services import demo
from tests.integration.cli_helpers import run
from tests.integration.web_harness import Web, web_fixture  # noqa: F401 - the `web` fixture

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def small_demo(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[dict[str, Any]]:
    """A two-patient demo (the real one takes a while) and the server replaced by a recorder."""
    from argon2 import PasswordHasher

    from retrowalk.services import credentials

    monkeypatch.setattr(credentials, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024))
    monkeypatch.setenv("RETROWALK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("RETROWALK_DATABASE_URL", raising=False)
    monkeypatch.setenv("RETROWALK_WEB_THREADS", "4")  # serve sets it: restored afterwards
    monkeypatch.setattr(
        serve_module,
        "fill_demo_clinic",
        functools.partial(demo.fill_demo_clinic, patients=2, weeks=1),
    )
    calls: list[dict[str, Any]] = []
    from retrowalk.web import server

    # `serve` hands over to retrowalk.web.server.run (uvicorn with TCP_NODELAY); record instead
    # of serving forever.
    monkeypatch.setattr(server, "run", lambda *args, **kwargs: calls.append(kwargs))
    return calls


def test_serve_demo_prints_the_address_and_the_demo_sign_ins(
    small_demo: list[dict[str, Any]],
) -> None:
    result = run("serve", "--demo")
    assert result.code == 0, result.stderr
    assert "open http://127.0.0.1:8000" in result.stdout
    assert f"{demo.THERAPIST_EMAIL} / {demo.THERAPIST_PASSWORD}" in result.stdout
    assert f"{demo.walker_email(1)} (patient2, ...) / {demo.WALKER_PASSWORD}" in result.stdout
    assert "sign up as a new walker" in result.stdout
    assert "Demo clinic filled: 2 patients" in result.stderr
    assert small_demo == [
        {
            "factory": True,
            "host": "127.0.0.1",
            "port": 8000,
            "workers": 1,
            "proxy_headers": True,
            "log_level": "info",
            "access_log": True,
        }
    ]
    again = run("serve", "--demo", "--port", "8001")
    assert "Demo clinic already there" in again.stderr
    assert "open http://127.0.0.1:8001" in again.stdout


def test_serve_without_a_demo_prints_no_sign_ins(small_demo: list[dict[str, Any]]) -> None:
    result = run("serve")
    assert result.code == 0, result.stderr
    assert "open http://127.0.0.1:8000" in result.stdout
    assert "demo" not in result.stdout.lower()


def test_the_welcome_brackets_an_ipv6_address() -> None:
    lines = serve_module.welcome("http://[::1]:8000", None)
    assert lines == [
        "retrowalk is starting: open http://[::1]:8000 in a browser (Ctrl+C stops it)."
    ]


def test_the_home_page_shows_the_demo_sign_ins_only_with_a_demo(web: Web) -> None:
    page = web.client.get("/").text
    assert "demo clinic" not in page.lower()
    web.services.fill_demo_clinic(now=datetime.now(UTC), patients=2, weeks=1)
    page = web.client.get("/").text
    assert demo.THERAPIST_EMAIL in page and demo.THERAPIST_PASSWORD in page
    assert demo.walker_email(1) in page and demo.WALKER_PASSWORD in page
    signed_in = web.post_form(
        "/sign-in", {"email": demo.THERAPIST_EMAIL, "password": demo.THERAPIST_PASSWORD}
    )
    assert signed_in.headers["location"] == "/patients"
    listing = web.client.get("/patients").text
    assert len(re.findall(r'href="/patients/[0-9a-f-]{36}"', listing)) == 2


def test_make_run_serves_the_demo_and_the_readme_says_so() -> None:
    makefile = (ROOT / "Makefile").read_text()
    target = re.search(r"^run:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert target and "retrowalk serve --demo" in target.group(1)
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "http://127.0.0.1:8000" in readme
    assert demo.THERAPIST_EMAIL in readme and demo.THERAPIST_PASSWORD in readme
    assert "retrowalk start" in readme  # the CLI path stays documented


def test_serve_hands_the_thread_count_to_its_workers(small_demo: list[dict[str, Any]]) -> None:
    import os

    assert run("serve", "--threads", "3").code == 0
    assert os.environ["RETROWALK_WEB_THREADS"] == "3"
    refused = run("serve", "--threads", "0")
    assert refused.code == 2
    assert "--threads" in refused.stderr and "1 to 256" in refused.stderr
    assert len(small_demo) == 1  # the refused one never started a server


def test_the_app_runs_its_routes_on_the_configured_threads(tmp_path: Path) -> None:
    import anyio.to_thread
    from fastapi.testclient import TestClient

    from retrowalk.bootstrap import build_services
    from retrowalk.settings import Settings
    from retrowalk.web.app import create_app
    from retrowalk.web.config import WebSettings

    services = build_services(
        Settings(database_url=f"sqlite:///{tmp_path / 'db.sqlite'}", data_dir=tmp_path)
    )
    try:
        for threads in (3, 7):
            app = create_app(services, settings=WebSettings("k" * 40, threads=threads))
            with TestClient(app) as client:
                limiter = client.portal.call(anyio.to_thread.current_default_thread_limiter)
                assert limiter.total_tokens == threads
                assert client.get("/static/favicon.svg").status_code == 200
    finally:
        services.close()


def test_the_thread_count_from_the_environment_is_checked(tmp_path: Path) -> None:
    from retrowalk.errors import InvalidInput
    from retrowalk.settings import Settings
    from retrowalk.web.config import DEFAULT_THREADS, WebEnvironment, web_settings

    settings = Settings(data_dir=tmp_path)
    key = "k" * 40
    assert web_settings(settings, WebEnvironment(secret_key=key)).threads == DEFAULT_THREADS
    assert web_settings(settings, WebEnvironment(secret_key=key, web_threads=7)).threads == 7
    for wrong in (0, 257):
        with pytest.raises(InvalidInput) as refused:
            web_settings(settings, WebEnvironment(secret_key=key, web_threads=wrong))
        assert refused.value.field == "RETROWALK_WEB_THREADS"
        assert refused.value.allowed == "1 to 256"
