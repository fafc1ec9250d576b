"""Errors of the JSON API as ``application/problem+json`` (RFC 9457).

``InvalidInput`` -> 422 with ``field``, ``value`` and ``allowed``; ``NotFound`` -> 404;
``Forbidden`` and CSRF refusals -> 403; ``Conflict`` -> 409; a missing ``If-Match`` -> 428;
no credentials -> 401. Unexpected errors answer 500 without any internals.
"""

from __future__ import annotations

import logging
import math
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from retrowalk.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    RetrowalkError,
    UnsupportedFile,
)

PROBLEM_JSON = "application/problem+json"
LOG = logging.getLogger("retrowalk.web")


class PreconditionRequired(RetrowalkError):
    """A change of a versioned resource without ``If-Match`` (428)."""


def problem_status(exc: BaseException) -> int:
    from retrowalk.web.auth import CsrfRefused, NotAuthenticated

    table: tuple[tuple[type[BaseException], int], ...] = (
        (InvalidInput, 422),
        (UnsupportedFile, 422),
        (NotFound, 404),
        (NotAuthenticated, 401),
        (CsrfRefused, 403),
        (Forbidden, 403),
        (Conflict, 409),
        (PreconditionRequired, 428),
    )
    for kind, status in table:
        if isinstance(exc, kind):
            return status
    if isinstance(exc, StarletteHTTPException):
        return exc.status_code
    return 500


def _jsonable(value: Any) -> Any:
    """The offending value as JSON can carry it (NaN and infinities as text)."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value if isinstance(value, str | int | float | bool | type(None)) else str(value)


def _slug(exc: BaseException) -> str:
    name = type(exc).__name__
    return "".join("-" + c.lower() if c.isupper() else c for c in name).lstrip("-")


TITLES = {
    400: "Bad request",
    401: "Not signed in",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    422: "Invalid input",
    428: "Precondition required",
    500: "Internal error",
}


def problem(status: int, kind: str, detail: str, request: Request, **extra: Any) -> JSONResponse:
    body = {
        "type": f"urn:retrowalk:problem:{kind}",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        **extra,
    }
    headers = {"www-authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def problem_response(request: Request, exc: BaseException) -> JSONResponse:
    status = problem_status(exc)
    if isinstance(exc, InvalidInput):
        return problem(
            status,
            "invalid-input",
            str(exc),
            request,
            field=exc.field,
            value=_jsonable(exc.value),
            allowed=exc.allowed,
        )
    if isinstance(exc, UnsupportedFile):
        return problem(status, "unsupported-file", str(exc), request, field="file")
    if isinstance(exc, RetrowalkError):
        return problem(status, _slug(exc), str(exc), request)
    if isinstance(exc, StarletteHTTPException):
        return problem(status, f"http-{status}", str(exc.detail), request)
    LOG.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(500, "internal-error", "something went wrong; nothing was saved", request)


def validation_problem(request: Request, exc: RequestValidationError) -> JSONResponse:
    """A request the API could not read (wrong type, missing field) as one problem naming the
    first field, with every error listed."""
    errors = []
    for error in exc.errors():
        location = [str(part) for part in error.get("loc", ())]
        if location and location[0] in ("body", "query", "path", "header", "cookie"):
            location = location[1:]
        errors.append({"field": ".".join(location), "message": str(error.get("msg", ""))})
    first = errors[0] if errors else {"field": "", "message": "unreadable request"}
    return problem(
        422,
        "invalid-input",
        f"{first['field'] or 'request'}: {first['message']}",
        request,
        field=first["field"],
        errors=errors,
    )
