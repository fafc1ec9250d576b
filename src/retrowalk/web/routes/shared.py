"""Helpers the walker's and the therapist's pages share: the charts and the history of one
walker, and who the signed-in walker is."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from retrowalk.errors import Forbidden, NotFound
from retrowalk.services import direction, programs, records
from retrowalk.web import auth, charts
from retrowalk.web.app import WebContext
from retrowalk.web.gateway import ActorLike


def own_walker_id(actor: ActorLike) -> str:
    """The walker profile of a walker account; no profile yet: to the screening first."""
    if auth.role_of(actor) != "walker":
        raise auth.RedirectTo("/patients")
    if not actor.walker_id:
        raise auth.RedirectTo("/screening")
    return actor.walker_id


def require_clinician(actor: ActorLike) -> None:
    if auth.role_of(actor) not in ("therapist", "admin"):
        raise Forbidden("this page is for therapists")


def walker_progress(web: WebContext, walker_id: str) -> dict[str, Any]:
    """Charts, decision history and outcome tests of one walker, for a page."""
    view = web.services.progress(walker_id)
    sessions = records.all_sessions(web.services.uow, walker_id)
    outcomes = records.outcomes(web.services.uow, walker_id)
    decisions = records.decisions_page(web.services.uow, walker_id, limit=50)
    return {
        "progress": view,
        "charts": charts.progress_charts(view.weeks, sessions, outcomes),
        "decisions": decisions,
        "outcomes": list(reversed(outcomes)),
        "sessions": list(reversed(sessions))[:20],
    }


def current_program_or_none(web: WebContext, walker_id: str) -> Any:
    try:
        return programs.current_program(web.services.uow, walker_id)
    except NotFound:
        return None


def calendar_urls(request: Request, walker_id: str) -> dict[str, str]:
    web = auth.context(request)
    path = f"/calendar/{walker_id}/{auth.calendar_token(request, walker_id)}.ics"
    https_url = web.public_url(request) + path
    webcal = "webcal://" + https_url.split("://", 1)[1]
    return {"ics_url": https_url, "webcal_url": webcal}


UPLOAD_FORM_SLACK = 64 << 10
"""Room for the form's other fields and multipart boundaries beside the file itself."""


def upload_declared_too_large(request: Request) -> bool:
    """The request says (Content-Length) it is larger than a calibration upload may be, so it
    can be refused before its form is read; the service still counts the bytes it reads."""
    declared = request.headers.get("content-length", "")
    return declared.isdigit() and int(declared) > direction.UPLOAD_MAX_BYTES + UPLOAD_FORM_SLACK
