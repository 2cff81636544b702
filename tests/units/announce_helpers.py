"""What the announcement stories share: the fake Zalo, the outbox with both channels'
real senders, and a staff member's way through compose → preview → send."""

import re
from collections.abc import AsyncIterator
from html import unescape

import httpx
import pytest
from fastapi import FastAPI
from sqlmodel import select

from bot.telegram.sender import TelegramSender
from bot.zalo.client import ZaloClient
from bot.zalo.sender import ZaloSender
from notifications.outbox_sender import OutboxSender
from notifications.render import make_renderer
from storage.media.store import MediaStore
from storage.models import Unit
from tests.delivery.outbox_helpers import bot_for
from tests.support.fake_telegram import FakeTelegram
from tests.support.fake_zalo import TOKEN, FakeZalo
from web.media_links import MediaLinks
from web.media_links import build_router as media_links_router

PUBLIC = "https://phuong.example"
CONSOLE_URL = f"{PUBLIC}/console"


@pytest.fixture
async def fake_zalo() -> AsyncIterator[FakeZalo]:
    server = FakeZalo()
    await server.start()
    yield server
    await server.stop()


async def unit_ids(sessions, *codes: str) -> list[int]:
    async with sessions() as session:
        units = (await session.exec(select(Unit).where(Unit.code.in_(codes)))).all()  # type: ignore[attr-defined]
    by_code = {u.code: u.id for u in units}
    return [by_code[code] for code in codes]


def hidden_fields(page: httpx.Response) -> list[tuple[str, str]]:
    """The send form's fields as the preview page filled them in."""
    form = page.text.split('action="/console/announce/send"')[1].split("</form>")[0]
    return [(name, unescape(value)) for name, value in
            re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form)]


async def preview(console, text: str, units: list[int], picture: bytes | None = None,
                  ) -> httpx.Response:
    form = await console.client.get("/console/announce")
    files = {"picture": ("anh-hop-dan.jpg", picture, "image/jpeg")} if picture else None
    data = {"text": text, "units": [str(u) for u in units], "csrf": console.csrf(form)}
    return await console.client.post("/console/announce/preview", data=data, files=files)


async def confirm(console, shown: httpx.Response) -> httpx.Response:
    fields = hidden_fields(shown)
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return await console.client.post("/console/announce/send", data=data)


class Outbox:
    """The product's outbox sender with its Telegram and Zalo senders, at the fakes."""

    def __init__(self, sessions, texts, media: MediaStore, fake: FakeTelegram,
                 fake_zalo: FakeZalo, *, in_flight: int = 8, chats: int = 200,
                 via: str = "") -> None:
        self.links = MediaLinks(b"k" * 32, PUBLIC, lifetime_seconds=600)
        pictures = FastAPI()
        pictures.include_router(media_links_router(self.links, media))
        fake_zalo.reachable[PUBLIC] = httpx.ASGITransport(app=pictures)
        self.bot = bot_for(fake, via)
        self.zalo = ZaloClient(TOKEN, fake_zalo.base_url)
        self.sender = OutboxSender(
            sessions, {"telegram": TelegramSender(self.bot, media),
                       "zalo": ZaloSender(self.zalo, texts, self.links, pictures=True,
                                          console_url=CONSOLE_URL)},
            make_renderer(texts, console_url=CONSOLE_URL), in_flight=in_flight, chats=chats)

    async def close(self) -> None:
        await self.bot.session.close()
        await self.zalo.close()
