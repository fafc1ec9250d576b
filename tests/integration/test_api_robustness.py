"""Requests that once answered 500 (found by probing the API the way schemathesis does), each
now a clear 4xx naming what was wrong; SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest

from retrowalk.errors import InvalidInput
from retrowalk.web.routes.api import if_match
from tests.integration.test_api import (
    API,
    SCREENING,
    enrolled,
    is_problem,
    session_body,
    token_for,
)
from tests.integration.web_harness import PASSWORD, Web, web_fixture  # noqa: F401 - `web`


def _raw_json(web: Web, method: str, url: str, body: Any, headers: dict[str, str]) -> Any:
    """Send JSON as Python writes it, NaN and Infinity included (JSON proper has neither)."""
    content = json.dumps(body, allow_nan=True).encode()
    headers = {**headers, "content-type": "application/json"}
    return web.client.request(method, url, content=content, headers=headers)


def test_text_with_a_nul_character_is_refused_naming_the_field(web: Web) -> None:
    """PostgreSQL cannot store or even compare text holding NUL: it was a 500 there."""
    headers, walker_id = enrolled(web)
    url = f"{API}/walkers/{walker_id}/sessions"
    logged = web.client.post(url, json=session_body(notes="knee\x00ok"), headers=headers)
    assert is_problem(logged, 422)["field"] == "notes"
    signing_in = web.client.post(
        f"{API}/tokens", json={"email": "anna\x00@example.org", "password": PASSWORD}
    )
    assert is_problem(signing_in, 422)["field"] == "email"
    named = web.client.post(
        f"{API}/tokens",
        json={"email": "anna@example.org", "password": PASSWORD, "name": "cron\x00"},
    )
    assert is_problem(named, 422)["field"] == "name"
    created = web.client.post(url, json=session_body(), headers=headers)
    patched = web.client.patch(
        created.headers["location"],
        json={"notes": "\x00"},
        headers={**headers, "if-match": created.headers["etag"]},
    )
    assert is_problem(patched, 422)["field"] == "notes"
    assert web.client.get(url, headers=headers).json()["total"] == 1  # only the clean one


def test_a_nul_character_in_the_address_is_a_bad_request(web: Web) -> None:
    headers, walker_id = enrolled(web)
    for path in (
        f"{API}/walkers/{walker_id}/sessions/%00",
        f"{API}/walkers/%00",
        f"{API}/walkers/{walker_id}/sessions?limit=5&x=%00",
    ):
        body = is_problem(web.client.get(path, headers=headers), 400)
        assert "NUL" in body["detail"], path
    therapist = {"authorization": headers["authorization"]}
    assert is_problem(web.client.get(f"{API}/patients?sort=%00", headers=therapist), 400)
    page = web.client.get("/patients/%00", follow_redirects=False)
    assert page.status_code == 400 and "NUL" in page.text


def test_a_page_form_with_a_nul_character_is_refused_beside_its_field(web: Web) -> None:
    response = web.post_form(
        "/sign-up",
        {
            "display_name": "Anna\x00",
            "email": "anna@example.org",
            "password": PASSWORD,
            "role": "walker",
            "invite_code": "",
        },
    )
    assert response.status_code == 422
    assert 'id="display_name-error"' in response.text
    with web.services.uow(read_only=True) as work:
        assert work.accounts.by_email("anna@example.org") is None


def test_numbers_that_are_not_finite_are_refused_naming_the_field(web: Web) -> None:
    """NaN and Infinity (Python's JSON reader takes them) once crashed the error answer."""
    headers, walker_id = enrolled(web)
    url = f"{API}/walkers/{walker_id}/sessions"
    for field, value in (("speed_m_s", float("nan")), ("duration_s", float("inf"))):
        response = _raw_json(web, "POST", url, session_body(**{field: value}), headers)
        assert is_problem(response, 422)["field"] == field
    screening = _raw_json(
        web, "POST", f"{API}/screening", {**SCREENING, "body_mass_kg": float("inf")}, headers
    )
    assert is_problem(screening, 422)["field"] == "body_mass_kg"
    assert web.client.get(url, headers=headers).json()["total"] == 0


@pytest.mark.parametrize("header", ['"²"', '"¹²"', 'W/"³"', '"1²"'])
def test_an_if_match_with_digits_of_another_script_is_refused(header: str) -> None:
    """A server decodes header bytes as Latin-1, so b'\\xb2' arrives as '²', which passes
    str.isdigit() but not int(): it was a 500."""
    with pytest.raises(InvalidInput) as info:
        if_match(header, 7)
    assert info.value.field == "If-Match"
    assert if_match('"12"', 7) == 12 and if_match("*", 7) == 7


def test_screening_again_checks_the_program_length_too(web: Web) -> None:
    headers, _ = enrolled(web)
    again = web.client.post(f"{API}/screening", json={**SCREENING, "weeks": 10**6}, headers=headers)
    body = is_problem(again, 422)
    assert body["field"] == "weeks" and "weeks" in body["allowed"]


def test_the_openapi_document_shows_the_domains_ranges_and_if_match(web: Web) -> None:
    document = web.client.get(f"{API}/openapi.json").json()
    session = document["components"]["schemas"]["SessionIn"]["properties"]
    assert session["pain_during_nprs"]["minimum"] == 0
    assert session["pain_during_nprs"]["maximum"] == 10
    assert session["duration_s"]["minimum"] == 30
    item = document["paths"]["/api/v1/walkers/{walker_id}/sessions/{session_id}"]
    for method in ("put", "patch", "delete"):
        names = [p["name"] for p in item[method]["parameters"]]
        assert "If-Match" in names, method


def test_a_version_beyond_any_stored_one_is_refused_not_a_crash(web: Web) -> None:
    """PostgreSQL refuses to compare its 32-bit version column with a larger number: a 500."""
    walker_headers, walker_id = enrolled(web)
    therapist = token_for(web, "pt@example.org", role="therapist", name="Dr Berg")
    code = web.client.post(f"{API}/invitations", headers=therapist).json()["code"]
    web.client.post(f"{API}/invitations/accept", json={"code": code}, headers=walker_headers)
    url = f"{API}/walkers/{walker_id}/program/target"
    target = {"modality": "treadmill", "duration_s": 240, "speed_m_s": 0.5}
    huge = '"99999999999999999999999"'
    response = web.client.patch(url, json=target, headers={**therapist, "if-match": huge})
    assert is_problem(response, 422)["field"] == "If-Match"

    web.post_form("/sign-in", {"email": "pt@example.org", "password": PASSWORD})
    page = web.post_form(
        f"/patients/{walker_id}/target",
        {
            "modality": "treadmill",
            "minutes": "4",
            "speed_kmh": "2.0",
            "incline_pct": "0",
            "version": "99999999999999999999999",
        },
        from_page=f"/patients/{walker_id}",
    )
    assert page.status_code == 422 and 'id="version-error"' in page.text
    program = web.client.get(f"{API}/walkers/{walker_id}/program", headers=therapist).json()
    assert program["version"] == 1  # nothing changed
