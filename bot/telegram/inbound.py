"""Telegram message or button press → the core's Inbound."""

from dataclasses import dataclass, replace
from io import BytesIO

from aiogram import Bot
from aiogram.types import CallbackQuery, Message

from bot.prefetched_photo import PrefetchedPhoto
from handlers.messages import Inbound
from storage.media import MediaRejected

CHANNEL = "telegram"


@dataclass
class TelegramPhoto(PrefetchedPhoto):
    """A photo to fetch from Telegram (bots may download up to 20 MB)."""

    bot: Bot
    file_id: str
    file_size: int | None

    async def _download(self, max_bytes: int) -> bytes:
        if self.file_size is not None and self.file_size > max_bytes:
            raise MediaRejected("too_large")
        try:
            file = await self.bot.get_file(self.file_id)
            if file.file_size is not None and file.file_size > max_bytes:
                raise MediaRejected("too_large")
            buffer = BytesIO()
            assert file.file_path is not None
            await self.bot.download_file(file.file_path, destination=buffer)
        except MediaRejected:
            raise
        except Exception as exc:
            raise MediaRejected("download_failed") from exc
        data = buffer.getvalue()
        if len(data) > max_bytes:
            raise MediaRejected("too_large")
        return data


def from_message(message: Message, bot: Bot) -> Inbound:
    user = message.from_user
    assert user is not None
    base = Inbound(channel=CHANNEL, user_id=str(user.id), chat_id=str(message.chat.id),
                   display_name=user.full_name)
    if message.text is not None:
        return replace(base, text=message.text)
    if message.photo:
        largest = max(message.photo, key=lambda size: size.width * size.height)
        return replace(base, photo=TelegramPhoto(bot, largest.file_id, largest.file_size))
    if message.document and (message.document.mime_type or "").startswith("image/"):
        # Sent "as a file" to keep quality: still sniffed by content in the pipeline.
        document = message.document
        return replace(base, photo=TelegramPhoto(bot, document.file_id, document.file_size))
    if message.contact is not None:
        own = message.contact.user_id == user.id
        return replace(base, contact_phone=message.contact.phone_number, contact_is_own=own)
    return replace(base, unsupported=str(message.content_type))


def from_callback(query: CallbackQuery) -> Inbound:
    chat_id = query.message.chat.id if query.message else query.from_user.id
    return Inbound(channel=CHANNEL, user_id=str(query.from_user.id), chat_id=str(chat_id),
                   payload=query.data or "", display_name=query.from_user.full_name)
