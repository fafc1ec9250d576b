"""The web on the real accounts: who may sign up as what, shared display names, and who
resumes a paused program (SQLite and PostgreSQL)."""

from __future__ import annotations

import re

import pytest

from retrowalk.domain.models import DecisionKind
from retrowalk.services import records
from retrowalk.services.sessions import RESUMED
from tests.integration.web_harness import PASSWORD, Web, web_fixture  # noqa: F401 - `web`

API = "/api/v1"
PAINFUL = {
    "minutes": "5",
    "modality": "treadmill",
    "speed_kmh": "2.2",
    "incline_pct": "0",
    "rails": "on",
    "pain_during_nprs": "8",
    "pain_after_nprs": "8",
}


def _account_role(web: Web, email: str) -> str | None:
    with web.services.uow(read_only=True) as work:
        account = work.accounts.by_email(email)
    return None if account is None else account.role.value


def test_the_public_sign_up_never_creates_an_admin(web: Web) -> None:
    for number, role in enumerate(["admin", "ADMIN", "Admin", " admin", "administrator", ""]):
        email = f"mallory{number}@example.org"
        response = web.post_form(
            "/sign-up",
            {
                "display_name": "Mallory",
                "email": email,
                "password": PASSWORD,
                "role": role,
                "invite_code": "",
            },
        )
        assert response.status_code == 422, role
        assert 'id="role-error"' in response.text, role
        assert _account_role(web, email) is None, role  # no account at all
        assert "rw_session" not in response.cookies, role


def test_the_sign_up_form_offers_walker_and_therapist_only(web: Web) -> None:
    page = web.client.get("/sign-up").text
    offered = set(re.findall(r'name="role" value="([^"]+)"', page))
    assert offered == {"walker", "therapist"}
    therapist = web.sign_up("pt@example.org", role="therapist", name="Dr Berg")
    assert therapist.headers["location"] == "/patients"
    assert _account_role(web, "pt@example.org") == "therapist"


def test_the_gateway_refuses_an_admin_sign_up_too(web: Web) -> None:
    """Defence in depth: even a route that forgot the check cannot make an admin."""
    from retrowalk.errors import InvalidInput

    gateway = web.client.app.state.web.accounts  # type: ignore[attr-defined]
    with pytest.raises(InvalidInput) as info:
        gateway.sign_up(
            email="root@example.org",
            password=PASSWORD,
            display_name="Root",
            role="admin",
            now=web.clock(),
        )
    assert info.value.field == "role"
    assert _account_role(web, "root@example.org") is None


def test_two_walkers_with_the_same_name_both_enrol(web: Web) -> None:
    web.sign_up("anna1@example.org", name="Anna Berg")
    web.screen()
    web.sign_out()
    web.sign_up("anna2@example.org", name="Anna Berg")
    web.screen()
    first, second = web.walker_id("anna1@example.org"), web.walker_id("anna2@example.org")
    assert first != second
    assert web.client.get("/today").status_code == 200
    names = {records.walker(web.services.uow, i).profile.display_name for i in (first, second)}
    assert names == {"Anna Berg"}


def test_two_api_walkers_with_the_same_name_both_enrol(web: Web) -> None:
    from tests.integration.test_api import enrolled

    _, first = enrolled(web, "anna1@example.org")
    _, second = enrolled(web, "anna2@example.org")
    assert first != second


def _paused_walker(web: Web, email: str = "anna@example.org", invite: str = "") -> str:
    web.sign_up(email, invite=invite)
    web.screen()
    response = web.post_form("/log", PAINFUL)
    assert response.status_code == 303
    walker_id = web.walker_id(email)
    assert web.services.plan(walker_id, now=web.clock()).status == "paused"
    return walker_id


def test_a_walker_without_a_therapist_resumes_once_cleared(web: Web) -> None:
    walker_id = _paused_walker(web)
    today = web.client.get("/today").text
    assert 'action="/resume"' in today and "no therapist" in today
    unticked = web.post_form("/resume", {}, from_page="/today")
    assert unticked.status_code == 422 and 'id="cleared-error"' in unticked.text
    assert web.services.plan(walker_id, now=web.clock()).status == "paused"

    resumed = web.post_form("/resume", {"cleared": "on"}, from_page="/today")
    assert resumed.status_code == 303 and resumed.headers["location"] == "/today?notice=resumed"
    assert web.services.plan(walker_id, now=web.clock()).status == "active"
    latest = records.latest_decision(web.services.uow, walker_id)
    assert latest is not None and latest.decision.kind is DecisionKind.HOLD
    assert [r.rule_id for r in latest.decision.reasons] == [RESUMED]
    assert "active again" in web.client.get("/today?notice=resumed").text
    again = web.post_form("/resume", {"cleared": "on"}, from_page="/today")
    assert again.headers["location"] == "/today?notice=not-paused"


def test_a_therapists_patient_cannot_resume_their_own_program(web: Web) -> None:
    web.sign_up("pt@example.org", role="therapist", name="Dr Berg")
    code = re.search(r'<code class="token">([^<]+)</code>', web.post_form("/invite", {}).text)
    assert code
    web.sign_out()
    walker_id = _paused_walker(web, invite=code.group(1))
    today = web.client.get("/today").text
    assert 'action="/resume"' not in today
    assert "Your therapist resumes the program" in today
    refused = web.post_form("/resume", {"cleared": "on"}, from_page="/today")
    assert refused.status_code == 403 and "therapist" in refused.text
    assert web.services.plan(walker_id, now=web.clock()).status == "paused"
    token = web.client.post(
        f"{API}/tokens", json={"email": "anna@example.org", "password": PASSWORD}
    ).json()["token"]
    by_api = web.client.post(
        f"{API}/walkers/{walker_id}/program/resume",
        headers={"authorization": f"Bearer {token}"},
    )
    assert by_api.status_code == 403
    assert web.services.plan(walker_id, now=web.clock()).status == "paused"

    web.sign_out()
    web.post_form("/sign-in", {"email": "pt@example.org", "password": PASSWORD})
    before = web.services.patient_list(web.actor("pt@example.org"), now=web.clock())
    assert "pain-flare" in {f.kind.value for f in before[0].flags}
    page = web.client.get(f"/patients/{walker_id}").text
    assert f'action="/patients/{walker_id}/resume"' in page
    done = web.post_form(f"/patients/{walker_id}/resume", {}, from_page=f"/patients/{walker_id}")
    assert done.headers["location"] == f"/patients/{walker_id}?notice=resumed"
    assert web.services.plan(walker_id, now=web.clock()).status == "active"
    rows = web.services.patient_list(web.actor("pt@example.org"), now=web.clock())
    kinds = {f.kind.value for f in rows[0].flags}
    assert not kinds & {"pain-flare", "program-paused"}  # reviewed at the resume


def test_only_a_walker_joins_a_therapist(web: Web) -> None:
    web.sign_up("pt@example.org", role="therapist", name="Dr Berg")
    assert web.client.get("/join").status_code == 403
    refused = web.post_form("/join", {"code": "ABCD-EFGH-JKMN-PQRS"}, from_page="/patients")
    assert refused.status_code == 403
