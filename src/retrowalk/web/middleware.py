"""What every HTTP answer of the app carries, as a plain ASGI middleware.

- the security headers (``SECURITY_HEADERS``) and ``cache-control: no-store`` (not on static
  files), unless the route set them itself;
- the CSRF seed cookie: a page (not the API, not a static file) seen by a browser without a seed
  makes one, and a seed a route renewed (sign-in, sign-out) is sent (see ``auth.csrf_seed``);
- a 400 for an address holding a NUL character, before any route sees it.

A plain ASGI middleware rather than ``@app.middleware("http")`` (Starlette's
``BaseHTTPMiddleware``): that one runs the rest of the app in a task of its own and streams the
answer through a memory channel, a cost every request paid (``benchmarks/request_cost_bench.py``).
Here the app's ``send`` is wrapped and the headers are added to ``http.response.start``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from retrowalk.web import auth

API_PREFIX = "/api/v1"
STATIC_PREFIX = "/static/"
SECURITY_HEADERS = {
    # Inline styles: the server-drawn SVG charts carry style attributes; scripts only from here.
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}
_SECURITY_RAW = [
    (name.encode("latin-1"), value.encode("latin-1")) for name, value in SECURITY_HEADERS.items()
]
_NO_STORE = (b"cache-control", b"no-store")


def address_holds_nul(request: Request) -> bool:
    """A NUL character in the path or the query: no id, name or value of retrowalk has one,
    and PostgreSQL cannot even compare text holding one (it would fail the request)."""
    if "\x00" in request.scope.get("path", ""):
        return True
    query: bytes = request.scope.get("query_string", b"")
    if b"%00" not in query and b"\x00" not in query:  # nothing could decode to NUL
        return False
    return any("\x00" in k or "\x00" in v for k, v in request.query_params.multi_items())


class CookiesAndHeaders:
    """The ASGI middleware of the module doc; ``refuse_nul`` makes the 400 answer (a problem
    for the API, an error page otherwise)."""

    def __init__(self, app: ASGIApp, *, refuse_nul: Callable[[Request], Response]) -> None:
        self.app = app
        self.refuse_nul = refuse_nul

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        path: str = scope["path"]
        static = path.startswith(STATIC_PREFIX)
        if not static and not path.startswith(API_PREFIX):
            auth.csrf_seed(request)  # a browser without a CSRF seed gets one

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = _with_headers(request, message.get("headers", ()), static)
            await send(message)

        if address_holds_nul(request):
            await self.refuse_nul(request)(scope, receive, send_with_headers)
        else:
            await self.app(scope, receive, send_with_headers)


def _with_headers(
    request: Request, raw: Iterable[tuple[bytes, bytes]], static: bool
) -> list[tuple[bytes, bytes]]:
    headers = list(raw)
    cookie = auth.csrf_cookie_header(request)
    if cookie is not None:
        headers.append(cookie)
    present = {name.lower() for name, _ in headers}
    headers.extend(header for header in _SECURITY_RAW if header[0] not in present)
    if not static and _NO_STORE[0] not in present:
        headers.append(_NO_STORE)
    return headers
