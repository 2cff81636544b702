"""Erasing a person from what is held, besides their nominations (made anonymous by the
same rule as retention, storage/privacy/retention.py `anonymise`): their chat's state,
their draft photos, their additions to others' nominations. Draft photos are marked
cleared: the nightly retention run deletes their rows and then their files.
"""

from datetime import datetime

from sqlalchemy import delete, update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Conversation, Photo, Supporter


async def forget_person(session: AsyncSession, *, channel: str, user_id: str,
                        now: datetime) -> None:
    """Their dialog state (with any draft) and the photos of their drafts; the
    additions they made to others' nominations stop naming them. The caller commits."""
    await session.exec(update(Photo).where(
        col(Photo.channel) == channel, col(Photo.user_id) == user_id,
        col(Photo.nomination_id).is_(None)).values(cleared_at=now))
    await session.exec(delete(Conversation).where(
        col(Conversation.channel) == channel, col(Conversation.user_id) == user_id))
    await session.exec(delete(Supporter).where(
        col(Supporter.channel) == channel, col(Supporter.user_id) == user_id))
