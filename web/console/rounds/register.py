"""/console/register: the exemplars with their nominations and titles; linking a
nomination to an exemplar (one suggested by its folded name within the unit) or making
a new one, from the nomination page or the agenda."""

from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import col, select

from storage.audit.events import record_event
from storage.intake.status import find_by_reference
from storage.models import Exemplar, Unit
from storage.rounds.register import create_exemplar, record_of, register
from web.app import WebContext, page
from web.console.deps import Session, StaffMember
from web.console.rounds.common import form_of


def build_router(context: WebContext) -> APIRouter:
    router = APIRouter(prefix="/console")

    @router.get("/register", response_class=HTMLResponse)
    async def register_page(request: Request, session: Session,
                            staff: StaffMember) -> Response:
        shown = None if staff.scope.is_admin else set(staff.scope.visible)
        return page(context, request, "web/console/rounds_register.html", staff=staff,
                    rows=await register(session, shown))

    @router.get("/register/{exemplar_id}", response_class=HTMLResponse)
    async def exemplar_page(exemplar_id: int, request: Request, session: Session,
                            staff: StaffMember) -> Response:
        record = await record_of(session, exemplar_id)
        if record is None or not staff.scope.can_see(record.exemplar.unit_id):
            raise HTTPException(status_code=404)
        unit = await session.get(Unit, record.exemplar.unit_id)
        return page(context, request, "web/console/rounds_exemplar.html", staff=staff,
                    record=record, unit=unit)

    @router.post("/nominations/{reference}/exemplar")
    async def link(reference: str, request: Request, session: Session,
                   staff: StaffMember) -> Response:
        form = await form_of(request, staff)
        n = await find_by_reference(session, reference)
        if n is None or not staff.scope.can_see(n.unit_id):
            raise HTTPException(status_code=404)
        if not staff.scope.can_decide(n.unit_id) or n.anonymised_at is not None:
            raise HTTPException(status_code=403, detail="no deciding right over this unit")
        chosen, now = str(form.get("exemplar", "")), datetime.now(UTC)
        if chosen == "new":
            found = await create_exemplar(session, n, known_as=str(form.get("known_as", "")),
                                          now=now)
            action = "exemplar_create"
        else:
            existing = (await session.exec(select(Exemplar).where(
                col(Exemplar.id) == (int(chosen) if chosen.isdigit() else -1),
                Exemplar.unit_id == n.unit_id))).first()
            if existing is None:
                raise HTTPException(status_code=400)
            found = existing
            n.exemplar_id = found.id
            session.add(n)
            action = "exemplar_link"
        record_event(session, action=action, staff_id=staff.staff.id, via="console",
                     now=now, nomination_id=n.id,
                     target=f"exemplar:{found.id}", detail={"reference": n.reference})
        await session.commit()
        back = str(form.get("back", ""))
        return RedirectResponse(back if back.startswith("/console/") else
                                f"/console/nominations/{reference}", status_code=303)

    return router
