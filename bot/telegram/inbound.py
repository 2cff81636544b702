"""Telegram message or button press → the core's Inbound."""

from dataclasses import dataclass, replace
from io import BytesIO

from aiogram import Bot
from aiogram.types import CallbackQuery, Message

from bot.inbox_worker import Malformed
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


def from_message(message: Message, fetched: PrefetchedPhoto | None = None) -> Inbound:
    """`fetched`: the photo the worker downloaded before the turn, if the message has one."""
    user = message.from_user
    if user is None:  # every private message has a sender; this one is not a real update
        raise Malformed("a private message without a sender")
    base = Inbound(channel=CHANNEL, user_id=str(user.id), chat_id=str(message.chat.id),
                   display_name=user.full_name)
    if message.text is not None:
        return replace(base, text=message.text)
    is_image_file = message.document is not None and \
        (message.document.mime_type or "").startswith("image/")
    if message.photo or is_image_file:
        # Sent "as a file" to keep quality: still sniffed by content in the pipeline.
        return replace(base, photo=fetched or NotFetched())
    if message.contact is not None:
        own = message.contact.user_id == user.id
        return replace(base, contact_phone=message.contact.phone_number, contact_is_own=own)
    return replace(base, unsupported=str(message.content_type))


class NotFetched(PrefetchedPhoto):
    """A photo the worker did not fetch (it should have): refused like a failed download,
    never downloaded inside the turn."""

    async def _download(self, max_bytes: int) -> bytes:
        raise MediaRejected("download_failed")


def from_callback(query: CallbackQuery) -> Inbound:
    chat_id = query.message.chat.id if query.message else query.from_user.id
    return Inbound(channel=CHANNEL, user_id=str(query.from_user.id), chat_id=str(chat_id),
                   payload=query.data or "", display_name=query.from_user.full_name)
