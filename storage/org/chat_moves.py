"""Groups that became supergroups under a new id (Telegram's `migrate_to_chat_id`).

A chat keeps one identity through its moves: outbox keys name it by its first id, and the
organisation file's old id is read as the newest one, so a reload cannot undo a move.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ChatMigration
from storage.shared.db import upsert_insert

_MOST_MOVES = 16  # a chain longer than this is a loop in bad data, not real moves


@dataclass(frozen=True)
class ChatMoves:
    """One channel's moves, old id → new id."""

    moves: dict[str, str]

    def newest(self, chat_id: str) -> str:
        for _ in range(_MOST_MOVES):
            if chat_id not in self.moves:
                break
            chat_id = self.moves[chat_id]
        return chat_id

    def first(self, chat_id: str) -> str:
        back = {new: old for old, new in self.moves.items()}
        for _ in range(_MOST_MOVES):
            if chat_id not in back:
                break
            chat_id = back[chat_id]
        return chat_id


async def chat_moves(session: AsyncSession, channel: str) -> ChatMoves:
    rows = await session.exec(select(ChatMigration.old_chat_id, ChatMigration.new_chat_id)
                              .where(col(ChatMigration.channel) == channel))
    return ChatMoves({old: new for old, new in rows.all()})


async def record_move(session: AsyncSession, *, channel: str, old_chat_id: str,
                      new_chat_id: str, now: datetime) -> None:
    """Remember a move once (two processes may see the same answer). The caller commits."""
    if old_chat_id == new_chat_id:
        return
    insert = upsert_insert(session)
    await session.exec(insert(ChatMigration)
                       .values(channel=channel, old_chat_id=old_chat_id,
                               new_chat_id=new_chat_id, migrated_at=now)
                       .on_conflict_do_nothing(index_elements=["channel", "old_chat_id"]))


def with_first_id(dedupe_key: str, chat_id: str, first_id: str) -> str:
    """The key as it was built before the chat moved: the segment naming the chat now
    names its first id, so a job that runs again after a move finds what it queued."""
    if first_id == chat_id:
        return dedupe_key
    return ":".join(first_id if part == chat_id else part
                    for part in dedupe_key.split(":"))
