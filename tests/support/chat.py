"""A person talking to the conversation core, with no channel in between."""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from handlers.intake.conversation import handle
from handlers.shared.messages import Inbound, Reply
from handlers.shared.turn import Services
from storage.media.store import MediaRejected, MediaStore, PreparedPhoto
from storage.shared.db import SessionFactory

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)  # 10:00 in Hà Nội


@dataclass
class BytesPhoto:
    data: bytes

    async def read(self, max_bytes: int) -> bytes:
        if len(self.data) > max_bytes:
            raise MediaRejected("too_large")
        return self.data

    async def prepared(self, media: MediaStore) -> PreparedPhoto:
        return await media.prepare(await self.read(media.limits.max_bytes))


@dataclass
class Chat:
    sessions: SessionFactory
    services: Services
    user_id: str = "1001"
    channel: str = "telegram"
    contact_button: bool = True  # as Telegram shows one; the web and Zalo do not
    display_name: str | None = "Trần Thị Hoa"
    now: datetime = NOW
    last: list[Reply] = field(default_factory=list)

    async def send(self, **kwargs: object) -> list[Reply]:
        inbound = Inbound(channel=self.channel, user_id=self.user_id, chat_id=self.user_id,
                          display_name=self.display_name, contact_button=self.contact_button,
                          **kwargs)  # type: ignore[arg-type]
        async with self.sessions() as session:
            self.last = await handle(inbound, session=session, now=self.now,
                                     services=self.services)
        return self.last

    async def say(self, text: str) -> list[Reply]:
        return await self.send(text=text)

    async def press(self, label: str) -> list[Reply]:
        """Press the button whose label contains `label`, on the last message that had any."""
        for reply in reversed(self.last):
            for button in reply.all_buttons():
                if label in button.label:
                    return await self.send(payload=button.payload)
        raise AssertionError(f"no button {label!r} in {self.buttons()}")

    async def photo(self, data: bytes) -> list[Reply]:
        return await self.send(photo=BytesPhoto(data))

    async def contact(self, phone: str, *, own: bool = True) -> list[Reply]:
        return await self.send(contact_phone=phone, contact_is_own=own)

    def text(self) -> str:
        return "\n".join(reply.text for reply in self.last)

    def buttons(self) -> list[str]:
        return [b.label for reply in self.last for b in reply.all_buttons()]
