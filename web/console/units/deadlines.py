"""/console/deadlines: what is coming for the units a staff member looks after, and a
press to mark a task done for a unit, which stops its reminders."""

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import col, select

from handlers.units.calendar_math import local_day
from handlers.units.deadlines import coming_for_units, mark_done
from storage.models import DeadlineTask, Unit
from web.app import WebContext, page
from web.console.auth import fresh_form
from web.console.deps import Session, StaffMember


def build_router(context: WebContext) -> APIRouter:
    router = APIRouter(prefix="/console")

    @router.get("/deadlines", response_class=HTMLResponse)
    async def deadlines(request: Request, session: Session, staff: StaffMember,
                        done: str | None = None) -> Response:
        units = [u for u in (await session.exec(select(Unit).where(col(Unit.active)))).all()
                 if u.id is not None and staff.scope.can_see(u.id)]
        today = local_day(datetime.now(UTC))
        coming = await coming_for_units(session, units, today=today)
        return page(context, request, "web/console/deadlines.html", staff=staff,
                    coming=coming, today=today, done=done,
                    can_decide=staff.scope.can_decide)

    @router.post("/deadlines/done")
    async def done(session: Session, staff: StaffMember,
                   task: Annotated[int, Form()], unit: Annotated[int, Form()],
                   due: Annotated[str, Form(max_length=10)],
                   csrf: Annotated[str, Form(max_length=64)]) -> Response:
        fresh_form(staff, csrf)
        found_task = await session.get(DeadlineTask, task)
        found_unit = await session.get(Unit, unit)
        try:
            due_on = date.fromisoformat(due)
        except ValueError:
            raise HTTPException(status_code=400, detail="bad date") from None
        if found_task is None or found_unit is None or not staff.scope.can_decide(unit):
            raise HTTPException(status_code=403, detail="not your unit")
        await mark_done(session, task=found_task, unit=found_unit, due=due_on,
                        staff_id=staff.staff.id, now=datetime.now(UTC))
        return RedirectResponse("/console/deadlines?done=1", status_code=303)

    return router
