"""Console sign-in: the password step, server-side sessions, CSRF tokens (the delay on
guessing: throttle.py; the second factor: two_factor.py; passwords: passwords.py)."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from fastapi import HTTPException, Request
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.audit.events import record_sign_in
from storage.models import Staff, StaffSession
from storage.org.access import Scope, load_scope
from storage.org.second_factor import must_have_second_factor
from storage.org.staff_auth import (
    close_session,
    find_session,
    find_staff,
    open_session,
    record_attempt,
)
from storage.org.staff_sessions import seen
from storage.shared.worker_threads import Lane
from web.console.passwords import password_matches
from web.console.throttle import wait_seconds

COOKIE = "ntvt_console"
# The half-signed step between the password and the code: its own cookie, short-lived.
HALF_COOKIE = "ntvt_half"
SESSION_HOURS = 12
HALF_SIGNED = timedelta(minutes=10)


@cache
def password_lane() -> Lane:
    """Two threads for argon2: a burst of sign-ins queues here instead of stalling every
    chat on the event loop, and leaves the other worker threads alone."""
    return Lane("argon2", 2)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Signer:
    staff: Staff
    scope: Scope
    csrf_token: str
    session_id: int = 0


@dataclass(frozen=True)
class SignIn:
    """`token` with `stage` "signed" opens the console; "code" or "enrol" is the
    half-signed step. No token: a wrong password, or `wait` seconds to wait first."""

    token: str | None = None
    stage: str = "signed"
    wait: int = 0


async def sign_in(session: AsyncSession, *, username: str, password: str, address: str,
                  user_agent: str = "", now: datetime | None = None) -> SignIn:
    now = now or datetime.now(UTC)
    wait = await wait_seconds(session, username=username, address=address, now=now)
    if wait:
        record_attempt(session, username=username, ip=address, succeeded=False, now=now,
                       step="throttled")
        await session.commit()
        return SignIn(wait=wait)
    staff = await find_staff(session, username)
    stored = staff.password_hash if staff is not None and staff.password_hash else None
    staff_id = staff.id if staff is not None else None
    enrolled = staff is not None and staff.totp_secret is not None
    # The read transaction ends before argon2 runs: no database connection is held for
    # the quarter second it takes.
    await session.rollback()
    ok = await password_lane().run(password_matches, stored, password)
    # The audit log (issue 16): every sign-in, and every failed one.
    record_sign_in(session, username=username, staff_id=staff_id, ok=ok, address=address, now=now)
    if not ok or staff_id is None:
        record_attempt(session, username=username, ip=address, succeeded=False, now=now)
        await session.commit()
        return SignIn()
    stage = "code" if enrolled else \
        "enrol" if await must_have_second_factor(session, staff_id) else "signed"
    # "half": the password was right, the second factor is still to come.
    record_attempt(session, username=username, ip=address, succeeded=True, now=now,
                   step="password" if stage == "signed" else "half")
    token = secrets.token_urlsafe(32)
    lasts = timedelta(hours=SESSION_HOURS) if stage == "signed" else HALF_SIGNED
    open_session(session, staff_id=staff_id, token_hash=token_hash(token),
                 csrf_token=secrets.token_urlsafe(32), now=now, expires_at=now + lasts,
                 stage=stage, ip=address, user_agent=user_agent)
    await session.commit()
    return SignIn(token=token, stage=stage)


async def half_signed(session: AsyncSession, request: Request,
                      stage: str) -> tuple[StaffSession, Staff] | None:
    """The session between the password and the second factor, at `stage`."""
    token = request.cookies.get(HALF_COOKIE)
    if not token:
        return None
    return await find_session(session, token_hash=token_hash(token), now=datetime.now(UTC),
                              stage=stage)


async def signed_in(session: AsyncSession, request: Request) -> Signer | None:
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    now = datetime.now(UTC)
    found = await find_session(session, token_hash=token_hash(token), now=now)
    if found is None:
        return None
    staff_session, staff = found
    assert staff.id is not None and staff_session.id is not None
    if staff.totp_secret is None and await must_have_second_factor(session, staff.id):
        # Made an admin or privacy officer while signed in (or signed in before two
        # factors were required): the next sign-in enrols first.
        return None
    if await seen(session, staff_session.id, now):
        await session.commit()  # "last seen" on the sessions page; once a minute at most
    return Signer(staff, await load_scope(session, staff.id), staff_session.csrf_token,
                  staff_session.id)


async def sign_out(session: AsyncSession, request: Request) -> None:
    token = request.cookies.get(COOKIE)
    if token:
        await close_session(session, token_hash=token_hash(token))
        await session.commit()


def csrf_ok(signer: Signer, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(given.encode(),
                                                     signer.csrf_token.encode())


def fresh_form(signer: Signer, given: str | None) -> None:
    """A form posted from a page this session was shown, or 403."""
    if not csrf_ok(signer, given):
        raise HTTPException(status_code=403, detail="stale form")


def only_admins(signer: Signer, csrf: str | None = None) -> None:
    """Administrators only (403 for anyone else); with a form, a fresh one too."""
    if not signer.scope.is_admin:
        raise HTTPException(status_code=403, detail="administrators only")
    if csrf is not None:
        fresh_form(signer, csrf)
