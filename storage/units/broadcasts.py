"""Broadcast runs (a month's tally, a reminder, a morning digest): how each one's outbox
rows fared, per chat."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.delivery.stoppable import STOPPED
from storage.models import Notification

BROADCAST_KINDS = ("tally", "tally_nudge", "deadline", "digest", "announcement")


def run_of(dedupe_key: str) -> str:
    """The run a row belongs to, from its key (the chat is at the end, or for a digest the
    day is): tally:CAMPAIGN:MONTH, nudge:CAMPAIGN:MONTH, deadline:TASK:DUE:LEAD, digest:DAY,
    announce:ID."""
    parts = dedupe_key.split(":")
    if parts[0] == "announce":
        return ":".join(parts[:2])
    if parts[0] == "digest":
        return f"digest:{parts[-1]}"
    return ":".join(parts[:4] if parts[0] == "deadline" else parts[:3])


@dataclass
class Run:
    key: str
    kind: str
    first_at: datetime
    queued: int = 0
    sent: int = 0
    failed: int = 0
    stopped: int = 0  # cancelled by a stop before they were sent
    rows: list[Notification] = field(default_factory=list)

    def add(self, row: Notification) -> None:
        self.rows.append(row)
        if row.sent_at is not None:
            self.sent += 1
        elif row.failed_at is not None and row.last_error == STOPPED:
            self.stopped += 1
        elif row.failed_at is not None:
            self.failed += 1
        else:
            self.queued += 1


async def broadcast_runs(session: AsyncSession, *, since: datetime,
                         limit: int = 20_000) -> list[Run]:
    rows = (await session.exec(
        select(Notification).where(col(Notification.kind).in_(BROADCAST_KINDS),
                                   col(Notification.created_at) >= since)
        .order_by(col(Notification.id)).limit(limit))).all()
    runs: dict[str, Run] = {}
    for row in rows:
        run = runs.setdefault(run_of(row.dedupe_key), Run(run_of(row.dedupe_key), row.kind,
                                                           row.created_at))
        run.add(row)
    return sorted(runs.values(), key=lambda run: run.first_at, reverse=True)


def only_chats(run: Run, chats: set[tuple[str, str]]) -> Run:
    """The run as one who sees only `chats` (channel, chat id) may see it."""
    kept = Run(run.key, run.kind, run.first_at)
    for row in run.rows:
        if (row.channel, row.chat_id) in chats:
            kept.add(row)
    return kept

