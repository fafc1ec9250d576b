"""Settings read once at the edge (``Settings()``) and passed in; nothing deeper reads the
environment.

Environment variables (prefix ``RETROWALK_``):

- ``RETROWALK_DATA_DIR``: the folder for retrowalk's own files (default: the platform's user
  data folder, e.g. ``~/.local/share/retrowalk`` on Linux).
- ``RETROWALK_DATABASE_URL``: the database (default: the SQLite file ``retrowalk.sqlite`` in the
  data folder). ``postgresql://user@host/db`` selects PostgreSQL (driven by psycopg 3).

The folder is created when the store opens a SQLite file in it (``store.engine.make_engine``) or
when ``ensure_data_dir`` is called, never as a side effect of reading the settings.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs
from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from retrowalk.errors import InvalidInput

DATABASE_FILE_NAME = "retrowalk.sqlite"


def default_data_dir() -> Path:
    """The platform's user data folder for retrowalk (platformdirs)."""
    return Path(platformdirs.user_data_dir("retrowalk", appauthor=False))


class Settings(BaseSettings):
    """What the process needs to know about its surroundings."""

    model_config = SettingsConfigDict(env_prefix="RETROWALK_", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir)
    # repr=False: a URL may carry a password; use ``database_url_redacted`` in messages.
    database_url: str = Field(default="", repr=False)

    @field_validator("data_dir")
    @classmethod
    def _expand_user(cls, value: Path) -> Path:
        return value.expanduser()

    @model_validator(mode="after")
    def _default_database_url(self) -> Settings:
        if not self.database_url.strip():
            self.database_url = f"sqlite:///{self.data_dir / DATABASE_FILE_NAME}"
        return self

    @property
    def database_url_redacted(self) -> str:
        from retrowalk.store.engine import redact_url

        return redact_url(self.database_url)

    def ensure_data_dir(self) -> Path:
        """Create the data folder if needed and return it."""
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InvalidInput(
                "data_dir", str(self.data_dir), f"a folder retrowalk can create ({exc.strerror})"
            ) from exc
        return self.data_dir
