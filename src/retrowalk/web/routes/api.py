"""The JSON API under ``/api/v1`` (OpenAPI at ``/api/v1/openapi.json``).

Authentication: ``Authorization: Bearer <token>`` (``POST /api/v1/tokens``) or the session
cookie (then unsafe methods need ``X-CSRF-Token``). Every walker-scoped route first asks the
accounts service whether the caller may act on that walker (404 for strangers, 403 for known
walkers they may not act on that way). Lists are paged (``limit``, ``offset``, ``total``).
Sessions and programs carry their version as a strong ETag; changing one needs ``If-Match``
(428 without it) and answers 409 Conflict when the version is stale. Errors are
``application/problem+json``.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.responses import Response

from retrowalk.domain.prescription import WEEKS
from retrowalk.errors import Forbidden, InvalidInput, NotFound
from retrowalk.formats.codec import to_jsonable
from retrowalk.services import (
    calendar,
    direction,
    direction_confirm,
    onboarding,
    programs,
    records,
)
from retrowalk.store.records import StoredProgram, StoredSession
from retrowalk.web import auth
from retrowalk.web.app import WebContext
from retrowalk.web.gateway import ActorLike, Permission
from retrowalk.web.problems import PreconditionRequired
from retrowalk.web.routes.api_models import (
    CheckInIn,
    DirectionAnswerIn,
    InviteAccept,
    OutcomeIn,
    ScreeningIn,
    SessionIn,
    SessionPatch,
    TargetIn,
    TokenRequest,
)
from retrowalk.web.routes.shared import upload_declared_too_large

router = APIRouter()
Actor = Annotated[ActorLike, Depends(auth.api_actor)]
Limit = Annotated[int, Query(description="Items per page (1-200).")]
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description='The ETag you read (GET), e.g. "3", or * for whatever is current. '
        "Required: without it the answer is 428; a stale one gets 409.",
    ),
]
Offset = Annotated[int, Query(description="Items to skip.")]


def _web(request: Request) -> WebContext:
    return auth.context(request)


def _walker(
    request: Request, actor: ActorLike, walker_id: str, permission: Permission = Permission.VIEW
) -> str:
    _web(request).accounts.authorize_walker(actor, walker_id, permission)
    return walker_id


def plain(value: Any) -> Any:
    """JSON-safe form of objects from other parts (accounts rows, invitations)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, frozenset | set):
        return sorted(plain(v) for v in value)
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def _page(page: records.Page[Any]) -> dict[str, Any]:
    return {
        "items": [to_jsonable(item) for item in page.items],
        "total": page.total,
        "limit": page.limit,
        "offset": page.offset,
    }


def etag(version: int) -> str:
    return f'"{version}"'


def if_match(header: str | None, current: int) -> int:
    """The version named by ``If-Match`` (``*``: whatever is current)."""
    if header is None:
        raise PreconditionRequired(
            "send If-Match with the ETag you read (GET it first), so a change made meanwhile "
            "is never overwritten"
        )
    tag = header.split(",")[0].strip()
    if tag == "*":
        return current
    if tag.startswith("W/"):
        tag = tag[2:]
    tag = tag.strip('"')
    if not (tag.isascii() and tag.isdigit()) or int(tag) > programs.VERSION.high:
        raise InvalidInput("If-Match", header, 'an ETag as sent by GET, e.g. "3"')
    return int(tag)


def _versioned(document: Any, version: int, status: int = 200, **headers: str) -> JSONResponse:
    return JSONResponse(document, status_code=status, headers={"etag": etag(version), **headers})


# --- tokens and identity ----------------------------------------------------------------------


@router.post("/tokens", status_code=201, tags=["accounts"])
def create_token(request: Request, body: TokenRequest) -> dict[str, Any]:
    """Trade an email and password for an API token (the sign-in rate limit applies)."""
    web = _web(request)
    session_token = web.accounts.sign_in(
        email=body.email, password=body.password, client_key=auth.client_key(request), now=web.now()
    )
    try:
        actor = web.accounts.identify_session(session_token, now=web.now())
        if actor is None:
            raise Forbidden("the sign-in did not hold")
        token = web.accounts.create_api_token(actor, name=body.name, now=web.now())
    finally:
        web.accounts.sign_out(session_token)
    return {"token": token, "name": body.name, "token_type": "Bearer"}


@router.get("/me", tags=["accounts"])
def me(actor: Actor) -> dict[str, Any]:
    return {
        "account_id": actor.account_id,
        "role": auth.role_of(actor),
        "walker_id": actor.walker_id,
        "display_name": actor.display_name,
    }


# --- walkers ----------------------------------------------------------------------------------


@router.get("/walkers", tags=["walkers"])
def list_walkers(
    request: Request, actor: Actor, limit: Limit = 50, offset: Offset = 0
) -> dict[str, Any]:
    """The walkers the caller may see: their own profile, their patients, or (admin) all."""
    web = _web(request)
    role = auth.role_of(actor)
    if role == "admin":
        return _page(records.walkers_page(web.services.uow, limit=limit, offset=offset))
    if role == "walker":
        ids = [actor.walker_id] if actor.walker_id else []
    else:
        ids = sorted(web.accounts.patient_ids(actor))
    records.LIMIT.check("limit", limit)
    records.OFFSET.check("offset", offset)
    chosen = [records.walker(web.services.uow, i) for i in ids[offset : offset + limit]]
    return _page(records.Page(tuple(chosen), len(ids), limit, offset))


@router.get("/walkers/{walker_id}", tags=["walkers"])
def get_walker(request: Request, actor: Actor, walker_id: str) -> dict[str, Any]:
    web = _web(request)
    _walker(request, actor, walker_id)
    document: dict[str, Any] = to_jsonable(records.walker(web.services.uow, walker_id))
    return document


@router.get("/patients", tags=["walkers"])
def patients(request: Request, actor: Actor, sort: str = "flags") -> dict[str, Any]:
    """A therapist's patients with their flags (sort: flags, name, last_session, pain)."""
    web = _web(request)
    if auth.role_of(actor) not in ("therapist", "admin"):
        raise Forbidden("only therapists have patients")
    rows = web.accounts.patient_list(actor, now=web.now(), sort=sort)
    return {"items": plain(rows), "total": len(rows)}


@router.post("/invitations", status_code=201, tags=["walkers"])
def invite(request: Request, actor: Actor) -> dict[str, Any]:
    web = _web(request)
    if auth.role_of(actor) not in ("therapist", "admin"):
        raise Forbidden("only therapists invite patients")
    invitation = web.accounts.invite_patient(actor, now=web.now())
    document: dict[str, Any] = plain(invitation)
    document["sign_up_url"] = f"{web.public_url(request)}/sign-up?invite={invitation.code}"
    return document


@router.post("/invitations/accept", tags=["walkers"])
def accept_invite(request: Request, actor: Actor, body: InviteAccept) -> dict[str, bool]:
    web = _web(request)
    web.accounts.accept_invite(actor, body.code, now=web.now())
    return {"accepted": True}


# --- screening and program --------------------------------------------------------------------


@router.post("/screening", status_code=201, tags=["screening"])
def screen_me(request: Request, actor: Actor, body: ScreeningIn) -> dict[str, Any]:
    """The caller (a walker) answers the screening: the first time it creates their walker
    profile and program, later it screens again."""
    web = _web(request)
    if auth.role_of(actor) != "walker":
        raise Forbidden("only a walker account answers its own screening")
    WEEKS.check("weeks", body.weeks)
    answers = body.answers()
    if actor.walker_id:
        outcome = onboarding.rescreen(
            web.services.uow, actor.walker_id, answers, now=web.now(), weeks=body.weeks
        )
        walker_id = actor.walker_id
        screening = outcome.screening
    else:
        enrolment = onboarding.enrol(
            web.services.uow,
            actor.display_name,
            answers,
            weeks=body.weeks,
            now=web.now(),
            unique_name=False,
        )
        web.accounts.link_walker(actor, enrolment.walker_id)
        walker_id, screening = enrolment.walker_id, enrolment.screening
    program = _program_or_none(web, walker_id)
    return {
        "walker_id": walker_id,
        "screening": to_jsonable(screening),
        "program": None if program is None else _program_document(program),
    }


@router.get("/walkers/{walker_id}/screenings", tags=["screening"])
def screenings(request: Request, actor: Actor, walker_id: str) -> dict[str, Any]:
    web = _web(request)
    _walker(request, actor, walker_id)
    items = records.screenings(web.services.uow, walker_id)
    return {"items": to_jsonable(items), "total": len(items)}


def _program_or_none(web: WebContext, walker_id: str) -> StoredProgram | None:
    try:
        return programs.current_program(web.services.uow, walker_id)
    except NotFound:
        return None


def _program_document(stored: StoredProgram) -> dict[str, Any]:
    document: dict[str, Any] = to_jsonable(stored)
    return document


@router.get("/walkers/{walker_id}/program", tags=["programs"])
def get_program(request: Request, actor: Actor, walker_id: str) -> JSONResponse:
    """The current program; its ETag is the version to send back in If-Match."""
    web = _web(request)
    _walker(request, actor, walker_id)
    stored = programs.current_program(web.services.uow, walker_id)
    return _versioned(_program_document(stored), stored.version)


@router.patch("/walkers/{walker_id}/program/target", tags=["programs"])
def edit_target(
    request: Request, actor: Actor, walker_id: str, body: TargetIn, if_match_tag: IfMatch = None
) -> JSONResponse:
    """Set the next session's dose (therapists). Needs If-Match with the program's ETag."""
    web = _web(request)
    _walker(request, actor, walker_id, Permission.EDIT_PROGRAM)
    current = programs.current_program(web.services.uow, walker_id)
    expected = if_match(if_match_tag, current.version)
    stored = programs.edit_target(
        web.services.uow, walker_id, body.target(), expected_version=expected, now=web.now()
    )
    return _versioned(_program_document(stored), stored.version)


@router.post("/walkers/{walker_id}/program/resume", tags=["programs"])
def resume(request: Request, actor: Actor, walker_id: str) -> dict[str, bool]:
    """Resume a paused program once the walker has been cleared: the walker's therapist or an
    admin; a walker their own only when no therapist cares for them (403 otherwise)."""
    web = _web(request)
    return {"resumed": web.accounts.resume_program(actor, walker_id, now=web.now())}


@router.get(
    "/walkers/{walker_id}/program/calendar.ics",
    tags=["programs"],
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}},
)
def program_calendar(request: Request, actor: Actor, walker_id: str) -> Response:
    web = _web(request)
    _walker(request, actor, walker_id)
    _, document = calendar.walker_calendar(web.services.uow, walker_id)
    return Response(document, media_type="text/calendar; charset=utf-8")


@router.get("/walkers/{walker_id}/next", tags=["programs"])
def next_session(
    request: Request,
    actor: Actor,
    walker_id: str,
    what_if_pain: Annotated[int | None, Query(description="Preview with this pain (0-10).")] = None,
) -> dict[str, Any]:
    web = _web(request)
    _walker(request, actor, walker_id)
    if what_if_pain is not None and not 0 <= what_if_pain <= 10:
        raise InvalidInput("what_if_pain", what_if_pain, "whole number 0 to 10 (NPRS)")
    view = web.services.next_session(walker_id, now=web.now(), what_if_pain=what_if_pain)
    document: dict[str, Any] = to_jsonable(view)
    return document


@router.get("/walkers/{walker_id}/progress", tags=["programs"])
def progress(request: Request, actor: Actor, walker_id: str) -> dict[str, Any]:
    web = _web(request)
    _walker(request, actor, walker_id)
    view = web.services.progress(walker_id)
    return {
        "display_name": view.display_name,
        "weeks": to_jsonable(list(view.weeks)),
        "decisions": [
            {"made_at": t.isoformat(), "decision": to_jsonable(d)} for t, d in view.decisions
        ],
        "outcomes": [
            {"taken_at": t.isoformat(), "outcome": to_jsonable(o)} for t, o in view.outcomes
        ],
    }


# --- sessions ---------------------------------------------------------------------------------


def _session_url(walker_id: str, session_id: str) -> str:
    return f"/api/v1/walkers/{walker_id}/sessions/{session_id}"


@router.get("/walkers/{walker_id}/sessions", tags=["sessions"])
def list_sessions(
    request: Request, actor: Actor, walker_id: str, limit: Limit = 20, offset: Offset = 0
) -> dict[str, Any]:
    """Logged sessions, newest first."""
    web = _web(request)
    _walker(request, actor, walker_id)
    return _page(records.sessions_page(web.services.uow, walker_id, limit=limit, offset=offset))


@router.post("/walkers/{walker_id}/sessions", status_code=201, tags=["sessions"])
def log_session(request: Request, actor: Actor, walker_id: str, body: SessionIn) -> JSONResponse:
    """Log a session; the answer holds the progression decision taken on it."""
    web = _web(request)
    result = web.services.log_session_as(actor, walker_id, body.session(), now=web.now())
    stored = result.stored
    document = {"session": to_jsonable(stored), "decision": to_jsonable(result.decision)}
    return _versioned(document, stored.version, 201, location=_session_url(walker_id, stored.id))


@router.get("/walkers/{walker_id}/sessions/{session_id}", tags=["sessions"])
def get_session(request: Request, actor: Actor, walker_id: str, session_id: str) -> JSONResponse:
    web = _web(request)
    _walker(request, actor, walker_id)
    stored = records.get_session(web.services.uow, walker_id, session_id)
    return _versioned(to_jsonable(stored), stored.version)


def _replace(
    request: Request, walker_id: str, current: StoredSession, changed: Any, tag: str | None
) -> JSONResponse:
    web = _web(request)
    expected = if_match(tag, current.version)
    change = records.edit_session(
        web.services.uow,
        walker_id,
        current.id,
        changed,
        expected_version=expected,
        now=web.now(),
    )
    document = {
        "session": to_jsonable(change.stored),
        "decision": None if change.decision is None else to_jsonable(change.decision),
    }
    return _versioned(document, change.stored.version)


@router.put("/walkers/{walker_id}/sessions/{session_id}", tags=["sessions"])
def replace_session(
    request: Request,
    actor: Actor,
    walker_id: str,
    session_id: str,
    body: SessionIn,
    if_match_tag: IfMatch = None,
) -> JSONResponse:
    """Replace a session (If-Match: its ETag). The earlier state is kept as a revision."""
    web = _web(request)
    _walker(request, actor, walker_id, Permission.RECORD)
    current = records.get_session(web.services.uow, walker_id, session_id)
    return _replace(request, walker_id, current, body.session(), if_match_tag)


@router.patch("/walkers/{walker_id}/sessions/{session_id}", tags=["sessions"])
def patch_session(
    request: Request,
    actor: Actor,
    walker_id: str,
    session_id: str,
    body: SessionPatch,
    if_match_tag: IfMatch = None,
) -> JSONResponse:
    """Change some fields of a session (If-Match: its ETag)."""
    web = _web(request)
    _walker(request, actor, walker_id, Permission.RECORD)
    current = records.get_session(web.services.uow, walker_id, session_id)
    changes = body.model_dump(exclude_unset=True)
    for name, value in changes.items():
        if value is None and name not in ("speed_m_s", "distance_m", "load_kg", "rpe"):
            raise InvalidInput(name, None, "a value (this field cannot be emptied)")
    changed = dataclasses.replace(current.session, **changes)
    return _replace(request, walker_id, current, changed, if_match_tag)


@router.delete("/walkers/{walker_id}/sessions/{session_id}", status_code=204, tags=["sessions"])
def delete_session(
    request: Request, actor: Actor, walker_id: str, session_id: str, if_match_tag: IfMatch = None
) -> Response:
    """Delete a session (If-Match: its ETag); its history stays."""
    web = _web(request)
    _walker(request, actor, walker_id, Permission.RECORD)
    current = records.get_session(web.services.uow, walker_id, session_id)
    expected = if_match(if_match_tag, current.version)
    records.delete_session(
        web.services.uow, walker_id, session_id, expected_version=expected, now=web.now()
    )
    return Response(status_code=204)


@router.post("/walkers/{walker_id}/sessions/{session_id}/direction", tags=["sessions"])
def confirm_direction(
    request: Request,
    actor: Actor,
    walker_id: str,
    session_id: str,
    body: DirectionAnswerIn,
    if_match_tag: IfMatch = None,
) -> JSONResponse:
    """The walker says how they walked a session whose declared backward walking the sensor
    contradicted (``details.direction_needs_confirmation``; If-Match: its ETag). Backward keeps
    the declaration (``declared, confirmed by the walker``: measured minutes stay as the sensor
    saw them); forward corrects it. Only the walker answers: 403 for their therapist; 422 for a
    session with nothing to confirm."""
    web = _web(request)
    _walker(request, actor, walker_id, Permission.RECORD)
    if actor.walker_id != walker_id:
        raise Forbidden("only the walker knows how they walked: they confirm it themselves")
    current = records.get_session(web.services.uow, walker_id, session_id)
    expected = if_match(if_match_tag, current.version)
    answer = direction_confirm.confirm_direction(
        web.services.uow,
        walker_id,
        session_id,
        body.direction,
        now=web.now(),
        expected_version=expected,
    )
    document = {"session": to_jsonable(answer.stored), "changed": answer.changed}
    return _versioned(document, answer.stored.version)


# --- direction calibrations -------------------------------------------------------------------

UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "An ordinary forward walk (CSV, JSON or zip, at most "
                            f"{direction.UPLOAD_MAX_BYTES >> 20} MB).",
                        },
                        "placement": {
                            "type": "string",
                            "enum": list(direction.PLACEMENTS),
                            "default": "auto",
                        },
                    },
                }
            }
        },
    }
}


async def _upload_form(request: Request) -> FormData:
    """The multipart form, refused (413) before it is read when it says it is too large."""
    if upload_declared_too_large(request):
        raise HTTPException(413, f"the file is larger than {direction.UPLOAD_MAX_BYTES >> 20} MB")
    try:
        return await request.form()
    except (AssertionError, ValueError, KeyError) as error:  # a body that is not multipart
        raise InvalidInput("body", type(error).__name__, "multipart/form-data") from None


def _calibration_document(entry: direction.CalibrationEntry) -> dict[str, Any]:
    return plain(entry)  # type: ignore[no-any-return]


@router.get("/walkers/{walker_id}/calibrations", tags=["calibrations"])
def list_calibrations(request: Request, actor: Actor, walker_id: str) -> dict[str, Any]:
    """The walker's direction calibrations, newest first (``in_use``: newest per placement)."""
    web = _web(request)
    _walker(request, actor, walker_id)
    entries = direction.calibrations(web.services.uow, walker_id)
    return {"items": [_calibration_document(e) for e in entries], "total": len(entries)}


@router.post(
    "/walkers/{walker_id}/calibrations",
    status_code=201,
    tags=["calibrations"],
    openapi_extra=UPLOAD_BODY,
)
def upload_calibration(
    request: Request,
    actor: Actor,
    walker_id: str,
    form: Annotated[FormData, Depends(_upload_form)],
) -> dict[str, Any]:
    """Store a calibration made from an uploaded forward walk (multipart: ``file`` and
    ``placement``); 422 naming the problem for a file that is not a usable forward walk, 413
    for one over the size limit."""
    web = _web(request)
    _walker(request, actor, walker_id, Permission.RECORD)
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise InvalidInput("file", None, "a recording of a forward walk (a file part)")
    placement = form.get("placement") or "auto"
    if not isinstance(placement, str):
        raise InvalidInput("placement", "a file", ", ".join(direction.PLACEMENTS))
    entry = direction.calibrate_upload(
        web.services.uow,
        walker_id,
        upload.file,
        file_name=upload.filename,
        placement=placement,
        now=web.now(),
    )
    return _calibration_document(entry)


# --- check-ins, outcome tests, decisions, export ----------------------------------------------


@router.get("/walkers/{walker_id}/check-ins", tags=["check-ins"])
def list_checkins(request: Request, actor: Actor, walker_id: str) -> dict[str, Any]:
    web = _web(request)
    _walker(request, actor, walker_id)
    items = records.checkins(web.services.uow, walker_id)
    return {"items": to_jsonable(items), "total": len(items)}


@router.post("/walkers/{walker_id}/check-ins", status_code=201, tags=["check-ins"])
def check_in(request: Request, actor: Actor, walker_id: str, body: CheckInIn) -> dict[str, Any]:
    """The next-morning check-in; the answer holds the decision taken on it."""
    web = _web(request)
    _walker(request, actor, walker_id, Permission.RECORD)
    now = web.now()
    checkin = body.checkin(web.services.usual_pain(walker_id))
    result = web.services.check_in(
        walker_id, checkin, today=now.date(), now=now, replace=body.replace
    )
    return {"checkin": to_jsonable(result.checkin), "decision": to_jsonable(result.decision)}


@router.get("/walkers/{walker_id}/outcome-tests", tags=["outcome tests"])
def list_outcomes(request: Request, actor: Actor, walker_id: str) -> dict[str, Any]:
    web = _web(request)
    _walker(request, actor, walker_id)
    items = records.outcomes(web.services.uow, walker_id)
    return {"items": to_jsonable(items), "total": len(items)}


@router.post("/walkers/{walker_id}/outcome-tests", status_code=201, tags=["outcome tests"])
def record_outcome(
    request: Request, actor: Actor, walker_id: str, body: OutcomeIn
) -> dict[str, Any]:
    """Record a 3-metre backward walk, a Timed Up and Go or a KOOS-12, with its interpretation."""
    web = _web(request)
    _walker(request, actor, walker_id, Permission.RECORD)
    now = web.now()
    taken_at = body.taken_at or now
    services = web.services
    if body.kind == "koos12":
        if body.answers is None:
            raise InvalidInput("answers", None, "the KOOS-12 item answers (0-4 or null)")
        recorded = services.record_koos12(walker_id, body.answers, taken_at=taken_at, now=now)
    else:
        if body.time_s is None:
            raise InvalidInput("time_s", None, "the test time in seconds")
        if body.kind == "tug":
            recorded = services.record_tug(walker_id, body.time_s, taken_at=taken_at, now=now)
        else:
            if body.start is None:
                raise InvalidInput("start", None, "static or flying")
            if body.population is None:
                raise InvalidInput("population", None, "whose cut-offs apply")
            recorded = services.record_3mbwt(
                walker_id, body.time_s, body.start, body.population, taken_at=taken_at, now=now
            )
    return {"id": recorded.outcome_id, "result": to_jsonable(recorded.result)}


@router.get("/walkers/{walker_id}/decisions", tags=["decisions"])
def list_decisions(
    request: Request, actor: Actor, walker_id: str, limit: Limit = 20, offset: Offset = 0
) -> dict[str, Any]:
    """Progression decisions with their reasons and citations, newest first."""
    web = _web(request)
    _walker(request, actor, walker_id)
    return _page(records.decisions_page(web.services.uow, walker_id, limit=limit, offset=offset))


@router.get("/walkers/{walker_id}/export", tags=["export"])
def export(request: Request, actor: Actor, walker_id: str) -> dict[str, Any]:
    """All of the walker's data as one document (the same as ``retrowalk export``)."""
    web = _web(request)
    _walker(request, actor, walker_id)
    try:
        return web.services.export_walker(walker_id, now=web.now())
    except ModuleNotFoundError:
        raise HTTPException(501, "export is not available in this build") from None
