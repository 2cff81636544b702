"""Stopping well: on SIGTERM (systemd's stop, Docker's, a rolling restart) a running
process finishes the resident's turn it is in the middle of, hands back what it cannot
finish so another process takes it at once, closes its channels and database, and exits
0 within 10 s, on SQLite and on PostgreSQL."""

import asyncio
import time

import pytest
from sqlalchemy import text

from storage.shared.db import make_engine
from tests.support.fake_telegram import TOKEN
from tests.support.process import start_bot

pytestmark = pytest.mark.process
RESIDENT = 8001


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'ntvt.db'}"
    return request.getfixturevalue("fresh_postgres")


async def inbox_rows(database_url: str) -> list[tuple]:
    engine = make_engine(database_url)
    try:
        async with engine.connect() as connection:
            return [tuple(row) for row in (await connection.execute(text(
                "SELECT processed_at IS NOT NULL, replied_at IS NOT NULL, claimed_by "
                "FROM inbox_update WHERE channel = 'telegram' ORDER BY id"))).all()]
    finally:
        await engine.dispose()


def start_message() -> dict:
    chat = {"id": RESIDENT, "type": "private", "first_name": "Hoa"}
    return {"message": {"message_id": 1, "date": int(time.time()), "chat": chat,
                        "from": {"id": RESIDENT, "is_bot": False, "first_name": "Hoa"},
                        "text": "/start"}}


async def a_reply_is_held(fake) -> None:
    for _ in range(300):
        if fake.sent_to(RESIDENT):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the turn never began its reply")


async def polling_bot(workdir, fake, database_url):
    workdir.mkdir(exist_ok=True)
    bot = await start_bot(workdir, DATABASE_URL=database_url, TELEGRAM_BOT_TOKEN=TOKEN,
                          TELEGRAM_API_BASE=f"http://127.0.0.1:{fake.port}",
                          INBOX_SWEEP_SECONDS="0.5", LOG_LEVEL="INFO")
    for _ in range(200):
        if any(c.method == "deleteWebhook" for c in fake.calls):
            return bot
        await asyncio.sleep(0.05)
    await bot.stop()
    raise AssertionError("the bot never started polling")


async def terminated_within(bot, seconds: float) -> float:
    began = time.monotonic()
    bot.process.terminate()
    await asyncio.wait_for(bot.process.wait(), seconds + 5)
    return time.monotonic() - began


@pytest.mark.timeout(120)
async def test_sigterm_lets_the_turn_in_flight_finish_and_exits_0(fake, tmp_path, database_url):
    bot = await polling_bot(tmp_path / "a", fake, database_url)
    released = asyncio.Event()
    fake.holds[("sendMessage", str(RESIDENT))] = released  # Telegram slow to answer
    try:
        await fake.push(start_message())
        await a_reply_is_held(fake)
        stopping = asyncio.create_task(terminated_within(bot, 10))
        await asyncio.sleep(1.0)  # SIGTERM arrived mid-reply; Telegram answers later
        released.set()
        took = await stopping
    finally:
        released.set()
        await bot.stop()
    assert bot.process.returncode == 0, bot.log.read_text()
    assert took < 10
    [(processed, replied, _)] = await inbox_rows(database_url)
    assert processed and replied  # the turn and its reply finished before the exit
    assert "Traceback" not in bot.log.read_text()


@pytest.mark.timeout(120)
async def test_a_turn_stuck_past_the_grace_is_handed_back_and_the_next_process_finishes_it(
        fake, tmp_path, database_url):
    first = await polling_bot(tmp_path / "a", fake, database_url)
    stuck = asyncio.Event()
    fake.holds[("sendMessage", str(RESIDENT))] = stuck  # Telegram does not answer at all
    try:
        await fake.push(start_message())
        await a_reply_is_held(fake)
        took = await terminated_within(first, 10)
    finally:
        await first.stop()
    assert first.process.returncode == 0, first.log.read_text()
    assert took < 10
    [(_, replied, claimed_by)] = await inbox_rows(database_url)
    assert not replied and claimed_by is None  # handed back, not left to its lease

    del fake.holds[("sendMessage", str(RESIDENT))]
    stuck.set()
    before = len(fake.sent_to(RESIDENT))
    second = await polling_bot(tmp_path / "b", fake, database_url)
    try:
        for _ in range(200):  # well inside the 30 s lease the claim would have held
            if (await inbox_rows(database_url))[0][1]:
                break
            await asyncio.sleep(0.1)
        assert (await inbox_rows(database_url))[0][:2] == (True, True)
        assert len(fake.sent_to(RESIDENT)) > before  # the resident got the reply
    finally:
        await second.stop()
    assert second.process.returncode == 0, second.log.read_text()
