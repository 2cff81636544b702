"""The jury's queries: judges (staff with the judge role) and where they work, a
contest's complete entries and their assignments."""

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ContestEntry, JudgeAssignment, Staff, StaffAccount, StaffRole
from storage.org.access import JUDGE
from storage.shared.db import upsert_insert

COMPLETE = "complete"


async def judges(session: AsyncSession) -> dict[int, set[int]]:
    """Active judges → the units of all their roles (a judge's home, for recusal)."""
    judge_ids = select(StaffRole.staff_id).where(StaffRole.role == JUDGE)
    rows = (await session.exec(
        select(StaffRole.staff_id, StaffRole.unit_id)
        .join(Staff, col(Staff.id) == StaffRole.staff_id)
        .where(col(StaffRole.staff_id).in_(judge_ids), col(Staff.active)))).all()
    found: dict[int, set[int]] = {}
    for staff_id, unit_id in rows:
        found.setdefault(staff_id, set()).add(unit_id)
    return found


async def complete_entries(session: AsyncSession, contest_id: int) -> list[ContestEntry]:
    return list((await session.exec(select(ContestEntry).where(
        ContestEntry.contest_id == contest_id, ContestEntry.status == COMPLETE)
        .order_by(col(ContestEntry.id)))).all())


async def assignments(session: AsyncSession, contest_id: int) -> list[JudgeAssignment]:
    entries = select(ContestEntry.id).where(ContestEntry.contest_id == contest_id)
    return list((await session.exec(select(JudgeAssignment).where(
        col(JudgeAssignment.entry_id).in_(entries))
        .order_by(col(JudgeAssignment.id)))).all())


async def private_chats(session: AsyncSession, staff_id: int) -> list[tuple[str, str]]:
    """A staff member's own chat accounts: a judge's reminder goes there."""
    rows = (await session.exec(select(StaffAccount.channel, StaffAccount.external_id).where(
        StaffAccount.staff_id == staff_id).order_by(col(StaffAccount.channel)))).all()
    return [(channel, external) for channel, external in rows]


async def desk(session: AsyncSession, contest_id: int,
               staff_id: int) -> list[tuple[JudgeAssignment, ContestEntry]]:
    """A judge's own entries in a contest, those still to grade first."""
    rows = (await session.exec(
        select(JudgeAssignment, ContestEntry)
        .join(ContestEntry, col(ContestEntry.id) == JudgeAssignment.entry_id)
        .where(ContestEntry.contest_id == contest_id,
               JudgeAssignment.judge_staff_id == staff_id)
        .order_by(col(JudgeAssignment.id)))).all()
    return sorted(((a, e) for a, e in rows), key=lambda pair: (
        pair[0].recused, pair[0].graded_at is not None))


async def add_assignment(session: AsyncSession, *, entry_id: int, judge_staff_id: int,
                         now: datetime) -> bool:
    """Give an entry to a judge unless another process just did (the same choice made
    twice at once); True when this call added it."""
    insert = upsert_insert(session)
    statement = (insert(JudgeAssignment)
                 .values(entry_id=entry_id, judge_staff_id=judge_staff_id, assigned_at=now,
                         recused=False, recusal_reason="", scores={})
                 .on_conflict_do_nothing(index_elements=["entry_id", "judge_staff_id"])
                 .returning(col(JudgeAssignment.id)))
    return (await session.exec(statement)).scalar_one_or_none() is not None
