"""/console/privacy: residents' requests about their own data, for privacy officers
(and admins): the queue with its deadlines, each request with the person's data, the
export (JSON and a readable page), a correction, the erasure, and the answer."""

import json
from datetime import UTC, date, datetime, time
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from handlers.privacy.nominee_consent import record_nominee_consent
from handlers.privacy.officer import KEEPABLE, answer, correct, erase, export_of, record_export
from handlers.shared.turn import TIMEZONE
from storage.intake.status import find_by_reference
from storage.media.store import MediaStore
from storage.models import PrivacyRequest
from storage.privacy.requests import by_reference, person_data, the_queue
from storage.shared.db import as_utc
from web.app import WebContext, page
from web.console.auth import Signer, csrf_ok, fresh_form
from web.console.deps import Session, StaffMember


def build_router(context: WebContext, media: MediaStore) -> APIRouter:
    router = APIRouter(prefix="/console/privacy")

    @router.get("", response_class=HTMLResponse)
    async def queue(request: Request, session: Session, staff: StaffMember,
                    all: str | None = None) -> Response:
        _officer(staff)
        requests = await the_queue(session, open_only=not all)
        return page(context, request, "web/console/privacy_queue.html", staff=staff,
                    requests=requests, showing_all=bool(all), overdue=_overdue(requests))

    @router.get("/{reference}", response_class=HTMLResponse)
    async def one(reference: str, request: Request, session: Session, staff: StaffMember,
                  outcome: str | None = None) -> Response:
        _officer(staff)
        found = await _request(session, reference)
        held = await person_data(session, channel=found.channel, user_id=found.user_id)
        return page(context, request, "web/console/privacy_request.html", staff=staff,
                    r=found, held=held, keepable=KEEPABLE, outcome=outcome,
                    overdue=_overdue([found]))

    @router.get("/{reference}/export.json")
    async def export_json(reference: str, session: Session, staff: StaffMember) -> Response:
        _officer(staff)
        found = await _request(session, reference)
        data = await export_of(session, found)
        await record_export(session, found, staff_id=staff.staff.id or 0, form="json",
                            now=datetime.now(UTC))
        return Response(json.dumps(data, ensure_ascii=False, indent=2),
                        media_type="application/json", headers={
                            "Content-Disposition": f'attachment; filename="{reference}.json"'})

    @router.get("/{reference}/export.html", response_class=HTMLResponse)
    async def export_html(reference: str, request: Request, session: Session,
                          staff: StaffMember) -> Response:
        _officer(staff)
        found = await _request(session, reference)
        data = await export_of(session, found)
        await record_export(session, found, staff_id=staff.staff.id or 0, form="html",
                            now=datetime.now(UTC))
        return page(context, request, "web/console/privacy_export.html", staff=staff,
                    r=found, data=data)

    @router.post("/{reference}/correct")
    async def correct_it(reference: str, session: Session, staff: StaffMember,
                         nomination: Annotated[int, Form()],
                         submitter_name: Annotated[str, Form(max_length=200)],
                         submitter_phone: Annotated[str, Form(max_length=20)],
                         csrf: Annotated[str, Form(max_length=64)]) -> Response:
        _officer(staff, csrf)
        done = await correct(session, await _request(session, reference),
                             nomination_id=nomination, submitter_name=submitter_name,
                             submitter_phone=submitter_phone, staff_id=staff.staff.id or 0,
                             now=datetime.now(UTC))
        return _back(reference, "corrected" if done else "invalid")

    @router.post("/{reference}/erase")
    async def erase_it(reference: str, request: Request, session: Session,
                       staff: StaffMember) -> Response:
        form = await request.form()
        _officer(staff, str(form.get("csrf", "")))
        keep = {int(key.removeprefix("keep_")): str(value) for key, value in form.items()
                if key.startswith("keep_") and key.removeprefix("keep_").isdigit()}
        await erase(session, await _request(session, reference), keep=keep,
                    staff_id=staff.staff.id or 0, now=datetime.now(UTC), media=media)
        return _back(reference, "erased")

    @router.post("/{reference}/answer")
    async def answer_it(reference: str, session: Session, staff: StaffMember,
                        status: Annotated[str, Form(max_length=16)],
                        text: Annotated[str, Form(max_length=2000)],
                        csrf: Annotated[str, Form(max_length=64)]) -> Response:
        _officer(staff, csrf)
        done = await answer(session, await _request(session, reference), status=status,
                            text=text, staff_id=staff.staff.id or 0, now=datetime.now(UTC))
        return _back(reference, "answered" if done else "invalid")

    @router.post("/nominee/{reference}")
    async def nominee_consent(reference: str, session: Session, staff: StaffMember,
                              basis: Annotated[str, Form(max_length=16)],
                              obtained_on: Annotated[str, Form(max_length=10)],
                              csrf: Annotated[str, Form(max_length=64)],
                              how: Annotated[str, Form(max_length=500)] = "",
                              photo: Annotated[str, Form(max_length=12)] = "") -> Response:
        fresh_form(staff, csrf)
        found = await find_by_reference(session, reference)
        try:
            day = date.fromisoformat(obtained_on)
        except ValueError:
            day = None
        done = found is not None and day is not None and await record_nominee_consent(
            session, nomination_id=found.id or 0, staff_id=staff.staff.id or 0, basis=basis,
            how=how, obtained_at=datetime.combine(day, time(12), TIMEZONE),
            photo_id=int(photo) if photo.isdigit() else None, now=datetime.now(UTC))
        outcome = "saved" if done else "invalid"
        return RedirectResponse(f"/console/nominations/{reference}?outcome={outcome}",
                                status_code=303)

    return router


def _overdue(requests: list[PrivacyRequest]) -> set[int]:
    now = datetime.now(UTC)
    return {r.id for r in requests if r.id is not None and r.status == "open"
            and as_utc(r.settle_by) < now}


def _officer(staff: Signer, csrf: str | None = None) -> None:
    if not staff.scope.is_privacy:
        raise HTTPException(status_code=403)
    if csrf is not None and not csrf_ok(staff, csrf):
        raise HTTPException(status_code=403, detail="stale form")


async def _request(session: Session, reference: str) -> PrivacyRequest:
    found = await by_reference(session, reference)
    if found is None:
        raise HTTPException(status_code=404)
    return found


def _back(reference: str, outcome: str) -> Response:
    return RedirectResponse(f"/console/privacy/{reference}?outcome={outcome}",
                            status_code=303)
