"""/console/sessions ("Phiên đăng nhập"): one's own sessions, ended one by one or all but
this one; an admin ends all of a colleague's; the second factor; a new password."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from storage.models import Staff
from storage.org.staff_auth import record_attempt
from storage.org.staff_sessions import end_all, end_session, sessions_of, staff_named
from web.app import WebContext, client_address, local_time, page
from web.console.auth import COOKIE, Signer, fresh_form, password_lane
from web.console.deps import Session, StaffMember
from web.console.password_rules import MIN_LENGTH, password_problem
from web.console.passwords import hash_password, password_matches
from web.console.throttle import wait_seconds

Csrf = Annotated[str, Form(max_length=64)]
Secret = Annotated[str, Form(max_length=256)]
# What a user agent says, boiled down to what a person recognises as their device.
BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("CocCoc", "Cốc Cốc"), ("Zalo", "Zalo"),
            ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"),
           ("Windows", "Windows"), ("Mac OS", "macOS"), ("Linux", "Linux"))


def short_agent(agent: str) -> str:
    browser = next((name for mark, name in BROWSERS if mark in agent), "")
    system = next((name for mark, name in SYSTEMS if mark in agent), "")
    if browser or system:
        return " · ".join(part for part in (browser, system) if part)
    return agent[:40] + ("…" if len(agent) > 40 else "")


def _back(outcome: str) -> Response:
    return RedirectResponse(f"/console/sessions?{outcome}", status_code=303)


def _checked(staff: Signer, csrf: str) -> None:
    fresh_form(staff, csrf)


def build_router(context: WebContext) -> APIRouter:
    router = APIRouter(prefix="/console")

    @router.get("/sessions", response_class=HTMLResponse)
    async def sessions(request: Request, session: Session, staff: StaffMember,
                       done: str | None = None, problem: str | None = None) -> Response:
        rows = [(own, local_time(own.created_at),
                 local_time(own.last_seen_at or own.created_at), short_agent(own.user_agent))
                for own in await sessions_of(session, staff.staff.id or 0, datetime.now(UTC))]
        return page(context, request, "web/console/sessions.html", staff=staff, rows=rows,
                    done=done, problem=problem, min_length=MIN_LENGTH)

    @router.post("/sessions/{session_id}/end")
    async def end_one(session_id: int, request: Request, session: Session,
                      staff: StaffMember, csrf: Csrf) -> Response:
        _checked(staff, csrf)
        ended = await end_session(session, staff_id=staff.staff.id or 0, session_id=session_id)
        await session.commit()
        if session_id == staff.session_id:  # this browser's own: signed out here too
            response = RedirectResponse("/console/login", status_code=303)
            response.delete_cookie(COOKIE, path="/console")
            return response
        return _back("done=ended" if ended else "problem=gone")

    @router.post("/sessions/end-others")
    async def end_others(session: Session, staff: StaffMember, csrf: Csrf) -> Response:
        _checked(staff, csrf)
        await end_all(session, staff_id=staff.staff.id or 0, keep_id=staff.session_id)
        await session.commit()
        return _back("done=ended_others")

    @router.post("/sessions/end-staff")
    async def end_staff(session: Session, staff: StaffMember, csrf: Csrf,
                        username: Annotated[str, Form(max_length=64)]) -> Response:
        """An admin signs a colleague out everywhere: a lost phone, a stolen password."""
        _checked(staff, csrf)
        if not staff.scope.is_admin:
            raise HTTPException(status_code=403, detail="admins only")
        other = await staff_named(session, username.strip())
        if other is None or other.id is None:
            return _back("problem=unknown_staff")
        await end_all(session, staff_id=other.id,
                      keep_id=staff.session_id if other.id == staff.staff.id else None)
        await session.commit()
        return _back("done=ended_staff")

    @router.post("/password")
    async def change_password(request: Request, session: Session, staff: StaffMember,
                              csrf: Csrf, current: Secret, new: Secret,
                              again: Secret) -> Response:
        _checked(staff, csrf)
        if new != again:
            return _back("problem=password_mismatch")
        problem = password_problem(new)
        if problem is not None:
            return _back(f"problem=password_{problem}")
        address, now = client_address(request), datetime.now(UTC)
        # Read before the rollback below, which leaves the loaded row to be fetched again.
        name, staff_id = staff.staff.username, staff.staff.id or 0
        if await wait_seconds(session, username=name, address=address, now=now):
            return _back("problem=password_wait")
        row = await session.get(Staff, staff_id)
        stored = row.password_hash if row is not None else None
        await session.rollback()  # no connection held while argon2 runs
        right = await password_lane().run(password_matches, stored, current)
        hashed = await password_lane().run(hash_password, new) if right else ""
        # A stolen session guessing the current password is slowed like any guesser.
        record_attempt(session, username=name, ip=address, succeeded=right, now=now,
                       step="password_change")
        if right:
            row = await session.get(Staff, staff_id)
            assert row is not None
            row.password_hash = hashed
            session.add(row)
            # A new password ends every other session: whoever knew the old one is out.
            await end_all(session, staff_id=staff_id, keep_id=staff.session_id)
        await session.commit()
        return _back("done=password" if right else "problem=password_wrong_current")

    return router
