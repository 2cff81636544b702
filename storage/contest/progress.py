"""The queries of units' progress in a contest: quotas, complete entries per author unit,
the contests running over a stretch of days."""

from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Contest, ContestEntry, ContestQuota, Unit


async def contests_between(session: AsyncSession, first: str, last: str) -> list[Contest]:
    """Contests open on some day from `first` to `last` (ISO dates, both included)."""
    return list((await session.exec(select(Contest).where(
        col(Contest.opens_on) <= last, col(Contest.closes_on) >= first)
        .order_by(col(Contest.id)))).all())


async def quotas(session: AsyncSession, contest_id: int) -> list[tuple[Unit, int]]:
    rows = (await session.exec(select(Unit, ContestQuota.quota)
                               .join(ContestQuota, col(ContestQuota.unit_id) == Unit.id)
                               .where(ContestQuota.contest_id == contest_id, col(Unit.active))
                               .order_by(col(Unit.id)))).all()
    return [(unit, int(quota)) for unit, quota in rows]


async def complete_by_unit(session: AsyncSession, contest_id: int, *,
                           until: datetime | None = None) -> dict[int, int]:
    """Author unit id → complete entries (completed before `until`, when given)."""
    query = (select(ContestEntry.author_unit_id, func.count())
             .where(ContestEntry.contest_id == contest_id, ContestEntry.status == "complete",
                    col(ContestEntry.author_unit_id).is_not(None))
             .group_by(col(ContestEntry.author_unit_id)))
    if until is not None:
        query = query.where(col(ContestEntry.completed_at) < until)
    return {int(unit): int(count) for unit, count in (await session.exec(query)).all()
            if unit is not None}
