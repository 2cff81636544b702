"""Console sign-in records: staff lookup, sessions (by token hash), login attempts."""

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


async def recent_failures(
    session: AsyncSession, *, username: str, ip: str, since: datetime
) -> tuple[int, int]:
    """Failed sign-ins since `since`: (for this name, from this address)."""
    base = select(func.count()).select_from(LoginAttempt).where(
        col(LoginAttempt.at) >= since, col(LoginAttempt.succeeded).is_(False))
    by_name = (await session.exec(base.where(LoginAttempt.username == username))).one()
    by_ip = (await session.exec(base.where(LoginAttempt.ip == ip))).one()
    return int(by_name), int(by_ip)


def record_attempt(session: AsyncSession, *, username: str, ip: str, succeeded: bool,
                   now: datetime) -> None:
    session.add(LoginAttempt(username=username[:64], ip=ip[:64], succeeded=succeeded, at=now))


def open_session(session: AsyncSession, *, staff_id: int, token_hash: str, csrf_token: str,
                 now: datetime, expires_at: datetime) -> None:
    session.add(StaffSession(token_hash=token_hash, staff_id=staff_id, csrf_token=csrf_token,
                             created_at=now, expires_at=expires_at))


async def find_session(
    session: AsyncSession, *, token_hash: str, now: datetime
) -> tuple[StaffSession, Staff] | None:
    query = (select(StaffSession, Staff)
             .join(Staff, col(Staff.id) == StaffSession.staff_id)
             .where(StaffSession.token_hash == token_hash,
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
