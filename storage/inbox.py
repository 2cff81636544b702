"""The inbox: every update is committed here before the platform hears "received"."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.db import upsert_insert
from storage.models import InboxUpdate

MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class PendingUpdate:
    id: int
    channel: str
    chat_key: str
    payload: dict[str, Any]


async def record_update(
    session: AsyncSession, *, channel: str, update_id: str, chat_key: str,
    payload: dict[str, Any], now: datetime,
) -> PendingUpdate | None:
    """Insert an update; None when it was already there (a redelivery changes nothing)."""
    insert = upsert_insert(session)
    statement = (
        insert(InboxUpdate)
        .values(channel=channel, update_id=update_id, chat_key=chat_key, payload=payload,
                received_at=now, attempts=0)
        .on_conflict_do_nothing(index_elements=["channel", "update_id"])
        .returning(col(InboxUpdate.id))
    )
    new_id = (await session.exec(statement)).scalar_one_or_none()
    if new_id is None:
        return None
    return PendingUpdate(id=new_id, channel=channel, chat_key=chat_key, payload=payload)


async def find_update(session: AsyncSession, *, channel: str, update_id: str) -> InboxUpdate | None:
    query = select(InboxUpdate).where(InboxUpdate.channel == channel,
                                      InboxUpdate.update_id == update_id)
    return (await session.exec(query)).first()


async def pending_updates(
    session: AsyncSession, *, channel: str, limit: int
) -> list[PendingUpdate]:
    """Updates a crash left unprocessed, oldest first, so each chat keeps its order."""
    query = (select(InboxUpdate)
             .where(InboxUpdate.channel == channel, col(InboxUpdate.processed_at).is_(None),
                    col(InboxUpdate.attempts) < MAX_ATTEMPTS)
             .order_by(col(InboxUpdate.id)).limit(limit))
    return [PendingUpdate(id=row.id, channel=row.channel, chat_key=row.chat_key,
                          payload=row.payload)
            for row in (await session.exec(query)).all() if row.id is not None]


async def mark_processed(
    session: AsyncSession, update_id: int, *, now: datetime, result: dict[str, Any] | None = None
) -> None:
    await session.exec(update(InboxUpdate).where(col(InboxUpdate.id) == update_id)
                       .values(processed_at=now, result=result))


async def mark_failed(session: AsyncSession, update_id: int, *, error: str) -> None:
    await session.exec(update(InboxUpdate).where(col(InboxUpdate.id) == update_id)
                       .values(attempts=col(InboxUpdate.attempts) + 1, last_error=error[:500]))
