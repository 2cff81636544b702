"""What staff do for themselves: set their password from the one-time link an
administrator gave them (/console/invite/TOKEN), and link their own Telegram or Zalo
account with a one-time code sent to the bot (/console/account/chat)."""

import secrets
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import select

from handlers.org.staff_links import ACCOUNT_CODE_VALID_FOR, make_account_code
from storage.audit.events import record_event
from storage.models import StaffAccount
from storage.org.invites import open_invite, use_invite
from web.app import WebContext, page
from web.console.admin.units import known
from web.console.auth import fresh_form, password_lane
from web.console.deps import Session, StaffMember
from web.console.password_rules import MIN_LENGTH, password_problem
from web.console.passwords import hash_password
from web.console.sign_in_pages import set_cookie

Csrf = Annotated[str, Form(max_length=64)]
Secret = Annotated[str, Form(max_length=256)]
INVITE_COOKIE = "ntvt_invite"


def _no_referrer(response: Response) -> Response:
    """The token is in the address: it must not travel to another site as a referrer."""
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


def build_router(context: WebContext) -> APIRouter:
    router = APIRouter()

    @router.get("/invite/{token}", response_class=HTMLResponse)
    async def invite_form(request: Request, token: str, session: Session,
                          problem: str | None = None) -> Response:
        found = await open_invite(session, token[:64], datetime.now(UTC))
        csrf = secrets.token_urlsafe(24)
        response = page(context, request, "web/console/staff_invite.html", csrf=csrf,
                        person=found[1] if found else None,
                        problem=known(context, "console.admin_org.invite.problem", problem),
                        min_length=MIN_LENGTH)
        if found is None:
            response.status_code = 410
        set_cookie(response, request, INVITE_COOKIE, csrf, 3600)
        return _no_referrer(response)

    @router.post("/invite/{token}")
    async def invite_use(request: Request, token: str, session: Session, csrf: Csrf,
                         new: Secret, again: Secret) -> Response:
        expected = request.cookies.get(INVITE_COOKIE, "")
        if not expected or not secrets.compare_digest(expected, csrf):
            raise HTTPException(status_code=403, detail="stale form")
        here = f"/console/invite/{token[:64]}"
        problem = "mismatch" if new != again else password_problem(new)
        if problem is not None:
            return _no_referrer(RedirectResponse(f"{here}?problem={problem}", status_code=303))
        now = datetime.now(UTC)
        if await open_invite(session, token[:64], now) is None:  # before argon2's cost
            return _no_referrer(RedirectResponse(here, status_code=303))
        await session.rollback()  # no connection held while argon2 runs
        hashed = await password_lane().run(hash_password, new)
        person = await use_invite(session, token=token[:64], password_hash=hashed, now=now)
        if person is None:
            return _no_referrer(RedirectResponse(here, status_code=303))
        record_event(session, action="staff_invite_used", staff_id=person.id, via="console",
                     target=f"staff:{person.username}", now=now)
        await session.commit()
        response = RedirectResponse("/console/login?done=password_set", status_code=303)
        response.delete_cookie(INVITE_COOKIE, path="/console")
        return _no_referrer(response)

    @router.get("/account/chat", response_class=HTMLResponse)
    async def chat_accounts(request: Request, session: Session, staff: StaffMember,
                            code: str | None = None) -> Response:
        accounts = (await session.exec(select(StaffAccount).where(
            StaffAccount.staff_id == staff.staff.id))).all()
        return page(context, request, "web/console/staff_chat.html", staff=staff,
                    accounts=accounts, code=code,
                    minutes=int(ACCOUNT_CODE_VALID_FOR.total_seconds() // 60))

    @router.post("/account/chat/code", response_class=HTMLResponse)
    async def chat_code(request: Request, session: Session, staff: StaffMember,
                        csrf: Csrf) -> Response:
        fresh_form(staff, csrf)
        assert staff.staff.id is not None
        code = await make_account_code(session, staff_id=staff.staff.id, now=datetime.now(UTC))
        return await chat_accounts(request, session, staff, code=code)

    return router
