"""What names a unit by its code rather than its id follows a merger too: the deadline
tasks it owned (their reminders would otherwise go to an inactive unit, which is no
one) and its quota in the active campaigns (added to the survivor's, so the merged
ward's target is still counted)."""

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Campaign, DeadlineTask


async def _tasks(session: AsyncSession, code: str) -> list[DeadlineTask]:
    rows = (await session.exec(select(DeadlineTask).where(col(DeadlineTask.active))
                               .order_by(col(DeadlineTask.id)))).all()
    return [task for task in rows if code in task.owner_units]


async def _campaigns(session: AsyncSession, code: str) -> list[Campaign]:
    rows = (await session.exec(select(Campaign).where(col(Campaign.active))
                               .order_by(col(Campaign.id)))).all()
    return [campaign for campaign in rows if code in campaign.quotas]


async def coded_counts(session: AsyncSession, code: str) -> tuple[int, int]:
    """The deadline tasks and campaign quotas that name `code`."""
    return len(await _tasks(session, code)), len(await _campaigns(session, code))


async def move_codes(session: AsyncSession, *, merged: str, survivor: str) -> None:
    for task in await _tasks(session, merged):
        owners = [survivor if code == merged else code for code in task.owner_units]
        task.owner_units = list(dict.fromkeys(owners))  # a new list: JSON columns see it
        session.add(task)
    for campaign in await _campaigns(session, merged):
        quotas = dict(campaign.quotas)
        quotas[survivor] = quotas.get(survivor, campaign.default_quota) + quotas.pop(merged)
        campaign.quotas = quotas
        session.add(campaign)
