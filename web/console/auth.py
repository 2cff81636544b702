"""Console sign-in: throttling, server-side sessions, CSRF tokens (passwords: passwords.py)."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from fastapi import Request
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.audit.events import record_sign_in
from storage.models import Staff
from storage.org.access import Scope, load_scope
from storage.org.staff_auth import (
    close_session,
    find_session,
    find_staff,
    open_session,
    recent_failures,
    record_attempt,
)
from storage.shared.worker_threads import Lane
from web.console.passwords import password_matches

COOKIE = "ntvt_console"
SESSION_HOURS = 12
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_NAME = 5
MAX_FAILURES_PER_ADDRESS = 20

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


@dataclass(frozen=True)
class SignIn:
    token: str | None = None
    throttled: bool = False


async def sign_in(session: AsyncSession, *, username: str, password: str, address: str,
                  now: datetime | None = None) -> SignIn:
    now = now or datetime.now(UTC)
    by_name, by_address = await recent_failures(session, username=username, ip=address,
                                                since=now - THROTTLE_WINDOW)
    if by_name >= MAX_FAILURES_PER_NAME or by_address >= MAX_FAILURES_PER_ADDRESS:
        return SignIn(throttled=True)
    staff = await find_staff(session, username)
    stored = staff.password_hash if staff is not None and staff.password_hash else None
    staff_id = staff.id if staff is not None else None
    # The read transaction ends before argon2 runs: no database connection is held for
    # the quarter second it takes.
    await session.rollback()
    ok = await password_lane().run(password_matches, stored, password)
    record_attempt(session, username=username, ip=address, succeeded=ok, now=now)
    # The audit log (issue 16): every sign-in, and every failed one.
    record_sign_in(session, username=username, staff_id=staff_id, ok=ok, address=address, now=now)
    if not ok or staff_id is None:
        await session.commit()
        return SignIn()
    token = secrets.token_urlsafe(32)
    open_session(session, staff_id=staff_id, token_hash=token_hash(token),
                 csrf_token=secrets.token_urlsafe(32), now=now,
                 expires_at=now + timedelta(hours=SESSION_HOURS))
    await session.commit()
    return SignIn(token=token)


async def signed_in(session: AsyncSession, request: Request) -> Signer | None:
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    found = await find_session(session, token_hash=token_hash(token), now=datetime.now(UTC))
    if found is None:
        return None
    staff_session, staff = found
    assert staff.id is not None
    return Signer(staff, await load_scope(session, staff.id), staff_session.csrf_token)


async def sign_out(session: AsyncSession, request: Request) -> None:
    token = request.cookies.get(COOKIE)
    if token:
        await close_session(session, token_hash=token_hash(token))
        await session.commit()


def csrf_ok(signer: Signer, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(given.encode(),
                                                     signer.csrf_token.encode())
