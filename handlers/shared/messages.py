"""What a channel adapter hands the core (Inbound) and gets back (Reply)."""

from dataclasses import dataclass, field
from typing import Any, Protocol

from storage.media.store import MediaStore, PreparedPhoto


class PhotoSource(Protocol):
    """A photo the adapter can fetch on demand, so a photo sent at a text step costs nothing."""

    async def read(self, max_bytes: int) -> bytes:
        """The file's bytes; raises storage.media.store.MediaRejected("too_large") past
        max_bytes."""
        ...

    async def prepared(self, media: MediaStore) -> PreparedPhoto:
        """Decoded and re-encoded (channels do it before the turn, off the event loop);
        raises storage.media.store.MediaRejected."""
        ...


class DocumentSource(Protocol):
    """A file the person sent (a contest entry's DOCX or PDF), fetched by the channel."""

    file_name: str | None
    mime: str | None

    async def read(self, max_bytes: int) -> bytes:
        """The file's bytes; raises handlers.contest.documents.DocumentRejected (or
        storage.media.store.MediaRejected) when it cannot be had."""
        ...


@dataclass(frozen=True)
class Inbound:
    channel: str
    user_id: str
    chat_id: str
    text: str | None = None
    payload: str | None = None
    photo: PhotoSource | None = None
    contact_phone: str | None = None
    contact_is_own: bool = True
    unsupported: str | None = None
    display_name: str | None = None
    # Whether this channel shows a "share my number" button (Telegram does; Zalo and the
    # web do not), so the phone question does not send people looking for one.
    contact_button: bool = False
    # The language the person chose where they came from (the web page's switch): the
    # dialog follows it. None keeps the conversation's own.
    locale: str | None = None
    # A document sent as a file (not a picture): only the contest's article step reads
    # one; anywhere else it is unsupported, as before.
    document: DocumentSource | None = None


# In a reply's extra: it shows a menu the person has seen already, after an answer that
# chose nothing or while a card's choices still stand, so Zalo lists the lines without
# its "answer with a number" footer.
MENU_AGAIN = "menu_again"


@dataclass(frozen=True)
class Button:
    label: str
    payload: str


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    ask_contact: bool = False
    clear_keyboard: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    def all_buttons(self) -> list[Button]:
        return [button for row in self.buttons for button in row]

    def to_json(self) -> dict[str, Any]:
        """What the inbox keeps, so a reply can be sent again after a crash or a resend."""
        return {"text": self.text,
                "buttons": [[{"label": b.label, "payload": b.payload} for b in row]
                            for row in self.buttons],
                "ask_contact": self.ask_contact, "clear_keyboard": self.clear_keyboard,
                "extra": dict(self.extra)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Reply":
        buttons = tuple(tuple(Button(b["label"], b["payload"]) for b in row)
                        for row in data.get("buttons", []))
        return cls(text=data["text"], buttons=buttons,
                   ask_contact=bool(data.get("ask_contact")),
                   clear_keyboard=bool(data.get("clear_keyboard")),
                   extra=dict(data.get("extra", {})))


def rows(buttons: list[Button], per_row: int = 1) -> tuple[tuple[Button, ...], ...]:
    return tuple(tuple(buttons[i:i + per_row]) for i in range(0, len(buttons), per_row))
