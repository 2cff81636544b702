"""The outbox's Telegram sender: Bot API answers mapped to what the outbox handles."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramRetryAfter,
)
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup

from bot.telegram.json_api import JsonBotApi
from handlers.shared.messages import Reply
from notifications.delivery import ChatGone, ChatMigrated, Refused, RetryAfter
from storage.media.store import MediaStore

CAPTION_LIMIT = 1024
PICTURE_KEYS = ("chart_sha256", "image_sha256", "certificate_sha256")
DOCUMENT_KEYS = ("document_sha256", "document_name")  # a PDF we made, sent as a file


def is_group_chat(chat_id: str) -> bool:
    return chat_id.startswith("-")  # group and channel ids are negative


@contextmanager
def delivery_errors() -> Iterator[None]:
    """Bot API answers as the delivery errors the outbox and the reply ledger handle."""
    try:
        yield
    except TelegramRetryAfter as exc:
        raise RetryAfter(exc.retry_after) from exc
    except TelegramMigrateToChat as exc:
        raise ChatMigrated(str(exc.migrate_to_chat_id)) from exc
    except TelegramForbiddenError as exc:
        raise ChatGone(exc.message) from exc
    except TelegramBadRequest as exc:
        if "chat not found" in exc.message.lower():
            raise ChatGone(exc.message) from exc
        raise Refused(exc.message) from exc


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text=b.label, callback_data=b.payload) for b in row]
        for row in reply.buttons])


class TelegramSender:
    def __init__(self, bot: Bot, media: MediaStore | None = None) -> None:
        self._bot = bot
        self._api = JsonBotApi(bot)
        self._media = media  # where pictures named in a reply (a tally chart) are stored

    async def _picture(self, reply: Reply) -> BufferedInputFile | None:
        """A drawn chart (PNG) or a stored photo (JPEG) the reply names, if any, read
        through the media store (any process's, any machine's). A picture gone missing
        costs the picture, never the message."""
        if self._media is None:
            return None
        if reply.extra.get("chart_sha256"):
            chart = await self._media.fetch(reply.extra["chart_sha256"], "chart")
            return BufferedInputFile(chart, filename="bieu-do.png") if chart else None
        if reply.extra.get("certificate_sha256"):
            drawn = await self._media.fetch(reply.extra["certificate_sha256"], "chart")
            return BufferedInputFile(drawn, filename="giay-khen.png") if drawn else None
        if reply.extra.get("image_sha256"):
            photo = await self._media.fetch(reply.extra["image_sha256"])
            return BufferedInputFile(photo, filename="anh.jpg") if photo else None
        return None

    def split(self, reply: Reply) -> list[Reply]:
        """A picture whose text fits its caption is one message, its buttons under it
        (a review card with its first photo); else the picture, then the text (with its
        buttons) as a second, never a caption cut short."""
        if self._media is not None and reply.extra.get("document_sha256"):
            # The file after the message: a certificate's PDF, to print.
            document = Reply("", extra={key: reply.extra[key] for key in DOCUMENT_KEYS
                                        if key in reply.extra})
            rest = replace(reply, extra={key: value for key, value in reply.extra.items()
                                         if key not in DOCUMENT_KEYS})
            return [*self.split(rest), document]
        pictures = {key: reply.extra[key] for key in PICTURE_KEYS if reply.extra.get(key)}
        if self._media is None or not pictures or len(reply.text) <= CAPTION_LIMIT:
            return [reply]
        text = replace(reply, extra={key: value for key, value in reply.extra.items()
                                     if key not in PICTURE_KEYS})
        return [Reply("", extra=pictures), text]

    def is_group(self, chat_id: str) -> bool:
        return is_group_chat(chat_id)

    async def send(self, chat_id: str, reply: Reply) -> str:
        with delivery_errors():
            if self._media is not None and reply.extra.get("document_sha256"):
                pdf = await self._media.fetch(reply.extra["document_sha256"], "document")
                if pdf is None:
                    raise Refused("the document is gone from the media store")
                name = str(reply.extra.get("document_name") or "tai-lieu.pdf")
                sent = await self._bot.send_document(int(chat_id),
                                                     BufferedInputFile(pdf, filename=name))
                return str(sent.message_id)
            picture = await self._picture(reply)
            if picture is not None:
                if len(reply.text) <= CAPTION_LIMIT:
                    sent = await self._bot.send_photo(int(chat_id), picture,
                                                      caption=reply.text or None,
                                                      reply_markup=keyboard(reply))
                    return str(sent.message_id)
                await self._bot.send_photo(int(chat_id), picture)
            message_id = await self._api.send_reply(int(chat_id), reply)
        return str(message_id)
