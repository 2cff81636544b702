"""A person's dialog state, one row per channel and user."""

from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Consent, Conversation


async def load_conversation(
    session: AsyncSession, *, channel: str, user_id: str, chat_id: str, locale: str,
    now: datetime,
) -> Conversation:
    query = select(Conversation).where(Conversation.channel == channel,
                                       Conversation.user_id == user_id)
    found = (await session.exec(query)).first()
    if found is not None:
        found.chat_id = chat_id
        return found
    return Conversation(channel=channel, user_id=user_id, chat_id=chat_id, locale=locale,
                        draft={}, updated_at=now)


async def record_consent(
    session: AsyncSession, *, channel: str, user_id: str, version: str, now: datetime
) -> Consent:
    consent = Consent(channel=channel, user_id=user_id, notice_version=version, accepted_at=now)
    session.add(consent)
    await session.flush()
    return consent


async def latest_consent(
    session: AsyncSession, *, channel: str, user_id: str, version: str
) -> Consent | None:
    query = (select(Consent)
             .where(Consent.channel == channel, Consent.user_id == user_id,
                    Consent.notice_version == version)
             .order_by(Consent.id.desc()))  # type: ignore[union-attr]
    return (await session.exec(query)).first()
