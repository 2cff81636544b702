"""A staff member's console sessions: listed, kept fresh, ended. Every process reads a
session from this table on each request, so ending one here ends it everywhere at once."""

from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Staff, StaffSession

# "Last seen" is written at most once a minute per session, not on every page. The
# updates here do not touch loaded objects (synchronize_session=False): they are conditions
# on the stored row, which SQLite hands back with naive times Python cannot compare.
SEEN_EVERY = timedelta(minutes=1)


async def sessions_of(session: AsyncSession, staff_id: int, now: datetime) -> list[StaffSession]:
    query = (select(StaffSession)
             .where(col(StaffSession.staff_id) == staff_id, StaffSession.stage == "signed",
                    col(StaffSession.expires_at) > now)
             .order_by(col(StaffSession.created_at).desc()))
    return list((await session.exec(query)).all())


async def seen(session: AsyncSession, session_id: int, now: datetime) -> bool:
    """Whether this call moved `last_seen_at` (then the caller commits)."""
    done = await session.exec(update(StaffSession).where(
        col(StaffSession.id) == session_id,
        (col(StaffSession.last_seen_at).is_(None))
        | (col(StaffSession.last_seen_at) < now - SEEN_EVERY)).values(last_seen_at=now)
        .execution_options(synchronize_session=False))
    return bool(done.rowcount)


async def end_session(session: AsyncSession, *, staff_id: int, session_id: int) -> bool:
    """Only one of this person's own: a guessed id of another's ends nothing."""
    done = await session.exec(delete(StaffSession).where(
        col(StaffSession.id) == session_id, col(StaffSession.staff_id) == staff_id))
    return bool(done.rowcount)


async def end_all(session: AsyncSession, *, staff_id: int, keep_id: int | None = None) -> int:
    query = delete(StaffSession).where(col(StaffSession.staff_id) == staff_id)
    if keep_id is not None:
        query = query.where(col(StaffSession.id) != keep_id)
    return int((await session.exec(query)).rowcount)


async def promote(session: AsyncSession, *, session_id: int, stage: str, token_hash: str,
                  expires_at: datetime, now: datetime) -> bool:
    """A half-signed session whose second step is done becomes a signed one, under a new
    token: the half-signed cookie never becomes a key to the console. Conditional, so two
    tabs finishing at once make one session."""
    done = await session.exec(update(StaffSession).where(
        col(StaffSession.id) == session_id, col(StaffSession.stage) == stage,
        col(StaffSession.expires_at) > now).values(
        stage="signed", token_hash=token_hash, expires_at=expires_at, last_seen_at=now)
        .execution_options(synchronize_session=False))
    return bool(done.rowcount)


async def staff_named(session: AsyncSession, username: str) -> Staff | None:
    return (await session.exec(select(Staff).where(Staff.username == username))).first()
