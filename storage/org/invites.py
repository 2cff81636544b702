"""One-time links to set a console password (an invitation, or an administrator's reset).

The link holds a random token; the table only its hash, so a copy of the database opens
no account. A link works once, before it expires; a newer one for the same person ends
the older ones.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Staff, StaffInvite
from storage.org.staff_sessions import end_all

INVITE_VALID_FOR = timedelta(hours=72)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def new_invite(session: AsyncSession, *, staff_id: int, purpose: str,
                     created_by: int | None, now: datetime,
                     valid_for: timedelta = INVITE_VALID_FOR) -> str:
    """The token for the link; the caller commits."""
    await session.exec(update(StaffInvite)
                       .where(col(StaffInvite.staff_id) == staff_id,
                              col(StaffInvite.used_at).is_(None))
                       .values(expires_at=now).execution_options(synchronize_session=False))
    token = secrets.token_urlsafe(32)
    session.add(StaffInvite(token_hash=_hash(token), staff_id=staff_id, purpose=purpose,
                            created_by=created_by, created_at=now,
                            expires_at=now + valid_for))
    return token


async def open_invite(session: AsyncSession, token: str,
                      now: datetime) -> tuple[StaffInvite, Staff] | None:
    """The link's invitation and person, if it can still be used."""
    found = (await session.exec(
        select(StaffInvite, Staff).join(Staff, col(Staff.id) == StaffInvite.staff_id)
        .where(StaffInvite.token_hash == _hash(token), col(StaffInvite.used_at).is_(None),
               col(StaffInvite.expires_at) > now, col(Staff.active)))).first()
    return (found[0], found[1]) if found else None


async def use_invite(session: AsyncSession, *, token: str, password_hash: str,
                     now: datetime) -> Staff | None:
    """Spend the link (a conditional update: two tabs, one wins) and set the password;
    every session the person had ends. None if the link no longer works. The caller
    commits."""
    found = await open_invite(session, token, now)
    if found is None:
        return None
    invite, staff = found
    taken = await session.exec(update(StaffInvite)
                               .where(col(StaffInvite.id) == invite.id,
                                      col(StaffInvite.used_at).is_(None))
                               .values(used_at=now).execution_options(synchronize_session=False))
    if taken.rowcount != 1 or staff.id is None:
        return None
    staff.password_hash = password_hash
    session.add(staff)
    await end_all(session, staff_id=staff.id)
    return staff
