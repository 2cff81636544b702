"""/console/rounds/{id}/certificates: issue and send a decided round's certificates, and
download them all in one PDF for the ceremony. The round's page (web/console/rounds)
shows both through the include templates/web/console/_round_certificates.html."""

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException
from fastapi.responses import RedirectResponse, Response

from handlers.certificates.batch import certificate_file, round_batch
from handlers.certificates.issue import issue_and_send
from handlers.certificates.layout import Layout, load_layout
from storage.media.store import MediaStore
from web.app import WebContext
from web.console.auth import csrf_ok
from web.console.deps import Session, StaffMember

REFUSED = {"not_found": 404, "forbidden": 403, "not_decided": 409, "none": 404}


def build_router(context: WebContext, media: MediaStore, layout_folder: Path) -> APIRouter:
    router = APIRouter(prefix="/console")

    async def layout() -> Layout:
        # Read at each use: a ward's edit to the layout shows without a restart.
        return await asyncio.to_thread(load_layout, layout_folder)

    @router.post("/rounds/{round_id}/certificates")
    async def issue(round_id: int, session: Session, staff: StaffMember,
                    csrf: Annotated[str, Form(max_length=64)]) -> Response:
        if not csrf_ok(staff, csrf):
            raise HTTPException(status_code=403, detail="stale form")
        done = await issue_and_send(session, round_id=round_id, staff_id=staff.staff.id or 0,
                                    media=media, layout=await layout(), texts=context.texts,
                                    now=datetime.now(UTC))
        if not done.done:
            raise HTTPException(status_code=REFUSED[done.reason], detail=done.reason)
        return RedirectResponse(
            f"/console/rounds/{round_id}?issued={done.issued}&sent={done.sent}#certificates",
            status_code=303)

    @router.get("/rounds/{round_id}/certificates.pdf")
    async def batch(round_id: int, session: Session, staff: StaffMember) -> Response:
        found = await round_batch(session, round_id=round_id, staff_id=staff.staff.id or 0,
                                  layout=await layout(), texts=context.texts,
                                  now=datetime.now(UTC))
        if found.reason:
            raise HTTPException(status_code=REFUSED[found.reason], detail=found.reason)
        return Response(found.pdf, media_type="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="giay-khen-dot-{round_id}.pdf"',
            "Cache-Control": "no-store"})

    @router.get("/certificates/{certificate_id}.{ext}")
    async def one(certificate_id: int, ext: str, session: Session,
                  staff: StaffMember) -> Response:
        if ext not in ("pdf", "png"):
            raise HTTPException(status_code=404)
        found = await certificate_file(session, certificate_id=certificate_id,
                                       pdf=ext == "pdf", staff_id=staff.staff.id or 0,
                                       now=datetime.now(UTC))
        data = await media.fetch(found.sha256, "document" if ext == "pdf" else "chart") \
            if found.sha256 else None
        if data is None:
            raise HTTPException(status_code=REFUSED.get(found.reason, 404))
        return Response(data, media_type="application/pdf" if ext == "pdf" else "image/png",
                        headers={"Cache-Control": "no-store"})

    return router
