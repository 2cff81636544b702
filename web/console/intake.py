"""/console/intake: inbox rows put aside (unreadable, or failing after their tries), for an
administrator to look into. Shown, never replayed: applied now, an old answer would land
on whatever question its sender has reached since."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from storage.inbox.turns import set_aside_rows, waiting_count
from web.app import WebContext, page
from web.console.auth import only_admins
from web.console.deps import Session, StaffMember


def build_router(context: WebContext) -> APIRouter:
    router = APIRouter(prefix="/console")

    @router.get("/intake", response_class=HTMLResponse)
    async def intake(request: Request, session: Session, staff: StaffMember) -> Response:
        only_admins(staff)
        return page(context, request, "web/console/intake.html", staff=staff,
                    rows=await set_aside_rows(session), waiting=await waiting_count(session))

    return router
