"""/console/login, /logout and the second step: a code from an authenticator app, or
enrolling one, which admins and privacy officers must do before anything else."""

import hmac
import secrets
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Staff, StaffSession
from storage.org.admin_staff import any_staff
from storage.org.second_factor import confirm_pending, pending_secret, take_step
from storage.org.staff_auth import record_attempt
from storage.org.staff_sessions import promote
from web.app import WebContext, client_address, page
from web.console.auth import (
    COOKIE,
    HALF_COOKIE,
    HALF_SIGNED,
    SESSION_HOURS,
    half_signed,
    sign_in,
    sign_out,
    signed_in,
    token_hash,
)
from web.console.deps import Session, StaffMember
from web.console.throttle import wait_seconds
from web.console.totp import enrol_uri, matching_step, new_secret, spaced
from web.console.totp_box import SecretBox

LOGIN_COOKIE = "ntvt_login"
Code = Annotated[str, Form(max_length=16)]
Csrf = Annotated[str, Form(max_length=64)]


def set_cookie(response: Response, request: Request, name: str, value: str,
               max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path="/console")


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def _signed(request: Request, token: str) -> Response:
    """The second step done: the console cookie in, the half-signed one out."""
    response = RedirectResponse("/console", status_code=303)
    set_cookie(response, request, COOKIE, token, SESSION_HOURS * 3600)
    response.delete_cookie(HALF_COOKIE, path="/console")
    return response


def build_router(context: WebContext, box: SecretBox) -> APIRouter:
    """`box` seals the TOTP secrets stored (its key: SECRET_KEY)."""
    router = APIRouter(prefix="/console")

    @router.get("/login", response_class=HTMLResponse)
    async def login_form(request: Request, session: Session, failed: str | None = None,
                         wait: int = 0, done: str | None = None) -> Response:
        token = secrets.token_urlsafe(24)
        # A first run: nobody can sign in until the operator makes the first admin.
        response = page(context, request, "web/console/login.html", csrf=token,
                        failed=failed, wait=max(0, min(wait, 86400)),
                        no_staff=not await any_staff(session),
                        password_set=done == "password_set")
        set_cookie(response, request, LOGIN_COOKIE, token, 3600)
        return response

    @router.post("/login")
    async def login(request: Request, session: Session,
                    username: Annotated[str, Form(max_length=64)],
                    password: Annotated[str, Form(max_length=256)], csrf: Csrf) -> Response:
        expected = request.cookies.get(LOGIN_COOKIE, "")
        if not expected or not secrets.compare_digest(expected, csrf):
            raise HTTPException(status_code=403, detail="stale form")
        result = await sign_in(session, username=username.strip(), password=password,
                               address=client_address(request),
                               user_agent=request.headers.get("user-agent", ""))
        if result.token is None:
            failed = f"throttled&wait={result.wait}" if result.wait else "wrong"
            return RedirectResponse(f"/console/login?failed={failed}", status_code=303)
        if result.stage == "signed":
            response = RedirectResponse("/console", status_code=303)
            set_cookie(response, request, COOKIE, result.token, SESSION_HOURS * 3600)
        else:  # the password was right; the second factor comes next
            step = "/console/two-factor" + ("/enrol" if result.stage == "enrol" else "")
            response = RedirectResponse(step, status_code=303)
            set_cookie(response, request, HALF_COOKIE, result.token,
                       int(HALF_SIGNED.total_seconds()))
        response.delete_cookie(LOGIN_COOKIE, path="/console")
        return response

    @router.post("/logout")
    async def logout(request: Request, session: Session, staff: StaffMember,
                     csrf: Csrf) -> Response:
        if not _same(csrf, staff.csrf_token):
            raise HTTPException(status_code=403, detail="stale form")
        await sign_out(session, request)
        response = RedirectResponse("/console/login", status_code=303)
        response.delete_cookie(COOKIE, path="/console")
        return response

    @router.get("/two-factor", response_class=HTMLResponse)
    async def code_form(request: Request, session: Session, failed: str | None = None,
                        wait: int = 0) -> Response:
        found = await half_signed(session, request, "code")
        if found is None:
            return RedirectResponse("/console/login", status_code=303)
        return page(context, request, "web/console/two_factor.html", csrf=found[0].csrf_token,
                    failed=failed, wait=max(0, min(wait, 86400)))

    @router.post("/two-factor")
    async def code_step(request: Request, session: Session, code: Code,
                        csrf: Csrf) -> Response:
        found = await half_signed(session, request, "code")
        if found is None:
            return RedirectResponse("/console/login", status_code=303)
        half, staff = found
        if not _same(csrf, half.csrf_token):
            raise HTTPException(status_code=403, detail="stale form")
        now = datetime.now(UTC)
        refused = await _refused(session, staff, half, request, now)
        if refused:
            return RedirectResponse(f"/console/two-factor?failed={refused}", status_code=303)
        step = matching_step(box.open(staff.totp_secret), code, now)
        ok = step is not None and await take_step(session, staff.id or 0, step)
        record_attempt(session, username=staff.username, ip=client_address(request),
                       succeeded=ok, now=now, step="code")
        token = secrets.token_urlsafe(32)
        if ok and await promote(session, session_id=half.id or 0, stage="code",
                                token_hash=token_hash(token), now=now,
                                expires_at=now + timedelta(hours=SESSION_HOURS)):
            await session.commit()
            return _signed(request, token)
        await session.commit()
        # A right code already taken: say so, or the owner would think their app broken.
        failed = "used" if step is not None else "wrong"
        return RedirectResponse(f"/console/two-factor?failed={failed}", status_code=303)

    @router.get("/two-factor/enrol", response_class=HTMLResponse)
    async def enrol_form(request: Request, session: Session, failed: str | None = None,
                         wait: int = 0) -> Response:
        enrolling = await _enrolling(session, request)
        if enrolling is None:
            return RedirectResponse("/console/login", status_code=303)
        half, staff, required = enrolling
        secret = box.open(await pending_secret(session, staff.id or 0, box.seal(new_secret())))
        if not secret:  # sealed under an earlier SECRET_KEY: start afresh
            secret = box.open(await pending_secret(session, staff.id or 0,
                                                   box.seal(new_secret()), replace=True))
        await session.commit()
        response = page(context, request, "web/console/enrol.html", csrf=half.csrf_token,
                        failed=failed, wait=max(0, min(wait, 86400)), required=required,
                        secret=spaced(secret),
                        uri=enrol_uri(secret, staff.username))
        response.headers["Cache-Control"] = "no-store"  # the secret must not linger
        return response

    @router.post("/two-factor/enrol")
    async def enrol(request: Request, session: Session, code: Code, csrf: Csrf) -> Response:
        enrolling = await _enrolling(session, request)
        if enrolling is None:
            return RedirectResponse("/console/login", status_code=303)
        half, staff, required = enrolling
        if not _same(csrf, half.csrf_token):
            raise HTTPException(status_code=403, detail="stale form")
        now = datetime.now(UTC)
        refused = await _refused(session, staff, half, request, now)
        if refused:
            return RedirectResponse(f"/console/two-factor/enrol?failed={refused}",
                                    status_code=303)
        pending = staff.totp_pending or ""
        step = matching_step(box.open(pending), code, now)
        ok = step is not None and await confirm_pending(session, staff.id or 0, pending, step)
        record_attempt(session, username=staff.username, ip=client_address(request),
                       succeeded=ok, now=now, step="enrol")
        if not ok:
            await session.commit()
            return RedirectResponse("/console/two-factor/enrol?failed=wrong", status_code=303)
        if not required:  # enrolled from a signed-in session, which stays as it is
            await session.commit()
            return RedirectResponse("/console/sessions?done=enrolled", status_code=303)
        token = secrets.token_urlsafe(32)
        done = await promote(session, session_id=half.id or 0, stage="enrol",
                             token_hash=token_hash(token), now=now,
                             expires_at=now + timedelta(hours=SESSION_HOURS))
        await session.commit()
        return _signed(request, token) if done else \
            RedirectResponse("/console/login", status_code=303)

    return router


async def _refused(session: AsyncSession, staff: Staff, half: StaffSession, request: Request,
                   now: datetime) -> str:
    """"throttled&wait=N" while codes are being guessed; they count as failures too."""
    address = client_address(request)
    wait = await wait_seconds(session, username=staff.username, address=address, now=now)
    if not wait:
        return ""
    record_attempt(session, username=staff.username, ip=address, succeeded=False, now=now,
                   step="throttled")
    await session.commit()
    return f"throttled&wait={wait}"


async def _enrolling(session: AsyncSession,
                     request: Request) -> tuple[StaffSession, Staff, bool] | None:
    """Who is enrolling: someone half-signed who must (True), or a signed-in person who
    chose to and has no factor yet (False)."""
    found = await half_signed(session, request, "enrol")
    if found is not None:
        return found[0], found[1], True
    signer = await signed_in(session, request)
    if signer is None or signer.staff.totp_secret is not None:
        return None
    own = await session.get(StaffSession, signer.session_id)
    return (own, signer.staff, False) if own is not None else None
