"""The direction question on the web (issue 7): the walker answers on today's page or through
the API; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from retrowalk.services import direction
from retrowalk.services.imports import ImportOptions, ImportStatus
from tests.integration.direction_recordings import MOCAP, calibration_walk_csv, long_forward_csv
from tests.integration.web_harness import PASSWORD, Web, web_fixture  # noqa: F401 - fixture

pytestmark = pytest.mark.skipif(not MOCAP.is_dir(), reason="../shared/data/mocap not found")
API = "/api/v1"
EMAIL = "anna@example.org"


@pytest.fixture(scope="module")
def walks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("walks")
    return {"calibration": calibration_walk_csv(folder), "forward": long_forward_csv(folder)}


def contradicted_session(web: Web, walks: dict[str, Path]) -> tuple[str, str]:
    """A walker signed up and screened, with an imported forward walk declared backward."""
    web.sign_up(EMAIL)
    web.screen()
    walker_id = web.walker_id(EMAIL)
    made = direction.calibrate_file(walks["calibration"], placement="waist")
    web.services.store_calibration(walker_id, made, source_name="cal.csv", now=web.clock())
    (outcome,) = web.services.import_files(
        walker_id,
        [walks["forward"]],
        options=ImportOptions(when=web.clock() - timedelta(hours=3)),
        now=web.clock(),
    )
    assert outcome.status is ImportStatus.IMPORTED and outcome.session_id is not None
    assert outcome.details is not None and outcome.details["direction_check"] == "contradicted"
    return walker_id, outcome.session_id


def test_the_walker_confirms_on_todays_page(web: Web, walks: dict[str, Path]) -> None:
    walker_id, session_id = contradicted_session(web, walks)
    page = web.client.get("/today")
    assert "Please confirm how you walked" in page.text
    assert f'action="/sessions/{session_id}/direction"' in page.text
    bad = web.post_form(
        f"/sessions/{session_id}/direction",
        {"direction": "sideways", "version": "1"},
        from_page="/today",
    )
    assert bad.status_code == 422 and "backward or forward" in bad.text
    stale = web.post_form(
        f"/sessions/{session_id}/direction",
        {"direction": "backward", "version": "7"},
        from_page="/today",
    )
    assert stale.status_code == 409 and "reload" in stale.text
    done = web.post_form(
        f"/sessions/{session_id}/direction",
        {"direction": "backward", "version": "1"},
        from_page="/today",
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/today?notice=direction-backward"
    after = web.client.get(done.headers["location"])
    assert "confirmed by you" in after.text
    assert "Please confirm how you walked" not in after.text
    stored = web.services.find_session(walker_id, session_id)
    assert stored.version == 2
    assert stored.details["direction_check"] == "declared, confirmed by the walker"
    assert stored.details["measured_backward_s"] == 0.0


def test_the_walker_answers_through_the_api(web: Web, walks: dict[str, Path]) -> None:
    walker_id, session_id = contradicted_session(web, walks)
    token = web.client.post(f"{API}/tokens", json={"email": EMAIL, "password": PASSWORD})
    auth = {"authorization": f"Bearer {token.json()['token']}"}
    url = f"{API}/walkers/{walker_id}/sessions/{session_id}/direction"
    got = web.client.get(f"{API}/walkers/{walker_id}/sessions/{session_id}", headers=auth)
    assert got.json()["details"]["direction_needs_confirmation"] is True
    assert web.client.post(url, json={"direction": "forward"}, headers=auth).status_code == 428
    bad = web.client.post(
        url, json={"direction": "sideways"}, headers={**auth, "if-match": got.headers["etag"]}
    )
    assert bad.status_code == 422 and bad.json()["field"] == "direction"
    stale = web.client.post(url, json={"direction": "forward"}, headers={**auth, "if-match": '"5"'})
    assert stale.status_code == 409
    ok = web.client.post(
        url, json={"direction": "forward"}, headers={**auth, "if-match": got.headers["etag"]}
    )
    assert ok.status_code == 200 and ok.headers["etag"] == '"2"'
    body = ok.json()
    assert body["changed"] is True
    assert body["session"]["details"]["declared_direction"] == "forward"
    assert body["session"]["details"]["direction_check"] == "not checked"
