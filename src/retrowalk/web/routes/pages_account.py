"""Pages of accounts: sign up, sign in, sign out, join a therapist, API tokens."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData
from starlette.responses import Response

from retrowalk.errors import Forbidden, InvalidInput, RetrowalkError
from retrowalk.services import demo
from retrowalk.web import auth, forms
from retrowalk.web.gateway import PUBLIC_ROLES, ActorLike

router = APIRouter(include_in_schema=False)
SIGN_UP_ROLES = PUBLIC_ROLES  # an administrator is never self-made

Actor = Annotated[ActorLike, Depends(auth.page_actor)]
OptionalActor = Annotated[ActorLike | None, Depends(auth.optional_actor)]
Form = Annotated[FormData, Depends(auth.verified_form)]


def home_for(actor: ActorLike) -> str:
    role = auth.role_of(actor)
    if role in ("therapist", "admin"):
        return "/patients"
    return "/today" if actor.walker_id else "/screening"


def safe_next(target: str | None) -> str | None:
    """Only a path on this site (no scheme, no host, no '//' trick)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


@router.get("/")
def home(request: Request, actor: OptionalActor) -> Response:
    if actor is not None:
        return see_other(home_for(actor))
    web = auth.context(request)
    return web.render(request, "index.html", {"demo": demo.demo_logins(web.services.uow)})


@router.get("/sign-up")
def sign_up_page(request: Request, invite: str = "") -> Response:
    values = {"form": {"invite_code": invite, "role": "walker"}, "errors": {}}
    return auth.context(request).render(request, "sign_up.html", values)


def _start_session(request: Request, token: str, target: str) -> Response:
    web = auth.context(request)
    response = see_other(target)
    auth.set_cookie(
        response, request, auth.SESSION_COOKIE, token, max_age=web.settings.session_max_age_s
    )
    auth.renew_csrf_seed(request)  # a new CSRF seed with every new session
    return response


@router.post("/sign-up")
def sign_up(request: Request, form: Form) -> Response:
    web = auth.context(request)
    values: dict[str, Any] = {"form": dict(form), "errors": {}}
    try:
        role = forms.text(form, "role", max_chars=20)
        if role not in SIGN_UP_ROLES:
            raise InvalidInput("role", role, " or ".join(SIGN_UP_ROLES))
        email = forms.text(form, "email", max_chars=254)
        password = str(form.get("password") or "")
        web.accounts.sign_up(
            email=email,
            password=password,
            display_name=forms.text(form, "display_name", max_chars=forms.NAME_MAX_CHARS),
            role=role,
            invite_code=forms.text(form, "invite_code", max_chars=100, required=False) or None,
            now=web.now(),
        )
        token = web.accounts.sign_in(
            email=email, password=password, client_key=auth.client_key(request), now=web.now()
        )
    except InvalidInput as error:
        values["errors"] = {error.field: str(error)}
        return web.render(request, "sign_up.html", values, status=422)
    except RetrowalkError as error:
        values["errors"] = {"form": str(error)}
        return web.render(request, "sign_up.html", values, status=409)
    return _start_session(request, token, "/patients" if role == "therapist" else "/screening")


@router.get("/sign-in")
def sign_in_page(request: Request, next: str = "") -> Response:
    values = {"form": {"next": safe_next(next) or ""}, "errors": {}}
    return auth.context(request).render(request, "sign_in.html", values)


@router.post("/sign-in")
def sign_in(request: Request, form: Form) -> Response:
    web = auth.context(request)
    email = forms.text(form, "email", max_chars=254, required=False)
    values: dict[str, Any] = {"form": {"email": email, "next": form.get("next", "")}, "errors": {}}
    try:
        token = web.accounts.sign_in(
            email=email,
            password=str(form.get("password") or ""),
            client_key=auth.client_key(request),
            now=web.now(),
        )
    except RetrowalkError as error:
        values["errors"] = {"form": str(error)}
        return web.render(request, "sign_in.html", values, status=403)
    actor = web.accounts.identify_session(token, now=web.now())
    target = safe_next(str(form.get("next") or "")) or (home_for(actor) if actor else "/")
    return _start_session(request, token, target)


@router.post("/sign-out")
def sign_out(request: Request, form: Form) -> Response:
    web = auth.context(request)
    token = request.cookies.get(auth.SESSION_COOKIE)
    if token:
        web.accounts.sign_out(token)
    response = see_other("/")
    auth.clear_cookie(response, request, auth.SESSION_COOKIE)
    auth.renew_csrf_seed(request)
    return response


def _require_walker(actor: ActorLike) -> None:
    if auth.role_of(actor) != "walker":
        raise Forbidden("only a walker account joins a therapist")


@router.get("/join")
def join_page(request: Request, actor: Actor, code: str = "") -> Response:
    _require_walker(actor)
    values = {"form": {"code": code}, "errors": {}, "joined": False}
    return auth.context(request).render(request, "join.html", values)


@router.post("/join")
def join(request: Request, actor: Actor, form: Form) -> Response:
    web = auth.context(request)
    _require_walker(actor)
    code = forms.text(form, "code", max_chars=100, required=False)
    values: dict[str, Any] = {"form": {"code": code}, "errors": {}, "joined": False}
    try:
        web.accounts.accept_invite(actor, code, now=web.now())
    except RetrowalkError as error:
        values["errors"] = {"code": str(error)}
        return web.render(request, "join.html", values, status=422)
    values["joined"] = True
    return web.render(request, "join.html", values)


@router.get("/account/tokens")
def tokens_page(request: Request, actor: Actor) -> Response:
    return auth.context(request).render(request, "tokens.html", {"token": None, "errors": {}})


@router.post("/account/tokens")
def create_token(request: Request, actor: Actor, form: Form) -> Response:
    web = auth.context(request)
    try:
        name = forms.text(form, "name", max_chars=80)
        token = web.accounts.create_api_token(actor, name=name, now=web.now())
    except InvalidInput as error:
        return web.render(
            request, "tokens.html", {"token": None, "errors": {error.field: str(error)}}, status=422
        )
    return web.render(request, "tokens.html", {"token": token, "errors": {}})
