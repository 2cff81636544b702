"""Telegram message or button press → the core's Inbound."""

from dataclasses import dataclass, replace
from io import BytesIO
from typing import Any

from aiogram import Bot
from aiogram.types import CallbackQuery, Message

from bot.fetched_document import FetchedDocument
from bot.inbox_worker import Malformed
from bot.prefetched_photo import PrefetchedPhoto
from handlers.review.card import REVIEW_PRESS
from handlers.shared.messages import Inbound
from storage.media.store import MediaRejected

CHANNEL = "telegram"


@dataclass
class TelegramPhoto(PrefetchedPhoto):
    """A photo to fetch from Telegram (bots may download up to 20 MB)."""

    bot: Bot
    file_id: str
    file_size: int | None

    async def _download(self, max_bytes: int) -> bytes:
        return await download(self.bot, self.file_id, self.file_size, max_bytes)


async def download(bot: Bot, file_id: str, file_size: int | None, max_bytes: int) -> bytes:
    """A file a person sent, by getFile then its path: a photo or a document."""
    if file_size is not None and file_size > max_bytes:
        raise MediaRejected("too_large")
    try:
        file = await bot.get_file(file_id)
        if file.file_size is not None and file.file_size > max_bytes:
            raise MediaRejected("too_large")
        buffer = BytesIO()
        assert file.file_path is not None
        await bot.download_file(file.file_path, destination=buffer)
    except MediaRejected:
        raise
    except Exception as exc:
        raise MediaRejected("download_failed") from exc
    data = buffer.getvalue()
    if len(data) > max_bytes:
        raise MediaRejected("too_large")
    return data


def from_message(message: Message, fetched: object | None = None) -> Inbound:
    """`fetched`: the photo or document the worker downloaded before the turn, if the
    message has one."""
    user = message.from_user
    if user is None:  # every private message has a sender; this one is not a real update
        raise Malformed("a private message without a sender")
    base = Inbound(channel=CHANNEL, user_id=str(user.id), chat_id=str(message.chat.id),
                   display_name=user.full_name, contact_button=True)
    if message.text is not None:
        return replace(base, text=message.text)
    is_image_file = message.document is not None and \
        (message.document.mime_type or "").startswith("image/")
    if message.photo or is_image_file:
        # Sent "as a file" to keep quality: still sniffed by content in the pipeline.
        photo = fetched if isinstance(fetched, PrefetchedPhoto) else NotFetched()
        return replace(base, photo=photo)
    if message.document is not None:  # a contest entry's DOCX or PDF, or anything else
        document = fetched if isinstance(fetched, FetchedDocument) else FetchedDocument(
            message.document.file_name, message.document.mime_type, refused="unreadable")
        return replace(base, document=document)
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
                   payload=query.data or "", display_name=query.from_user.full_name,
                   contact_button=True)


def _sender(body: dict[str, Any]) -> tuple[str, str] | None:
    """(user id, full name, as aiogram writes it) of a well-formed sender, else None."""
    user = body.get("from")
    if not isinstance(user, dict) or type(user.get("is_bot")) is not bool:
        return None
    user_id, first, last = user.get("id"), user.get("first_name"), user.get("last_name")
    if type(user_id) is not int or not isinstance(first, str) or \
            not isinstance(last, str | None):
        return None
    return str(user_id), f"{first} {last}" if last else first


def _private_chat(message: Any) -> str | None:
    """The private chat of a message with the fields Telegram always sends, well typed."""
    if not isinstance(message, dict) or type(message.get("message_id")) is not int or \
            type(message.get("date")) is not int:
        return None
    chat = message.get("chat")
    if isinstance(chat, dict) and chat.get("type") == "private" and type(chat.get("id")) is int:
        return str(chat["id"])
    return None


def plain_turn(payload: dict[str, Any]) -> tuple[Inbound, str | None] | None:
    """A private text message, or a button press in a private chat, read straight from
    the update's JSON (with the button's callback id): most of the dialog's updates, and
    they need no more of it than this. Anything else, or anything not shaped as Telegram
    sends it (its required fields, and those read here), is None and goes to aiogram's
    models, which name what is wrong with it; optional fields not read are not checked.
    Parsing every update into aiogram's models was about 6% of the bot's CPU (profiled)."""
    message = payload.get("message")
    if isinstance(message, dict) and isinstance(message.get("text"), str):
        chat_id, sender = _private_chat(message), _sender(message)
        if chat_id is None or sender is None:
            return None
        return Inbound(channel=CHANNEL, user_id=sender[0], chat_id=chat_id,
                       display_name=sender[1], text=message["text"], contact_button=True), None
    query = payload.get("callback_query")
    if isinstance(query, dict) and isinstance(query.get("id"), str) and \
            isinstance(query.get("chat_instance"), str) and \
            isinstance(query.get("data"), str) and not query["data"].startswith(REVIEW_PRESS):
        chat_id, sender = _private_chat(query.get("message")), _sender(query)
        if chat_id is None or sender is None:
            return None
        return Inbound(channel=CHANNEL, user_id=sender[0], chat_id=chat_id,
                       payload=query["data"], display_name=sender[1],
                       contact_button=True), query["id"]
    return None
