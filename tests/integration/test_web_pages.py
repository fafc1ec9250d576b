"""The web pages end to end on SQLite and PostgreSQL (FastAPI's TestClient, real store, real
accounts)."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import icalendar
import pytest

from retrowalk.domain.evidence import SOURCES
from retrowalk.domain.models import DecisionKind
from retrowalk.services import records
from retrowalk.web import charts
from tests.integration.web_harness import Web, web_fixture  # noqa: F401 - the `web` fixture

STATIC = Path(__file__).resolve().parents[2] / "src" / "retrowalk" / "web" / "static"


def walker_ready(web: Web, email: str = "anna@example.org", **answers: str) -> str:
    web.sign_up(email)
    web.screen(**answers)
    return web.walker_id(email)


LOG_FORM = {
    "minutes": "5",
    "modality": "treadmill",
    "speed_kmh": "2.2",
    "incline_pct": "0",
    "rails": "on",
    "pain_during_nprs": "1",
    "pain_after_nprs": "1",
}


# --- walker journey ---------------------------------------------------------------------------


def test_screening_form_is_one_form_in_five_labelled_steps(web: Web) -> None:
    web.sign_up("anna@example.org")
    page = web.client.get("/screening")
    assert page.status_code == 200
    assert page.text.count("data-step>") == 5
    assert "Step 1 of 5" in page.text and "Step 5 of 5" in page.text
    assert "<progress" in page.text


def test_walker_screens_and_sees_the_verdict_with_reasons_and_sources(web: Web) -> None:
    walker_id = walker_ready(web, falls_last_12_months="2")
    stored = records.latest_screening(web.services.uow, walker_id)
    assert stored is not None and stored.result.verdict.value == "supervised"
    page = web.client.get("/screening/verdict")
    assert "Suitable with supervision" in page.text
    for reason in stored.result.reasons:
        assert reason.text in page.text.replace("&#39;", "'")
    shown = html.unescape(page.text)
    assert all(SOURCES[r.citation].short in shown for r in stored.result.reasons)


def test_missing_screening_answer_is_refused_naming_the_question(web: Web) -> None:
    web.sign_up("anna@example.org")
    from tests.integration.web_harness import SCREENING_FORM

    form = {k: v for k, v in SCREENING_FORM.items() if k != "heart_symptoms_on_exertion"}
    response = web.post_form("/screening", form)
    assert response.status_code == 422
    assert 'id="heart_symptoms_on_exertion-error"' in response.text
    assert web.account_walker_id("anna@example.org") is None  # nothing enrolled


def test_red_flag_sends_to_a_clinician_and_gives_no_program(web: Web) -> None:
    web.sign_up("anna@example.org")
    web.screen(heart_symptoms_on_exertion="yes")
    verdict = web.client.get("/screening/verdict")
    assert "See a clinician first" in verdict.text
    assert "no program" in verdict.text.lower()
    today = web.client.get("/today")
    assert today.status_code == 200 and "no program" in today.text.lower()


def test_todays_card_shows_the_target_warmup_safety_cues_and_a_timer(web: Web) -> None:
    walker_id = walker_ready(web)
    view = web.services.next_session(walker_id, now=web.clock())
    page = web.client.get("/today")
    assert page.status_code == 200
    assert f'data-seconds="{int(view.target.duration_s)}"' in page.text
    assert view.warmup and view.warmup[0] in page.text
    assert view.safety_cues
    text = page.text.replace("&#39;", "'")
    assert all(cue.text in text for cue in view.safety_cues)


def test_log_form_is_prefilled_from_the_target(web: Web) -> None:
    walker_id = walker_ready(web)
    target = web.services.current_target(walker_id)
    assert target is not None
    page = web.client.get("/log").text
    assert f'value="{target.duration_s / 60:g}"' in page
    assert f'<option value="{target.modality.value}" selected>' in page
    assert 'type="range"' in page and "0-2 safe" in page


def test_logging_a_session_shows_the_decision_and_its_reasons(web: Web) -> None:
    walker_id = walker_ready(web)
    response = web.post_form("/log", LOG_FORM)
    assert response.status_code == 303 and response.headers["location"] == "/decision?after=log"
    stored = records.latest_decision(web.services.uow, walker_id)
    assert stored is not None
    page = web.client.get("/decision?after=log").text.replace("&#39;", "'")
    assert "Next session:" in page
    assert "Saved:" in page
    assert all(reason.text in page for reason in stored.decision.reasons)
    assert records.sessions_page(web.services.uow, walker_id).total == 1


def test_pain_out_of_range_is_refused_beside_its_field(web: Web) -> None:
    walker_id = walker_ready(web)
    response = web.post_form("/log", {**LOG_FORM, "pain_during_nprs": "11"})
    assert response.status_code == 422
    assert 'id="pain_during_nprs-error"' in response.text
    assert "0 to 10" in response.text
    assert records.sessions_page(web.services.uow, walker_id).total == 0


def test_form_post_without_csrf_token_is_refused_and_saves_nothing(web: Web) -> None:
    walker_id = walker_ready(web)
    response = web.client.post("/log", data=LOG_FORM, follow_redirects=False)
    assert response.status_code == 403
    forged = web.client.post(
        "/log", data={**LOG_FORM, "csrf_token": "0" * 64}, follow_redirects=False
    )
    assert forged.status_code == 403
    assert records.sessions_page(web.services.uow, walker_id).total == 0


def test_morning_check_in_is_saved_once_and_can_be_replaced(web: Web) -> None:
    walker_id = walker_ready(web)
    web.post_form("/log", LOG_FORM)
    check_in = {"pain_next_morning_nprs": "1", "usual_pain_nprs": "3"}
    first = web.post_form("/check-in", check_in)
    assert first.status_code == 303 and first.headers["location"] == "/decision?after=check-in"
    after_check_in = web.client.get(first.headers["location"]).text
    assert "Check-in saved." in after_check_in and "Saved:" not in after_check_in
    again = web.post_form("/check-in", {**check_in, "pain_next_morning_nprs": "2"})
    assert again.status_code == 409 and 'name="replace"' in again.text
    replaced = web.post_form(
        "/check-in", {**check_in, "pain_next_morning_nprs": "2", "replace": "on"}
    )
    assert replaced.status_code == 303
    stored = records.checkins(web.services.uow, walker_id)
    assert [c.checkin.pain_next_morning_nprs for c in stored] == [2]


def test_progress_page_draws_svg_charts_with_their_numbers(web: Web) -> None:
    walker_ready(web)
    for _ in range(2):
        web.post_form("/log", LOG_FORM)
    page = web.client.get("/progress")
    assert page.status_code == 200
    svgs = re.findall(r"<svg [^>]*>", page.text)
    assert len(svgs) >= 3  # minutes, pain, speed (incline too: 0 %)
    assert all('role="img"' in tag for tag in svgs)
    assert "Minutes per week against the plan" in page.text
    assert "<?xml" not in page.text  # inline SVG, no prologue


def test_calendar_feed_parses_and_keeps_its_uids_across_downloads(web: Web) -> None:
    walker_id = walker_ready(web)
    page = web.client.get("/calendar").text
    link = re.search(r'href="http://testserver(/calendar/[^"]+\.ics)"', page)
    assert link, "no calendar link on the page"
    first = web.client.get(link.group(1))
    second = web.client.get(link.group(1))
    assert first.status_code == 200 and first.headers["content-type"].startswith("text/calendar")
    events = icalendar.Calendar.from_ical(first.content).walk("VEVENT")
    plan = web.services.plan(walker_id, now=web.clock())
    assert len(events) == len(plan.program.sessions)
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    again = [str(e["UID"]) for e in icalendar.Calendar.from_ical(second.content).walk("VEVENT")]
    assert again == uids
    wrong = link.group(1).replace(".ics", "0.ics")
    assert web.client.get(wrong).status_code == 404


# --- cookies and sign-in ----------------------------------------------------------------------


def _set_cookie_headers(response: object) -> list[str]:
    return [v for k, v in response.headers.multi_items() if k.lower() == "set-cookie"]  # type: ignore[attr-defined]


def test_session_cookie_is_httponly_lax_and_secure_behind_tls(web: Web) -> None:
    response = web.sign_up("anna@example.org")
    session = next(h for h in _set_cookie_headers(response) if h.startswith("rw_session="))
    assert "HttpOnly" in session and "SameSite=lax" in session.replace("Lax", "lax")
    assert "Secure" not in session
    web.sign_out()
    token = web.csrf()
    behind_tls = web.client.post(
        "/sign-in",
        data={
            "email": "anna@example.org",
            "password": "correct horse battery",
            "csrf_token": token,
        },
        headers={"x-forwarded-proto": "https"},
        follow_redirects=False,
    )
    assert behind_tls.status_code == 303
    cookie = next(h for h in _set_cookie_headers(behind_tls) if h.startswith("rw_session="))
    assert "Secure" in cookie


def test_wrong_password_is_refused_and_pages_need_sign_in(web: Web) -> None:
    web.sign_up("anna@example.org")
    web.sign_out()
    assert (
        web.client.get("/today", follow_redirects=False)
        .headers["location"]
        .startswith("/sign-in?next=/today")
    )
    refused = web.post_form("/sign-in", {"email": "anna@example.org", "password": "wrong one!!"})
    assert refused.status_code == 403 and "wrong" in refused.text


# --- therapist --------------------------------------------------------------------------------


def test_therapist_invites_sees_the_flag_edits_records_and_resumes(web: Web) -> None:
    web.sign_up("pt@example.org", role="therapist", name="Dr Berg")
    invite_page = web.post_form("/invite", {})
    code = re.search(r'<code class="token">([^<]+)</code>', invite_page.text)
    assert code
    web.sign_out()
    web.sign_up("anna@example.org", invite=code.group(1))  # the sign-up link's code
    web.screen()
    walker_id = web.walker_id("anna@example.org")
    assert walker_id in web.services.patient_ids(web.actor("pt@example.org"))
    # Anna logs a painful session: the program stops (pain over 7).
    web.post_form("/log", {**LOG_FORM, "pain_during_nprs": "8", "pain_after_nprs": "8"})
    stored = records.latest_decision(web.services.uow, walker_id)
    assert stored is not None and stored.decision.kind is DecisionKind.STOP
    web.sign_out()

    web.post_form("/sign-in", {"email": "pt@example.org", "password": "correct horse battery"})
    listing = web.client.get("/patients")
    assert "Anna" in listing.text and 'class="badge urgent"' in listing.text
    page = web.client.get(f"/patients/{walker_id}")
    assert page.status_code == 200
    assert "Stop and see a clinician" in page.text
    assert stored.decision.reasons[0].text.replace("'", "&#39;") in page.text
    assert "<svg" in page.text

    program = web.services.plan(walker_id, now=web.clock())
    version = re.search(r'name="version" value="(\d+)"', page.text)
    assert version
    target = {"modality": "treadmill", "minutes": "4", "speed_kmh": "2.0", "incline_pct": "0"}
    stale = web.post_form(
        f"/patients/{walker_id}/target",
        {**target, "version": str(int(version.group(1)) - 1)},
        from_page=f"/patients/{walker_id}",
    )
    assert stale.status_code == 409
    saved = web.post_form(
        f"/patients/{walker_id}/target",
        {**target, "version": version.group(1)},
        from_page=f"/patients/{walker_id}",
    )
    assert saved.status_code == 303
    assert web.services.current_target(walker_id).duration_s == 240  # type: ignore[union-attr]
    assert program.status == "paused"

    test = web.post_form(
        f"/patients/{walker_id}/outcomes",
        {
            "kind": "3mbwt",
            "time_s": "5.1",
            "start": "static",
            "population": "community-older-adults",
        },
        from_page=f"/patients/{walker_id}",
    )
    assert test.status_code == 303
    assert [o.outcome.value for o in records.outcomes(web.services.uow, walker_id)] == [5.1]

    resumed = web.post_form(f"/patients/{walker_id}/resume", {}, from_page=f"/patients/{walker_id}")
    assert resumed.status_code == 303
    assert web.services.plan(walker_id, now=web.clock()).status == "active"


def test_therapist_cannot_open_a_walker_who_is_not_their_patient(web: Web) -> None:
    walker_id = walker_ready(web)
    web.sign_out()
    web.sign_up("pt@example.org", role="therapist", name="Dr Berg")
    assert web.client.get(f"/patients/{walker_id}").status_code == 404
    resumed = web.post_form(f"/patients/{walker_id}/resume", {}, from_page="/patients")
    assert resumed.status_code == 404


# --- accessibility ----------------------------------------------------------------------------


class _Audit(HTMLParser):
    """Collects what an accessibility check needs: lang, skip link, inputs and their labels."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.skip_link = False
        self.label_for: set[str] = set()
        self.inputs: list[tuple[str, dict[str, str | None]]] = []
        self.open_labels = 0
        self.wrapped: set[int] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang") or ""
        if tag == "a" and a.get("href") == "#main":
            self.skip_link = True
        if tag == "label":
            self.open_labels += 1
            if a.get("for"):
                self.label_for.add(str(a["for"]))
        if tag in ("input", "select", "textarea") and a.get("type") != "hidden":
            if self.open_labels:
                self.wrapped.add(len(self.inputs))
            self.inputs.append((tag, a))

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.open_labels -= 1

    def unlabelled(self) -> list[str]:
        missing = []
        for index, (tag, a) in enumerate(self.inputs):
            if index in self.wrapped or a.get("aria-label") or (a.get("id") in self.label_for):
                continue
            missing.append(f"{tag} {a.get('name') or a.get('id')}")
        return missing


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_page_has_lang_a_skip_link_and_labelled_inputs(web: Web) -> None:
    for path in ("/", "/sign-up", "/sign-in"):
        audit = _Audit()
        audit.feed(web.client.get(path).text)
        assert audit.lang == "en" and audit.skip_link, path
        assert audit.unlabelled() == [], path
    walker_id = walker_ready(web)
    web.post_form("/log", LOG_FORM)
    pages = ["/screening", "/screening/verdict", "/today", "/log", "/decision", "/check-in"]
    pages += ["/progress", "/calendar", "/account/tokens"]
    for path in pages:
        response = web.client.get(path)
        assert response.status_code == 200, path
        audit = _Audit()
        audit.feed(response.text)
        assert audit.lang == "en" and audit.skip_link, path
        assert audit.unlabelled() == [], path
    assert walker_id


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_ratio_formula_matches_known_values() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_colours_meet_wcag_aa_contrast() -> None:
    css = (STATIC / "app.css").read_text()
    var = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6});", css))
    text_pairs = [
        ("fg", "bg"),
        ("fg", "surface"),
        ("muted", "bg"),
        ("muted", "surface"),
        ("accent", "bg"),
        ("accent", "surface"),
        ("accent-fg", "accent"),
        ("alert-fg", "alert-bg"),
        ("notice-fg", "notice-bg"),
        ("badge-fg", "urgent-bg"),
        ("badge-fg", "warning-bg"),
        ("badge-fg", "info-bg"),
        ("badge-fg", "ok-bg"),
    ]
    for fg, bg in text_pairs:
        assert contrast(var[fg], var[bg]) >= 4.5, (fg, bg)
    assert contrast(var["border"], var["bg"]) >= 3.0  # input borders (WCAG 1.4.11)
    for name in ("blue", "orange", "green", "purple", "grey", "red"):
        assert contrast(charts.PALETTE[name], "#ffffff") >= 3.0, name


def test_every_form_route_checks_the_csrf_token() -> None:
    from fastapi.routing import APIRoute

    from retrowalk.web import auth
    from retrowalk.web.routes import pages_account, pages_therapist, pages_walker

    def calls(dependant: object) -> set[object]:
        found = {getattr(dependant, "call", None)}
        for sub in getattr(dependant, "dependencies", []):
            found |= calls(sub)
        return found

    routes = [*pages_account.router.routes, *pages_walker.router.routes]
    routes += pages_therapist.router.routes
    unsafe = [
        r
        for r in routes
        if isinstance(r, APIRoute) and r.methods & {"POST", "PUT", "PATCH", "DELETE"}
    ]
    assert len(unsafe) >= 10
    for route in unsafe:
        assert auth.verified_form in calls(route.dependant), route.path
