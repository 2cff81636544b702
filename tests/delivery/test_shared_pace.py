"""Two processes on one PostgreSQL take their sending slots from one timeline: what one
sent counts for the other, and a 429 one of them met pauses both. And the fake Bot API
that enforces Telegram's limits counts them as Telegram does."""

import pytest

from notifications.shared_pace import SharedPace
from storage.delivery.send_pace import Slot, ensure_rows, paused_for, take_slot
from storage.shared.db import make_engine
from tests.support.databases import truncate_all
from tests.support.telegram_limits import TelegramLimits


@pytest.fixture
async def two_engines(postgres_url):
    await truncate_all(postgres_url)
    engines = [make_engine(postgres_url), make_engine(postgres_url)]
    yield engines
    for engine in engines:
        await engine.dispose()


async def slot(engine, chat_id: str, *, chat_gap: float) -> Slot:
    async with engine.begin() as connection:
        await ensure_rows(connection, "telegram", chat_id)
        taken = await take_slot(connection, channel="telegram", scope=chat_id,
                                bot_gap=0.04, chat_gap=chat_gap)
    assert taken is not None
    return taken


async def test_what_one_process_sent_to_a_chat_counts_for_the_other(two_engines):
    first, second = two_engines
    sent = await slot(first, "5001", chat_gap=10.0)
    assert sent.taken and sent.wait <= 0.05
    # One slot every ten seconds for this person, whichever process asks...
    too_soon = await slot(second, "5001", chat_gap=10.0)
    assert not too_soon.taken and 9.0 < too_soon.wait <= 10.0
    # ...while another chat waits only for the bot's own spacing: nobody books the bot's
    # timeline ahead for a chat that is not ready.
    other = await slot(second, "5002", chat_gap=10.0)
    assert other.taken and other.wait <= 0.2


async def test_a_429_met_by_one_process_pauses_the_bot_for_the_other(two_engines):
    first, second = two_engines
    paused = SharedPace(first)
    paused.pause(30, "telegram")
    await paused.close()  # its write is done
    async with second.connect() as connection:
        assert 25 < await paused_for(connection, "telegram") <= 30
    after = await slot(second, "5003", chat_gap=1.0)
    assert after.taken and 25 < after.wait <= 30.1
    async with second.connect() as connection:  # another bot (Zalo) is not paused
        assert await paused_for(connection, "zalo") <= 0


def test_the_fake_counts_telegram_s_windows():
    now = [0.0]
    limits = TelegramLimits(clock=lambda: now[0])
    assert limits.check("5001") is None
    assert limits.check("5001") == 1.0  # one a second to a person
    for _ in range(19):
        assert limits.check("-100") is None
    assert limits.check("-100") is None  # the twentieth this minute
    assert limits.check("-100") == 60.0
    for n in range(9):
        assert limits.check(str(6000 + n)) is None
    assert limits.check("7000") is not None  # thirty this second, for the whole bot
    now[0] = 1.0
    assert limits.check("5001") is None and limits.check("7000") is None
    assert 0 < limits.check("-100") <= 59.0
