"""Announcements: the row that says what was sent to whom, and its outbox rows, one per
chat under announce:<id>:<channel>:<chat>; stopping cancels the rows not yet begun."""

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.delivery.outbox import enqueue
from storage.delivery.stoppable import cancel_unbegun
from storage.models import Announcement

KIND = "announcement"


def key_prefix(announcement_id: int) -> str:
    return f"announce:{announcement_id}:"


async def by_form_key(session: AsyncSession, form_key: str) -> Announcement | None:
    return (await session.exec(select(Announcement).where(
        col(Announcement.form_key) == form_key))).first()


async def add_announcement(session: AsyncSession, *, text: str, image_sha256: str | None,
                           unit_ids: list[int], chats: list[tuple[str, str]], staff_id: int,
                           form_key: str, now: datetime) -> Announcement:
    """The announcement and its notices, one per chat; the caller commits. A second one
    under the same `form_key` fails at the flush (the key is unique)."""
    announcement = Announcement(text=text, image_sha256=image_sha256, unit_ids=unit_ids,
                                staff_id=staff_id, form_key=form_key, created_at=now)
    session.add(announcement)
    await session.flush()
    assert announcement.id is not None
    payload: dict[str, object] = {"announcement_id": announcement.id, "text": text}
    if image_sha256:
        payload["image_sha256"] = image_sha256
    for channel, chat_id in chats:
        enqueue(session, dedupe_key=f"{key_prefix(announcement.id)}{channel}:{chat_id}",
                kind=KIND, channel=channel, chat_id=chat_id, payload=dict(payload), now=now)
    return announcement


async def stop_announcement(session: AsyncSession, announcement: Announcement, *,
                            staff_id: int, now: datetime) -> int:
    """Cancel what is not yet being sent; how many notices. The caller commits."""
    assert announcement.id is not None
    cancelled = await cancel_unbegun(session, key_prefix=key_prefix(announcement.id), now=now)
    if announcement.stopped_at is None:
        announcement.stopped_at, announcement.stopped_by = now, staff_id
        session.add(announcement)
    return cancelled
