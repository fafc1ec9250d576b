"""Every route of the app, asked by every role and by a stranger (issue 4: "a test walks every
route as every role and as a stranger and asserts each answer").

The routes come from the app itself: a route without a row below fails
``test_every_route_has_a_row``, a row without a route too. Each row names the exact answer for
each asker; ``303>/x`` is a redirect to ``/x`` (a query string after it is allowed). Every
route with a walker in its address is asked about walker A. Walker B and therapist T2 may not
know A: no answer they get, and no refusal anyone gets, may contain A's name, email or session
notes. Runs on SQLite and PostgreSQL, one app per backend (``web_world.clinic``).

Columns: anonymous, walker A (own data), walker B, therapist T1 (A's therapist), therapist T2
(not A's), admin.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from starlette.routing import Mount

from retrowalk.domain.outcomes import KOOS12_ITEMS
from retrowalk.services import programs, records
from tests.integration.web_harness import PASSWORD, SCREENING_FORM
from tests.integration.web_world import (
    A_EMAIL,
    A_NAME,
    A_NOTE,
    ACCOUNTS,
    ACTORS,
    SCREENING,
    SPARE_EMAIL,
    World,
    backend_url,
    clinic,
)

TABLE = """
route                                                    anon        A            B            T1           T2           admin
MOUNT  /static                                           200         200          200          200          200          200
GET    /api/v1/openapi.json                              200         200          200          200          200          200
GET    /                                                 200         303>/today   303>/today   303>/patients 303>/patients 303>/patients
GET    /sign-up                                          200         200          200          200          200          200
POST   /sign-up                                          303>/screening 303>/screening 303>/screening 303>/screening 303>/screening 303>/screening
GET    /sign-in                                          200         200          200          200          200          200
POST   /sign-in                                          303>/screening 303>/screening 303>/screening 303>/screening 303>/screening 303>/screening
POST   /sign-out                                         303>/       303>/        303>/        303>/        303>/        303>/
GET    /join                                             303>/sign-in 200         200          403          403          403
POST   /join                                             303>/sign-in 422         422          403          403          403
GET    /account/tokens                                   303>/sign-in 200         200          200          200          200
POST   /account/tokens                                   303>/sign-in 200         200          200          200          200
GET    /screening                                        303>/sign-in 200         200          303>/patients 303>/patients 303>/patients
POST   /screening                                        303>/sign-in 303>/screening/verdict 303>/screening/verdict 303>/patients 303>/patients 303>/patients
GET    /screening/verdict                                303>/sign-in 200         200          303>/patients 303>/patients 303>/patients
GET    /today                                            303>/sign-in 200         200          303>/patients 303>/patients 303>/patients
POST   /resume                                           303>/sign-in 403         303>/today   303>/patients 303>/patients 303>/patients
GET    /log                                              303>/sign-in 200         200          303>/patients 303>/patients 303>/patients
POST   /log                                              303>/sign-in 303>/decision 303>/decision 303>/patients 303>/patients 303>/patients
GET    /decision                                         303>/sign-in 200         200          303>/patients 303>/patients 303>/patients
GET    /check-in                                         303>/sign-in 200         200          303>/patients 303>/patients 303>/patients
POST   /check-in                                         303>/sign-in 303>/decision 303>/decision 303>/patients 303>/patients 303>/patients
GET    /progress                                         303>/sign-in 200         200          303>/patients 303>/patients 303>/patients
GET    /calendar                                         303>/sign-in 200         200          303>/patients 303>/patients 303>/patients
GET    /calendar/{walker_id}/{token}.ics                 200         200          200          200          200          200
GET    /calibration                                      303>/sign-in 200         200          303>/patients 303>/patients 303>/patients
POST   /calibration                                      303>/sign-in 422         422          303>/patients 303>/patients 303>/patients
GET    /sessions/{session_id}/edit                       303>/sign-in 200         404          303>/patients 303>/patients 303>/patients
POST   /sessions/{session_id}/edit                       303>/sign-in 303>/progress 404         303>/patients 303>/patients 303>/patients
GET    /koos12                                           303>/sign-in 200         200          303>/patients 303>/patients 303>/patients
POST   /koos12                                           303>/sign-in 303>/koos12 303>/koos12  303>/patients 303>/patients 303>/patients
GET    /patients/{walker_id}/koos12                      303>/sign-in 403         403          200          404          200
POST   /patients/{walker_id}/koos12                      303>/sign-in 403         403          303>/patients/{walker_id} 404 303>/patients/{walker_id}
POST   /sessions/{session_id}/direction                  303>/sign-in 422         404          303>/patients 303>/patients 303>/patients
GET    /patients                                         303>/sign-in 403         403          200          200          200
GET    /patients/{walker_id}                             303>/sign-in 403         403          200          404          200
POST   /patients/{walker_id}/target                      303>/sign-in 403         403          303>/patients/{walker_id} 404 303>/patients/{walker_id}
POST   /patients/{walker_id}/outcomes                    303>/sign-in 403         403          303>/patients/{walker_id} 404 303>/patients/{walker_id}
POST   /patients/{walker_id}/resume                      303>/sign-in 403         403          303>/patients/{walker_id} 404 303>/patients/{walker_id}
GET    /invite                                           303>/sign-in 403         403          200          200          200
POST   /invite                                           303>/sign-in 403         403          200          200          200
POST   /api/v1/tokens                                    201         201          201          201          201          201
GET    /api/v1/me                                        401         200          200          200          200          200
GET    /api/v1/walkers                                   401         200          200          200          200          200
GET    /api/v1/walkers/{walker_id}                       401         200          404          200          404          200
GET    /api/v1/patients                                  401         403          403          200          200          200
POST   /api/v1/invitations                               401         403          403          201          201          201
POST   /api/v1/invitations/accept                        401         404          404          403          403          403
POST   /api/v1/screening                                 401         201          201          403          403          403
GET    /api/v1/walkers/{walker_id}/screenings            401         200          404          200          404          200
GET    /api/v1/walkers/{walker_id}/program               401         200          404          200          404          200
PATCH  /api/v1/walkers/{walker_id}/program/target        401         403          404          200          404          200
POST   /api/v1/walkers/{walker_id}/program/resume        401         403          404          200          404          200
GET    /api/v1/walkers/{walker_id}/program/calendar.ics  401         200          404          200          404          200
GET    /api/v1/walkers/{walker_id}/next                  401         200          404          200          404          200
GET    /api/v1/walkers/{walker_id}/progress              401         200          404          200          404          200
GET    /api/v1/walkers/{walker_id}/sessions              401         200          404          200          404          200
POST   /api/v1/walkers/{walker_id}/sessions              401         201          404          201          404          201
GET    /api/v1/walkers/{walker_id}/sessions/{session_id} 401         200          404          200          404          200
PUT    /api/v1/walkers/{walker_id}/sessions/{session_id} 401         200          404          200          404          200
PATCH  /api/v1/walkers/{walker_id}/sessions/{session_id} 401         200          404          200          404          200
DELETE /api/v1/walkers/{walker_id}/sessions/{session_id} 401         204          404          204          404          204
POST   /api/v1/walkers/{walker_id}/sessions/{session_id}/direction 401 422      404          403          404          403
GET    /api/v1/walkers/{walker_id}/calibrations          401         200          404          200          404          200
POST   /api/v1/walkers/{walker_id}/calibrations          401         422          404          422          404          422
GET    /api/v1/walkers/{walker_id}/check-ins             401         200          404          200          404          200
POST   /api/v1/walkers/{walker_id}/check-ins             401         201          404          201          404          201
GET    /api/v1/walkers/{walker_id}/outcome-tests         401         200          404          200          404          200
POST   /api/v1/walkers/{walker_id}/outcome-tests         401         201          404          201          404          201
GET    /api/v1/walkers/{walker_id}/decisions             401         200          404          200          404          200
GET    /api/v1/walkers/{walker_id}/export                401         200          404          200          404          200
"""


def _parse(table: str) -> dict[str, dict[str, str]]:
    rows: dict[str, dict[str, str]] = {}
    for line in table.strip().splitlines()[1:]:
        method, path, *answers = line.split()
        assert len(answers) == len(ACTORS), line
        key = f"{method} {path}"
        assert key not in rows, f"two rows for {key}"
        rows[key] = dict(zip(ACTORS, answers, strict=True))
    return rows


MATRIX = _parse(TABLE)
STRANGERS = ("anonymous", "walker_b", "therapist_2")
"""Those who may not know walker A: nothing they are answered may hold A's data."""
A_SECRETS = (A_NAME, A_EMAIL, A_NOTE)
SHOWN = {
    "GET /api/v1/walkers/{walker_id}": (A_NAME, ("walker_a", "therapist_1", "admin")),
    "GET /api/v1/walkers/{walker_id}/sessions": (A_NOTE, ("walker_a", "therapist_1", "admin")),
    "GET /patients/{walker_id}": (A_NAME, ("therapist_1", "admin")),
    "GET /patients": (A_NAME, ("therapist_1", "admin")),
}
"""Answers that must show A's data to those allowed: the leak check can see it."""
UNKNOWN_CODE = "ABCD-EFGH-JKMN-PQRS"
"""A well-formed invitation code nobody made (joining changes nobody's care)."""
LOG_FORM = {
    "minutes": "5",
    "modality": "treadmill",
    "speed_kmh": "2.2",
    "incline_pct": "0",
    "rails": "on",
    "pain_during_nprs": "1",
    "pain_after_nprs": "1",
}


KOOS_FORM = {item: "1" for items in KOOS12_ITEMS.values() for item in items}


def app_routes(app: FastAPI) -> set[str]:
    """``METHOD path`` of every route (HEAD goes with GET), ``MOUNT path`` of mounts."""
    try:  # FastAPI >= 0.130 keeps included routers as they are
        from fastapi.routing import iter_route_contexts

        found = [(c.original_route, c.path) for c in iter_route_contexts(app.routes)]
    except ImportError:  # pragma: no cover - older FastAPI flattens them
        found = [(route, getattr(route, "path", "")) for route in app.routes]
    keys = set()
    for route, path in found:
        if isinstance(route, Mount):
            keys.add(f"MOUNT {path}")
            continue
        for method in sorted(getattr(route, "methods", None) or ()):
            if method != "HEAD":
                keys.add(f"{method} {path}")
    return keys


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    with (
        backend_url(request.param, tmp_path_factory.mktemp("matrix")) as url,
        clinic(url) as built,
    ):
        yield built


# --- what each asker sends ------------------------------------------------------------------


def _session_body(world: World, actor: str) -> dict[str, Any]:
    return {
        "performed_at": world.now.isoformat(),
        "modality": "treadmill",
        "duration_s": 300,
        "pain_during_nprs": 1,
        "pain_after_nprs": 1,
        "speed_m_s": 0.6,
        "rails": True,
        "notes": f"logged for the matrix by {actor}",
    }


def _fresh_session_of_a(world: World, actor: str) -> str:
    """A session of A made for this one request (edits and deletes leave A's own alone)."""
    result = world.services.log_session(world.walker_id, world.session_for(actor), now=world.now)
    return result.session_id


def _json_and_headers(
    world: World, key: str, actor: str, values: dict[str, str]
) -> tuple[Any, dict[str, str]]:
    n = world.next_number()
    method, _, path = key.partition(" ")
    bodies: dict[str, Any] = {
        "POST /api/v1/tokens": {"email": SPARE_EMAIL, "password": PASSWORD, "name": f"m{n}"},
        "POST /api/v1/invitations/accept": {"code": UNKNOWN_CODE},
        "POST /api/v1/screening": SCREENING,
        "PATCH /api/v1/walkers/{walker_id}/program/target": {
            "modality": "treadmill",
            "duration_s": 300,
            "speed_m_s": 0.6,
        },
        "POST /api/v1/walkers/{walker_id}/sessions": _session_body(world, actor),
        "PUT /api/v1/walkers/{walker_id}/sessions/{session_id}": _session_body(world, actor),
        "PATCH /api/v1/walkers/{walker_id}/sessions/{session_id}": {"notes": f"patched {n}"},
        "POST /api/v1/walkers/{walker_id}/check-ins": {
            "on": world.now.date().isoformat(),
            "pain_next_morning_nprs": 1,
            "replace": True,
        },
        "POST /api/v1/walkers/{walker_id}/outcome-tests": {"kind": "tug", "time_s": 9.5},
        # A's session was logged by hand: nothing to confirm (422) once allowed to ask
        "POST /api/v1/walkers/{walker_id}/sessions/{session_id}/direction": {
            "direction": "backward"
        },
    }
    headers: dict[str, str] = {}
    if actor != "anonymous":
        headers["authorization"] = f"Bearer {world.api_tokens[actor]}"
    if method in ("PUT", "PATCH", "DELETE") or path.endswith("/direction"):
        headers["if-match"] = '"1"' if "{session_id}" in path else "*"
    if "{session_id}" in path and method != "GET":
        values["session_id"] = _fresh_session_of_a(world, actor)
    return bodies.get(key), headers


def _form(world: World, key: str) -> dict[str, str]:
    n = world.next_number()
    forms: dict[str, dict[str, str]] = {
        "POST /sign-up": {
            "display_name": "Newcomer",
            "email": f"newcomer{n}@example.org",
            "password": PASSWORD,
            "role": "walker",
            "invite_code": "",
        },
        "POST /sign-in": {"email": SPARE_EMAIL, "password": PASSWORD},
        "POST /join": {"code": UNKNOWN_CODE},
        "POST /account/tokens": {"name": f"page token {n}"},
        "POST /screening": SCREENING_FORM,
        "POST /resume": {"cleared": "on"},
        "POST /log": LOG_FORM,
        "POST /check-in": {"pain_next_morning_nprs": "1", "usual_pain_nprs": "3", "replace": "on"},
        "POST /patients/{walker_id}/target": {
            "modality": "treadmill",
            "minutes": "5",
            "speed_kmh": "2.2",
            "incline_pct": "0",
            "version": str(programs.current_program(world.services.uow, world.walker_id).version),
        },
        "POST /patients/{walker_id}/outcomes": {"kind": "tug", "time_s": "9.5"},
        "POST /sessions/{session_id}/direction": {"direction": "backward", "version": "1"},
        "POST /sessions/{session_id}/edit": {
            **LOG_FORM,
            "notes": A_NOTE,
            "performed_at": (world.now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "version": str(
                records.get_session(world.services.uow, world.walker_id, world.session_id).version
            ),
        },
        "POST /koos12": KOOS_FORM,
        "POST /patients/{walker_id}/koos12": KOOS_FORM,
    }
    return forms.get(key, {})


def ask(world: World, key: str, actor: str) -> Any:
    """The answer ``actor`` gets for the route ``key`` (about walker A)."""
    method, _, path = key.partition(" ")
    values = {"walker_id": world.walker_id, "session_id": world.session_id}
    if "{token}" in path:
        values["token"] = world.calendar_token(world.walker_id)
    client = world.client
    client.cookies.clear()
    try:
        if method == "MOUNT":
            return client.get(f"{path}/app.css")
        if path.startswith("/api/v1/"):
            body, headers = _json_and_headers(world, key, actor, values)
            url = path.format(**values)
            return client.request(method, url, json=body, headers=headers, follow_redirects=False)
        session = None
        if key == "POST /sign-out" and actor != "anonymous":  # keep the actor's own session
            session = world.fresh_session(ACCOUNTS[actor][0])
        headers = {"cookie": world.cookie(actor, session=session)}
        url = path.format(**values)
        if method == "GET":
            return client.get(url, headers=headers, follow_redirects=False)
        form = {**_form(world, key), "csrf_token": world.csrf[actor][1]}
        return client.request(method, url, data=form, headers=headers, follow_redirects=False)
    finally:
        client.cookies.clear()


def _matches(response: Any, expected: str, walker_id: str) -> bool:
    status, _, target = expected.partition(">")
    if response.status_code != int(status):
        return False
    if not target:
        return True
    location = str(response.headers.get("location", ""))
    target = target.format(walker_id=walker_id)
    return location == target or location.startswith(target + "?")


def _describe(response: Any) -> str:
    location = response.headers.get("location")
    return f"{response.status_code}" + (f">{location}" if location else "")


# --- the tests ------------------------------------------------------------------------------


def test_every_route_has_a_row(world: World) -> None:
    routes = app_routes(world.client.app)  # type: ignore[arg-type]
    assert routes - set(MATRIX) == set(), "routes without a row in the access matrix"
    assert set(MATRIX) - routes == set(), "rows for routes the app does not have"


@pytest.mark.parametrize("key", list(MATRIX))
def test_route_answers_every_asker_as_the_matrix_says(world: World, key: str) -> None:
    wrong, leaks = [], []
    for actor in ACTORS:
        response = ask(world, key, actor)
        expected = MATRIX[key][actor]
        if not _matches(response, expected, world.walker_id):
            wrong.append(f"{actor}: expected {expected}, got {_describe(response)}")
        refused = response.status_code >= 400
        if actor in STRANGERS or (refused and actor != "walker_a"):
            text = response.text
            leaks += [f"{actor} got {secret!r}" for secret in A_SECRETS if secret in text]
        if key in SHOWN and actor in SHOWN[key][1]:
            secret = SHOWN[key][0]
            assert secret in response.text, f"{actor} should see {secret!r} on {key}"
    assert wrong == [], f"{key}: " + "; ".join(wrong)
    assert leaks == [], f"{key}: A's data in answers: " + "; ".join(leaks)


def test_a_calendar_link_opens_only_its_own_walkers_calendar(world: World) -> None:
    """The link's token is the only credential: A's token does not open B's calendar, and
    nobody signed in gets around a wrong token."""
    walker_b = world.actors["walker_b"].walker_id
    token_a = world.calendar_token(world.walker_id)
    for actor in ACTORS:
        headers = {"cookie": world.cookie(actor)}
        response = world.client.get(f"/calendar/{walker_b}/{token_a}.ics", headers=headers)
        world.client.cookies.clear()
        assert response.status_code == 404, actor
