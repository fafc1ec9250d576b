"""The therapist's pages: patient list with flags, one patient's page (charts, decisions,
program edit, outcome tests in clinic, resume), invitations."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from retrowalk.domain.models import Modality, StartMethod
from retrowalk.domain.outcomes import BackwardWalkPopulation
from retrowalk.errors import Conflict, InvalidInput
from retrowalk.services import programs, records
from retrowalk.web import auth, forms
from retrowalk.web.gateway import ActorLike, Permission
from retrowalk.web.routes.pages_account import see_other
from retrowalk.web.routes.shared import current_program_or_none, require_clinician, walker_progress

router = APIRouter(include_in_schema=False)
Actor = Annotated[ActorLike, Depends(auth.page_actor)]
Form = Annotated[FormData, Depends(auth.verified_form)]
SORTS = ("flags", "name", "last_session", "pain")
SORT_TEXT = {
    "flags": "Flags",
    "name": "Name",
    "last_session": "Last session",
    "pain": "Pain (7 days)",
}


@router.get("/patients")
def patients(request: Request, actor: Actor, sort: str = "flags") -> Response:
    web = auth.context(request)
    require_clinician(actor)
    if sort not in SORTS:
        sort = "flags"
    rows = web.accounts.patient_list(actor, now=web.now(), sort=sort)
    values = {"rows": rows, "sort": sort, "sorts": SORTS, "sort_text": SORT_TEXT}
    return web.render(request, "therapist/patients.html", values)


def _patient_page(
    request: Request,
    actor: ActorLike,
    walker_id: str,
    *,
    errors: dict[str, str] | None = None,
    notice: str = "",
    status: int = 200,
) -> Response:
    web = auth.context(request)
    walker = records.walker(web.services.uow, walker_id)
    rows = web.accounts.patient_list(actor, now=web.now(), sort="name")
    row = next((r for r in rows if r.walker_id == walker_id), None)
    values: dict[str, Any] = {
        "walker": walker,
        "flags": tuple(getattr(row, "flags", ()) or ()),
        "program": current_program_or_none(web, walker_id),
        "may_edit": web.accounts.may(actor, walker_id, Permission.EDIT_PROGRAM),
        "may_resume": web.accounts.may(actor, walker_id, Permission.RESUME_PROGRAM),
        "modalities": tuple(Modality),
        "start_methods": tuple(StartMethod),
        "populations": tuple(BackwardWalkPopulation),
        "errors": errors or {},
        "notice": notice,
        **walker_progress(web, walker_id),
    }
    return web.render(request, "therapist/patient.html", values, status=status)


def _authorized(
    request: Request,
    actor: ActorLike,
    walker_id: str,
    permission: Permission = Permission.VIEW,
) -> None:
    require_clinician(actor)
    auth.context(request).accounts.authorize_walker(actor, walker_id, permission)


@router.get("/patients/{walker_id}")
def patient(request: Request, actor: Actor, walker_id: str, notice: str = "") -> Response:
    _authorized(request, actor, walker_id)
    notices = {
        "target": "The next session's dose is saved.",
        "outcome": "The test is recorded.",
        "resumed": "The program is active again.",
        "not-paused": "The program was not paused: nothing changed.",
    }
    return _patient_page(request, actor, walker_id, notice=notices.get(notice, ""))


@router.post("/patients/{walker_id}/target")
def edit_target(request: Request, actor: Actor, walker_id: str, form: Form) -> Response:
    web = auth.context(request)
    _authorized(request, actor, walker_id, Permission.EDIT_PROGRAM)
    try:
        target = forms.session_target(form)
        version = forms.required_integer(form, "version", allowed=programs.VERSION)
        programs.edit_target(
            web.services.uow, walker_id, target, expected_version=version, now=web.now()
        )
    except InvalidInput as error:
        return _patient_page(
            request, actor, walker_id, errors={error.field: str(error)}, status=422
        )
    except Conflict as error:
        return _patient_page(request, actor, walker_id, errors={"version": str(error)}, status=409)
    return see_other(f"/patients/{walker_id}?notice=target")


def _taken_at(form: FormData, now: datetime) -> datetime:
    return forms.when(form, "taken_at", now)


@router.post("/patients/{walker_id}/outcomes")
def record_outcome(request: Request, actor: Actor, walker_id: str, form: Form) -> Response:
    web = auth.context(request)
    _authorized(request, actor, walker_id, Permission.RECORD)
    try:
        now = web.now()
        kind = forms.text(form, "kind", max_chars=10)
        time_s = forms.required_number(form, "time_s")
        if kind == "3mbwt":
            web.services.record_3mbwt(
                walker_id,
                time_s,
                forms.choice(form, "start", StartMethod),
                forms.choice(form, "population", BackwardWalkPopulation),
                taken_at=_taken_at(form, now),
                now=now,
            )
        elif kind == "tug":
            web.services.record_tug(walker_id, time_s, taken_at=_taken_at(form, now), now=now)
        else:
            raise InvalidInput("kind", kind, "3mbwt or tug")
    except InvalidInput as error:
        return _patient_page(
            request, actor, walker_id, errors={error.field: str(error)}, status=422
        )
    return see_other(f"/patients/{walker_id}?notice=outcome")


@router.post("/patients/{walker_id}/resume")
def resume(request: Request, actor: Actor, walker_id: str, form: Form) -> Response:
    web = auth.context(request)
    _authorized(request, actor, walker_id, Permission.RESUME_PROGRAM)
    resumed = web.accounts.resume_program(actor, walker_id, now=web.now())
    return see_other(f"/patients/{walker_id}?notice={'resumed' if resumed else 'not-paused'}")


@router.get("/invite")
def invite_page(request: Request, actor: Actor) -> Response:
    require_clinician(actor)
    return auth.context(request).render(request, "therapist/invite.html", {"invitation": None})


@router.post("/invite")
def invite(request: Request, actor: Actor, form: Form) -> Response:
    web = auth.context(request)
    require_clinician(actor)
    invitation = web.accounts.invite_patient(actor, now=web.now())
    base = web.public_url(request)
    values = {
        "invitation": invitation,
        "sign_up_link": f"{base}/sign-up?invite={invitation.code}",
        "join_link": f"{base}/join?code={invitation.code}",
    }
    return web.render(request, "therapist/invite.html", values)
