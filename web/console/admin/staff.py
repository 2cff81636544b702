"""/console/admin/staff ("Cán bộ"): an administrator invites staff (a one-time link to set
a password), gives and removes roles over a unit's subtree, resets a password (a new
link; every session ends) and disables an account (every session ends, sign-in is
refused). Every change is in the audit log."""

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from storage.audit.events import record_event
from storage.models import Staff
from storage.org import admin_staff as people
from storage.org.access import ADMIN
from storage.org.admin_staff import ROLES, StaffProblem
from storage.org.admin_units import tree_rows
from storage.org.invites import INVITE_VALID_FOR, new_invite
from web.app import WebContext, page
from web.console.admin.own_account import build_router as own_account_router
from web.console.admin.units import known
from web.console.auth import Signer, only_admins
from web.console.deps import Session, StaffMember

Csrf = Annotated[str, Form(max_length=64)]
Text = Annotated[str, Form(max_length=200)]
PAGE = "/console/admin/staff"


def _back(outcome: str) -> Response:
    return RedirectResponse(f"{PAGE}?{outcome}", status_code=303)


def invite_url(request: Request, token: str) -> str:
    return f"{str(request.base_url).rstrip('/')}/console/invite/{token}"


def build_router(context: WebContext) -> APIRouter:
    router = APIRouter(prefix="/console")
    router.include_router(own_account_router(context))

    async def show(request: Request, session: Session, staff: Signer,
                   **values: Any) -> Response:
        return page(context, request, "web/console/admin_staff.html", staff=staff,
                    rows=await people.staff_rows(session), units=await tree_rows(session),
                    roles=ROLES, hours=int(INVITE_VALID_FOR.total_seconds() // 3600),
                    **values)

    def audit(session: Session, staff: Signer, action: str, person: Staff,
              detail: dict[str, Any] | None = None) -> None:
        record_event(session, action=action, staff_id=staff.staff.id, via="console",
                     target=f"staff:{person.username}",
                     detail={"staff": person.full_name, **(detail or {})},
                     now=datetime.now(UTC))

    async def link_page(request: Request, session: Session, staff: Signer, person: Staff,
                        purpose: str) -> Response:
        assert person.id is not None
        token = await new_invite(session, staff_id=person.id, purpose=purpose,
                                 created_by=staff.staff.id, now=datetime.now(UTC))
        await session.commit()
        return await show(request, session, staff, link=invite_url(request, token),
                          link_for=person.full_name, link_purpose=purpose)

    @router.get("/admin/staff", response_class=HTMLResponse)
    async def staff_list(request: Request, session: Session, staff: StaffMember,
                         done: str | None = None, problem: str | None = None) -> Response:
        only_admins(staff)
        return await show(request, session, staff,
                          done=known(context, "console.admin_org.staff.done", done),
                          problem=known(context, "console.admin_org.staff.problem", problem))

    @router.post("/admin/staff/invite", response_class=HTMLResponse)
    async def invite(request: Request, session: Session, staff: StaffMember, csrf: Csrf,
                     username: Annotated[str, Form(max_length=64)], full_name: Text,
                     unit: Text = "", role: Text = "") -> Response:
        """The link is shown on this page once; only its hash is kept."""
        only_admins(staff, csrf)
        try:
            person = await people.add_staff(session, username=username, full_name=full_name)
            given = await people.add_role(session, person, unit_id=int(unit), role=role) \
                if unit.isdigit() and role else None
        except StaffProblem as problem:
            await session.rollback()
            return _back(f"problem={problem.code}")
        audit(session, staff, "admin_staff_invite", person,
              {"role": role, "unit": given.name} if given else None)
        return await link_page(request, session, staff, person, "invite")

    @router.post("/admin/staff/{staff_id}/roles")
    async def add_role(staff_id: int, session: Session, staff: StaffMember, csrf: Csrf,
                       unit: Annotated[int, Form()], role: Text) -> Response:
        only_admins(staff, csrf)
        try:
            person = await people.get_staff(session, staff_id)
            given = await people.add_role(session, person, unit_id=unit, role=role)
        except StaffProblem as problem:
            return _back(f"problem={problem.code}")
        audit(session, staff, "admin_staff_role_add", person, {"role": role, "unit": given.name})
        await session.commit()
        return _back("done=role_added")

    @router.post("/admin/staff/{staff_id}/roles/{role_id}/remove")
    async def remove_role(staff_id: int, role_id: int, session: Session, staff: StaffMember,
                          csrf: Csrf) -> Response:
        only_admins(staff, csrf)
        try:
            person = await people.get_staff(session, staff_id)
            role, unit = await people.remove_role(session, person, role_id)
            if person.id == staff.staff.id and role.role == ADMIN:
                raise StaffProblem("own_account")  # an admin cannot lock themselves out
        except StaffProblem as problem:
            await session.rollback()
            return _back(f"problem={problem.code}")
        audit(session, staff, "admin_staff_role_remove", person,
              {"role": role.role, "unit": unit.name})
        await session.commit()
        return _back("done=role_removed")

    @router.post("/admin/staff/{staff_id}/reset", response_class=HTMLResponse)
    async def reset(request: Request, staff_id: int, session: Session, staff: StaffMember,
                    csrf: Csrf) -> Response:
        only_admins(staff, csrf)
        try:
            person = await people.get_staff(session, staff_id)
            if person.id == staff.staff.id:  # one's own: "Phiên đăng nhập" changes it
                raise StaffProblem("own_account")
            if not person.active:  # their link would open nothing
                raise StaffProblem("disabled")
        except StaffProblem as problem:
            return _back(f"problem={problem.code}")
        ended = await people.forget_password(session, person)
        audit(session, staff, "admin_staff_reset", person, {"sessions_ended": ended})
        return await link_page(request, session, staff, person, "reset")

    @router.post("/admin/staff/{staff_id}/active")
    async def set_active(staff_id: int, session: Session, staff: StaffMember, csrf: Csrf,
                         active: Text) -> Response:
        only_admins(staff, csrf)
        try:
            person = await people.get_staff(session, staff_id)
            if person.id == staff.staff.id:
                raise StaffProblem("own_account")
        except StaffProblem as problem:
            return _back(f"problem={problem.code}")
        on = active == "yes"
        ended = await people.set_active(session, person, on)
        audit(session, staff, "admin_staff_enable" if on else "admin_staff_disable", person,
              None if on else {"sessions_ended": ended})
        await session.commit()
        return _back("done=enabled" if on else "done=disabled")

    return router
