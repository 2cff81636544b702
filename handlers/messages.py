"""What a channel adapter hands the core (Inbound) and gets back (Reply)."""

from dataclasses import dataclass, field
from typing import Protocol


class PhotoSource(Protocol):
    """A photo the adapter can fetch on demand, so a photo sent at a text step costs nothing."""

    async def read(self, max_bytes: int) -> bytes:
        """The file's bytes; raises storage.media.MediaRejected("too_large") past max_bytes."""
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


def rows(buttons: list[Button], per_row: int = 1) -> tuple[tuple[Button, ...], ...]:
    return tuple(tuple(buttons[i:i + per_row]) for i in range(0, len(buttons), per_row))
