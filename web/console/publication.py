"""/console/publication ("Đăng gương sáng"): staff with the deciding right over a unit
write the story of each dossier its council honoured, choose the public photos and the
headline, and publish or withdraw it; publishing needs the nominee's consent."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from handlers.privacy.nominee_consent import may_publish
from handlers.publication.stories import (
    draft_of,
    editable,
    one_editable,
    publish,
    save_story,
    withdraw,
)
from storage.intake.nominations import photos_of
from web.app import WebContext, page
from web.console.auth import csrf_ok
from web.console.deps import Session, StaffMember

RESULTS = ("saved", "published", "withdrawn", "no_consent", "empty", "unsaved", "refused")


def build_router(context: WebContext, *, public_base: str = "/guong-sang") -> APIRouter:
    router = APIRouter(prefix="/console/publication")

    @router.get("", response_class=HTMLResponse)
    async def honoured_list(request: Request, session: Session,
                            staff: StaffMember) -> Response:
        found = await editable(session, staff.staff.id or 0)
        return page(context, request, "web/console/publication.html", staff=staff,
                    rows=found, may_publish=may_publish, public_base=public_base)

    @router.get("/{nomination_id}", response_class=HTMLResponse)
    async def edit_form(nomination_id: int, request: Request, session: Session,
                        staff: StaffMember) -> Response:
        found = await one_editable(session, staff.staff.id or 0, nomination_id)
        if found is None:
            raise HTTPException(status_code=403)
        result = request.query_params.get("result")
        return page(context, request, "web/console/publication_edit.html", staff=staff,
                    found=found, draft=draft_of(found),
                    photos=await photos_of(session, nomination_id),
                    consented=may_publish(found.nomination), public_base=public_base,
                    result=result if result in RESULTS else None)

    @router.post("/{nomination_id}")
    async def act(nomination_id: int, session: Session, staff: StaffMember,
                  action: Annotated[str, Form(max_length=16)],
                  csrf: Annotated[str, Form(max_length=64)],
                  headline: Annotated[str, Form(max_length=1000)] = "",
                  story: Annotated[str, Form(max_length=20000)] = "",
                  photo: Annotated[list[int] | None, Form()] = None) -> Response:
        if not csrf_ok(staff, csrf):
            raise HTTPException(status_code=403, detail="bad form token")
        staff_id, now = staff.staff.id or 0, datetime.now(UTC)
        if action == "withdraw":
            result = await withdraw(session, nomination_id=nomination_id,
                                    staff_id=staff_id, now=now)
        elif action in ("save", "publish"):
            result = await save_story(session, nomination_id=nomination_id,
                                      staff_id=staff_id, headline=headline, story=story,
                                      photo_ids=photo or [], now=now)
            if result == "saved" and action == "publish":
                result = await publish(session, nomination_id=nomination_id,
                                       staff_id=staff_id, now=now)
        else:
            raise HTTPException(status_code=400)
        if result == "refused":
            raise HTTPException(status_code=403)
        return RedirectResponse(f"/console/publication/{nomination_id}?result={result}",
                                status_code=303)

    return router
