"""A small clinic behind one web app, built once per module and backend (the access matrix and
the schemathesis run): walker A (the therapist T1's patient, with sessions, a check-in and an
outcome test), walker B (no therapist), therapist T2 with another patient, an admin, and a
spare walker account with no profile yet. Everything goes through the real services; only the
password hasher is cheap (``web_harness.CHEAP_HASHER``).
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from retrowalk.bootstrap import Services
from retrowalk.domain.access import Actor, Role
from retrowalk.domain.models import CheckIn, LoggedSession, Modality
from retrowalk.services import credentials, onboarding
from retrowalk.store.unit_of_work import open_store
from retrowalk.web import auth
from retrowalk.web.app import create_app
from retrowalk.web.config import WebSettings
from retrowalk.web.routes.api_models import ScreeningIn
from tests.conftest import PG_URL, require_postgres
from tests.integration.web_harness import CHEAP_HASHER, CSRF_INPUT, PASSWORD, SECRET

ACTORS = ("anonymous", "walker_a", "walker_b", "therapist_1", "therapist_2", "admin")
"""Who asks, in the order of the matrix columns."""

A_NAME = "Annika Quistgaard"
A_EMAIL = "annika.quistgaard@example.org"
A_NOTE = "left knee creaked on the ramp (private note 5b1e)"
SPARE_EMAIL = "visitor@example.org"
SCREENING = {
    "goal": "knee-pain",
    "knee_pain_nprs": 3,
    "pain_with_squats_lunges": True,
    "falls_last_12_months": 0,
    "balance_or_neuro_condition": False,
    "recent_knee_injury_without_clearance": False,
    "knee_swelling_or_giving_way": False,
    "heart_symptoms_on_exertion": False,
    "age_years": 52,
    "body_mass_kg": 74.0,
    "equipment": ["treadmill"],
    "place": "indoor-hall",
    "companion_available": True,
}
ACCOUNTS = {
    "walker_a": (A_EMAIL, A_NAME, Role.WALKER),
    "walker_b": ("bertil@example.org", "Bertil Holm", Role.WALKER),
    "therapist_1": ("pt1@example.org", "Dr Tove Lind", Role.THERAPIST),
    "therapist_2": ("pt2@example.org", "Dr Ole Strand", Role.THERAPIST),
    "admin": ("root@example.org", "Site Admin", Role.ADMIN),
}


@dataclass
class World:
    client: TestClient
    services: Services
    now: datetime
    actors: dict[str, Actor]
    walker_id: str  # walker A
    session_id: str  # A's session with the private note
    api_tokens: dict[str, str] = field(default_factory=dict)
    sessions: dict[str, str] = field(default_factory=dict)  # cookie tokens
    csrf: dict[str, tuple[str, str]] = field(default_factory=dict)  # seed, form token
    counter: int = 0

    def next_number(self) -> int:
        self.counter += 1
        return self.counter

    def fresh_session(self, email: str) -> str:
        return self.services.sign_in(
            email=email, password=PASSWORD, client_key="world", now=self.now
        )

    def session_for(self, actor_name: str) -> LoggedSession:
        return LoggedSession(
            performed_at=self.now - timedelta(hours=2),
            modality=Modality.TREADMILL,
            duration_s=300,
            pain_during_nprs=1,
            pain_after_nprs=1,
            speed_m_s=0.6,
            rails=True,
            notes=f"logged for the matrix by {actor_name}",
        )

    def calendar_token(self, walker_id: str) -> str:
        """The walker's calendar link token, as the calendar page shows it."""
        page = self.client.get("/calendar", headers={"cookie": self.cookie("walker_a")})
        found = re.search(rf"/calendar/{walker_id}/([0-9a-f]+)\.ics", page.text)
        self.client.cookies.clear()
        assert found, "no calendar link on A's calendar page"
        return found.group(1)

    def cookie(self, actor_name: str, *, session: str | None = None) -> str:
        seed, _ = self.csrf[actor_name]
        parts = [f"{auth.CSRF_COOKIE}={seed}"]
        token = session or self.sessions.get(actor_name)
        if token:
            parts.append(f"{auth.SESSION_COOKIE}={token}")
        return "; ".join(parts)


def _csrf_token(client: TestClient, seed: str) -> str:
    """The form token the app hands a browser holding ``seed`` (read from the sign-in page)."""
    page = client.get("/sign-in", headers={"cookie": f"{auth.CSRF_COOKIE}={seed}"})
    client.cookies.clear()
    found = CSRF_INPUT.search(page.text)
    assert found, "no CSRF token on the sign-in page"
    return found.group(1)


@contextmanager
def backend_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A SQLite file or a fresh PostgreSQL schema (dropped afterwards), like ``database_url``
    of conftest, for fixtures wider than one test."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'retrowalk.sqlite'}"
        return
    require_postgres()
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    dsn = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@contextmanager
def clinic(database_url: str) -> Iterator[World]:
    """The clinic described above, its app and a TestClient (no cookies kept between calls:
    every request names its own)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(credentials, "HASHER", CHEAP_HASHER)
        services = Services(open_store(database_url))
        now = datetime.now(UTC).replace(microsecond=0)
        try:
            app = create_app(services, settings=WebSettings(secret_key=SECRET), clock=lambda: now)
            with TestClient(app, base_url="http://testserver") as client:
                yield _populate(client, services, now)
        finally:
            services.close()


def _account(services: Services, email: str, name: str, role: Role, now: datetime) -> Actor:
    services.sign_up(email=email, password=PASSWORD, display_name=name, role=role, now=now)
    token = services.sign_in(email=email, password=PASSWORD, client_key="world", now=now)
    actor = services.identify_session(token, now=now)
    assert actor is not None
    return actor


def _enrol(services: Services, actor: Actor, now: datetime) -> Actor:
    answers = ScreeningIn.model_validate(SCREENING).answers()
    enrolment = onboarding.enrol(
        services.uow, actor.display_name, answers, weeks=6, now=now, unique_name=False
    )
    return services.link_walker(actor, enrolment.walker_id)


def _populate(client: TestClient, services: Services, now: datetime) -> World:
    actors = {
        name: _account(services, email, display, role, now)
        for name, (email, display, role) in ACCOUNTS.items()
    }
    for name in ("walker_a", "walker_b"):
        actors[name] = _enrol(services, actors[name], now - timedelta(days=3))
    invitation = services.invite_patient(actors["therapist_1"], now=now)
    services.accept_invite(actors["walker_a"], invitation.code, now=now)
    other = _enrol(
        services, _account(services, "carla@example.org", "Carla", Role.WALKER, now), now
    )
    code = services.invite_patient(actors["therapist_2"], now=now).code
    services.accept_invite(other, code, now=now)
    _account(services, SPARE_EMAIL, "Visitor", Role.WALKER, now)

    walker_a, walker_b = actors["walker_a"].walker_id, actors["walker_b"].walker_id
    assert walker_a is not None and walker_b is not None
    session = LoggedSession(
        performed_at=now - timedelta(days=1),
        modality=Modality.TREADMILL,
        duration_s=300,
        pain_during_nprs=2,
        pain_after_nprs=2,
        speed_m_s=0.6,
        rails=True,
        notes=A_NOTE,
    )
    logged = services.log_session(walker_a, session, now=now - timedelta(days=1))
    for walker_id in (walker_a, walker_b):
        checkin = CheckIn(on=now.date(), pain_next_morning_nprs=2, usual_pain_nprs=3)
        services.check_in(walker_id, checkin, today=now.date(), now=now)
    services.record_tug(walker_a, 9.8, taken_at=now - timedelta(days=1), now=now)

    world = World(client, services, now, actors, walker_a, logged.session_id)
    for name, actor in actors.items():
        world.api_tokens[name] = services.create_api_token(actor, name="matrix", now=now)
        world.sessions[name] = world.fresh_session(ACCOUNTS[name][0])
    for name in ACTORS:
        seed = f"seed-{name}-{os.getpid()}"
        world.csrf[name] = (seed, _csrf_token(client, seed))
    return world
