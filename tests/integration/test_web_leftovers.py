"""Issue 4 leftovers on SQLite and PostgreSQL: the walker's links only once a program exists,
the KOOS-12 questionnaire page, and correcting a session (409 when it changed meanwhile)."""

from __future__ import annotations

import re

from retrowalk.domain.outcomes import KOOS12_ITEMS
from retrowalk.services import records
from tests.integration.web_harness import Web, web_fixture  # noqa: F401 - the `web` fixture

EMAIL = "anna@example.org"
LOG_FORM = {
    "minutes": "5",
    "modality": "treadmill",
    "speed_kmh": "2.2",
    "incline_pct": "0",
    "rails": "on",
    "pain_during_nprs": "1",
    "pain_after_nprs": "1",
}
NAV = re.compile(r'<nav aria-label="Main">(.*?)</nav>', re.S)


def nav(html: str) -> str:
    found = NAV.search(html)
    assert found
    return found.group(1)


def test_walker_links_appear_once_there_is_a_program(web: Web) -> None:
    web.sign_up(EMAIL)
    before = nav(web.client.get("/screening").text)
    assert 'href="/today"' not in before and 'href="/log"' not in before
    assert 'href="/screening"' in before
    web.screen()
    after = nav(web.client.get("/today").text)
    for link in ("/today", "/log", "/check-in", "/progress", "/calendar"):
        assert f'href="{link}"' in after


def test_a_walker_sent_to_a_clinician_sees_no_session_links(web: Web) -> None:
    web.sign_up(EMAIL)
    web.screen(heart_symptoms_on_exertion="yes")
    page = web.client.get("/screening/verdict").text
    assert 'href="/today"' not in nav(page) and 'href="/screening"' in nav(page)


def test_the_walker_answers_the_koos12_questionnaire(web: Web) -> None:
    web.sign_up(EMAIL)
    web.screen()
    page = web.client.get("/koos12").text
    assert page.count("<select") == 12 and "No KOOS-12 yet" in page
    answers = {item: "1" for items in KOOS12_ITEMS.values() for item in items}
    saved = web.post_form("/koos12", answers)
    assert saved.status_code == 303 and saved.headers["location"] == "/koos12?notice=saved"
    shown = web.client.get("/koos12?notice=saved").text
    assert "scored and saved" in shown and "<td>75</td>" in shown  # 100 - 1 x 25 everywhere
    bad = web.post_form("/koos12", {**answers, "pain_walking": "7"})
    assert bad.status_code == 422 and "pain_walking" in bad.text
    few = web.post_form("/koos12", {"pain_walking": "2"})
    assert few.status_code == 422 and "at least 2 answered items" in few.text
    outcomes = records.outcomes(web.services.uow, web.walker_id(EMAIL))
    assert [o.outcome.value for o in outcomes] == [75.0]


def test_the_walker_corrects_a_session_and_a_stale_form_gets_409(web: Web) -> None:
    web.sign_up(EMAIL)
    web.screen()
    walker_id = web.walker_id(EMAIL)
    assert web.post_form("/log", LOG_FORM).status_code == 303
    (stored,) = records.all_sessions(web.services.uow, walker_id)
    progress = web.client.get("/progress").text
    assert f'href="/sessions/{stored.id}/edit"' in progress
    page = web.client.get(f"/sessions/{stored.id}/edit").text
    assert "Correct a session" in page and 'name="version" value="1"' in page
    assert 'name="minutes"' in page and 'value="5"' in page
    form = {**LOG_FORM, "minutes": "7", "version": "1"}
    done = web.post_form(f"/sessions/{stored.id}/edit", form, from_page="/log")
    assert done.status_code == 303 and done.headers["location"] == "/progress?notice=edited"
    assert "is corrected" in web.client.get("/progress?notice=edited").text
    edited = records.get_session(web.services.uow, walker_id, stored.id)
    assert edited.version == 2 and edited.session.duration_s == 420
    # the same form again (an old tab): refused, nothing overwritten
    stale = web.post_form(f"/sessions/{stored.id}/edit", {**form, "minutes": "9"}, from_page="/log")
    assert stale.status_code == 409 and "Not saved" in stale.text
    assert records.get_session(web.services.uow, walker_id, stored.id).session.duration_s == 420
    bad = web.post_form(
        f"/sessions/{stored.id}/edit", {**form, "minutes": "abc", "version": "2"}, from_page="/log"
    )
    assert bad.status_code == 422
    (revision,) = web.services.session_revisions(walker_id, stored.id)
    assert revision.previous.duration_s == 300
    other = web.client.get("/sessions/not-a-session/edit")
    assert other.status_code == 404
