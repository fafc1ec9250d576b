"""Calibration upload in the web app and the API (issue 7: "the web app offers the same as an
upload"), on SQLite and PostgreSQL, with real forward walks from ../shared/data."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest

from retrowalk.services import direction
from retrowalk.services.imports import ImportOptions
from tests.fixtures_sensor import waist_walk, write_sensor_logger, zip_sensor_logger
from tests.integration.direction_recordings import (
    MOCAP,
    calibration_walk_csv,
    long_forward_csv,
    real_waist_csv,
)
from tests.integration.web_harness import PASSWORD, Web, web_fixture  # noqa: F401 - fixture

pytestmark = pytest.mark.skipif(not MOCAP.is_dir(), reason="../shared/data not found")
API = "/api/v1"
EMAIL = "anna@example.org"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("uploads")
    logger = write_sensor_logger(folder / "logger", waist_walk("2-1", 60.0))
    return {
        "real_waist": real_waist_csv(folder, "1-1", 60.0),
        "logger_zip": zip_sensor_logger(logger, folder / "walk_logger.zip"),
        "simulated": calibration_walk_csv(folder),
        "forward": long_forward_csv(folder),
    }


def ready(web: Web) -> str:
    web.sign_up(EMAIL)
    web.screen()
    return web.walker_id(EMAIL)


def upload(web: Web, path: Path | None, placement: str = "waist", name: str = "") -> object:
    token = web.csrf("/calibration")
    content = b"" if path is None else path.read_bytes()
    sent = {"file": (name or (path.name if path else "empty.csv"), content)}
    return web.client.post(
        "/calibration",
        data={"placement": placement, "csrf_token": token},
        files=sent,
        follow_redirects=False,
    )


def test_a_walker_uploads_real_forward_walks_and_sees_them(
    web: Web, files: dict[str, Path]
) -> None:
    walker_id = ready(web)
    assert "No calibration yet" in web.client.get("/calibration").text
    first = upload(web, files["real_waist"])
    assert first.status_code == 303, first.text  # type: ignore[attr-defined]
    assert first.headers["location"] == "/calibration?notice=stored"  # type: ignore[attr-defined]
    second = upload(web, files["logger_zip"], placement="auto")
    assert second.status_code == 303, second.text  # type: ignore[attr-defined]
    page = web.client.get("/calibration?notice=stored").text
    assert "Calibration stored" in page
    assert files["real_waist"].name in page and "walk_logger.zip" in page
    assert "Waist (lower back)" in page and "in use" in page and "replaced" in page
    assert web.clock().strftime("%Y-%m-%d") in page
    entries = direction.calibrations(web.services.uow, walker_id)
    assert [e.source_name for e in entries] == ["walk_logger.zip", files["real_waist"].name]
    assert [e.in_use for e in entries] == [True, False]
    assert all(e.placement == "waist" and e.walking_s > 10 for e in entries)


def test_refused_uploads_say_why_and_store_nothing(
    web: Web, files: dict[str, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    walker_id = ready(web)
    empty = upload(web, None)
    assert empty.status_code == 422 and "is empty" in empty.text  # type: ignore[attr-defined]
    junk = tmp_path / "notes.txt"
    junk.write_bytes(b"\x00\x01 this is not a motion recording" * 50)
    refused = upload(web, junk)
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert "Not used as a calibration: notes.txt" in refused.text  # type: ignore[attr-defined]
    assert str(tmp_path) not in refused.text  # type: ignore[attr-defined]
    bad_place = upload(web, files["real_waist"], placement="ankle")
    assert bad_place.status_code == 422  # type: ignore[attr-defined]
    assert "placement" in bad_place.text and "pocket" in bad_place.text  # type: ignore[attr-defined]
    token = web.csrf("/calibration")
    no_file = web.client.post("/calibration", data={"placement": "waist", "csrf_token": token})
    assert no_file.status_code == 422 and "choose the recording" in no_file.text
    monkeypatch.setattr(direction, "UPLOAD_MAX_BYTES", 1 << 10)
    too_big = upload(web, files["real_waist"])
    assert too_big.status_code == 413  # type: ignore[attr-defined]
    assert "larger than" in too_big.text  # type: ignore[attr-defined]
    assert direction.calibrations(web.services.uow, walker_id) == []


def test_the_api_uploads_lists_and_refuses(web: Web, files: dict[str, Path]) -> None:
    walker_id = ready(web)
    token = web.client.post(f"{API}/tokens", json={"email": EMAIL, "password": PASSWORD})
    auth = {"authorization": f"Bearer {token.json()['token']}"}
    url = f"{API}/walkers/{walker_id}/calibrations"
    made = web.client.post(
        url,
        data={"placement": "waist"},
        files={"file": ("warmup.csv", files["simulated"].read_bytes())},
        headers=auth,
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["placement"] == "waist" and body["in_use"] is True
    assert body["source_name"] == "warmup.csv" and body["created_at"].startswith("20")
    listed = web.client.get(url, headers=auth).json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == body["id"]
    junk = web.client.post(url, files={"file": ("x.csv", b"time,a\n1,2\n")}, headers=auth)
    assert junk.status_code == 422 and "x.csv" in junk.json()["detail"]
    missing = web.client.post(url, data={"placement": "waist"}, headers=auth)
    assert missing.status_code == 422 and missing.json()["field"] == "file"
    # the stored calibration is the one imports use: a forward walk declared backward is caught
    (outcome,) = web.services.import_files(
        walker_id,
        [files["forward"]],
        options=ImportOptions(when=web.clock() - timedelta(hours=1)),
        now=web.clock(),
    )
    assert outcome.details is not None
    assert outcome.details["direction_calibration"] == "stored"
    assert outcome.details["direction_check"] == "contradicted"


def test_upload_names_are_made_safe() -> None:
    assert direction.upload_name("../../etc/passwd") == "passwd"
    assert direction.upload_name("C:\\Users\\me\\walk 1.csv") == "walk_1.csv"
    assert direction.upload_name("") == "recording"
    assert direction.upload_name(None) == "recording"
    assert direction.upload_name("..") == "recording"
    assert io.BytesIO  # keeps the import honest for the stream-based API
