"""Reply → Telegram: inline buttons, the share-my-number keyboard, or removing it."""

from typing import Any

from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from handlers.messages import Reply

MAX_TEXT = 4096


def message_kwargs(reply: Reply) -> dict[str, Any]:
    markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None = None
    if reply.buttons:
        markup = InlineKeyboardMarkup(inline_keyboard=[
            [InlineKeyboardButton(text=b.label, callback_data=b.payload) for b in row]
            for row in reply.buttons])
    elif reply.ask_contact:
        label = reply.extra.get("contact_label", "📱")
        markup = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text=label, request_contact=True)]],
                                     resize_keyboard=True, one_time_keyboard=True)
    elif reply.clear_keyboard:
        markup = ReplyKeyboardRemove()
    text = reply.text if len(reply.text) <= MAX_TEXT else reply.text[:MAX_TEXT - 1] + "…"
    return {"text": text, "reply_markup": markup}
