"""The web app on a real database (SQLite file or PostgreSQL) with the real accounts, driven by
FastAPI's TestClient. Passwords are hashed with cheap argon2 parameters (the production ones are
tested in test_accounts); everything else is the product's code."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from retrowalk.bootstrap import Services
from retrowalk.domain.access import Actor
from retrowalk.services import credentials
from retrowalk.store.unit_of_work import open_store
from retrowalk.web.app import create_app
from retrowalk.web.config import WebSettings

SECRET = "test-secret-" + "x" * 40
PASSWORD = "correct horse battery"
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
CSRF_INPUT = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')

SCREENING_FORM = {
    "goal": "knee-pain",
    "knee_pain_nprs": "3",
    "pain_with_squats_lunges": "yes",
    "knee_swelling_or_giving_way": "no",
    "recent_knee_injury_without_clearance": "no",
    "falls_last_12_months": "0",
    "balance_or_neuro_condition": "no",
    "heart_symptoms_on_exertion": "no",
    "age_years": "52",
    "body_mass_kg": "74",
    "forward_speed_kmh": "",
    "backward_walk_3m_s": "",
    "equipment": "treadmill",
    "place": "indoor-hall",
    "companion_available": "yes",
    "weeks": "6",
}


class Clock:
    """Real time plus an adjustable shift (tests move to the next morning)."""

    def __init__(self) -> None:
        self.shift = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.shift


@dataclass
class Web:
    client: TestClient
    clock: Clock
    services: Services

    def csrf(self, path: str = "/sign-in") -> str:
        page = self.client.get(path)
        found = CSRF_INPUT.search(page.text)
        assert found, f"no CSRF token on {path}"
        return found.group(1)

    def post_form(self, path: str, data: dict[str, Any], *, from_page: str | None = None) -> Any:
        token = self.csrf(from_page or path)
        return self.client.post(path, data={**data, "csrf_token": token}, follow_redirects=False)

    def sign_up(
        self, email: str, *, role: str = "walker", name: str = "Anna", invite: str = ""
    ) -> Any:
        response = self.post_form(
            "/sign-up",
            {
                "display_name": name,
                "email": email,
                "password": PASSWORD,
                "role": role,
                "invite_code": invite,
            },
        )
        assert response.status_code == 303, response.text
        return response

    def screen(self, **changes: str) -> Any:
        response = self.post_form("/screening", {**SCREENING_FORM, **changes})
        assert response.status_code == 303, response.text
        return response

    def sign_out(self) -> None:
        self.post_form("/sign-out", {}, from_page="/")

    def account_walker_id(self, email: str) -> str | None:
        with self.services.uow(read_only=True) as work:
            account = work.accounts.by_email(email)
        assert account is not None, email
        return account.walker_id

    def walker_id(self, email: str) -> str:
        walker_id = self.account_walker_id(email)
        assert walker_id is not None
        return walker_id

    def actor(self, email: str) -> Actor:
        """The account as the services see it (signs in once, through the real sign-in)."""
        token = self.services.sign_in(
            email=email, password=PASSWORD, client_key="harness", now=self.clock()
        )
        actor = self.services.identify_session(token, now=self.clock())
        assert actor is not None
        return actor


@pytest.fixture(name="web")
def web_fixture(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Web]:
    monkeypatch.setattr(credentials, "HASHER", CHEAP_HASHER)
    services = Services(open_store(database_url))
    clock = Clock()
    app = create_app(services, settings=WebSettings(secret_key=SECRET), clock=clock)
    try:
        with TestClient(app, base_url="http://testserver") as client:
            yield Web(client, clock, services)
    finally:
        services.close()
