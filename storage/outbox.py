"""Outbox rows: what the notification sender will deliver, each under a unique key."""

from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Notification


def enqueue(
    session: AsyncSession, *, dedupe_key: str, kind: str, channel: str, chat_id: str,
    payload: dict[str, Any], now: datetime, nomination_id: int | None = None,
) -> Notification:
    row = Notification(dedupe_key=dedupe_key, kind=kind, channel=channel, chat_id=chat_id,
                       payload=payload, nomination_id=nomination_id, created_at=now)
    session.add(row)
    return row
