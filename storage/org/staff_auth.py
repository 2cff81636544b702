"""Console sign-in records: staff lookup, sessions (by token hash), login attempts."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import LoginAttempt, Staff, StaffAccount, StaffSession


async def find_staff(session: AsyncSession, username: str) -> Staff | None:
    query = select(Staff).where(Staff.username == username, col(Staff.active))
    return (await session.exec(query)).first()


async def set_password_hash(session: AsyncSession, username: str, password_hash: str) -> bool:
    staff = (await session.exec(select(Staff).where(Staff.username == username))).first()
    if staff is None:
        return False
    staff.password_hash = password_hash
    session.add(staff)
    # Changing a password ends every open session of that person.
    await session.exec(delete(StaffSession).where(col(StaffSession.staff_id) == staff.id))
    return True


@dataclass(frozen=True)
class Failures:
    count: int
    last: datetime | None


async def failures_since(session: AsyncSession, *, since: datetime, ip: str | None,
                         username: str | None = None, forgiven: bool = True) -> Failures:
    """Guesses that failed from `ip` (or from anywhere) for `username` (or for any name)
    since `since`, and after the last success among them: a typo forgiven by the right
    password is forgotten (unless not `forgiven`). A try refused for waiting is no guess:
    nothing was checked."""
    where = [col(LoginAttempt.at) >= since]
    if ip is not None:
        where.append(col(LoginAttempt.ip) == ip)
    if username is not None:
        where.append(col(LoginAttempt.username) == username)
    last_success = (await session.exec(select(func.max(LoginAttempt.at)).where(
        *where, col(LoginAttempt.succeeded).is_(True)))).one() if forgiven else None
    if last_success is not None:
        where.append(col(LoginAttempt.at) > last_success)
    count, last = (await session.exec(select(func.count(), func.max(LoginAttempt.at)).where(
        *where, col(LoginAttempt.succeeded).is_(False),
        col(LoginAttempt.step) != "throttled"))).one()
    return Failures(int(count), last)


async def signed_in_from(session: AsyncSession, *, username: str, ip: str,
                         since: datetime) -> bool:
    """Whether this name signed in all the way from this address since `since` (a right
    password with a second factor still to come is not enough)."""
    found = (await session.exec(select(LoginAttempt.id).where(
        col(LoginAttempt.username) == username, col(LoginAttempt.ip) == ip,
        col(LoginAttempt.at) >= since, col(LoginAttempt.succeeded).is_(True),
        col(LoginAttempt.step).in_(("password", "code", "enrol"))))).first()
    return found is not None


def record_attempt(session: AsyncSession, *, username: str, ip: str, succeeded: bool,
                   now: datetime, step: str = "password") -> None:
    session.add(LoginAttempt(username=username[:64], ip=ip[:64], succeeded=succeeded, at=now,
                             step=step))


def open_session(session: AsyncSession, *, staff_id: int, token_hash: str, csrf_token: str,
                 now: datetime, expires_at: datetime, stage: str = "signed", ip: str = "",
                 user_agent: str = "") -> None:
    session.add(StaffSession(token_hash=token_hash, staff_id=staff_id, csrf_token=csrf_token,
                             created_at=now, expires_at=expires_at, stage=stage,
                             last_seen_at=now, ip=ip[:64], user_agent=user_agent[:200]))


async def find_session(
    session: AsyncSession, *, token_hash: str, now: datetime, stage: str = "signed"
) -> tuple[StaffSession, Staff] | None:
    """A live session at `stage`: a half-signed one (code, enrol) is never found as a
    signed one, so it can do nothing but finish its step."""
    query = (select(StaffSession, Staff)
             .join(Staff, col(Staff.id) == StaffSession.staff_id)
             .where(StaffSession.token_hash == token_hash, StaffSession.stage == stage,
                    col(StaffSession.expires_at) > now, col(Staff.active)))
    found = (await session.exec(query)).first()
    return (found[0], found[1]) if found is not None else None


async def close_session(session: AsyncSession, *, token_hash: str) -> None:
    await session.exec(delete(StaffSession).where(col(StaffSession.token_hash) == token_hash))


async def staff_for_account(session: AsyncSession, *, channel: str,
                            external_id: str) -> Staff | None:
    query = (select(Staff).join(StaffAccount, col(StaffAccount.staff_id) == Staff.id)
             .where(StaffAccount.channel == channel, StaffAccount.external_id == external_id,
                    col(Staff.active)))
    return (await session.exec(query)).first()
