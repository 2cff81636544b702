"""Who else should hear about a nomination: residents who added what they knew to it,
and the proposers of nominations staff merged into it as duplicates."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Nomination, Supporter


@dataclass(frozen=True)
class Listener:
    channel: str
    chat_id: str
    locale: str


async def add_supporter(session: AsyncSession, nomination_id: int, *, channel: str,
                        user_id: str, chat_id: str, locale: str, now: datetime) -> None:
    known = await session.exec(select(Supporter.id).where(
        Supporter.nomination_id == nomination_id, Supporter.channel == channel,
        Supporter.user_id == user_id))
    if known.first() is None:
        session.add(Supporter(nomination_id=nomination_id, channel=channel, user_id=user_id,
                              chat_id=chat_id, locale=locale, created_at=now))


async def supported_by(session: AsyncSession, *, channel: str, user_id: str,
                       limit: int) -> list[Nomination]:
    """The nominations this person added to, newest first."""
    query = (select(Nomination).join(Supporter, col(Supporter.nomination_id) == Nomination.id)
             .where(Supporter.channel == channel, Supporter.user_id == user_id)
             .order_by(col(Supporter.id).desc()).limit(limit))
    return list((await session.exec(query)).all())


async def listeners_of(session: AsyncSession, nomination: Nomination) -> list[Listener]:
    """Everyone but its own proposer who should hear this nomination's outcome, once each."""
    found: dict[tuple[str, str], Listener] = {}
    for row in (await session.exec(select(Supporter).where(
            Supporter.nomination_id == nomination.id))).all():
        found.setdefault((row.channel, row.chat_id),
                         Listener(row.channel, row.chat_id, row.locale))
    for merged in (await session.exec(select(Nomination).where(
            Nomination.primary_id == nomination.id, Nomination.status == "duplicate"))).all():
        found.setdefault((merged.channel, merged.submitter_chat_id),
                         Listener(merged.channel, merged.submitter_chat_id, merged.locale))
    found.pop((nomination.channel, nomination.submitter_chat_id), None)
    return list(found.values())
