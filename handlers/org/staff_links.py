"""Use case: a staff member links their own chat account. The console shows them a
one-time code; they send `/link CODE` to the bot in a private chat (Telegram or Zalo),
and that account is saved as theirs: review buttons they press are then checked
against their roles. The same codes as a group's `/link` (storage.org.group_links),
told apart by whom they name."""

from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.shared.messages import Reply
from handlers.shared.turn import Turn
from storage.audit.events import record_event
from storage.org.admin_staff import save_account
from storage.org.group_links import new_code, take_code

ACCOUNT_CODE_VALID_FOR = timedelta(hours=1)
COMMAND = "link"
CHANNELS = ("telegram", "zalo")  # where staff press review buttons (not the web chat)


async def make_account_code(session: AsyncSession, *, staff_id: int, now: datetime) -> str:
    code = new_code(session, unit_id=None, staff_id=staff_id, for_staff_id=staff_id, now=now,
                    valid_for=ACCOUNT_CODE_VALID_FOR)
    record_event(session, action="staff_account_code", staff_id=staff_id, via="console",
                 target=f"staff:{staff_id}", now=now)
    await session.commit()
    return code


def _code_of(text: str | None) -> str:
    parts = (text or "").split(maxsplit=1)
    return parts[1].strip() if len(parts) == 2 else ""


async def link_account(turn: Turn) -> list[Reply]:
    """`/link CODE` in a private chat. The dialog's turn commits it."""
    inbound, code = turn.inbound, _code_of(turn.inbound.text)
    used = f"{inbound.channel}:{inbound.user_id}"
    found = await take_code(turn.session, code=code, used_chat=used, now=turn.now,
                            for_staff=True) if code and inbound.channel in CHANNELS else None
    if found is None or found.for_staff_id is None:
        record_event(turn.session, action="staff_account_link", allowed=False,
                     staff_id=None, via=inbound.channel, external_id=inbound.user_id,
                     now=turn.now)
        return [turn.reply("console.admin_org.chat.bad_code")]
    await save_account(turn.session, staff_id=found.for_staff_id, channel=inbound.channel,
                       external_id=inbound.user_id)
    record_event(turn.session, action="staff_account_link", staff_id=found.for_staff_id,
                 via=inbound.channel, external_id=inbound.user_id,
                 target=f"staff:{found.for_staff_id}", now=turn.now)
    return [turn.reply("console.admin_org.chat.linked")]
