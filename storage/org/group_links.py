"""Binding a group chat to a unit with a one-time code, and undoing it."""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import LinkCode, Unit, UnitChat

# No 0/O, 1/I/L: read aloud over the phone and typed on a small keyboard.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def _hash(code: str) -> str:
    normal = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normal.encode()).hexdigest()


def new_code(session: AsyncSession, *, unit_id: int | None, staff_id: int | None,
             now: datetime, valid_for: timedelta, for_staff_id: int | None = None) -> str:
    """A code like `K7MQ-9XPA`; only its hash is stored. The caller commits. A group's
    code names its unit; a staff member's own (`for_staff_id`) links their chat account."""
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    session.add(LinkCode(code_hash=_hash(raw), unit_id=unit_id, created_by=staff_id,
                         created_at=now, expires_at=now + valid_for,
                         for_staff_id=for_staff_id))
    return f"{raw[:4]}-{raw[4:]}"


async def take_code(session: AsyncSession, *, code: str, used_chat: str, now: datetime,
                    for_staff: bool) -> LinkCode | None:
    """Use the code once (a conditional update: two chats racing, one wins); None for an
    unknown, used or expired code, or one of the other kind (a group's code typed in a
    private chat links nothing). The caller commits."""
    found = (await session.exec(select(LinkCode).where(
        LinkCode.code_hash == _hash(code)))).first()
    if found is None or found.id is None or (found.for_staff_id is not None) != for_staff:
        return None
    taken = await session.exec(
        update(LinkCode)
        .where(col(LinkCode.id) == found.id, col(LinkCode.used_at).is_(None),
               col(LinkCode.expires_at) > now)
        .values(used_at=now, used_chat=used_chat)
        .execution_options(synchronize_session=False))
    return found if taken.rowcount == 1 else None


async def redeem(session: AsyncSession, *, code: str, channel: str, chat_id: str,
                 now: datetime) -> Unit | None:
    """Use a group's code and bind the chat to its unit; None for an unknown, used or
    expired code. The caller commits."""
    found = await take_code(session, code=code, used_chat=f"{channel}:{chat_id}", now=now,
                            for_staff=False)
    if found is None or found.unit_id is None:
        return None
    existing = (await session.exec(select(UnitChat).where(
        UnitChat.unit_id == found.unit_id, UnitChat.channel == channel,
        UnitChat.chat_id == chat_id))).first()
    if existing is None:
        session.add(UnitChat(unit_id=found.unit_id, channel=channel, chat_id=chat_id,
                             source="link"))
    else:
        existing.active = True
    return await session.get(Unit, found.unit_id)


async def units_of_chat(session: AsyncSession, *, channel: str,
                        chat_id: str) -> list[tuple[UnitChat, Unit]]:
    rows = await session.exec(select(UnitChat, Unit).join(Unit, col(Unit.id) == UnitChat.unit_id)
                              .where(UnitChat.channel == channel, UnitChat.chat_id == chat_id))
    return [(chat, unit) for chat, unit in rows.all()]


async def set_chat_active(session: AsyncSession, *, channel: str, chat_id: str,
                          active: bool) -> int:
    """The bot was removed from the group (inactive, shown to staff) or added back."""
    result = await session.exec(update(UnitChat)
                                .where(col(UnitChat.channel) == channel,
                                       col(UnitChat.chat_id) == chat_id)
                                .values(active=active)
                                .execution_options(synchronize_session=False))
    return int(result.rowcount or 0)
