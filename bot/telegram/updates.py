"""What the intake needs to know of a raw Telegram update, read from its JSON as sent:
which chat it belongs to, whether it carries a photo to fetch, and whether it can be an
inbox row at all. Cheap dictionary reads: every update pays for them, before parsing."""

from typing import Any

from bot.intake import Unfit
from storage.inbox.updates import NewUpdate

KINDS = ("message", "edited_message", "callback_query", "my_chat_member")
LARGEST_ID = 2 ** 63 - 1  # Telegram's ids fit in a signed 64-bit integer


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and \
        -LARGEST_ID <= value <= LARGEST_ID


def _chat_of(payload: dict[str, Any]) -> tuple[Any, dict[str, Any]] | None:
    """The update's chat (or, for a button without its message, its sender) and body."""
    for kind in KINDS:
        body = payload.get(kind)
        if isinstance(body, dict):
            message = body.get("message")
            chat = body.get("chat") or (message.get("chat") if isinstance(message, dict)
                                        else None) or body.get("from")
            return chat, body
    return None


def describe_update(payload: dict[str, Any]) -> NewUpdate:
    """The inbox row an update becomes; `Unfit` when no row can hold it as it is."""
    update_id = payload.get("update_id")
    if not _is_id(update_id):
        raise Unfit("update_id is not an integer", str(update_id)[:64])
    found = _chat_of(payload)
    if found is None:  # a kind the bot does not ask for: kept, answered with silence
        return NewUpdate(str(update_id), f"update:{update_id}", payload)
    chat, _ = found
    if not isinstance(chat, dict) or not _is_id(chat.get("id")):
        raise Unfit("the chat has no usable id", str(update_id))
    return NewUpdate(str(update_id), str(chat["id"]), payload)


def private_chat_of(payload: dict[str, Any]) -> str | None:
    """The private chat a person writes from, if the update came from one."""
    found = _chat_of(payload)
    if found is None:
        return None
    chat, _ = found
    if isinstance(chat, dict) and _is_id(chat.get("id")) and chat.get("type") in (
            "private", None) and chat["id"] > 0:
        return str(chat["id"])
    return None


def album_of(payload: dict[str, Any]) -> str | None:
    """The album (media group) a message's photo belongs to, if it came in one."""
    message = payload.get("message")
    group = message.get("media_group_id") if isinstance(message, dict) else None
    return group if isinstance(group, str) else None


def photo_in(payload: dict[str, Any]) -> tuple[str, int | None] | None:
    """(file id, size) of the picture a private message carries, to fetch before its turn:
    the largest size of a photo, or an image sent as a file to keep its quality."""
    message = payload.get("message")
    if not isinstance(message, dict) or not isinstance(message.get("chat"), dict) or \
            message["chat"].get("type") != "private":
        return None
    sizes = message.get("photo")
    if isinstance(sizes, list) and sizes:
        usable = [s for s in sizes if isinstance(s, dict) and isinstance(s.get("file_id"), str)]
        if usable:
            largest = max(usable, key=lambda s: _area(s))
            return largest["file_id"], _size(largest)
    document = message.get("document")
    if isinstance(document, dict) and str(document.get("mime_type", "")).startswith("image/") \
            and isinstance(document.get("file_id"), str):
        return document["file_id"], _size(document)
    return None


def document_in(payload: dict[str, Any]) -> tuple[str, int | None, str | None, str | None] | None:
    """(file id, size, file name, type) of a file other than a picture a private message
    carries (a contest entry's DOCX or PDF), to fetch before its turn."""
    message = payload.get("message")
    if not isinstance(message, dict) or not isinstance(message.get("chat"), dict) or \
            message["chat"].get("type") != "private":
        return None
    document = message.get("document")
    if not isinstance(document, dict) or not isinstance(document.get("file_id"), str):
        return None
    mime = document.get("mime_type")
    if isinstance(mime, str) and mime.startswith("image/"):
        return None
    name = document.get("file_name")
    return (document["file_id"], _size(document), name if isinstance(name, str) else None,
            mime if isinstance(mime, str) else None)


def _area(size: dict[str, Any]) -> int:
    width, height = size.get("width"), size.get("height")
    return width * height if isinstance(width, int) and isinstance(height, int) else 0


def _size(file: dict[str, Any]) -> int | None:
    size = file.get("file_size")
    return size if isinstance(size, int) else None


def next_offset(payloads: list[dict[str, Any]], current: int | None) -> int | None:
    """The getUpdates offset that acknowledges a committed batch: past its highest id. An
    update with an unusable id (kept aside) must not stop the offset from moving on, or
    the same batch would be fetched again for ever."""
    usable = [p["update_id"] for p in payloads if _is_id(p.get("update_id"))]
    return max(usable) + 1 if usable else current
