"""Real `python -m bot` processes that talk to a fake Zalo: one, or several sharing a
database (each with its own webhook, as a load balancer would spread Zalo's posts)."""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from tests.support.fake_zalo import SECRET, TOKEN, FakeZalo
from tests.support.process import BotProcess, start_bot

WEBHOOK_URL = "https://phuong.example/zalo/webhook"


async def start_zalo_bot(fake_zalo: FakeZalo, workdir: Path,
                         **settings: str) -> tuple[BotProcess, str]:
    """The process and the address of its Zalo webhook."""
    bot = await start_bot(workdir, ZALO_BOT_TOKEN=TOKEN, ZALO_API_BASE=fake_zalo.base_url,
                          ZALO_WEBHOOK_SECRET=SECRET, ZALO_WEBHOOK_URL=WEBHOOK_URL,
                          **settings)
    return bot, f"{bot.base_url}/zalo/webhook"


@contextlib.asynccontextmanager
async def zalo_bots(fake_zalo: FakeZalo, workdir: Path, *, database_url: str,
                    count: int = 2, **settings: str) -> AsyncIterator[list[str]]:
    """`count` processes on one database; their webhooks, stopped when done."""
    folders = [workdir / f"bot-{index}" for index in range(count)]
    for folder in folders:
        folder.mkdir()
    started = await asyncio.gather(*(start_zalo_bot(fake_zalo, folder,
                                                    DATABASE_URL=database_url, **settings)
                                     for folder in folders))
    try:
        yield [hook for _, hook in started]
    finally:
        for bot, _ in started:
            await bot.stop()
