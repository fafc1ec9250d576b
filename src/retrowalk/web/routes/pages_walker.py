"""The walker's pages: screening, today's session, logging, check-in, progress, calendar."""

from __future__ import annotations

from datetime import datetime
from itertools import groupby
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.responses import Response

from retrowalk.domain.models import Equipment, Goal, LoggedSession, Place, StartMethod
from retrowalk.domain.prescription import WEEKS
from retrowalk.domain.screening import FORWARD_SPEED_KMH, RANGES, allowed_text
from retrowalk.domain.units import format_minutes_seconds
from retrowalk.errors import Conflict, InvalidInput, NotFound, UnsupportedFile
from retrowalk.formats.codec import encode
from retrowalk.services import (
    calendar,
    direction,
    direction_confirm,
    onboarding,
    programs,
    records,
)
from retrowalk.web import auth, forms
from retrowalk.web.gateway import ActorLike, Permission
from retrowalk.web.routes.pages_account import see_other
from retrowalk.web.routes.shared import (
    calendar_urls,
    current_program_or_none,
    own_walker_id,
    upload_declared_too_large,
    walker_progress,
)

router = APIRouter(include_in_schema=False)
Actor = Annotated[ActorLike, Depends(auth.page_actor)]
Form = Annotated[FormData, Depends(auth.verified_form)]

SCREENING_CHOICES = {
    "goals": tuple(Goal),
    "places": tuple(Place),
    "equipment": tuple(Equipment),
    "start_methods": tuple(StartMethod),
    "ranges": {name: allowed_text(name) for name in RANGES},
    "limits": RANGES,
    "weeks": WEEKS,
    "forward_speed_kmh": FORWARD_SPEED_KMH,
}


def _screening_defaults(web: Any, actor: ActorLike) -> dict[str, Any]:
    """The last answers (screening again), else nothing filled in."""
    if not actor.walker_id:
        return {"weeks": "6"}
    latest = records.latest_screening(web.services.uow, actor.walker_id)
    if latest is None:
        return {"weeks": "6"}
    answers = encode(latest.answers)
    values: dict[str, Any] = {"weeks": "6"}
    for name, value in answers.items():
        if isinstance(value, bool):
            values[name] = "yes" if value else "no"
        elif value is not None:
            values[name] = value
    if latest.answers.forward_speed_m_s is not None:
        values["forward_speed_kmh"] = f"{latest.answers.forward_speed_m_s * 3.6:.1f}"
    return values


@router.get("/screening")
def screening_page(request: Request, actor: Actor) -> Response:
    web = auth.context(request)
    if auth.role_of(actor) != "walker":
        raise auth.RedirectTo("/patients")
    values = {"form": _screening_defaults(web, actor), "errors": {}, **SCREENING_CHOICES}
    return web.render(request, "screening.html", values)


def _form_values(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {k: v for k, v in form.items() if k != auth.CSRF_FIELD}
    values["equipment"] = form.getlist("equipment")
    return values


@router.post("/screening")
def screen(request: Request, actor: Actor, form: Form) -> Response:
    web = auth.context(request)
    if auth.role_of(actor) != "walker":
        raise auth.RedirectTo("/patients")
    try:
        answers = forms.screening_answers(form)
        weeks = forms.required_integer(form, "weeks", allowed=WEEKS)
        WEEKS.check("weeks", weeks)
        if actor.walker_id:
            onboarding.rescreen(
                web.services.uow, actor.walker_id, answers, now=web.now(), weeks=weeks
            )
        else:
            enrolment = onboarding.enrol(
                web.services.uow,
                actor.display_name,
                answers,
                weeks=weeks,
                now=web.now(),
                unique_name=False,
            )
            web.accounts.link_walker(actor, enrolment.walker_id)
    except InvalidInput as error:
        values = {
            "form": _form_values(form),
            "errors": {error.field: str(error)},
            **SCREENING_CHOICES,
        }
        return web.render(request, "screening.html", values, status=422)
    return see_other("/screening/verdict")


@router.get("/screening/verdict")
def verdict(request: Request, actor: Actor) -> Response:
    web = auth.context(request)
    walker_id = own_walker_id(actor)
    latest = records.latest_screening(web.services.uow, walker_id)
    if latest is None:
        raise auth.RedirectTo("/screening")
    program = current_program_or_none(web, walker_id)
    return web.render(request, "verdict.html", {"screening": latest, "program": program})


TODAY_NOTICES = {
    "resumed": "Your program is active again: carry on at the current level.",
    "not-paused": "Your program was not paused: nothing changed.",
    "direction-backward": "Thank you: the session stays backward walking, confirmed by you "
    "(your therapist sees it as declared and confirmed, not as measured by the sensor).",
    "direction-forward": "Thank you: the session is now recorded as forward walking.",
}


def _today_page(
    request: Request,
    actor: ActorLike,
    *,
    what_if_pain: int | None = None,
    notice: str = "",
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    web = auth.context(request)
    walker_id = own_walker_id(actor)
    if what_if_pain is not None and not 0 <= what_if_pain <= 10:
        what_if_pain = None
    try:
        view = web.services.next_session(walker_id, now=web.now(), what_if_pain=what_if_pain)
    except NotFound as error:
        return web.render(request, "today.html", {"view": None, "no_program": str(error)})
    walker = records.walker(web.services.uow, walker_id)
    values = {
        "view": view,
        "body_mass_kg": walker.profile.body_mass_kg,
        "what_if_pain": what_if_pain,
        "last_decision": records.latest_decision(web.services.uow, walker_id),
        # Who resumes a paused program: the accounts' rule (Permission.RESUME_PROGRAM), so
        # the page offers the button only to a walker without a therapist.
        "may_resume": view.status == "paused"
        and web.accounts.may(actor, walker_id, Permission.RESUME_PROGRAM),
        "notice": TODAY_NOTICES.get(notice, ""),
        "errors": errors or {},
        "awaiting": direction_confirm.awaiting(web.services.uow, walker_id),
    }
    return web.render(request, "today.html", values, status=status)


@router.get("/today")
def today(
    request: Request, actor: Actor, what_if_pain: int | None = None, notice: str = ""
) -> Response:
    return _today_page(request, actor, what_if_pain=what_if_pain, notice=notice)


@router.post("/resume")
def resume(request: Request, actor: Actor, form: Form) -> Response:
    """A walker without a therapist resumes their own paused program, once cleared by a
    clinician (they tick that they were); a therapist's patient gets 403: their therapist
    resumes it."""
    web = auth.context(request)
    walker_id = own_walker_id(actor)
    web.accounts.authorize_walker(actor, walker_id, Permission.RESUME_PROGRAM)
    if not forms.checkbox(form, "cleared"):
        error = "tick that a clinician has cleared you to walk again"
        return _today_page(request, actor, errors={"cleared": error}, status=422)
    resumed = web.accounts.resume_program(actor, walker_id, now=web.now())
    return see_other(f"/today?notice={'resumed' if resumed else 'not-paused'}")


@router.post("/sessions/{session_id}/direction")
def confirm_direction(request: Request, actor: Actor, session_id: str, form: Form) -> Response:
    """The walker says how they walked a session the sensor saw differently."""
    web = auth.context(request)
    walker_id = own_walker_id(actor)
    direction = str(form.get("direction", ""))
    try:
        version = forms.required_integer(form, "version", allowed=programs.VERSION)
        direction_confirm.confirm_direction(
            web.services.uow,
            walker_id,
            session_id,
            direction,
            now=web.now(),
            expected_version=version,
        )
    except InvalidInput as error:
        return _today_page(request, actor, errors={"direction": str(error)}, status=422)
    except Conflict as error:
        return _today_page(request, actor, errors={"direction": str(error)}, status=409)
    return see_other(f"/today?notice=direction-{direction}")


PLACEMENT_CHOICES = (
    ("auto", "Let the sensor tell"),
    ("pocket", "Front trouser pocket"),
    ("waist", "At the waist (lower back)"),
)
PLACEMENT_TEXT = {"pocket": "Front trouser pocket", "waist": "Waist (lower back)"}


def _calibration_page(
    request: Request,
    walker_id: str,
    *,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    notice: str = "",
    status: int = 200,
) -> Response:
    web = auth.context(request)
    values = {
        "calibrations": direction.calibrations(web.services.uow, walker_id),
        "placements": PLACEMENT_CHOICES,
        "placement_text": PLACEMENT_TEXT,
        "max_mb": direction.UPLOAD_MAX_BYTES >> 20,
        "form": form or {},
        "errors": errors or {},
        "notice": notice,
    }
    return web.render(request, "calibration.html", values, status=status)


@router.get("/calibration")
def calibration_page(request: Request, actor: Actor, notice: str = "") -> Response:
    walker_id = own_walker_id(actor)
    text = "Calibration stored: your next imports use it." if notice == "stored" else ""
    return _calibration_page(request, walker_id, notice=text)


def upload_limit(request: Request) -> None:
    """Refuse an upload that says it is too large before its form is read (a dependency
    declared before the form: FastAPI solves them in order)."""
    if upload_declared_too_large(request):
        raise HTTPException(
            413,
            f"The file is larger than {direction.UPLOAD_MAX_BYTES >> 20} MB: a calibration "
            "needs a few minutes of ordinary forward walking.",
        )


@router.post("/calibration")
def calibrate(
    request: Request,
    actor: Actor,
    _limit: Annotated[None, Depends(upload_limit)],
    form: Form,
) -> Response:
    web = auth.context(request)
    walker_id = own_walker_id(actor)
    placement = str(form.get("placement") or "auto")
    upload = form.get("file")
    values = {"placement": placement}
    if not isinstance(upload, UploadFile) or not upload.filename:
        errors = {"file": "file: choose the recording of a forward walk to upload"}
        return _calibration_page(request, walker_id, form=values, errors=errors, status=422)
    try:
        direction.calibrate_upload(
            web.services.uow,
            walker_id,
            upload.file,
            file_name=upload.filename,
            placement=placement,
            now=web.now(),
        )
    except InvalidInput as error:
        field = "placement" if error.field == "placement" else "file"
        errors = {field: str(error)}
        return _calibration_page(request, walker_id, form=values, errors=errors, status=422)
    except UnsupportedFile as error:
        errors = {"file": f"Not used as a calibration: {error}"}
        return _calibration_page(request, walker_id, form=values, errors=errors, status=422)
    return see_other("/calibration?notice=stored")


def _log_defaults(web: Any, walker_id: str) -> dict[str, Any]:
    target = web.services.current_target(walker_id)
    usual = web.services.usual_pain(walker_id)
    walker = records.walker(web.services.uow, walker_id)
    values: dict[str, Any] = {"pain_during_nprs": usual, "pain_after_nprs": usual}
    if target is not None:
        values.update(
            modality=target.modality.value,
            minutes=format_minutes_seconds(target.duration_s),
            speed_kmh="" if target.speed_m_s is None else f"{target.speed_m_s * 3.6:.1f}",
            incline_pct=f"{target.incline_pct:g}",
            load_kg=""
            if target.load_pct_body_mass is None
            else f"{target.load_pct_body_mass / 100 * walker.profile.body_mass_kg:.0f}",
            rails="on" if target.rails else "",
        )
    return values


def _log_page(
    request: Request,
    form: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
    *,
    editing: Any = None,
) -> Response:
    values = {
        "form": form,
        "errors": errors,
        "duration_allowed": forms.DURATION_ALLOWED,
        "editing": editing,
        "zone": "" if editing is None else _zone_text(editing.session.performed_at),
    }
    return auth.context(request).render(request, "log.html", values, status=status)


def _zone_text(moment: datetime) -> str:
    """A time's UTC offset as people read it: UTC, UTC+02:00, UTC-05:30."""
    offset = moment.utcoffset()
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes > 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _session_form(stored: Any) -> dict[str, Any]:
    """A stored session as the log form's fields (``forms.session_fields``) and its version."""
    return {**forms.session_fields(stored.session), "version": str(stored.version)}


def _unchanged(stored: LoggedSession, session: LoggedSession) -> bool:
    """The same session, in the same zone (equal datetimes may differ in their offset)."""
    return session == stored and session.performed_at.utcoffset() == stored.performed_at.utcoffset()


@router.get("/sessions/{session_id}/edit")
def edit_session_page(request: Request, actor: Actor, session_id: str) -> Response:
    web = auth.context(request)
    walker_id = own_walker_id(actor)
    stored = records.get_session(web.services.uow, walker_id, session_id)
    return _log_page(request, _session_form(stored), {}, editing=stored)


@router.post("/sessions/{session_id}/edit")
def edit_session(request: Request, actor: Actor, session_id: str, form: Form) -> Response:
    """Correct a logged session; a version changed meanwhile (another tab, the API) gets 409
    and nothing is overwritten. Fields left as shown keep their stored values
    (``forms.logged_session``); a form saved without any change stores nothing."""
    web = auth.context(request)
    walker_id = own_walker_id(actor)
    stored = records.get_session(web.services.uow, walker_id, session_id)
    values = {k: v for k, v in form.items() if k != auth.CSRF_FIELD}
    try:
        version = forms.required_integer(form, "version", allowed=programs.VERSION)
        session = forms.logged_session(form, web.now(), shown=stored.session)
        if version == stored.version and _unchanged(stored.session, session):
            # nothing to correct: no new version, no revision, no decision taken again
            return see_other("/progress?notice=unchanged")
        records.edit_session(
            web.services.uow,
            walker_id,
            session_id,
            session,
            expected_version=version,
            now=web.now(),
        )
    except InvalidInput as error:
        return _log_page(request, values, {error.field: str(error)}, 422, editing=stored)
    except Conflict as error:
        fresh = {**_session_form(stored), "version": str(stored.version)}
        errors = {"version": f"Not saved: {error}. The form now shows the saved session."}
        return _log_page(request, fresh, errors, 409, editing=stored)
    return see_other("/progress?notice=edited")


@router.get("/log")
def log_page(request: Request, actor: Actor) -> Response:
    web = auth.context(request)
    walker_id = own_walker_id(actor)
    if web.services.current_target(walker_id) is None:
        raise auth.RedirectTo("/today")
    return _log_page(request, _log_defaults(web, walker_id), {})


@router.post("/log")
def log(request: Request, actor: Actor, form: Form) -> Response:
    web = auth.context(request)
    walker_id = own_walker_id(actor)
    try:
        session = forms.logged_session(form, web.now())
        web.services.log_session(walker_id, session, now=web.now())
    except InvalidInput as error:
        values = {k: v for k, v in form.items() if k != auth.CSRF_FIELD}
        return _log_page(request, values, {error.field: str(error)}, status=422)
    return see_other("/decision?after=log")


@router.get("/decision")
def decision(request: Request, actor: Actor) -> Response:
    web = auth.context(request)
    walker_id = own_walker_id(actor)
    latest = records.latest_decision(web.services.uow, walker_id)
    page = records.sessions_page(web.services.uow, walker_id, limit=1)
    after = request.query_params.get("after")
    values = {
        "decision": latest,
        "after": after if after in ("log", "check-in") else None,
        "session": page.items[0] if page.items else None,
        "body_mass_kg": records.walker(web.services.uow, walker_id).profile.body_mass_kg,
    }
    return web.render(request, "decision.html", values)


def _check_in_page(
    request: Request, form: dict[str, Any], errors: dict[str, str], status: int = 200
) -> Response:
    values = {"form": form, "errors": errors}
    return auth.context(request).render(request, "check_in.html", values, status=status)


@router.get("/check-in")
def check_in_page(request: Request, actor: Actor) -> Response:
    web = auth.context(request)
    walker_id = own_walker_id(actor)
    usual = web.services.usual_pain(walker_id)
    form = {"pain_next_morning_nprs": usual, "usual_pain_nprs": usual, "on": ""}
    return _check_in_page(request, form, {})


@router.post("/check-in")
def check_in(request: Request, actor: Actor, form: Form) -> Response:
    web = auth.context(request)
    walker_id = own_walker_id(actor)
    values: dict[str, object] = {k: v for k, v in form.items() if k != auth.CSRF_FIELD}
    try:
        now = web.now()
        today = forms.local_today(form, now)
        checkin = forms.check_in(form, today)
        web.services.check_in(
            walker_id, checkin, today=today, now=now, replace=forms.checkbox(form, "replace")
        )
    except InvalidInput as error:
        return _check_in_page(request, values, {error.field: str(error)}, status=422)
    except Conflict as error:
        values["offer_replace"] = True
        return _check_in_page(request, values, {"on": str(error)}, status=409)
    return see_other("/decision?after=check-in")


PROGRESS_NOTICES = {
    "edited": "The session is corrected; its earlier state is kept.",
    "unchanged": "Nothing was changed, so the session stays as it was.",
}


@router.get("/progress")
def progress(request: Request, actor: Actor, notice: str = "") -> Response:
    web = auth.context(request)
    walker_id = own_walker_id(actor)
    values = {**walker_progress(web, walker_id), "notice": PROGRESS_NOTICES.get(notice, "")}
    return web.render(request, "progress.html", values)


@router.get("/calendar")
def calendar_page(request: Request, actor: Actor) -> Response:
    web = auth.context(request)
    walker_id = own_walker_id(actor)
    stored = current_program_or_none(web, walker_id)
    weeks: list[tuple[int, list[calendar.CalendarDay]]] = []
    if stored is not None:
        days = calendar.schedule(stored)
        ordered = sorted(days, key=lambda d: (d.planned.week, d.on))
        weeks = [(week, list(group)) for week, group in groupby(ordered, lambda d: d.planned.week)]
    done_days = {
        s.session.performed_at.date() for s in records.all_sessions(web.services.uow, walker_id)
    }
    values = {
        "program": stored,
        "weeks": weeks,
        "done_days": done_days,
        "today": web.now().date(),
        **calendar_urls(request, walker_id),
    }
    response = web.render(request, "calendar.html", values)
    response.headers["referrer-policy"] = "no-referrer"  # the page shows a secret link
    return response


@router.get("/calendar/{walker_id}/{token}.ics")
def calendar_ics(request: Request, walker_id: str, token: str) -> Response:
    """The subscription link: the token in the address is the only credential (read-only)."""
    web = auth.context(request)
    if not auth.check_calendar_token(request, walker_id, token):
        raise NotFound("no such calendar")
    _, document = calendar.walker_calendar(web.services.uow, walker_id)
    return Response(
        document,
        media_type="text/calendar; charset=utf-8",
        headers={
            "content-disposition": 'inline; filename="retrowalk.ics"',
            "referrer-policy": "no-referrer",
        },
    )
