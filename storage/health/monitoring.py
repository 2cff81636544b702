"""What the metrics count: the inbox and the outbox, by channel and state, how long their
oldest waiting row has waited, and the nominations by status."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col

from storage.models import InboxUpdate, Nomination, Notification

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
# Through the models, so both databases hand back datetimes (the pending-inbox index and
# the sent_at index answer these).
_INBOX_OLDEST = select(col(InboxUpdate.channel), func.min(col(InboxUpdate.received_at))).where(
    col(InboxUpdate.processed_at).is_(None), col(InboxUpdate.set_aside_at).is_(None),
).group_by(col(InboxUpdate.channel))
_OUTBOX_OLDEST = select(col(Notification.channel), func.min(col(Notification.created_at))).where(
    col(Notification.sent_at).is_(None), col(Notification.failed_at).is_(None),
).group_by(col(Notification.channel))
_NOMINATIONS = select(col(Nomination.status), func.count()).group_by(col(Nomination.status))


@dataclass
class QueueCounts:
    inbox_waiting: dict[str, int] = field(default_factory=dict)
    inbox_set_aside: dict[str, int] = field(default_factory=dict)
    outbox_waiting: dict[str, int] = field(default_factory=dict)
    outbox_failed: dict[str, int] = field(default_factory=dict)
    # Seconds the oldest waiting row has waited, by channel (none waiting: absent).
    inbox_lag: dict[str, float] = field(default_factory=dict)
    outbox_oldest: dict[str, float] = field(default_factory=dict)
    nominations: dict[str, int] = field(default_factory=dict)


def _seconds_since(moment: datetime, now: datetime) -> float:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite: naive UTC
    return max(0.0, (now - aware).total_seconds())


async def queue_counts(connection: AsyncConnection, now: datetime | None = None) -> QueueCounts:
    now = now or datetime.now(UTC)
    counts = QueueCounts()
    for channel, waiting, set_aside in (await connection.execute(_INBOX)).all():
        counts.inbox_waiting[channel] = int(waiting)
        counts.inbox_set_aside[channel] = int(set_aside)
    for channel, waiting, failed in (await connection.execute(_OUTBOX)).all():
        counts.outbox_waiting[channel] = int(waiting)
        counts.outbox_failed[channel] = int(failed)
    oldest: list[tuple[dict[str, float], Any]] = [(counts.inbox_lag, _INBOX_OLDEST),
                                                 (counts.outbox_oldest, _OUTBOX_OLDEST)]
    for into, query in oldest:
        for channel, moment in (await connection.execute(query)).all():
            if moment is not None:
                into[channel] = _seconds_since(moment, now)
    for status, count in (await connection.execute(_NOMINATIONS)).all():
        counts.nominations[status] = int(count)
    return counts
