"""Typed answers to buttons: "2", "số hai", "đồng ý ạ" or a clear part of a button's
words count as pressing it (handlers/shared/typed_answers.py reads them).

This is how a channel without buttons (Zalo's numbered text menus) and a person who
types instead of tapping get the same dialog.
"""

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.shared.messages import MENU_AGAIN, Button, Inbound, Reply, rows
from handlers.shared.turn import Turn
from handlers.shared.typed_answers import DONE, NO, YES, Line, Match, match
from storage.intake.conversations import load_conversation, save_conversation

MENU_KEY = "_menu"

# What a yes/no/done word stands for, per button. Worded for the question each one
# answers: at "Bạn có ảnh nào không?", "có" sends photos and "không" goes on without.
MEANINGS: dict[str, frozenset[str]] = {
    "consent:yes": frozenset({YES}),
    "consent:no": frozenset({NO}),
    "cancel:yes": frozenset({YES}),
    "cancel:no": frozenset({NO}),
    "submit:yes": frozenset({YES, DONE}),
    "photos:done": frozenset({DONE}),
    "photos:skip": frozenset({NO}),
    "photos:back": frozenset({YES}),
    "photos:skip_confirm": frozenset({NO}),
    "withdraw:no": frozenset({NO}),
    "answer:send": frozenset({DONE}),
    "word:yes": frozenset({YES}),
    "word:no": frozenset({NO}),
}
MEANING_PREFIXES = {"withdraw:yes:": frozenset({YES})}


def meanings_of(payload: str) -> frozenset[str]:
    if payload in MEANINGS:
        return MEANINGS[payload]
    for prefix, meanings in MEANING_PREFIXES.items():
        if payload.startswith(prefix):
            return meanings
    return frozenset()


def remember_menu(draft: dict[str, Any], replies: list[Reply]) -> None:
    """The buttons of the turn's last reply that has any are what a typed answer is read
    against next; a turn that answered with no buttons at all leaves no menu, so "1" at
    a text question is an answer, not a press on an older menu."""
    menus = [reply.all_buttons() for reply in replies if reply.buttons]
    if menus:
        draft[MENU_KEY] = [[button.label, button.payload] for button in menus[-1]]
    elif replies:
        draft.pop(MENU_KEY, None)


def _lines(menu: list[list[str]]) -> list[Line]:
    return [Line(label, meanings_of(payload)) for label, payload in menu]


def read_typed(inbound: Inbound, draft: dict[str, Any], *, free_text: bool) -> Match | None:
    """Which line of the current menu the typed text chooses; None when there is no menu
    or nothing typed. At a question answered in free text (a name, a date) only the whole
    line, its number or a yes/no word counts: "Lan" is a name, not "Dùng tên: Trần Thị
    Lan"."""
    menu: list[list[str]] = draft.get(MENU_KEY, [])
    text = inbound.text
    if not menu or text is None or text.startswith("/") or inbound.payload is not None:
        return None
    return match(text, _lines(menu), partial=not free_text)


def resolve_menu(inbound: Inbound, draft: dict[str, Any], *, free_text: bool = False
                 ) -> Inbound:
    found = read_typed(inbound, draft, free_text=free_text)
    if found is None or found.chosen is None:
        return inbound
    return replace(inbound, text=None, payload=draft[MENU_KEY][found.chosen][1])


def menu_hint(turn: Turn) -> list[Reply] | None:
    """A short answer to what did not choose a line: the numbers to type (and, when it
    fits several, which), with the same buttons; None when there is no menu to name."""
    menu: list[list[str]] = turn.draft.get(MENU_KEY, [])
    if not menu:
        return None
    found = read_typed(turn.inbound, turn.draft, free_text=False)
    if found is not None and found.ambiguous:
        text = turn.t("hint.menu_ambiguous", typed=(turn.inbound.text or "").strip()[:40],
                      numbers=", ".join(str(i + 1) for i in found.candidates))
    else:
        text = turn.t("hint.menu_two" if len(menu) == 2 else "hint.menu", count=len(menu))
    buttons = rows([Button(label, payload) for label, payload in menu],
                   2 if len(menu) > 4 else 1)
    return [Reply(text, buttons, extra={MENU_AGAIN: "1"})]


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
