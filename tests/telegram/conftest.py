import pytest

from bot.telegram.channel import TelegramChannel
from tests.support.fake_telegram import TOKEN


@pytest.fixture
async def channel(db, services, fake):
    """The Telegram channel in process, talking to the fake Bot API."""
    made = TelegramChannel(token=TOKEN, api_base=f"http://127.0.0.1:{fake.port}",
                           sessions=db.sessions, services=services)
    yield made
    await made.close()
