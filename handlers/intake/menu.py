"""Typed answers to buttons: "2", or the button's words, count as pressing it.

This is how a channel without buttons (Zalo's numbered text menus) and a person who
types instead of tapping get the same dialog.
"""

import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.shared.messages import Inbound, Reply
from storage.intake.conversations import load_conversation, save_conversation
from storage.shared.folding import fold

_NOT_WORD = re.compile(r"[^\w]+")
MENU_KEY = "_menu"


def _core(label: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", fold(label)).split())


def remember_menu(draft: dict[str, Any], replies: list[Reply]) -> None:
    menus = [reply.all_buttons() for reply in replies if reply.buttons]
    if menus:
        draft[MENU_KEY] = [[button.label, button.payload] for button in menus[-1]]


def resolve_menu(inbound: Inbound, draft: dict[str, Any]) -> Inbound:
    menu: list[list[str]] = draft.get(MENU_KEY, [])
    text = inbound.text
    if not menu or text is None or text.startswith("/"):
        return inbound
    typed = _core(text)
    if typed.isdigit() and 1 <= int(typed) <= len(menu):
        return replace(inbound, text=None, payload=menu[int(typed) - 1][1])
    matches = [payload for label, payload in menu if _core(label) == typed]
    if len(matches) == 1:
        return replace(inbound, text=None, payload=matches[0])
    return inbound


async def remember_notice_menu(session: AsyncSession, *, channel: str, user_id: str,
                               reply: Reply) -> None:
    """A notice staff sent (e.g. "needs more information", with its answer button) becomes
    the person's current menu, so on Zalo, where it arrives as numbered lines, typing "1"
    presses it. Commits."""
    state = await load_conversation(session, channel=channel, user_id=user_id,
                                    chat_id=user_id, locale="vi")
    if state.id is None or not reply.buttons:
        return
    remember_menu(state.draft, [reply])
    await save_conversation(session, state, now=datetime.now(UTC))
    await session.commit()
