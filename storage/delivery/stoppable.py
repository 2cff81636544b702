"""Rows staff may stop midway (an announcement): a sender marks a row begun just before
its first message goes out, and a stop cancels only rows not begun.

Both are one conditional UPDATE of the row, so on PostgreSQL the row lock orders them:
whichever commits first wins, and the other re-reads the row it waited for. A stop
committed first leaves nothing for the sender to begin; a begin committed first is a send
under way, which finishes. A row whose sender's lease has run out (it crashed, or it is
waiting out a back-off) is not under way and is cancelled too. A row claimed under a
lease but not begun is cancelled although a sender holds it: holding is not sending."""

from datetime import datetime

from sqlalchemy import CursorResult, or_, update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Notification

STOPPED = "stopped by staff"  # the last_error of a cancelled row
STOPPABLE_KINDS = frozenset({"announcement"})


async def begin_sending(session: AsyncSession, row_id: int, *, now: datetime) -> bool:
    """Mark a row begun unless it was cancelled (or finished); the caller commits."""
    result = await session.exec(
        update(Notification)
        .where(col(Notification.id) == row_id, col(Notification.sent_at).is_(None),
               col(Notification.failed_at).is_(None))
        .values(sending_at=now).execution_options(synchronize_session=False))
    assert isinstance(result, CursorResult)
    return result.rowcount == 1


async def cancel_unbegun(session: AsyncSession, *, key_prefix: str, now: datetime) -> int:
    """Cancel the unsent rows under `key_prefix` that no sender is sending now; how many.
    The caller commits."""
    result = await session.exec(
        update(Notification)
        .where(col(Notification.dedupe_key).startswith(key_prefix, autoescape=True),
               col(Notification.sent_at).is_(None), col(Notification.failed_at).is_(None),
               or_(col(Notification.sending_at).is_(None),
                   col(Notification.claimed_until).is_(None),
                   col(Notification.claimed_until) < now))
        .values(failed_at=now, last_error=STOPPED, claimed_until=None)
        .execution_options(synchronize_session=False))
    assert isinstance(result, CursorResult)
    return int(result.rowcount)
