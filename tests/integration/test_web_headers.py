"""What every answer of the web app carries, whichever route made it: the security headers,
``cache-control: no-store`` (but on static files), a CSRF seed cookie for a browser without one
(pages only), and a 400 for an address holding a NUL character. SQLite only: none of it touches
the database's dialect."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from retrowalk.web import auth
from retrowalk.web.middleware import SECURITY_HEADERS
from tests.integration.web_harness import Web, web_fixture  # noqa: F401 - `web`

API = "/api/v1"


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'retrowalk.sqlite'}"


def _security_headers_of(response: httpx.Response) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (response.url, name)


def _csrf_cookies(response: httpx.Response) -> list[str]:
    return [
        line
        for line in response.headers.get_list("set-cookie")
        if line.startswith(f"{auth.CSRF_COOKIE}=")
    ]


def test_a_page_seen_for_the_first_time_sets_the_csrf_seed_its_form_is_signed_with(
    web: Web,
) -> None:
    page = web.client.get("/sign-in")
    assert page.status_code == 200
    _security_headers_of(page)
    assert page.headers["cache-control"] == "no-store"
    [cookie] = _csrf_cookies(page)
    parts = [part.strip().lower() for part in cookie.split(";")]
    assert {"httponly", "path=/", "samesite=lax"} <= set(parts)
    assert "secure" not in parts and not any(p.startswith("max-age") for p in parts)
    seed = cookie.split(";")[0].split("=", 1)[1]
    assert len(seed) >= 40
    # the form on the page is signed with that seed: the same browser can post it
    assert web.client.cookies.get(auth.CSRF_COOKIE) == seed
    again = web.client.get("/sign-in")
    assert _csrf_cookies(again) == []  # a browser with a seed keeps it
    assert again.headers["cache-control"] == "no-store"


def test_the_csrf_seed_cookie_is_secure_behind_a_tls_proxy(web: Web) -> None:
    page = web.client.get("/sign-in", headers={"x-forwarded-proto": "https"})
    [cookie] = _csrf_cookies(page)
    assert "secure" in [part.strip().lower() for part in cookie.split(";")]


def test_signing_in_renews_the_csrf_seed(web: Web) -> None:
    web.sign_up("anna@example.org")  # signs in too
    web.sign_out()
    old = web.client.cookies.get(auth.CSRF_COOKIE)
    token = web.csrf()
    signed_in = web.client.post(
        "/sign-in",
        data={
            "email": "anna@example.org",
            "password": "correct horse battery",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert signed_in.status_code == 303
    [cookie] = _csrf_cookies(signed_in)
    assert cookie.split(";")[0] != f"{auth.CSRF_COOKIE}={old}"
    _security_headers_of(signed_in)
    assert signed_in.headers["cache-control"] == "no-store"


def test_a_static_file_has_the_security_headers_but_may_be_cached_and_sets_no_cookie(
    web: Web,
) -> None:
    served = web.client.get("/static/favicon.svg")
    assert served.status_code == 200
    _security_headers_of(served)
    assert "no-store" not in served.headers.get("cache-control", "")
    assert served.headers.get_list("set-cookie") == []
    missing = web.client.get("/static/no-such-file.css")
    assert missing.status_code == 404
    _security_headers_of(missing)
    assert "no-store" not in missing.headers.get("cache-control", "")
    assert len(_csrf_cookies(missing)) == 1  # the error page renders the layout and its CSRF token


def test_the_api_answers_with_the_security_headers_and_no_csrf_cookie(web: Web) -> None:
    for answer in (
        web.client.get(f"{API}/openapi.json"),
        web.client.get(f"{API}/walkers/nobody/sessions"),  # 401, a problem
        web.client.post(f"{API}/tokens", json={"email": "x"}),  # 422, a problem
    ):
        _security_headers_of(answer)
        assert answer.headers["cache-control"] == "no-store"
        assert _csrf_cookies(answer) == []
    assert web.client.get(f"{API}/walkers/nobody/sessions").status_code == 401


def test_error_pages_have_the_headers_and_the_csrf_seed(web: Web) -> None:
    missing = web.client.get("/no-such-page")
    assert missing.status_code == 404 and "does not exist" in missing.text
    _security_headers_of(missing)
    assert missing.headers["cache-control"] == "no-store"
    assert len(_csrf_cookies(missing)) == 1


def test_a_nul_in_the_address_is_refused_with_the_headers(web: Web) -> None:
    for path in ("/patients/%00", "/sign-in?next=%00", f"{API}/walkers/%00"):
        refused = web.client.get(path, follow_redirects=False)
        assert refused.status_code == 400 and "NUL" in refused.text, path
        _security_headers_of(refused)
        assert refused.headers["cache-control"] == "no-store"
    page = web.client.get("/patients/%00")
    assert "NUL" in page.text and page.headers["content-type"].startswith("text/html")
    api = web.client.get(f"{API}/walkers/%00")
    assert api.headers["content-type"] == "application/problem+json"


def test_a_header_a_route_sets_itself_is_kept(web: Web) -> None:
    web.sign_up("anna@example.org")
    web.screen()
    calendar = web.client.get("/calendar")
    assert calendar.status_code == 200
    assert calendar.headers["referrer-policy"] == "no-referrer"  # not same-origin
    assert calendar.headers.get_list("referrer-policy") == ["no-referrer"]
    assert calendar.headers["x-frame-options"] == "DENY"
