"""/console/announce: staff write a one-off announcement (a text, maybe a picture) to the
groups and leaders of units they hold a right over, see it as Telegram and Zalo will show
it with the number of chats per channel (the preview is the confirmation), send it, and
follow or stop it on the broadcasts page."""

import base64
import re
import secrets
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from handlers.units.announcements import (
    TEXT_LIMIT,
    ZaloRules,
    choosable_units,
    picture_page,
    plan,
    send,
    stop,
    telegram_preview,
    zalo_preview,
)
from storage.media.store import MediaRejected, MediaStore
from storage.models import Announcement
from web.app import WebContext, chosen_locale, page
from web.console.auth import fresh_form
from web.console.deps import Session, StaffMember

_HASH = re.compile(r"[0-9a-f]{64}")


def build_router(context: WebContext, media: MediaStore, zalo: ZaloRules) -> APIRouter:
    router = APIRouter(prefix="/console")

    async def compose(request: Request, session: Session, staff: StaffMember, *,
                      text: str = "", chosen: frozenset[int] = frozenset(),
                      error: str | None = None, status: int = 200) -> Response:
        units = await choosable_units(session, staff.scope)
        response = page(context, request, "web/console/announce.html", staff=staff,
                        units=units, text=text, chosen=chosen, error=error, limit=TEXT_LIMIT)
        response.status_code = status
        return response

    @router.get("/announce", response_class=HTMLResponse)
    async def form(request: Request, session: Session, staff: StaffMember) -> Response:
        return await compose(request, session, staff)

    @router.post("/announce/preview", response_class=HTMLResponse)
    async def preview(request: Request, session: Session, staff: StaffMember,
                      text: Annotated[str, Form(max_length=TEXT_LIMIT * 2)],
                      csrf: Annotated[str, Form(max_length=64)],
                      units: Annotated[list[int] | None, Form()] = None,
                      picture: Annotated[UploadFile | None, File()] = None) -> Response:
        fresh_form(staff, csrf)
        text, chosen = text.replace("\r\n", "\n").strip(), frozenset(units or [])
        audience = await plan(session, staff.scope, sorted(chosen))
        if audience.refused:
            raise HTTPException(status_code=403, detail="not your unit")
        error = "empty" if not text else "too_long" if len(text) > TEXT_LIMIT else \
            "no_units" if not audience.units else None
        sha256, thumbnail = None, None
        if error is None and picture is not None and picture.filename:
            data = await picture.read(media.limits.max_bytes + 1)
            try:
                prepared = await media.prepare(data)
            except MediaRejected as exc:
                error = f"picture.{exc.reason}"
            else:
                sha256 = (await media.keep(prepared)).sha256
                thumbnail = base64.b64encode(prepared.thumbnail).decode()
        if error is not None:
            return await compose(request, session, staff, text=text, chosen=chosen,
                                 error=error, status=422)
        locale = chosen_locale(request) or context.texts.default_locale
        return page(context, request, "web/console/announce_preview.html", staff=staff,
                    text=text, audience=audience, sha256=sha256, thumbnail=thumbnail,
                    form_key=secrets.token_urlsafe(16),
                    telegram=telegram_preview(text, picture=sha256 is not None),
                    zalo=zalo_preview(text, picture=sha256 is not None, rules=zalo,
                                      texts=context.texts, locale=locale,
                                      page=picture_page("…")))  # its number: once sent

    @router.post("/announce/send")
    async def send_it(session: Session, staff: StaffMember,
                      text: Annotated[str, Form(max_length=TEXT_LIMIT)],
                      csrf: Annotated[str, Form(max_length=64)],
                      units: Annotated[list[int], Form()],
                      once: Annotated[str, Form(min_length=16, max_length=64)],
                      picture: Annotated[str, Form(max_length=64)] = "") -> Response:
        fresh_form(staff, csrf)
        text = text.replace("\r\n", "\n").strip()
        if not text:
            raise HTTPException(status_code=422, detail="empty")
        if picture and (not _HASH.fullmatch(picture) or await media.fetch(picture) is None):
            raise HTTPException(status_code=422, detail="no such picture")
        done = await send(session, scope=staff.scope, staff_id=staff.staff.id or 0,
                          unit_ids=units, text=text, image_sha256=picture or None,
                          now=datetime.now(UTC), form_key=once)
        if done is None:
            raise HTTPException(status_code=403, detail="not your unit")
        return RedirectResponse(f"/console{picture_page(done.id or 0)}", status_code=303)

    @router.post("/announce/{announcement_id}/stop")
    async def stop_it(announcement_id: int, session: Session, staff: StaffMember,
                      csrf: Annotated[str, Form(max_length=64)]) -> Response:
        fresh_form(staff, csrf)
        cancelled = await stop(session, scope=staff.scope, staff_id=staff.staff.id or 0,
                               announcement_id=announcement_id, now=datetime.now(UTC))
        if cancelled is None:
            raise HTTPException(status_code=403, detail="not your announcement")
        return RedirectResponse(f"/console{picture_page(announcement_id)}&stopped={cancelled}",
                                status_code=303)

    @router.get("/announce/{announcement_id}/picture")
    async def picture_of(announcement_id: int, session: Session,
                         staff: StaffMember) -> Response:
        found = await session.get(Announcement, announcement_id)
        if found is None or not found.image_sha256 or not (
                staff.scope.is_admin or any(staff.scope.can_see(u) for u in found.unit_ids)):
            raise HTTPException(status_code=404)
        sha256 = found.image_sha256
        await session.commit()  # no connection held while the store answers
        data = await media.fetch(sha256)
        if data is None:
            raise HTTPException(status_code=404)
        return Response(data, media_type="image/jpeg", headers={"Cache-Control": "no-store"})

    return router
