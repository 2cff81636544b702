"""The FastAPI app shell: the database session dependency, page rendering, security headers.

Channel routers (the web chat, the Telegram webhook) are handed in by the composition
root, so this package never imports bot/.
"""

import base64
import hashlib
import hmac
import ipaddress
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from fastapi import APIRouter, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute

from handlers.review.card import mask_phone
from handlers.shared.texts import Texts
from handlers.shared.turn import TIMEZONE
from storage.shared.db import SessionFactory, as_utc
from web.security_headers import SecurityHeaders

# Where answers carry personal data, never to be kept by a browser or a proxy: the
# console (pages, exports, photos), the web chat's page and answers, signed picture links.
NO_STORE_PATHS = ("/console", "/chat", "/media/")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "geolocation=(), microphone=(), camera=(self)",
    "X-Frame-Options": "SAMEORIGIN",
}


def inline_style_hash(templates_dir: Path) -> str:
    """The CSP source for the stylesheet the chat page inlines, as Jinja renders it (a
    template's one trailing newline dropped)."""
    path = templates_dir / "web" / "static" / "site.css"
    if not path.exists():  # a ward's own templates without a chat page of ours
        return ""
    css = path.read_text(encoding="utf-8").removesuffix("\n")
    return "'sha256-" + base64.b64encode(hashlib.sha256(css.encode()).digest()).decode() + "'"


def security_headers(style_sources: str = "",
                     framed_by: Sequence[str] = ()) -> dict[str, str]:
    """`framed_by`: the other sites allowed to show the page in a frame. Then there is no
    X-Frame-Options, which knows no list of sites (browsers follow frame-ancestors)."""
    styles = " ".join(["'self'", *([style_sources] if style_sources else [])])
    ancestors = " ".join(["'self'", *framed_by])
    headers = {**SECURITY_HEADERS, "Content-Security-Policy": (
        f"default-src 'self'; img-src 'self' data: blob:; style-src {styles}; "
        f"script-src 'self'; frame-ancestors {ancestors}; form-action 'self'; "
        "base-uri 'none'")}
    if framed_by:
        del headers["X-Frame-Options"]
    return headers



class Probe(Protocol):
    """What /readyz and /metrics report, handed in by the composition root."""

    async def ready(self) -> tuple[bool, dict[str, Any]]: ...

    async def metrics(self) -> bytes: ...


@dataclass(frozen=True)
class WebContext:
    sessions: SessionFactory
    texts: Texts
    templates: Jinja2Templates
    # The bot channels with a token (telegram, zalo); None when not told (assume all).
    channels: frozenset[str] | None = None


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """FastAPI dependency: one session per request, from the factory the app was built with."""
    context: WebContext = request.app.state.context
    async with context.sessions() as session:
        yield session


LANG_COOKIE = "ntvt_lang"
PAGE_LOCALES = ("vi", "en")


def chosen_locale(request: Request) -> str | None:
    """The language the person picked on a page (?lang=, then remembered in a cookie)."""
    for choice in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if choice in PAGE_LOCALES:
            return choice
    return None


def page(context: WebContext, request: Request, name: str, *, locale: str | None = None,
         **values: Any) -> HTMLResponse:
    """A page in the language the person chose, else `locale` (e.g. their dialog's), else
    the default. A choice made with ?lang= is remembered for the pages after it."""
    shown = chosen_locale(request) or (locale if locale in PAGE_LOCALES else None) \
        or context.texts.default_locale

    def t(key: str, **kw: Any) -> str:
        return context.texts.get(shown, key, **kw)

    response = context.templates.TemplateResponse(request, name, {"t": t, "locale": shown,
                                                                  **values})
    if request.query_params.get("lang") in PAGE_LOCALES:
        response.set_cookie(LANG_COOKIE, shown, max_age=60 * 60 * 24 * 365, samesite="lax",
                            secure=request.url.scheme == "https")
    return response


def client_address(request: Request) -> str:
    """The client's own address: behind the proxy named in FORWARDED_ALLOW_IPS, uvicorn
    has put it here from X-Forwarded-For."""
    return request.client.host if request.client else "?"



def local_time(moment: datetime) -> str:
    """A stored UTC time as staff read it: Hà Nội time, day first."""
    return as_utc(moment).astimezone(TIMEZONE).strftime("%d/%m/%Y %H:%M")


def age(moment: datetime, now: datetime | None = None) -> tuple[str, int]:
    """How long ago, in the largest whole unit: ("days", 3), ("hours", 5), ("just_now", 0)."""
    seconds = max(0, int(((now or datetime.now(UTC)) - as_utc(moment)).total_seconds()))
    if seconds >= 86400:
        return "days", seconds // 86400
    if seconds >= 3600:
        return "hours", seconds // 3600
    return ("minutes", seconds // 60) if seconds >= 60 else ("just_now", 0)


def metrics_refusal(request: Request, token: str | None) -> Response | None:
    """/metrics tells how busy the ward is and how many nominations each status holds:
    with METRICS_TOKEN set, only for the bearer of it; without, only for a client on this
    host or a private network (behind a trusted proxy, the address it forwards)."""
    if token:
        given = request.headers.get("authorization", "")
        if hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return None
        return Response(status_code=401, headers={"WWW-Authenticate": "Bearer"})
    try:
        client = ipaddress.ip_address(request.client.host if request.client else "")
    except ValueError:
        return Response(status_code=403)
    return None if client.is_loopback or client.is_private else Response(status_code=403)


def make_context(sessions: SessionFactory, texts: Texts, templates_dir: Path,
                 channels: frozenset[str] | None = None) -> WebContext:
    templates = Jinja2Templates(directory=str(templates_dir))
    templates.env.globals["local_time"] = local_time
    templates.env.globals["age"] = age
    # A phone number for someone who may see but not decide: enough to tell two
    # nominators apart, not to call them.
    templates.env.globals["mask_phone"] = mask_phone
    return WebContext(sessions, texts, templates, channels)


async def _too_large(request: Request, exc: Exception) -> Response:
    """A body over its route's cap: answered, and the connection closed, so the rest of
    a 1 GiB upload is not drained over it (uvicorn reads an unread body to its end to keep
    the connection)."""
    assert isinstance(exc, StarletteHTTPException)
    response = await http_exception_handler(request, exc)
    response.headers["Connection"] = "close"
    return response


def create_app(context: WebContext, *, templates_dir: Path, routers: Sequence[APIRouter] = (),
               routes: Sequence[BaseRoute] = (),
               exception_handlers: Mapping[int | type[Exception], Any] | None = None,
               probe: Probe | None = None, metrics_token: str | None = None,
               embed_origins: Sequence[str] = ()) -> FastAPI:
    handlers: dict[int | type[Exception], Any] = {413: _too_large}
    app = FastAPI(title="NTVT", docs_url=None, redoc_url=None, openapi_url=None,
                  exception_handlers=handlers | dict(exception_handlers or {}))
    app.state.context = context

    style = inline_style_hash(templates_dir)
    # Only the chat page may sit in a ward portal's frame; the console never.
    app.add_middleware(SecurityHeaders, headers=security_headers(style), by_path={
        "/chat": security_headers(style, framed_by=embed_origins)} if embed_origins else {},
        no_store=NO_STORE_PATHS)

    @app.get("/", response_class=HTMLResponse)
    async def home(request: Request) -> Response:
        return page(context, request, "web/home.html")

    @app.get("/healthz")
    async def health() -> dict[str, str]:
        # Liveness only: answering at all shows the event loop turns.
        return {"status": "alive"}

    if probe is not None:
        @app.get("/readyz")
        async def ready() -> JSONResponse:
            ok, report = await probe.ready()
            return JSONResponse(report, status_code=200 if ok else 503)

        @app.get("/metrics")
        async def metrics(request: Request) -> Response:
            refusal = metrics_refusal(request, metrics_token)
            if refusal is not None:
                return refusal
            return Response(await probe.metrics(),
                            media_type="text/plain; version=0.0.4; charset=utf-8")

    app.mount("/static", StaticFiles(directory=str(templates_dir / "web" / "static")),
              name="static")
    for router in routers:
        app.include_router(router)
    # First: the channels' webhooks take nearly every request, and routes are matched in
    # order (matching past the console's routes was a tenth of a webhook's cost).
    app.router.routes[:0] = routes
    return app
