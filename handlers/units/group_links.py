"""Use cases: staff bind a group chat to their unit with a one-time code (`/link CODE`),
unbind it (`/unlink`), and the bot's removal from a group marks it inactive for staff.

A group command's answer is committed in its inbox row like a turn's replies, so the
channel sends it after the commit and can send it again after a crash.
"""

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.shared.messages import Reply
from handlers.shared.texts import Texts
from storage.audit.events import record_event
from storage.inbox.updates import mark_processed
from storage.models import Unit
from storage.org.access import load_scope
from storage.org.group_links import new_code, redeem, set_chat_active, units_of_chat
from storage.org.staff_auth import staff_for_account

LINK_CODE_VALID_FOR = timedelta(hours=48)


async def make_link_code(session: AsyncSession, *, unit: Unit, staff_id: int | None,
                         now: datetime) -> str:
    assert unit.id is not None
    code = new_code(session, unit_id=unit.id, staff_id=staff_id, now=now,
                    valid_for=LINK_CODE_VALID_FOR)
    await session.commit()
    return code


async def link_group(session: AsyncSession, *, channel: str, chat_id: str, code: str,
                     now: datetime, texts: Texts, inbox_id: int | None,
                     thread_id: str | None = None, by: str | None = None) -> list[Reply]:
    """`by`: the chat user who typed the command, for the audit log."""
    locale = texts.default_locale
    unit = await redeem(session, code=code, channel=channel, chat_id=chat_id, now=now) \
        if code.strip() else None
    if unit is None:
        reply = Reply(texts.get(locale, "group_link.bad_code"))
    else:
        reply = Reply(texts.get(locale, "group_link.done", unit=unit.name))
    await _audit(session, action="group_link", allowed=unit is not None, channel=channel,
                 chat_id=chat_id, by=by, units=[unit.name] if unit else [], now=now)
    return await answered(session, chat_id, [reply], now=now, inbox_id=inbox_id,
                          thread_id=thread_id)


async def unlink_group(session: AsyncSession, *, channel: str, chat_id: str, by: str,
                       now: datetime, texts: Texts, inbox_id: int | None,
                       thread_id: str | None = None) -> list[Reply]:
    """Only staff who may decide for every unit the group serves may unbind it."""
    locale = texts.default_locale
    linked = await units_of_chat(session, channel=channel, chat_id=chat_id)
    staff = await staff_for_account(session, channel=channel, external_id=by)
    scope = await load_scope(session, staff.id) if staff and staff.id else None
    if not linked:
        reply = Reply(texts.get(locale, "group_link.none"))
    elif scope is None or not all(scope.can_decide(unit.id or 0) for _, unit in linked):
        reply = Reply(texts.get(locale, "group_link.not_allowed"))
    else:
        for chat, _ in linked:
            await session.delete(chat)
        reply = Reply(texts.get(locale, "group_link.removed",
                                units=", ".join(unit.name for _, unit in linked)))
    if linked:
        await _audit(session, action="group_unlink", allowed=scope is not None and all(
            scope.can_decide(unit.id or 0) for _, unit in linked), channel=channel,
            chat_id=chat_id, by=by, units=[unit.name for _, unit in linked], now=now)
    return await answered(session, chat_id, [reply], now=now, inbox_id=inbox_id,
                          thread_id=thread_id)


async def _audit(session: AsyncSession, *, action: str, allowed: bool, channel: str,
                 chat_id: str, by: str | None, units: list[str], now: datetime) -> None:
    """A link or unlink (or a refused one) in the audit log, committed with its answer."""
    staff = await staff_for_account(session, channel=channel, external_id=by) if by else None
    record_event(session, action=action, allowed=allowed, via=channel, external_id=by,
                 staff_id=staff.id if staff else None, target=f"chat:{channel}:{chat_id}",
                 detail={"units": units}, now=now)


async def bot_membership_changed(session: AsyncSession, *, channel: str, chat_id: str,
                                 present: bool) -> None:
    """Removed from a group: it stops receiving and the console shows it; added back:
    it receives again."""
    await set_chat_active(session, channel=channel, chat_id=chat_id, active=present)
    await session.commit()


async def answered(session: AsyncSession, chat_id: str, replies: list[Reply], *,
                   now: datetime, inbox_id: int | None,
                   thread_id: str | None = None) -> list[Reply]:
    """A group command's answer, committed in its inbox row (sent after the commit); in
    the forum topic (`thread_id`) where the command was given, if it was."""
    if thread_id is not None:
        replies = [replace(reply, extra={**reply.extra, "thread_id": thread_id})
                   for reply in replies]
    if inbox_id is not None:
        result: dict[str, Any] = {"chat_id": chat_id,
                                  "replies": [reply.to_json() for reply in replies]}
        await mark_processed(session, inbox_id, now=now, result=result)
    await session.commit()
    return replies
