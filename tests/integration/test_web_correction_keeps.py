"""Issue 4, "nothing lost", on SQLite and PostgreSQL: correcting a session on its edit page
changes only what the walker changed.

The session is an imported recording as the importer stores it: its time has seconds (and
microseconds), it was walked in another zone (UTC+05:30) than the server's, its pain is not
reported yet, its speed and incline are not what the page's rounding shows, and it has a
distance the form does not show. The form is submitted as a browser would submit the page
(``submitted``): every input, checked box, selected option and text area as rendered, the text
area's line breaks as CR LF.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta, timezone
from html.parser import HTMLParser
from typing import Any

from retrowalk.domain.models import LoggedSession, Modality
from retrowalk.services import records
from retrowalk.store.records import SessionSource, StoredSession
from tests.integration.test_web_leftovers import EMAIL, LOG_FORM, field_error
from tests.integration.web_harness import Web, web_fixture  # noqa: F401 - the `web` fixture

ZONE = timezone(timedelta(hours=5, minutes=30))
NOTE = "from the watch\nsecond line"
PAIN_BOXES = ("pain_during_nprs_unreported", "pain_after_nprs_unreported")


class _FormReader(HTMLParser):
    """The fields a browser would submit from the page's form posting to ``action``."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.fields: dict[str, str] = {}
        self.in_form = False
        self.select: str | None = None
        self.first_option: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("action") == self.action:
            self.in_form = True
        if not self.in_form:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields[name] = a.get("value") or "on"
            else:
                self.fields[name] = a.get("value", "")
        elif tag == "select":
            self.select, self.first_option = name, None
        elif tag == "option" and self.select:
            value = a.get("value", "")
            if self.first_option is None:
                self.first_option = value
            if "selected" in a:
                self.fields[self.select] = value
        elif tag == "textarea":
            self.textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_form = False
        elif tag == "select" and self.select:
            self.fields.setdefault(self.select, self.first_option or "")
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.fields[self.textarea] += data


def submitted(page: str, action: str) -> dict[str, str]:
    """The form of ``page`` posting to ``action`` as a browser submits it unchanged (not the
    CSRF token: posts add it); a text area's line breaks become CR LF, as browsers send them."""
    reader = _FormReader(action)
    reader.feed(page)
    fields = reader.fields
    fields.pop("csrf_token", None)
    fields["notes"] = fields["notes"].removeprefix("\n").replace("\n", "\r\n")
    return fields


def imported_session(web: Web) -> tuple[str, str]:
    """A walker with a program and one imported recording without pain: (walker id, path of
    its edit page)."""
    web.sign_up(EMAIL)
    web.screen()
    walker_id = web.walker_id(EMAIL)
    walked = (web.clock() - timedelta(hours=3)).astimezone(ZONE)
    recording = LoggedSession(
        performed_at=walked.replace(second=37, microsecond=250_000),
        modality=Modality.OVERGROUND,
        duration_s=363.7,
        pain_during_nprs=None,
        pain_after_nprs=None,
        speed_m_s=0.6,  # shown as 2.2 km/h, which is 0.6111 m/s
        distance_m=218.4,  # not on the form
        incline_pct=1.23456789,  # shown as 1.23457
        notes=NOTE,
    )
    with web.services.uow() as work:
        program = work.programs.current(walker_id)
        assert program is not None
        stored = work.sessions.add(
            walker_id,
            recording,
            program_id=program.id,
            source=SessionSource.IMPORT,
            details={"format": "phyphox", "steps": 311},
            created_at=web.clock(),
        )
        work.commit()
    return walker_id, f"/sessions/{stored.id}/edit"


def stored_at(web: Web, walker_id: str, path: str) -> StoredSession:
    return records.get_session(web.services.uow, walker_id, path.split("/")[2])


def same_session(after: LoggedSession, before: LoggedSession) -> None:
    """Equal field by field, in the same zone (equal datetimes may differ in offset)."""
    assert dataclasses.asdict(after) == dataclasses.asdict(before)
    assert after.performed_at.utcoffset() == before.performed_at.utcoffset()


def test_an_unchanged_save_of_an_imported_session_stores_nothing(web: Web) -> None:
    walker_id, path = imported_session(web)
    before = stored_at(web, walker_id, path)
    decisions = records.decisions_page(web.services.uow, walker_id).total
    page = web.client.get(path).text
    form = submitted(page, path)
    local = before.session.performed_at
    assert form["performed_at"] == local.strftime("%Y-%m-%dT%H:%M")  # the session's own zone
    assert form["utc_offset_min"] == "330" and "own time zone, UTC+05:30" in page
    assert "data-utc-offset" not in page  # the script leaves this zone alone
    assert form["minutes"] == "6:04" and form["speed_kmh"] == "2.2"
    assert all(form[box] == "on" for box in PAIN_BOXES)
    assert page.count(">not reported yet</output>") == 2

    saved = web.post_form(path, form)

    assert saved.status_code == 303 and saved.headers["location"] == "/progress?notice=unchanged"
    assert "Nothing was changed" in web.client.get(saved.headers["location"]).text
    after = stored_at(web, walker_id, path)
    assert after == before  # version, updated_at and details included
    same_session(after.session, before.session)
    assert not web.services.session_revisions(walker_id, after.id)
    assert records.decisions_page(web.services.uow, walker_id).total == decisions


def test_correcting_only_the_note_changes_only_the_note(web: Web) -> None:
    walker_id, path = imported_session(web)
    before = stored_at(web, walker_id, path)
    form = {**submitted(web.client.get(path).text, path), "notes": "the watch stopped late"}

    assert web.post_form(path, form).headers["location"] == "/progress?notice=edited"

    after = stored_at(web, walker_id, path)
    assert after.version == 2 and after.details == before.details
    same_session(after.session, dataclasses.replace(before.session, notes="the watch stopped late"))
    (revision,) = web.services.session_revisions(walker_id, after.id)
    same_session(revision.previous, before.session)


def test_setting_the_pain_of_an_imported_session_stores_it_and_nothing_else(web: Web) -> None:
    walker_id, path = imported_session(web)
    before = stored_at(web, walker_id, path)
    form = submitted(web.client.get(path).text, path)
    for box in PAIN_BOXES:
        del form[box]  # unticked (the script does so when the slider moves)

    done = web.post_form(path, {**form, "pain_during_nprs": "3", "pain_after_nprs": "0"})

    assert done.status_code == 303
    after = stored_at(web, walker_id, path)
    expected = dataclasses.replace(before.session, pain_during_nprs=3, pain_after_nprs=0)
    same_session(after.session, expected)
    # reported now: the page offers no "not reported yet" any more, and a forged box is ignored
    page = web.client.get(path).text
    assert "pain_during_nprs_unreported" not in page and "not reported yet" not in page
    forged = {**submitted(page, path), "pain_during_nprs_unreported": "on", "notes": "again"}
    assert web.post_form(path, forged).status_code == 303
    assert stored_at(web, walker_id, path).session.pain_during_nprs == 3


def test_a_pain_moved_with_not_reported_still_ticked_is_refused_and_nothing_stored(
    web: Web,
) -> None:
    walker_id, path = imported_session(web)
    before = stored_at(web, walker_id, path)
    form = {**submitted(web.client.get(path).text, path), "pain_after_nprs": "4", "notes": "typed"}

    refused = web.post_form(path, form)

    assert refused.status_code == 422
    message = field_error(refused.text, "pain_after_nprs")
    assert message.startswith("pain_after_nprs: '4' is not allowed")
    assert "untick 'not reported yet'" in message
    assert "typed</textarea>" in refused.text  # what was typed is shown again
    assert stored_at(web, walker_id, path) == before
    # one pain reported, the other left unreported
    del form["pain_after_nprs_unreported"]
    assert web.post_form(path, form).status_code == 303
    after = stored_at(web, walker_id, path).session
    assert (after.pain_during_nprs, after.pain_after_nprs) == (None, 4)


def test_a_changed_time_stays_in_the_session_s_zone(web: Web) -> None:
    walker_id, path = imported_session(web)
    before = stored_at(web, walker_id, path)
    form = submitted(web.client.get(path).text, path)
    earlier = before.session.performed_at.replace(second=0, microsecond=0) - timedelta(hours=1)
    typed = {**form, "performed_at": f"{earlier:%Y-%m-%dT%H:%M}"}

    assert web.post_form(path, typed).status_code == 303

    after = stored_at(web, walker_id, path).session
    assert after.performed_at == earlier and after.performed_at.utcoffset() == ZONE.utcoffset(None)
    same_session(after, dataclasses.replace(before.session, performed_at=earlier))


def test_a_new_session_still_needs_both_pains_and_takes_the_browser_s_zone(web: Web) -> None:
    web.sign_up(EMAIL)
    web.screen()
    walker_id = web.walker_id(EMAIL)
    page = web.client.get("/log").text
    assert "not reported yet" not in page and "data-utc-offset" in page
    for pain in ("pain_during_nprs", "pain_after_nprs"):
        form: dict[str, Any] = {k: v for k, v in LOG_FORM.items() if k != pain}
        refused = web.post_form("/log", {**form, f"{pain}_unreported": "on"})
        assert refused.status_code == 422 and field_error(refused.text, pain).startswith(pain)
    assert not records.all_sessions(web.services.uow, walker_id)
    browser_zone = timezone(timedelta(hours=-5))
    typed = f"{web.clock().astimezone(browser_zone) - timedelta(hours=1):%Y-%m-%dT%H:%M}"
    when = {"performed_at": typed, "utc_offset_min": "-300"}
    assert web.post_form("/log", {**LOG_FORM, **when}).status_code == 303
    (stored,) = records.all_sessions(web.services.uow, walker_id)
    performed_at = stored.session.performed_at
    assert performed_at.utcoffset() == timedelta(hours=-5)
    assert f"{performed_at:%Y-%m-%dT%H:%M}" == typed
