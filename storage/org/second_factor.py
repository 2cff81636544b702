"""TOTP second factor records: who must have one, the secret being enrolled, the last
step a code was taken for. The secret never leaves through a log: callers hold it only
to check a code or to show it once to its owner."""

from sqlalchemy import delete, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Staff, StaffRole, StaffSession
from storage.org.access import ADMIN, PRIVACY

# Who can change anyone's work or see everyone's personal data signs in with two factors.
REQUIRES_SECOND_FACTOR = (ADMIN, PRIVACY)


async def must_have_second_factor(session: AsyncSession, staff_id: int) -> bool:
    found = (await session.exec(select(StaffRole.id).where(
        col(StaffRole.staff_id) == staff_id,
        col(StaffRole.role).in_(REQUIRES_SECOND_FACTOR)))).first()
    return found is not None


async def pending_secret(session: AsyncSession, staff_id: int, new: str,
                         replace: bool = False) -> str:
    """The secret being enrolled: the one already shown (a reload shows the same one, so
    an app that scanned it keeps working), else (or when told to `replace` it) `new`."""
    staff = await session.get(Staff, staff_id)
    assert staff is not None
    if staff.totp_pending is None or replace:
        staff.totp_pending = new
        session.add(staff)
    return staff.totp_pending


async def take_step(session: AsyncSession, staff_id: int, step: int) -> bool:
    """Marks the code of `step` used, if no code of it or a later step was: one code, one
    sign-in, even when two processes check it at the same moment."""
    done = await session.exec(update(Staff).where(
        col(Staff.id) == staff_id,
        col(Staff.totp_last_step).is_(None) | (col(Staff.totp_last_step) < step))
        .values(totp_last_step=step).execution_options(synchronize_session=False))
    return bool(done.rowcount)


async def confirm_pending(session: AsyncSession, staff_id: int, secret: str, step: int) -> bool:
    """The shown secret becomes the person's factor, the code that proved it used."""
    done = await session.exec(update(Staff).where(
        col(Staff.id) == staff_id, col(Staff.totp_pending) == secret).values(
        totp_secret=secret, totp_pending=None, totp_last_step=step)
        .execution_options(synchronize_session=False))
    return bool(done.rowcount)


async def reset_second_factor(session: AsyncSession, username: str) -> bool:
    """A lost phone: the factor is forgotten and every session ended; the next sign-in
    enrols a new app (at once, for those who must have one)."""
    staff = (await session.exec(select(Staff).where(Staff.username == username))).first()
    if staff is None:
        return False
    staff.totp_secret = staff.totp_pending = staff.totp_last_step = None
    session.add(staff)
    await session.exec(delete(StaffSession).where(col(StaffSession.staff_id) == staff.id))
    return True
