"""/console/embedding: the one line a ward portal's webmaster pastes to show the chat as a
floating button, and which portals may (EMBED_ORIGINS), for an administrator to hand on."""

from collections.abc import Sequence

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from web.app import WebContext, page
from web.console.deps import StaffMember


def snippet(public_url: str, locale: str) -> str:
    return f'<script src="{public_url}/embed.js" data-lang="{locale}" defer></script>'


def build_router(context: WebContext, *, public_url: str,
                 origins: Sequence[str]) -> APIRouter:
    router = APIRouter(prefix="/console")

    @router.get("/embedding", response_class=HTMLResponse)
    async def embedding(request: Request, staff: StaffMember) -> Response:
        if not staff.scope.is_admin:
            raise HTTPException(status_code=403, detail="administrators only")
        return page(context, request, "web/console/embedding.html", staff=staff,
                    snippets=[snippet(public_url, locale) for locale in ("vi", "en")],
                    origins=list(origins))

    return router
