"""A review card sent to one reviewer's private chat (Zalo), where typing a number is the
only way to press its buttons.

The card becomes the person's latest card: its nomination is kept in their dialog state,
so a typed "1" decides on this card and no other, and a payload nobody was sent decides
nothing. The caller then makes its buttons the person's menu (intake's menu memory).
"""

from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.review.card import review_card
from handlers.shared.messages import Reply
from handlers.shared.texts import Texts
from storage.inbox.turns import lock_chat
from storage.intake.conversations import load_conversation, save_conversation
from storage.models import Nomination
from storage.org.reviewers import reviews_privately

CARD_KEY = "_review_card"  # in the dialog state: the nomination of the latest card


async def private_card(session: AsyncSession, *, channel: str, chat_id: str,
                       payload: dict[str, Any], texts: Texts, console_url: str,
                       now: datetime) -> Reply | None:
    """None when there is no card to send any more (the nomination is gone, or the
    person's role no longer covers its unit). Leaves the transaction open, holding the
    person's chat, for the caller to remember the menu and commit."""
    nomination = await session.get(Nomination, int(payload["nomination_id"]))
    if nomination is None or not await reviews_privately(
            session, staff_id=int(payload["staff_id"]), unit_id=nomination.unit_id,
            channel=channel, chat_id=chat_id):
        return None
    # The person's own dialog may be mid-turn in another process: wait for it, so that
    # neither write loses the other's (their draft, this card).
    await lock_chat(session, channel=channel, chat_key=chat_id)
    state = await load_conversation(session, channel=channel, user_id=chat_id,
                                    chat_id=chat_id, locale=texts.default_locale)
    card = await review_card(session, int(payload["nomination_id"]), texts=texts,
                             console_url=console_url, locale=state.locale,
                             possible=payload.get("possible"))
    if card is None:
        return None
    state.draft[CARD_KEY] = nomination.id
    await save_conversation(session, state, now=now)
    numbers_for = texts.get(state.locale, "staff_zalo.numbers_for",
                            reference=nomination.reference)
    # The first photo too, where the channel can send it (Zalo: only by a link it reaches).
    return Reply(f"{card.text.strip()}\n\n{numbers_for.strip()}", card.buttons,
                 extra=card.extra)
