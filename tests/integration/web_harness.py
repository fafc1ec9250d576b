"""The web app on a real database (SQLite file or PostgreSQL), driven by FastAPI's TestClient,
with the accounts stand-in of ``accounts_double`` (until the accounts part is merged)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from retrowalk.bootstrap import Services
from retrowalk.store.unit_of_work import open_store
from retrowalk.web.app import create_app
from retrowalk.web.config import WebSettings
from retrowalk.web.gateway import AccountsGateway
from tests.integration.accounts_double import FakeAccess, FakeAccounts

SECRET = "test-secret-" + "x" * 40
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
    accounts: FakeAccounts

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
                "password": "correct horse battery",
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

    def walker_id(self, email: str) -> str:
        walker_id = self.accounts.accounts[email].walker_id
        assert walker_id is not None
        return walker_id


@pytest.fixture(name="web")
def web_fixture(database_url: str) -> Iterator[Web]:
    services = Services(open_store(database_url))
    accounts = FakeAccounts()
    clock = Clock()
    app = create_app(
        services,
        settings=WebSettings(secret_key=SECRET),
        accounts=AccountsGateway(services.uow, accounts, FakeAccess()),
        clock=clock,
    )
    try:
        with TestClient(app, base_url="http://testserver") as client:
            yield Web(client, clock, services, accounts)
    finally:
        services.close()
