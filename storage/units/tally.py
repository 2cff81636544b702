"""The monthly tally's query: a campaign's entries per unit, this month and so far."""

from datetime import datetime

from sqlalchemy import case, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Campaign, Nomination, Unit, UnitCluster


async def counts_by_unit(session: AsyncSession, campaign: Campaign, *, since: datetime,
                         month_start: datetime, until: datetime) -> dict[int, tuple[int, int]]:
    """unit id → (entries from `month_start`, entries from `since`), both before `until`;
    each unit's own entries (the caller adds its residential groups')."""
    in_month = func.sum(case((col(Nomination.created_at) >= month_start, 1), else_=0))
    query = (select(Nomination.unit_id, in_month, func.count())
             .where(col(Nomination.created_at) >= since, col(Nomination.created_at) < until,
                    col(Nomination.status).in_(campaign.statuses))
             .group_by(col(Nomination.unit_id)))
    if campaign.fields:
        query = query.where(col(Nomination.field).in_(campaign.fields))
    return {int(unit): (int(month or 0), int(total))
            for unit, month, total in (await session.exec(query)).all()}


async def active_campaigns(session: AsyncSession) -> list[Campaign]:
    return list((await session.exec(select(Campaign).where(
        col(Campaign.active)).order_by(col(Campaign.id)))).all())


async def cluster_peers(session: AsyncSession, unit_id: int) -> list[Unit]:
    """Active units sharing an emulation cluster with this one (itself included)."""
    clusters = select(UnitCluster.cluster_id).where(UnitCluster.unit_id == unit_id)
    query = (select(Unit).join(UnitCluster, col(UnitCluster.unit_id) == Unit.id)
             .where(col(UnitCluster.cluster_id).in_(clusters), col(Unit.active))
             .distinct().order_by(col(Unit.id)))
    return list((await session.exec(query)).all())


async def top_units(session: AsyncSession) -> list[Unit]:
    """The units right under the root (the wards, departments, schools of a district)."""
    root = select(Unit.id).where(col(Unit.parent_id).is_(None))
    return list((await session.exec(select(Unit).where(
        col(Unit.parent_id).in_(root), col(Unit.active)).order_by(col(Unit.id)))).all())
