"""How many notices wait in the outbox, or were given up, per channel and chat: what the
console shows staff when a channel is not set up or a group no longer receives."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Notification, UnitChat

# Rows a chat fetches itself (the web chat) or that only the console shows are not sent
# by a bot: they never "wait" for one.
BOT_CHANNELS = ("telegram", "zalo")


@dataclass(frozen=True)
class Backlog:
    waiting: dict[str, int] = field(default_factory=dict)  # channel → unsent, not given up
    failed: dict[str, int] = field(default_factory=dict)  # channel → given up
    by_chat: dict[tuple[str, str], int] = field(default_factory=dict)  # unsent per chat


async def outbox_backlog(session: AsyncSession, *, failed_since: datetime) -> Backlog:
    """One grouped count over the unsent rows (sent_at is indexed, and few rows are
    unsent) and one over those given up since `failed_since`."""
    unsent = (await session.exec(
        select(col(Notification.channel), col(Notification.chat_id), func.count())
        .where(col(Notification.sent_at).is_(None), col(Notification.failed_at).is_(None),
               col(Notification.channel).in_(BOT_CHANNELS))
        .group_by(col(Notification.channel), col(Notification.chat_id)))).all()
    failed = (await session.exec(
        select(col(Notification.channel), func.count())
        # A given-up row was never sent: the sent_at index narrows it to the unsent few.
        .where(col(Notification.sent_at).is_(None), col(Notification.failed_at) >= failed_since,
               col(Notification.channel).in_(BOT_CHANNELS))
        .group_by(col(Notification.channel)))).all()
    waiting: dict[str, int] = {}
    by_chat: dict[tuple[str, str], int] = {}
    for channel, chat_id, count in unsent:
        waiting[channel] = waiting.get(channel, 0) + int(count)
        by_chat[(channel, chat_id)] = int(count)
    return Backlog(waiting, {channel: int(count) for channel, count in failed}, by_chat)


async def linked_channels(session: AsyncSession) -> set[str]:
    """The channels some unit's group chat is linked on: the ones a missing token hurts."""
    return set((await session.exec(select(col(UnitChat.channel)).distinct())).all())
