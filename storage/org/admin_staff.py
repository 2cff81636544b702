"""Staff administered from the console: added, given roles over a unit's subtree,
disabled (every session ends, sign-in refused) and enabled again.

A refused change raises `StaffProblem` with a short code the page words. The caller
records the audit event and commits.
"""

import re
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Staff, StaffAccount, StaffRole, Unit
from storage.org.staff_sessions import end_all

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")  # as in the organisation file
ROLES = ("admin", "reviewer", "viewer", "privacy", "judge")


class StaffProblem(Exception):
    """`code`: bad_username, username_taken, bad_name, no_staff, no_unit, bad_role,
    own_account."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class StaffRow:
    staff: Staff
    roles: list[tuple[StaffRole, Unit]]
    accounts: list[StaffAccount]


async def staff_rows(session: AsyncSession) -> list[StaffRow]:
    people = (await session.exec(select(Staff).order_by(col(Staff.username)))).all()
    roles = (await session.exec(select(StaffRole, Unit)
                                .join(Unit, col(Unit.id) == StaffRole.unit_id)
                                .order_by(col(StaffRole.id)))).all()
    accounts = (await session.exec(select(StaffAccount).order_by(col(StaffAccount.id)))).all()
    return [StaffRow(person, [(r, u) for r, u in roles if r.staff_id == person.id],
                     [a for a in accounts if a.staff_id == person.id]) for person in people]


async def any_staff(session: AsyncSession) -> bool:
    return int((await session.exec(select(func.count()).select_from(Staff))).one()) > 0


async def get_staff(session: AsyncSession, staff_id: int) -> Staff:
    found = await session.get(Staff, staff_id)
    if found is None:
        raise StaffProblem("no_staff")
    return found


async def add_staff(session: AsyncSession, *, username: str, full_name: str) -> Staff:
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise StaffProblem("bad_username")
    if (await session.exec(select(Staff).where(Staff.username == username))).first():
        raise StaffProblem("username_taken")
    name = " ".join(full_name.split())
    if not 1 <= len(name) <= 200:
        raise StaffProblem("bad_name")
    person = Staff(username=username, full_name=name)
    session.add(person)
    await session.flush()
    return person


async def add_role(session: AsyncSession, staff: Staff, *, unit_id: int,
                   role: str) -> Unit:
    if role not in ROLES:
        raise StaffProblem("bad_role")
    unit = await session.get(Unit, unit_id)
    if unit is None or not unit.active:
        raise StaffProblem("no_unit")
    assert staff.id is not None
    have = (await session.exec(select(StaffRole).where(
        StaffRole.staff_id == staff.id, StaffRole.unit_id == unit_id,
        StaffRole.role == role))).first()
    if have is None:
        session.add(StaffRole(staff_id=staff.id, unit_id=unit_id, role=role))
    return unit


async def remove_role(session: AsyncSession, staff: Staff,
                      role_id: int) -> tuple[StaffRole, Unit]:
    role = await session.get(StaffRole, role_id)
    if role is None or role.staff_id != staff.id:
        raise StaffProblem("no_staff")
    unit = await session.get(Unit, role.unit_id)
    assert unit is not None
    await session.delete(role)
    return role, unit


async def set_active(session: AsyncSession, staff: Staff, active: bool) -> int:
    """Disabled: every session ends at once (each request reads its session's row) and
    sign-in refuses them. The count of sessions ended."""
    assert staff.id is not None
    staff.active = active
    session.add(staff)
    return 0 if active else await end_all(session, staff_id=staff.id)


async def forget_password(session: AsyncSession, staff: Staff) -> int:
    """A reset: the old password stops working and every session ends; the new link
    is the way back in."""
    assert staff.id is not None
    staff.password_hash = None
    session.add(staff)
    return await end_all(session, staff_id=staff.id)


async def save_account(session: AsyncSession, *, staff_id: int, channel: str,
                       external_id: str) -> None:
    """The chat account a staff member proved is theirs (a code sent to the bot). One
    account per channel: a new one replaces it; another's claim on it moves here."""
    rows = (await session.exec(select(StaffAccount).where(
        (col(StaffAccount.staff_id) == staff_id) & (col(StaffAccount.channel) == channel)
        | (col(StaffAccount.channel) == channel)
        & (col(StaffAccount.external_id) == external_id)))).all()
    for row in rows:
        await session.delete(row)
    await session.flush()
    session.add(StaffAccount(staff_id=staff_id, channel=channel, external_id=external_id))
