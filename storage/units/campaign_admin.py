"""Queries behind the console's administration of campaigns and deadline tasks."""

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Campaign, Cluster, DeadlineTask


async def all_campaigns(session: AsyncSession) -> list[Campaign]:
    """Newest first, ended and deactivated ones too (last year's is copied from)."""
    return list((await session.exec(select(Campaign).order_by(
        col(Campaign.starts_on).desc(), col(Campaign.id).desc()))).all())


async def campaign_by_code(session: AsyncSession, code: str) -> Campaign | None:
    return (await session.exec(select(Campaign).where(Campaign.code == code))).first()


async def previous_year_campaign(session: AsyncSession, starts_on: str,
                                 code: str = "") -> Campaign | None:
    """The campaign of the year before `starts_on` (YYYY-MM-DD), the latest one that year
    other than `code` itself."""
    year = f"{int(starts_on[:4]) - 1:04d}"
    found = await session.exec(select(Campaign).where(
        col(Campaign.starts_on).startswith(year), Campaign.code != code)
        .order_by(col(Campaign.starts_on).desc(), col(Campaign.id).desc()))
    return found.first()


async def all_tasks(session: AsyncSession) -> list[DeadlineTask]:
    """Active ones first, each group in the order they were added."""
    return list((await session.exec(select(DeadlineTask).order_by(
        col(DeadlineTask.active).desc(), col(DeadlineTask.id)))).all())


async def task_by_code(session: AsyncSession, code: str) -> DeadlineTask | None:
    return (await session.exec(select(DeadlineTask).where(DeadlineTask.code == code))).first()


async def cluster_codes(session: AsyncSession) -> list[tuple[str, str]]:
    return [(c.code, c.name) for c in (await session.exec(select(Cluster).order_by(
        col(Cluster.id)))).all()]


async def calendar_is_empty(session: AsyncSession) -> bool:
    """No campaign and no task yet: a first run, which the calendar file may fill."""
    campaign = (await session.exec(select(Campaign.id).limit(1))).first()
    task = (await session.exec(select(DeadlineTask.id).limit(1))).first()
    return campaign is None and task is None
