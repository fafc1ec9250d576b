"""What the web app needs to know besides the database: read once at the edge, passed in.

Environment variables (prefix ``RETROWALK_``):

- ``RETROWALK_SECRET_KEY``: signs CSRF tokens and calendar links. Every worker behind one
  address needs the same key. Unset: a random key is kept in ``<data_dir>/web-secret`` (created
  once, readable by its owner only), so links and forms survive a restart.
- ``RETROWALK_PUBLIC_URL``: the address people reach the app at (e.g. ``https://clinic.example``),
  used in invitation and calendar links; unset: taken from each request.
- ``RETROWALK_WEB_THREADS``: threads per worker process that run the routes (1-256; default
  ``DEFAULT_THREADS``; ``retrowalk serve --threads``). The routes are mostly Python work under
  one interpreter lock, so a few threads serve more than many: with 200 clients on 2 cores,
  4 threads per worker answered the patient list at p95 48-80 ms where anyio's default of 40
  gave 470-680 ms (``benchmarks/load_bench.py``, 2026-11-25). A thread waiting on a slow
  upload or another writer holds its place meanwhile.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from retrowalk.settings import Settings

SECRET_FILE_NAME = "web-secret"
DEFAULT_THREADS = 4
MAX_THREADS = 256
MIN_SECRET_CHARS = 32


class WebEnvironment(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RETROWALK_", extra="ignore")

    secret_key: str = Field(default="", repr=False)
    public_url: str = ""
    web_threads: int | None = None


@dataclass(frozen=True)
class WebSettings:
    secret_key: str
    public_url: str = ""
    session_max_age_s: int = 14 * 24 * 3600
    threads: int = DEFAULT_THREADS

    def __repr__(self) -> str:  # never print the key
        return f"WebSettings(public_url={self.public_url!r})"


def secret_from_file(data_dir: Path) -> str:
    """The key kept in the data folder, created on first use (mode 0600)."""
    path = data_dir / SECRET_FILE_NAME
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another worker won the race
            pass
        else:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(secrets.token_urlsafe(48))
    return path.read_text(encoding="ascii").strip()


def web_settings(settings: Settings, env: WebEnvironment | None = None) -> WebSettings:
    env = env or WebEnvironment()
    key = env.secret_key.strip() or secret_from_file(settings.ensure_data_dir())
    if len(key) < MIN_SECRET_CHARS:
        from retrowalk.errors import InvalidInput

        raise InvalidInput(
            "RETROWALK_SECRET_KEY", f"{len(key)} characters", f"at least {MIN_SECRET_CHARS}"
        )
    threads = DEFAULT_THREADS if env.web_threads is None else env.web_threads
    check_threads("RETROWALK_WEB_THREADS", threads)
    return WebSettings(secret_key=key, public_url=env.public_url.rstrip("/"), threads=threads)


def check_threads(field: str, threads: int) -> None:
    if not 1 <= threads <= MAX_THREADS:
        from retrowalk.errors import InvalidInput

        raise InvalidInput(field, threads, f"1 to {MAX_THREADS}")
