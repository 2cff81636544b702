"""What the queue banner and the "Nhóm chat" page say about the channels: one not set up
(no bot token) while notices wait for it, and notices given up as undeliverable."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.delivery.waiting import BOT_CHANNELS, Backlog, outbox_backlog
from web.app import WebContext

FAILED_WITHIN = timedelta(days=7)


@dataclass(frozen=True)
class ChannelAlert:
    kind: str  # "not_configured" or "undeliverable"
    channel: str
    count: int


@dataclass(frozen=True)
class ChannelReport:
    alerts: list[ChannelAlert]
    backlog: Backlog
    unconfigured: frozenset[str]

    def receives(self, channel: str) -> bool:
        return channel not in self.unconfigured


async def channel_report(context: WebContext, session: AsyncSession,
                         used: set[str]) -> ChannelReport:
    """`used`: the channels of the group chats this person's units have. A process told
    nothing about its channels (None) assumes each is set up."""
    backlog = await outbox_backlog(session, failed_since=datetime.now(UTC) - FAILED_WITHIN)
    configured = context.channels
    unconfigured = frozenset() if configured is None else \
        frozenset(c for c in BOT_CHANNELS if c not in configured)
    alerts = [ChannelAlert("not_configured", channel, backlog.waiting.get(channel, 0))
              for channel in BOT_CHANNELS if channel in unconfigured
              and (channel in used or backlog.waiting.get(channel, 0))]
    alerts += [ChannelAlert("undeliverable", channel, count)
               for channel, count in sorted(backlog.failed.items()) if count]
    return ChannelReport(alerts, backlog, unconfigured)
