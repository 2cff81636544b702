"""A press on a review card's button in a unit's staff group."""

import logging
from datetime import UTC, datetime

from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, Message
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.telegram.inbound import CHANNEL
from bot.telegram.sender import CAPTION_LIMIT
from handlers.review.decisions import Decider, decide
from handlers.review.reasons import button_reason
from handlers.shared.texts import Texts
from handlers.shared.turn import TIMEZONE
from storage.org.staff_auth import staff_for_account

log = logging.getLogger(__name__)
FINAL = {"approved", "rejected", "duplicate", "withdrawn"}
LARGEST_ID = 2 ** 31 - 1  # the nomination table's integer key


async def on_review_press(query: CallbackQuery, session: AsyncSession, texts: Texts) -> None:
    try:
        _, action, raw_id = (query.data or "").split(":")
        nomination_id = int(raw_id)
    except ValueError:
        nomination_id = 0
    if not 0 < nomination_id <= LARGEST_ID:  # forged or garbled button data
        await session.commit()  # nothing to keep; no network call while holding the chat
        await query.answer(texts.get(texts.default_locale, "review.unknown"), show_alert=True)
        return
    locale = texts.default_locale  # staff groups read the default language

    def say(key: str, **values: str) -> str:
        return texts.get(locale, key, **values)

    presser = str(query.from_user.id)
    staff = await staff_for_account(session, channel=CHANNEL, external_id=presser)
    now = datetime.now(UTC)
    reason = await button_reason(session, texts, locale, action)
    outcome = await decide(session, nomination_id=nomination_id, action=action, now=now,
                           by=Decider(staff.id if staff else None, CHANNEL, presser),
                           reason=reason)
    await session.commit()  # whatever `decide` left open ends before the answers go out
    status = say(f"status.{outcome.status}") if outcome.status else ""
    if outcome.result != "done" or staff is None:
        await query.answer(say(f"review.{outcome.result}", status=status),
                           show_alert=True)
        return
    await query.answer(say("review.done", status=status, name=staff.full_name))
    if isinstance(query.message, Message) and (query.message.text or query.message.caption):
        line = say("review.card_status", status=status, name=staff.full_name,
                         time=now.astimezone(TIMEZONE).strftime("%H:%M %d/%m"))
        keyboard = None if outcome.status in FINAL else query.message.reply_markup
        try:
            if query.message.text:
                await query.message.edit_text(f"{query.message.text}\n{line}",
                                              reply_markup=keyboard)
            else:  # a card sent with its first photo: the text is the caption
                caption = f"{query.message.caption}\n{line}"
                await query.message.edit_caption(
                    caption=caption if len(caption) <= CAPTION_LIMIT else query.message.caption,
                    reply_markup=keyboard)
        except TelegramAPIError as exc:  # the decision stands; only the card is stale
            log.warning("review card not updated: %s", exc)
