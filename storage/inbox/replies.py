"""The reply ledger's rows: turns committed with their replies, and how far sending got.

A turn's commit also claims its row for the process that ran it, which sends the replies
right after. Only when that claim has run out (the process died, or gave up for now) may
another process take the row and send what is still missing, from `replies_sent` on.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import InboxUpdate
from storage.shared.db import connection_of

_TABLE = InboxUpdate.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class UnsentReplies:
    id: int
    chat_id: str
    replies: list[dict[str, Any]]
    sent: int  # how many of them went out already


async def claim_unsent(
    session: AsyncSession, *, channel: str, by: str, now: datetime, lease: timedelta,
    processed_after: datetime, limit: int,
) -> list[UnsentReplies]:
    """Take turns whose replies nobody is sending: never stamped as answered, claim run
    out. On PostgreSQL, SKIP LOCKED lets two sweeps run side by side without taking the
    same row. The caller commits."""
    free = (_TABLE.c.claimed_until.is_(None)) | (_TABLE.c.claimed_until < now)
    query = (select(_TABLE.c.id, _TABLE.c.result, _TABLE.c.replies_sent)
             .where(_TABLE.c.channel == channel, _TABLE.c.processed_at > processed_after,
                    _TABLE.c.replied_at.is_(None), _TABLE.c.result.is_not(None), free)
             .order_by(_TABLE.c.id).limit(limit).with_for_update(skip_locked=True))
    connection = await connection_of(session)
    found = []
    for row in await connection.execute(query):
        result = row.result or {}
        if result.get("replies") and result.get("chat_id"):
            found.append(UnsentReplies(row.id, str(result["chat_id"]), result["replies"],
                                       row.replies_sent))
    if found:
        await connection.execute(update(_TABLE)
                                 .where(_TABLE.c.id.in_([row.id for row in found]))
                                 .values(claimed_by=by, claimed_until=now + lease))
    return found


async def record_progress(session: AsyncSession, row_id: int, *, sent: int,
                          retry_at: datetime | None) -> None:
    """Sending stopped after `sent` replies: the rest waits until `retry_at` (the claim
    stays until then, so nobody sends sooner); None hands it to any sweep at once."""
    connection = await connection_of(session)
    await connection.execute(update(_TABLE).where(_TABLE.c.id == row_id)
                             .values(replies_sent=sent, claimed_until=retry_at))


async def extend_claim(session: AsyncSession, row_id: int, *, by: str,
                       until: datetime) -> bool:
    """Still sending (a long 429 pause, a long wait for the bot's pace): keep other
    processes off the row. False when another process has taken it meanwhile."""
    connection = await connection_of(session)
    result = await connection.execute(update(_TABLE)
                                      .where(_TABLE.c.id == row_id, _TABLE.c.claimed_by == by)
                                      .values(claimed_until=until))
    return bool(result.rowcount)
