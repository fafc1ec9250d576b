"""Issue 4 leftovers on SQLite and PostgreSQL: the walker's links only once a program exists,
the KOOS-12 questionnaire page, and correcting a session (409 when it changed meanwhile; the
duration shown and typed as minutes:seconds, a save keeping the stored seconds of a duration left
as shown; test_web_correction_keeps has the other fields)."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest

from retrowalk.domain.models import LoggedSession, Modality
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
INPUT_VALUE = re.compile(r'<input[^>]*? name="(\w+)"[^>]*? value="([^"]*)"')
MINUTES_INPUT = re.compile(r'<input id="minutes"[^>]*>')


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
    assert 'name="minutes"' in page and 'value="5:00"' in page
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


def rendered_inputs(page: str) -> dict[str, str]:
    """The values the page's inputs were filled in with (not the CSRF token: posts add it)."""
    values = {name: html.unescape(value) for name, value in INPUT_VALUE.findall(page)}
    values.pop("csrf_token", None)
    return values


def field_error(page: str, name: str) -> str:
    found = re.search(rf'<p class="field-error" id="{name}-error">(.*?)</p>', page, re.S)
    assert found, f"no error beside {name}"
    return html.unescape(found.group(1))


IMPORTED_S = 363.7  # a recording's duration: not whole minutes, not even whole seconds


def test_a_correction_shows_minutes_and_seconds_and_an_unchanged_save_keeps_the_seconds(
    web: Web,
) -> None:
    web.sign_up(EMAIL)
    web.screen()
    walker_id = web.walker_id(EMAIL)
    now = web.clock()
    logged = LoggedSession(
        performed_at=now - timedelta(hours=2),
        modality=Modality.TREADMILL,
        duration_s=IMPORTED_S,
        pain_during_nprs=1,
        pain_after_nprs=2,
        speed_m_s=0.6,
        notes="from the watch",
    )
    session_id = web.services.log_session(walker_id, logged, now=now).session_id
    path = f"/sessions/{session_id}/edit"

    page = web.client.get(path).text
    (field,) = MINUTES_INPUT.findall(page)
    assert 'value="6:04"' in field and 'type="text"' in field
    assert 'aria-describedby="minutes-hint"' in field
    assert '<label for="minutes">' in page
    assert re.search(r'id="minutes-hint">[^<]*0:30 to 180:00', page)
    shown = {**rendered_inputs(page), "modality": "treadmill", "notes": "from the watch"}
    assert shown["minutes"] == "6:04"

    # saved as shown: nothing changed, nothing stored
    unchanged = web.post_form(path, shown)
    assert unchanged.headers["location"] == "/progress?notice=unchanged"
    assert records.get_session(web.services.uow, walker_id, session_id).version == 1
    # another field corrected: the duration left as shown keeps its exact seconds (not 364,
    # not 6.0667 min x 60)
    assert web.post_form(path, {**shown, "notes": "from the watch, 2nd"}).status_code == 303
    kept = records.get_session(web.services.uow, walker_id, session_id)
    assert kept.version == 2 and kept.session.duration_s == IMPORTED_S
    shown["version"] = "2"

    # typed as plain minutes, then as minutes:seconds
    assert web.post_form(path, {**shown, "minutes": "6.5"}).status_code == 303
    assert records.get_session(web.services.uow, walker_id, session_id).session.duration_s == 390
    page = web.client.get(path).text
    assert 'value="6:30"' in MINUTES_INPUT.findall(page)[0]
    shown["version"] = "3"
    assert web.post_form(path, {**shown, "minutes": "6:04"}).status_code == 303
    assert records.get_session(web.services.uow, walker_id, session_id).session.duration_s == 364


@pytest.mark.parametrize("typed", ["6:75", "abc", "-6", "0:20", "180:01", "200"])
def test_a_bad_duration_is_refused_beside_the_field_and_nothing_is_stored(
    web: Web, typed: str
) -> None:
    web.sign_up(EMAIL)
    web.screen()
    walker_id = web.walker_id(EMAIL)
    assert web.post_form("/log", LOG_FORM).status_code == 303
    (stored,) = records.all_sessions(web.services.uow, walker_id)
    path = f"/sessions/{stored.id}/edit"
    shown = {**rendered_inputs(web.client.get(path).text), "modality": "treadmill"}
    typed_form = {**shown, "minutes": typed, "speed_kmh": "2.6", "notes": "a typed note"}

    refused = web.post_form(path, typed_form, from_page=path)

    assert refused.status_code == 422
    message = field_error(refused.text, "minutes")
    assert message.startswith(f"minutes: {typed!r} is not allowed")
    assert "minutes:seconds from 0:30 to 180:00" in message and "6.5" in message
    (field,) = MINUTES_INPUT.findall(refused.text)
    assert f'value="{html.escape(typed)}"' in field and 'aria-invalid="true"' in field
    assert 'aria-describedby="minutes-hint minutes-error"' in field
    assert 'value="2.6"' in refused.text and "a typed note</textarea>" in refused.text
    after = records.get_session(web.services.uow, walker_id, stored.id)
    assert after.version == 1 and after.session.duration_s == 300
    assert not web.services.session_revisions(walker_id, stored.id)


def test_the_log_form_takes_minutes_and_seconds_too(web: Web) -> None:
    web.sign_up(EMAIL)
    web.screen()
    walker_id = web.walker_id(EMAIL)
    target = web.services.current_target(walker_id)
    assert target is not None
    page = web.client.get("/log").text
    shown = f"{int(target.duration_s) // 60}:{int(target.duration_s) % 60:02d}"
    assert f'value="{shown}"' in MINUTES_INPUT.findall(page)[0]
    assert web.post_form("/log", {**LOG_FORM, "minutes": "7:45"}).status_code == 303
    (stored,) = records.all_sessions(web.services.uow, walker_id)
    assert stored.session.duration_s == 465
    refused = web.post_form("/log", {**LOG_FORM, "minutes": "7:99"})
    assert refused.status_code == 422 and "0:30 to 180:00" in field_error(refused.text, "minutes")
    assert len(records.all_sessions(web.services.uow, walker_id)) == 1
