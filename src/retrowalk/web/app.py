"""The web app: pages for walkers and therapists, and the JSON API under ``/api/v1``.

``create_app(services, settings=...)`` wires everything; ``create_app_from_environment`` is the
factory uvicorn's workers call (``retrowalk serve``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from retrowalk.bootstrap import Services
from retrowalk.errors import RetrowalkError
from retrowalk.web import auth, present
from retrowalk.web.config import WebSettings
from retrowalk.web.gateway import AccountsGateway
from retrowalk.web.middleware import API_PREFIX, CookiesAndHeaders
from retrowalk.web.problems import problem, problem_response, problem_status, validation_problem

HERE = Path(__file__).resolve().parent


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class WebContext:
    """What every route needs, kept on ``app.state.web``."""

    services: Services
    accounts: AccountsGateway
    settings: WebSettings
    clock: Callable[[], datetime]
    templates: Jinja2Templates

    def now(self) -> datetime:
        return self.clock()

    def render(
        self,
        request: Request,
        name: str,
        values: dict[str, Any] | None = None,
        *,
        status: int = 200,
    ) -> Response:
        merged = auth.template_globals(request)
        merged.update(values or {})
        return self.templates.TemplateResponse(request, name, merged, status_code=status)

    def public_url(self, request: Request) -> str:
        return self.settings.public_url or str(request.base_url).rstrip("/")


def is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


def create_app(
    services: Services,
    *,
    settings: WebSettings,
    clock: Callable[[], datetime] = utc_now,
) -> FastAPI:
    """The app on ``services`` (its accounts, walkers and records)."""
    from retrowalk.web.routes import (
        api,
        pages_account,
        pages_outcomes,
        pages_therapist,
        pages_walker,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # the threads that run the routes (sync functions): a few, see web.config
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="retrowalk",
        version="1",
        summary="Backward walking made safe, measurable and progressive: the JSON API.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # the stock viewers load scripts from a CDN; the app works offline
        redoc_url=None,
    )
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.globals.update(present.TEMPLATE_HELPERS)
    # Templates change only with the code, which a restart brings: no stat of every template
    # file on every render (about 13 microseconds a page here).
    templates.env.auto_reload = False
    app.state.web = WebContext(
        services=services,
        accounts=AccountsGateway.load(services.uow),
        settings=settings,
        clock=clock,
        templates=templates,
    )
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(pages_account.router)
    app.include_router(pages_walker.router)
    app.include_router(pages_therapist.router)
    app.include_router(pages_outcomes.router)
    app.include_router(api.router, prefix=API_PREFIX)
    _install_error_handlers(app)

    app.add_middleware(CookiesAndHeaders, refuse_nul=_bad_address)
    return app


NUL_REFUSED = "the address holds a NUL character (%00), which no retrowalk address or value has"


def _bad_address(request: Request) -> Response:
    if is_api(request):
        return problem(400, "bad-request", NUL_REFUSED, request)
    return _error_page(request, 400, NUL_REFUSED)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(auth.SignInRequired)
    async def sign_in_required(request: Request, exc: auth.SignInRequired) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/sign-in?next={present.quote(target)}", status_code=303)

    @app.exception_handler(auth.RedirectTo)
    async def redirect_to(request: Request, exc: auth.RedirectTo) -> Response:
        return RedirectResponse(exc.url, status_code=303)

    @app.exception_handler(RetrowalkError)
    async def retrowalk_error(request: Request, exc: RetrowalkError) -> Response:
        if is_api(request):
            return problem_response(request, exc)
        return _error_page(request, problem_status(exc), str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        if is_api(request):
            return validation_problem(request, exc)
        return _error_page(request, 422, "Some of what was sent could not be read.")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if is_api(request):
            return problem_response(request, exc)
        message = "This page does not exist." if exc.status_code == 404 else str(exc.detail)
        response = _error_page(request, exc.status_code, message)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        if is_api(request):
            return problem_response(request, exc)
        return _error_page(request, 500, "Something went wrong on our side; nothing was saved.")


def _error_page(request: Request, status: int, message: str) -> Response:
    web = auth.context(request)
    try:
        return web.render(
            request, "error.html", {"status": status, "message": message}, status=status
        )
    except Exception:  # never fail while reporting a failure
        return JSONResponse({"detail": message}, status_code=status)


def create_app_from_environment() -> FastAPI:
    """uvicorn's factory (``retrowalk serve``): settings from the environment."""
    from retrowalk.bootstrap import build_services
    from retrowalk.settings import Settings
    from retrowalk.web.config import web_settings

    settings = Settings()
    return create_app(build_services(settings), settings=web_settings(settings))
