"""What the metrics count: the inbox and the outbox, by channel and state."""

from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

# A row set aside is also stamped processed, so "waiting" leaves it out by itself.
_INBOX = text("SELECT channel, "
              "count(*) FILTER (WHERE processed_at IS NULL AND set_aside_at IS NULL), "
              "count(*) FILTER (WHERE set_aside_at IS NOT NULL) "
              "FROM inbox_update WHERE processed_at IS NULL OR set_aside_at IS NOT NULL "
              "GROUP BY channel")
_OUTBOX = text("SELECT channel, "
               "count(*) FILTER (WHERE sent_at IS NULL AND failed_at IS NULL), "
               "count(*) FILTER (WHERE failed_at IS NOT NULL) "
               "FROM notification WHERE sent_at IS NULL OR failed_at IS NOT NULL "
               "GROUP BY channel")


@dataclass
class QueueCounts:
    inbox_waiting: dict[str, int] = field(default_factory=dict)
    inbox_set_aside: dict[str, int] = field(default_factory=dict)
    outbox_waiting: dict[str, int] = field(default_factory=dict)
    outbox_failed: dict[str, int] = field(default_factory=dict)


async def queue_counts(connection: AsyncConnection) -> QueueCounts:
    counts = QueueCounts()
    for channel, waiting, set_aside in (await connection.execute(_INBOX)).all():
        counts.inbox_waiting[channel] = int(waiting)
        counts.inbox_set_aside[channel] = int(set_aside)
    for channel, waiting, failed in (await connection.execute(_OUTBOX)).all():
        counts.outbox_waiting[channel] = int(waiting)
        counts.outbox_failed[channel] = int(failed)
    return counts
