"""The demo organisation's rows by the names a story uses: a unit by its code, a staff
member by their username (for the stories that insert rows straight into the database)."""

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Staff, Unit


async def unit_id(session: AsyncSession, code: str) -> int:
    found = (await session.exec(select(Unit.id).where(Unit.code == code))).one()
    assert found is not None
    return found


async def staff_id(session: AsyncSession, username: str) -> int:
    found = (await session.exec(select(Staff.id).where(Staff.username == username))).one()
    assert found is not None
    return found
