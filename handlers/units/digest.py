"""Use case: each morning, every staff group hears what waits in its units and what is
overdue, so nothing sits unseen. One outbox row per group and day: a job that fires
twice, or a catch-up after downtime, queues nothing new."""

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.shared.turn import TIMEZONE
from handlers.shared.working_time import ACKNOWLEDGE_WITHIN, working_time_back
from storage.delivery.outbox import enqueue_once
from storage.org.access import subtree, unit_parents
from storage.units.digest import staff_groups, waiting_in


async def queue_daily_digests(session: AsyncSession, *, now: datetime,
                              channels: frozenset[str], privacy_overdue: int = 0) -> int:
    """Queue today's digest for every active staff group, on the channels that can deliver
    now, with something waiting; returns how many were new. `privacy_overdue`: residents'
    requests about their data past their deadline, told to the top units' groups (the
    ward's own), whose officers answer them."""
    day = now.astimezone(TIMEZONE).date()
    overdue_before = working_time_back(now, ACKNOWLEDGE_WITHIN)
    parents = await unit_parents(session)
    queued = 0
    for chat, unit in await staff_groups(session):
        assert unit.id is not None
        if chat.channel not in channels:  # a morning digest is no use the day after
            continue
        waiting = await waiting_in(session, subtree(parents, unit.id),
                                   overdue_before=overdue_before)
        requests = privacy_overdue if parents.get(unit.id) is None else 0
        if waiting.total == 0 and not requests:  # nothing waits: no message to scroll past
            continue
        queued += await enqueue_once(
            session, dedupe_key=f"digest:{chat.channel}:{chat.chat_id}:{day.isoformat()}",
            kind="digest", channel=chat.channel, chat_id=chat.chat_id, now=now,
            payload={"unit": unit.name, "day": day.strftime("%d/%m/%Y"),
                     "by_status": waiting.by_status, "overdue": waiting.overdue,
                     "oldest_overdue": waiting.oldest_overdue,
                     "privacy_overdue": requests})
    await session.commit()
    return queued
