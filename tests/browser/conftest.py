"""Browser tests: Debian's chromium, driven by Playwright, against a real ``retrowalk serve --demo``.

Each database gets its own server process (``retrowalk serve --demo`` on a free loopback port):
a SQLite file in a temporary data folder, and the PostgreSQL test server in a fresh schema
(dropped after the server stopped). Chromium runs headless from ``/usr/bin/chromium`` (Playwright
never downloads a browser here). Without chromium or the ``playwright`` package the suite skips
with the reason shown; with ``CI=true`` either missing is a failure.

Screenshots of the main pages land in ``test-artifacts/screenshots/`` (git-ignored).
"""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from retrowalk.settings import DATABASE_FILE_NAME
from tests.conftest import PG_URL, require_postgres

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_TIMEOUT_S = 90.0  # the demo clinic is filled first (a few seconds on 2 cores)
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}


def browser_unavailable_reason() -> str | None:
    """None when chromium and Playwright's package are both here, else what is missing."""
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (pip install playwright)"
    if not CHROMIUM.is_file():
        return f"{CHROMIUM} not found (apt-get install chromium)"
    return None


def require_browser() -> None:
    reason = browser_unavailable_reason()
    if reason is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


# --- the server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A running ``retrowalk serve --demo`` and what the tests need to know about it."""

    base_url: str
    database: str  # "sqlite" or "postgresql"
    log_path: Path
    database_url: str  # for a test that puts what no page can make in place (an import)

    def url(self, path: str) -> str:
        return self.base_url + path

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)  # uvicorn's graceful shutdown
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def start_server(data_dir: Path, database: str, database_url: str | None) -> Iterator[Server]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RETROWALK_")}
    env["RETROWALK_DATA_DIR"] = str(data_dir)
    if database_url is not None:
        env["RETROWALK_DATABASE_URL"] = database_url
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "src"), env.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "retrowalk.cli.main", "serve", "--demo", "--port", str(port)]
    log_path = data_dir.parent / f"server-{database}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = database_url or f"sqlite:///{data_dir / DATABASE_FILE_NAME}"
    server = Server(f"http://127.0.0.1:{port}", database, log_path, url)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while not _answers(server.url("/")):
            if process.poll() is not None:
                pytest.fail(f"retrowalk serve exited ({process.returncode}):\n{server.log_tail()}")
            if time.monotonic() > deadline:
                pytest.fail(f"retrowalk serve did not answer in time:\n{server.log_tail()}")
            time.sleep(0.2)
        yield server
    finally:
        _stop(process)


@pytest.fixture(scope="module")
def pg_schema_url() -> Iterator[str]:
    """A URL on the PostgreSQL test server in a fresh schema, dropped afterwards (the pattern
    of tests/conftest.py's ``postgres_url``, for a whole module)."""
    require_postgres()
    import psycopg

    schema = f"b_{uuid.uuid4().hex[:12]}"
    dsn = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """``retrowalk serve --demo`` on a free port: SQLite in a temporary data folder, or the
    PostgreSQL test server in a fresh schema (the data folder then holds only the web secret)."""
    require_browser()
    data_dir = tmp_path_factory.mktemp(f"serve-{request.param}") / "data"
    url = None if request.param == "sqlite" else str(request.getfixturevalue("pg_schema_url"))
    yield from start_server(data_dir, request.param, url)


# --- the browser --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class Tab:
    """One page in its own browser context (own cookies), with what went wrong in it."""

    page: Page
    server: Server
    viewport: str  # "desktop" or "phone"
    problems: list[str] = field(default_factory=list)

    def go(self, path: str) -> None:
        self.page.goto(self.server.url(path))

    def path(self) -> str:
        return "/" + self.page.url.removeprefix(self.server.base_url).lstrip("/")

    def refused_as_expected(self, status: int) -> None:
        """The page just answered ``status`` on purpose (a form refused with its message):
        chromium logs that as a console error; exactly one such error is taken off the
        problems, any other stays."""
        expected = f"the server responded with a status of {status} "
        matching = [p for p in self.problems if expected in p and self.path() in p]
        assert len(matching) == 1, f"expected one {status} answer, browser saw: {self.problems}"
        self.problems.remove(matching[0])

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        target = SCREENSHOTS / f"{self.server.database}-{self.viewport}-{name}.png"
        self.page.screenshot(path=str(target), full_page=True)
        return target


@pytest.fixture
def open_tab(browser: Browser, server: Server) -> Iterator[Callable[..., Tab]]:
    """``open_tab(viewport="desktop" | "phone")``: a fresh context; after the test, no script
    error, no console error (a blocked resource, a CSP refusal) may have happened in it."""
    opened: list[tuple[Any, Tab]] = []

    def open_(viewport: str = "desktop") -> Tab:
        size = PHONE if viewport == "phone" else DESKTOP
        context = browser.new_context(
            viewport=size, is_mobile=viewport == "phone", has_touch=viewport == "phone"
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        tab = Tab(page, server, viewport)
        page.on("pageerror", lambda error: tab.problems.append(f"script error: {error}"))
        page.on(
            "console",
            lambda message: (
                tab.problems.append(
                    f"console {message.type}: {message.text} ({message.location.get('url')})"
                )
                if message.type == "error"
                else None
            ),
        )
        opened.append((context, tab))
        return tab

    yield open_
    problems = [p for _, tab in opened for p in tab.problems]
    for context, _ in opened:
        context.close()
    assert not problems, "the browser reported problems:\n" + "\n".join(problems)
