"""Contests as the organisers configured them, and their quotas per unit."""

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Contest, ContestQuota


async def open_contest(session: AsyncSession, today: str) -> Contest | None:
    """The contest taking entries on `today` (ISO date); the one closing first if several."""
    found = await session.exec(
        select(Contest).where(col(Contest.opens_on) <= today, col(Contest.closes_on) >= today)
        .order_by(col(Contest.closes_on), col(Contest.id)).limit(1))
    return found.first()


async def all_contests(session: AsyncSession) -> list[Contest]:
    found = await session.exec(select(Contest).order_by(col(Contest.year).desc(),
                                                        col(Contest.id).desc()))
    return list(found.all())


async def quotas_of(session: AsyncSession, contest_id: int) -> dict[int, int]:
    found = await session.exec(select(ContestQuota).where(ContestQuota.contest_id == contest_id))
    return {quota.unit_id: quota.quota for quota in found.all()}


async def set_quotas(session: AsyncSession, contest_id: int, quotas: dict[int, int]) -> None:
    """The whole table replaced: a unit left empty (or 0) has no quota."""
    await session.exec(delete(ContestQuota).where(
        col(ContestQuota.contest_id) == contest_id))
    for unit_id, quota in sorted(quotas.items()):
        if quota > 0:
            session.add(ContestQuota(contest_id=contest_id, unit_id=unit_id, quota=quota))
    await session.flush()
