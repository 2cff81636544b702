"""/console/groups: the group chats of the units a staff member looks after, whether the
bot still reaches each, and one-time codes to link a new group (`/link CODE`)."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import col, select

from handlers.units.group_links import LINK_CODE_VALID_FOR, make_link_code
from storage.models import Unit, UnitChat
from web.app import WebContext, page
from web.console.auth import fresh_form
from web.console.channel_alerts import channel_report
from web.console.deps import Session, StaffMember


def build_router(context: WebContext) -> APIRouter:
    router = APIRouter(prefix="/console")

    async def show(request: Request, session: Session, staff: StaffMember,
                   code: str | None = None, code_unit: Unit | None = None) -> Response:
        query = select(Unit).where(col(Unit.active)).order_by(col(Unit.id))
        units = [u for u in (await session.exec(query)).all()
                 if u.id is not None and staff.scope.can_decide(u.id)]
        chats = (await session.exec(select(UnitChat).where(
            col(UnitChat.unit_id).in_([u.id for u in units])))).all()
        by_unit: dict[int, list[UnitChat]] = {}
        for chat in chats:
            by_unit.setdefault(chat.unit_id, []).append(chat)
        # A linked group "receives" only if its channel has a bot to send with.
        report = await channel_report(context, session, {chat.channel for chat in chats})
        return page(context, request, "web/console/groups.html", staff=staff, units=units,
                    chats=by_unit, code=code, code_unit=code_unit, channel_report=report,
                    hours=int(LINK_CODE_VALID_FOR.total_seconds() // 3600))

    @router.get("/groups", response_class=HTMLResponse)
    async def groups(request: Request, session: Session, staff: StaffMember) -> Response:
        return await show(request, session, staff)

    @router.post("/groups/code", response_class=HTMLResponse)
    async def new_code(request: Request, session: Session, staff: StaffMember,
                       unit: Annotated[int, Form()],
                       csrf: Annotated[str, Form(max_length=64)]) -> Response:
        fresh_form(staff, csrf)
        found = await session.get(Unit, unit)
        if found is None or not staff.scope.can_decide(unit):
            raise HTTPException(status_code=403, detail="not your unit")
        code = await make_link_code(session, unit=found, staff_id=staff.staff.id,
                                    now=datetime.now(UTC))
        return await show(request, session, staff, code=code, code_unit=found)

    return router
