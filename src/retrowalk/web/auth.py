"""Cookies, CSRF tokens and the request's identity; nothing else.

- The session cookie holds the opaque token of ``services.accounts.sign_in``: HttpOnly,
  SameSite=Lax, Secure when the request came over TLS (the scheme, or ``X-Forwarded-Proto:
  https`` from the proxy in front).
- CSRF: a signed double-submit token. A random seed lives in its own HttpOnly cookie; every form
  carries ``HMAC(secret, seed)``; a form post whose token does not match is refused (403). The
  seed is renewed at sign-in and sign-out. The JSON API is exempt when it is called with a
  bearer token (no ambient credential); called with the session cookie, its unsafe methods need
  the same token in the ``X-CSRF-Token`` header.
- Identity: ``Authorization: Bearer`` (API tokens) or the session cookie, turned into an
  ``Actor`` by ``services.accounts``. Permission checks are the accounts service's
  (``authorize_walker``), reached through ``AccountsGateway``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fastapi import Request
from starlette.datastructures import FormData
from starlette.responses import Response

from retrowalk.errors import RetrowalkError
from retrowalk.web.gateway import ActorLike

if TYPE_CHECKING:
    from retrowalk.web.app import WebContext

SESSION_COOKIE = "rw_session"
CSRF_COOKIE = "rw_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class SignInRequired(Exception):
    """A page needs a signed-in account (the app redirects to the sign-in page)."""


class NotAuthenticated(RetrowalkError):
    """An API call without a valid bearer token or session (401)."""


class CsrfRefused(RetrowalkError):
    """A form or cookie-authenticated API write without a matching CSRF token (403)."""


@dataclass(frozen=True)
class Identity:
    actor: ActorLike | None
    via: str  # "token", "cookie" or "none"


def context(request: Request) -> WebContext:
    web: WebContext = request.app.state.web
    return web


def is_https(request: Request) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def set_cookie(
    response: Response, request: Request, name: str, value: str, *, max_age: int | None
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=is_https(request),
    )


def clear_cookie(response: Response, request: Request, name: str) -> None:
    response.delete_cookie(name, path="/", httponly=True, samesite="lax", secure=is_https(request))


# --- CSRF -------------------------------------------------------------------------------------


def _sign(secret: str, seed: str) -> str:
    return hmac.new(secret.encode(), f"csrf|{seed}".encode(), hashlib.sha256).hexdigest()


def csrf_seed(request: Request) -> str:
    """This browser's CSRF seed: its cookie, or a new one the response will set."""
    seed = getattr(request.state, "new_csrf_seed", None) or request.cookies.get(CSRF_COOKIE)
    if not seed:
        seed = renew_csrf_seed(request)
    return str(seed)


def renew_csrf_seed(request: Request) -> str:
    """A fresh seed (sign-in, sign-out); the middleware sends it as the cookie."""
    seed = secrets.token_urlsafe(32)
    request.state.new_csrf_seed = seed
    return seed


def csrf_token(request: Request) -> str:
    return _sign(context(request).settings.secret_key, csrf_seed(request))


def check_csrf(request: Request, submitted: str | None) -> None:
    seed = request.cookies.get(CSRF_COOKIE)
    if not seed or not submitted:
        raise CsrfRefused("the form has expired or came from another site: reload and try again")
    expected = _sign(context(request).settings.secret_key, seed)
    if not hmac.compare_digest(expected, submitted):
        raise CsrfRefused("the form has expired or came from another site: reload and try again")


async def verified_form(request: Request) -> FormData:
    """Dependency of every page that accepts a form: the form, once its CSRF token matched."""
    form = await request.form()
    token = form.get(CSRF_FIELD)
    check_csrf(request, token if isinstance(token, str) else None)
    return form


def csrf_cookie_header(request: Request) -> tuple[bytes, bytes] | None:
    """The ``set-cookie`` header of a seed made or renewed during this request, if one was."""
    seed = getattr(request.state, "new_csrf_seed", None)
    if not seed:
        return None
    carrier = Response()
    set_cookie(carrier, request, CSRF_COOKIE, seed, max_age=None)
    return next(header for header in carrier.raw_headers if header[0] == b"set-cookie")


# --- identity ---------------------------------------------------------------------------------


def identify(request: Request) -> Identity:
    """Who is asking (cached per request): bearer token first, then the session cookie."""
    cached = getattr(request.state, "identity", None)
    if isinstance(cached, Identity):
        return cached
    web = context(request)
    identity = Identity(None, "none")
    header = request.headers.get("authorization", "")
    scheme, _, credential = header.partition(" ")
    if scheme.lower() == "bearer" and credential.strip():
        actor = web.accounts.identify_api_token(credential.strip(), now=web.now())
        identity = Identity(actor, "token" if actor is not None else "none")
    else:
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            actor = web.accounts.identify_session(token, now=web.now())
            identity = Identity(actor, "cookie" if actor is not None else "none")
    request.state.identity = identity
    return identity


def optional_actor(request: Request) -> ActorLike | None:
    return identify(request).actor


def page_actor(request: Request) -> ActorLike:
    """Dependency of pages behind sign-in."""
    actor = identify(request).actor
    if actor is None:
        raise SignInRequired
    return actor


def api_actor(request: Request) -> ActorLike:
    """Dependency of the API: an actor, and a CSRF header on unsafe cookie-based calls."""
    identity = identify(request)
    if identity.actor is None:
        raise NotAuthenticated(
            "sign in first: send 'Authorization: Bearer <token>' (POST /api/v1/tokens)"
        )
    if identity.via == "cookie" and request.method in UNSAFE_METHODS:
        check_csrf(request, request.headers.get(CSRF_HEADER))
    return identity.actor


def role_of(actor: ActorLike | None) -> str:
    return "" if actor is None else actor.role.value


def client_key(request: Request) -> str:
    """Who is knocking, for the sign-in rate limit: the client address."""
    return request.client.host if request.client is not None else "unknown"


def template_globals(request: Request) -> dict[str, Any]:
    actor = optional_actor(request)
    return {
        "actor": actor,
        "role": role_of(actor),
        "has_program": _has_program(request, actor),
        "csrf_field": CSRF_FIELD,
        "csrf_token": csrf_token(request),
    }


def _has_program(request: Request, actor: Any) -> bool:
    """Whether a walker account has a program: the walker's links (today, log, progress...)
    lead nowhere before it (the screening comes first, or a clinician)."""
    if actor is None or role_of(actor) != "walker" or not actor.walker_id:
        return False
    with context(request).services.uow(read_only=True) as work:
        return work.programs.current_state(actor.walker_id) is not None


class RedirectTo(Exception):
    """A page that sends the browser elsewhere (e.g. to the screening before the first plan)."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


def calendar_token(request: Request, walker_id: str) -> str:
    """The token of a walker's calendar link: it opens that calendar only, read-only."""
    secret = context(request).settings.secret_key
    digest = hmac.new(secret.encode(), f"calendar|{walker_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:40]


def check_calendar_token(request: Request, walker_id: str, token: str) -> bool:
    return hmac.compare_digest(calendar_token(request, walker_id), token)
