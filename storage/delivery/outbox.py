"""Outbox rows: what the notification sender will deliver, each under a unique key."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, exists, or_, update
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Notification, UnitChat
from storage.org.chat_moves import chat_moves, record_move, with_first_id
from storage.org.group_links import set_chat_active
from storage.shared.db import upsert_insert


def enqueue(
    session: AsyncSession, *, dedupe_key: str, kind: str, channel: str, chat_id: str,
    payload: dict[str, Any], now: datetime, nomination_id: int | None = None,
) -> Notification:
    row = Notification(dedupe_key=dedupe_key, kind=kind, channel=channel, chat_id=chat_id,
                       payload=payload, nomination_id=nomination_id, created_at=now)
    session.add(row)
    return row


async def enqueue_once(
    session: AsyncSession, *, dedupe_key: str, kind: str, channel: str, chat_id: str,
    payload: dict[str, Any], now: datetime, nomination_id: int | None = None,
) -> bool:
    """Insert unless the key exists already (a job that fires twice); True when new.

    A chat that moved to a new id is keyed by its first id, whichever id the job found,
    so a run after the move finds what the run before it queued."""
    moves = await chat_moves(session, channel)
    dedupe_key = with_first_id(dedupe_key, chat_id, moves.first(chat_id))
    chat_id = moves.newest(chat_id)
    insert = upsert_insert(session)
    statement = (insert(Notification)
                 .values(dedupe_key=dedupe_key, kind=kind, channel=channel, chat_id=chat_id,
                         payload=payload, nomination_id=nomination_id, created_at=now,
                         attempts=0)
                 .on_conflict_do_nothing(index_elements=["dedupe_key"])
                 .returning(col(Notification.id)))
    return (await session.exec(statement)).scalar_one_or_none() is not None


@dataclass(frozen=True)
class Claimed:
    id: int
    kind: str
    channel: str
    chat_id: str
    payload: dict[str, Any]
    attempts: int
    parts_sent: int = 0
    more: bool = False  # the chat had later rows waiting when this one was claimed


def _unfinished(table: Any) -> Any:
    return and_(col(table.sent_at).is_(None), col(table.failed_at).is_(None))


async def claim_heads(
    session: AsyncSession, *, channels: list[str], now: datetime, lease: timedelta, limit: int,
    chat: tuple[str, str] | None = None,
) -> list[Claimed]:
    """Take, under a lease, the oldest unfinished row of up to `limit` chats (or of one
    chat) when it is due and nobody holds it; the caller commits.

    Only a chat's head is ever claimed, so one chat's rows go out one at a time and in
    order whichever process sends them, while every other chat is free to go. A head in
    back-off after an error keeps its chat's later rows waiting behind it. On PostgreSQL,
    `FOR UPDATE SKIP LOCKED` lets several senders claim side by side.
    """
    earlier, later = aliased(Notification), aliased(Notification)
    more = exists().where(col(later.channel) == col(Notification.channel),
                          col(later.chat_id) == col(Notification.chat_id),
                          col(later.id) > col(Notification.id), _unfinished(later))
    query = (select(Notification, more.label("more"))
             .where(_unfinished(Notification), col(Notification.channel).in_(channels),
                    or_(col(Notification.not_before).is_(None),
                        col(Notification.not_before) <= now),
                    or_(col(Notification.claimed_until).is_(None),
                        col(Notification.claimed_until) < now),
                    ~exists().where(col(earlier.channel) == col(Notification.channel),
                                    col(earlier.chat_id) == col(Notification.chat_id),
                                    col(earlier.id) < col(Notification.id),
                                    _unfinished(earlier)))
             .order_by(col(Notification.id)).limit(limit)
             .with_for_update(skip_locked=True, of=Notification))
    if chat is not None:
        query = query.where(col(Notification.channel) == chat[0],
                            col(Notification.chat_id) == chat[1])
    found = list((await session.exec(query)).all())
    if not found:
        return []
    ids = [row.id for row, _ in found if row.id is not None]
    await session.exec(update(Notification).where(col(Notification.id).in_(ids))
                       .values(claimed_until=now + lease, sending_at=None)  # not begun
                       .execution_options(synchronize_session=False))
    return [Claimed(row.id, row.kind, row.channel, row.chat_id, dict(row.payload),
                    row.attempts, row.parts_sent, bool(later_rows))
            for row, later_rows in found if row.id is not None]


async def picked_up_by_chat(
    session: AsyncSession, *, channel: str, chat_id: str, after: int, now: datetime,
    limit: int = 20,
) -> list[Claimed]:
    """Rows for a chat that fetches its own messages (the web chat): everything after the
    last id the page has shown, stamped sent as it is handed over. Returning sent rows too
    means a response lost on the way is simply fetched again. The caller commits."""
    rows = list((await session.exec(
        select(Notification)
        .where(col(Notification.channel) == channel, col(Notification.chat_id) == chat_id,
               col(Notification.id) > after, col(Notification.failed_at).is_(None))
        .order_by(col(Notification.id)).limit(limit))).all())
    unsent = [row.id for row in rows if row.sent_at is None and row.id is not None]
    if unsent:
        await session.exec(update(Notification).where(col(Notification.id).in_(unsent))
                           .values(sent_at=now).execution_options(synchronize_session=False))
    return [Claimed(row.id, row.kind, row.channel, row.chat_id, dict(row.payload),
                    row.attempts) for row in rows if row.id is not None]


async def mark_sent(session: AsyncSession, row_id: int, *, now: datetime,
                    message_id: str | None) -> None:
    await session.exec(update(Notification).where(col(Notification.id) == row_id)
                       .values(sent_at=now, sent_message_id=message_id, claimed_until=None)
                       .execution_options(synchronize_session=False))


async def mark_part_sent(session: AsyncSession, row_id: int, *, parts_sent: int,
                         message_id: str | None) -> None:
    """One message of a several-message row went out: a retry starts after it."""
    await session.exec(update(Notification).where(col(Notification.id) == row_id)
                       .values(parts_sent=parts_sent, sent_message_id=message_id)
                       .execution_options(synchronize_session=False))


async def mark_retry(session: AsyncSession, row_id: int, *, error: str,
                     not_before: datetime) -> None:
    await session.exec(update(Notification).where(col(Notification.id) == row_id)
                       .values(attempts=col(Notification.attempts) + 1,
                               last_error=error[:500], not_before=not_before,
                               claimed_until=None)
                       .execution_options(synchronize_session=False))


async def mark_failed(session: AsyncSession, row_id: int, *, error: str,
                      now: datetime) -> None:
    await session.exec(update(Notification).where(col(Notification.id) == row_id)
                       .values(attempts=col(Notification.attempts) + 1,
                               last_error=error[:500], failed_at=now, claimed_until=None)
                       .execution_options(synchronize_session=False))


async def deactivate_chat(session: AsyncSession, *, channel: str, chat_id: str) -> None:
    """The bot was removed or blocked: the chat stops receiving and staff see it."""
    await set_chat_active(session, channel=channel, chat_id=chat_id, active=False)


async def move_chat(session: AsyncSession, *, channel: str, old_chat_id: str,
                    new_chat_id: str, now: datetime) -> None:
    """A group became a supergroup with a new id: the unit keeps it, unsent rows follow,
    and the move is remembered (keys and the organisation file still name the old id)."""
    await record_move(session, channel=channel, old_chat_id=old_chat_id,
                      new_chat_id=new_chat_id, now=now)
    has_new = select(UnitChat.unit_id).where(col(UnitChat.channel) == channel,
                                             col(UnitChat.chat_id) == new_chat_id)
    await session.exec(delete(UnitChat).where(  # a unit already bound to the new id
        col(UnitChat.channel) == channel, col(UnitChat.chat_id) == old_chat_id,
        col(UnitChat.unit_id).in_(has_new)).execution_options(synchronize_session=False))
    await session.exec(update(UnitChat).where(col(UnitChat.channel) == channel,
                                              col(UnitChat.chat_id) == old_chat_id)
                       .values(chat_id=new_chat_id)
                       .execution_options(synchronize_session=False))
    await session.exec(update(Notification)
                       .where(col(Notification.channel) == channel,
                              col(Notification.chat_id) == old_chat_id,
                              col(Notification.sent_at).is_(None))
                       .values(chat_id=new_chat_id)
                       .execution_options(synchronize_session=False))


async def inactive_chats(session: AsyncSession) -> list[UnitChat]:
    return list((await session.exec(select(UnitChat).where(
        col(UnitChat.active).is_(False)))).all())
