"""The first administrator of a new installation (`ntvt create-admin`): someone has to be
able to sign in before the console can invite anyone else."""

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Staff, StaffRole, Unit
from storage.org.access import ADMIN
from storage.org.admin_staff import StaffProblem, add_role, add_staff
from storage.org.admin_units import add_unit
from storage.shared.folding import fold


async def has_admin(session: AsyncSession) -> bool:
    found = await session.exec(select(StaffRole.id).join(Staff, col(Staff.id) == StaffRole.staff_id)
                               .where(StaffRole.role == ADMIN, col(Staff.active)).limit(1))
    return found.first() is not None


async def top_units(session: AsyncSession) -> list[Unit]:
    return list((await session.exec(select(Unit).where(
        col(Unit.parent_id).is_(None), col(Unit.active)).order_by(col(Unit.position)))).all())


def _code(name: str) -> str:
    return "-".join("".join(ch if ch.isalnum() else " " for ch in fold(name)).split())[:64] \
        or "to-chuc"


async def create_first_admin(session: AsyncSession, *, username: str, full_name: str,
                             top_unit: str | None = None) -> Staff:
    """An admin over every top unit; with no unit yet, `top_unit` names the first one.
    Refused (StaffProblem "admin_exists") once an active admin exists: from then on the
    console invites people. The caller commits."""
    if await has_admin(session):
        raise StaffProblem("admin_exists")
    units = await top_units(session)
    if not units:
        if not top_unit:
            raise StaffProblem("no_unit")
        units = [await add_unit(session, code=_code(top_unit), name=top_unit,
                                kind="organisation", parent_id=None)]
    person = await add_staff(session, username=username, full_name=full_name)
    for unit in units:
        assert unit.id is not None
        await add_role(session, person, unit_id=unit.id, role=ADMIN)
    await session.flush()
    return person
