from collections.abc import AsyncIterator

import pytest

from bot.zalo.channel import ZaloChannel
from bot.zalo.client import ZaloClient
from tests.support.fake_zalo import TOKEN, FakeZalo


@pytest.fixture
async def fake_zalo() -> AsyncIterator[FakeZalo]:
    """A fake Zalo Bot Platform API on loopback, for the bot under test to talk to."""
    server = FakeZalo()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def zalo(fake_zalo, db, services) -> AsyncIterator[ZaloChannel]:
    """The Zalo channel in this process, on the test's database, talking to the fake."""
    channel = ZaloChannel(client=ZaloClient(TOKEN, fake_zalo.base_url), sessions=db.sessions,
                          services=services)
    yield channel
    await channel.close()
