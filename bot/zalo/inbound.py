"""A Zalo update (`event_name` + `message`) → the core's Inbound."""

from dataclasses import dataclass, replace
from typing import Any

from bot.prefetched_photo import PrefetchedPhoto
from bot.zalo.client import ZaloClient
from handlers.shared.messages import Inbound
from storage.media.store import MediaRejected

CHANNEL = "zalo"
TEXT, IMAGE = "message.text.received", "message.image.received"


def unwrap(body: Any) -> dict[str, Any] | None:
    """Webhooks wrap the update as `{"ok": true, "result": {...}}`; accept it bare too."""
    if isinstance(body, dict) and isinstance(body.get("result"), dict):
        body = body["result"]
    if not isinstance(body, dict) or not isinstance(body.get("message"), dict):
        return None
    message = body["message"]
    if not message.get("message_id") or not isinstance(message.get("chat"), dict):
        return None
    return body


def event_id(update: dict[str, Any]) -> str:
    """Unique per event: what makes a redelivery a no-op in the inbox."""
    return str(update["message"]["message_id"])[:64]


def chat_of(update: dict[str, Any]) -> str:
    return str(update["message"]["chat"].get("id", ""))


@dataclass
class ZaloPhoto(PrefetchedPhoto):
    """A photo Zalo hands over as a URL, fetched before the turn (the URL may not last),
    then through the same validation pipeline as any other photo."""

    client: ZaloClient
    url: str

    async def _download(self, max_bytes: int) -> bytes:
        if not self.url.startswith(("https://", "http://")):
            raise MediaRejected("download_failed")
        return await self.client.download(self.url, max_bytes)


def event_of(update: dict[str, Any]) -> str | None:
    """The update's `event_name`, or, where it has none (the documented getUpdates sample
    has none), what its message carries: a text or a picture."""
    event = update.get("event_name")
    if isinstance(event, str) and event:
        return event
    message = update.get("message")
    if not isinstance(message, dict):
        return None
    if isinstance(message.get("text"), str):
        return TEXT
    return IMAGE if message.get("photo") or message.get("photo_url") else None


def is_group_update(update: dict[str, Any]) -> bool:
    chat = update["message"]["chat"]
    return str(chat.get("chat_type", "PRIVATE")).upper() != "PRIVATE"


def photo_url(update: dict[str, Any]) -> str | None:
    """The picture a private image message carries, to fetch before its turn."""
    message = update.get("message")
    if event_of(update) != IMAGE or not isinstance(message, dict) or \
            not isinstance(message.get("chat"), dict) or is_group_update(update):
        return None
    photo = message.get("photo") or message.get("photo_url")
    if isinstance(photo, dict):  # some payloads give {"url": ...}
        photo = photo.get("url")
    return photo if isinstance(photo, str) and photo else None


def from_update(update: dict[str, Any], fetched: PrefetchedPhoto | None) -> Inbound | None:
    """None for what the dialog does not take: group chats (the dialog is private).
    `fetched`: the photo the worker downloaded before the turn, if the update has one."""
    message = update["message"]
    if is_group_update(update):
        return None
    sender = message.get("from") or {}
    base = Inbound(channel=CHANNEL, user_id=str(sender.get("id") or chat_of(update)),
                   chat_id=chat_of(update), display_name=_name_of(sender))
    event = event_of(update)
    if event == TEXT and isinstance(message.get("text"), str):
        return replace(base, text=message["text"])
    if photo_url(update) is not None:
        return replace(base, photo=fetched or NotFetched())
    kind = str(event or "unknown").removeprefix("message.").removesuffix(".received")
    return replace(base, unsupported=kind)


def _name_of(sender: dict[str, Any]) -> str | None:
    # The webhook names the sender `display_name`; the documented samples `first_name`
    # (getUpdates) or `name`: the first given.
    for key in ("display_name", "first_name", "name"):
        if isinstance(sender.get(key), str) and sender[key].strip():
            return str(sender[key])
    return None


class NotFetched(PrefetchedPhoto):
    """A photo the worker did not fetch: refused like a failed download, never fetched
    inside the turn."""

    async def _download(self, max_bytes: int) -> bytes:
        raise MediaRejected("download_failed")
