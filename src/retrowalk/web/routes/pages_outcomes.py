"""The KOOS-12 questionnaire as a page: a walker answers it for themselves, a therapist with
a patient in clinic. Scoring is the domain's (``domain.outcomes.score_koos12``, koos12); the
page only asks the twelve questions and shows the stored results."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from retrowalk.domain.models import OutcomeKind
from retrowalk.domain.outcomes import KOOS12_ITEMS
from retrowalk.errors import InvalidInput
from retrowalk.services import records
from retrowalk.web import auth, forms
from retrowalk.web.gateway import ActorLike, Permission
from retrowalk.web.routes.pages_account import see_other
from retrowalk.web.routes.shared import own_walker_id, require_clinician

router = APIRouter(include_in_schema=False)
Actor = Annotated[ActorLike, Depends(auth.page_actor)]
Form = Annotated[FormData, Depends(auth.verified_form)]

NONE_EXTREME = ("None", "Mild", "Moderate", "Severe", "Extreme")
HOW_OFTEN = ("Never", "Monthly", "Weekly", "Daily", "Always")
QUESTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "pain_frequency": ("How often do you have knee pain?", HOW_OFTEN),
    "pain_walking": ("Knee pain when walking on a flat surface (last week)", NONE_EXTREME),
    "pain_stairs": ("Knee pain going up or down stairs (last week)", NONE_EXTREME),
    "pain_sitting_lying": ("Knee pain when sitting or lying (last week)", NONE_EXTREME),
    "function_rising_sitting": ("Difficulty rising from sitting (last week)", NONE_EXTREME),
    "function_standing": ("Difficulty standing (last week)", NONE_EXTREME),
    "function_car": ("Difficulty getting in or out of a car (last week)", NONE_EXTREME),
    "function_twisting": ("Difficulty twisting or pivoting on the knee", NONE_EXTREME),
    "qol_awareness": (
        "How often are you aware of your knee problem?",
        ("Never", "Monthly", "Weekly", "Daily", "Constantly"),
    ),
    "qol_lifestyle": (
        "Have you changed how you live to avoid activities that might harm your knee?",
        ("Not at all", "Mildly", "Moderately", "Severely", "Totally"),
    ),
    "qol_confidence": (
        "How much does a lack of confidence in your knee trouble you?",
        ("Not at all", "Mildly", "Moderately", "Severely", "Extremely"),
    ),
    "qol_difficulty": ("In general, how much difficulty do you have with your knee?", NONE_EXTREME),
}
SCALES = {"pain": "Pain", "function": "Function in daily living", "qol": "Quality of life"}
assert set(QUESTIONS) == {i for items in KOOS12_ITEMS.values() for i in items}


def _answers(form: FormData) -> dict[str, int | None]:
    """Each item 0-4, or None when left unanswered (the domain decides what is enough)."""
    answers: dict[str, int | None] = {}
    for item in QUESTIONS:
        value = forms.integer(form, item)
        if value is not None and not 0 <= value <= 4:
            raise InvalidInput(item, value, "one of the five answers (0-4)")
        answers[item] = value
    return answers


def _page(
    request: Request,
    walker_id: str,
    action: str,
    *,
    back: str,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    notice: str = "",
    status: int = 200,
) -> Response:
    web = auth.context(request)
    results = [
        o
        for o in records.outcomes(web.services.uow, walker_id)
        if o.outcome.kind is OutcomeKind.KOOS12
    ]
    values = {
        "questions": QUESTIONS,
        "scales": {scale: SCALES[scale] for scale in KOOS12_ITEMS},
        "items": KOOS12_ITEMS,
        "action": action,
        "back": back,
        "results": list(reversed(results)),
        "form": form or {},
        "errors": errors or {},
        "notice": notice,
    }
    return web.render(request, "koos12.html", values, status=status)


def _record(request: Request, walker_id: str, form: FormData) -> dict[str, int | None]:
    web = auth.context(request)
    answers = _answers(form)
    now = web.now()
    web.services.record_koos12(walker_id, answers, taken_at=now, now=now)
    return answers


@router.get("/koos12")
def walker_page(request: Request, actor: Actor, notice: str = "") -> Response:
    walker_id = own_walker_id(actor)
    text = "Thank you: your answers are scored and saved." if notice == "saved" else ""
    return _page(request, walker_id, "/koos12", back="/progress", notice=text)


@router.post("/koos12")
def walker_answers(request: Request, actor: Actor, form: Form) -> Response:
    walker_id = own_walker_id(actor)
    try:
        _record(request, walker_id, form)
    except InvalidInput as error:
        values = {k: v for k, v in form.items() if k != auth.CSRF_FIELD}
        errors = {error.field: str(error)}
        return _page(request, walker_id, "/koos12", back="/progress", form=values, errors=errors,
                     status=422)  # fmt: skip
    return see_other("/koos12?notice=saved")


def _clinician(request: Request, actor: ActorLike, walker_id: str, permission: Permission) -> None:
    require_clinician(actor)
    auth.context(request).accounts.authorize_walker(actor, walker_id, permission)


@router.get("/patients/{walker_id}/koos12")
def therapist_page(request: Request, actor: Actor, walker_id: str) -> Response:
    _clinician(request, actor, walker_id, Permission.VIEW)
    action = f"/patients/{walker_id}/koos12"
    return _page(request, walker_id, action, back=f"/patients/{walker_id}")


@router.post("/patients/{walker_id}/koos12")
def therapist_answers(request: Request, actor: Actor, walker_id: str, form: Form) -> Response:
    _clinician(request, actor, walker_id, Permission.RECORD)
    try:
        _record(request, walker_id, form)
    except InvalidInput as error:
        values = {k: v for k, v in form.items() if k != auth.CSRF_FIELD}
        action = f"/patients/{walker_id}/koos12"
        return _page(request, walker_id, action, back=f"/patients/{walker_id}", form=values,
                     errors={error.field: str(error)}, status=422)  # fmt: skip
    return see_other(f"/patients/{walker_id}?notice=outcome")
