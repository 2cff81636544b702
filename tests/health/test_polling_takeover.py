"""Two processes on one PostgreSQL database, both with the Telegram token: Telegram allows
one getUpdates consumer per bot, so exactly one polls, the other stands by; killed -9,
the poller is replaced within seconds and residents are answered again."""

import asyncio

import httpx
import pytest

from tests.support.fake_telegram import TOKEN, FakeTelegram, TelegramUser
from tests.support.process import BotProcess, start_bot

pytestmark = [pytest.mark.process, pytest.mark.postgres, pytest.mark.timeout(240)]
CONSENT = "dữ liệu cá nhân"


async def pollers(fake: FakeTelegram, since: int = 0) -> set[str]:
    return {call.via for call in fake.polls[since:]}


async def until_polled_by(fake: FakeTelegram, via: str, since: int, seconds: float) -> None:
    for _ in range(int(seconds * 20)):
        if via in await pollers(fake, since):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{via} never polled; pollers: {await pollers(fake, since)}")


async def telegram_state(bot: BotProcess) -> tuple[int, str]:
    async with httpx.AsyncClient() as client:
        answer = await client.get(f"{bot.base_url}/readyz", timeout=10)
    return answer.status_code, answer.json()["parts"]["telegram"]["state"]


async def test_one_process_polls_and_the_other_takes_over_when_it_is_killed(
        fresh_postgres, fake, tmp_path):
    api = f"http://127.0.0.1:{fake.port}"
    bots: dict[str, BotProcess] = {}
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        # Each process calls the fake under its own prefix, so the fake tells who polls.
        bots[name] = await start_bot(tmp_path / name, DATABASE_URL=fresh_postgres,
                                     TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE=f"{api}/{name}",
                                     POLLING_TAKEOVER_SECONDS="0.5", up_within=90)
    try:
        await until_polled_by(fake, "a", 0, 20)
        start = len(fake.polls)
        await asyncio.sleep(3)  # several of the standby's tries for the lease
        assert await pollers(fake, start) == {"a"}
        assert await telegram_state(bots["b"]) == (200, "standby")
        async with httpx.AsyncClient() as client:
            seen_from_b = (await client.get(f"{bots['b'].base_url}/readyz")).json()
        poller = seen_from_b["parts"]["telegram"]["poller"]["process"]
        assert poller.endswith(f":{bots['a'].process.pid}")  # the standby names the poller
        hoa = TelegramUser(fake, 8301)
        await hoa.say("/start")
        assert CONSENT in hoa.texts()

        bots["a"].process.kill()  # kill -9: no goodbye, the lock's session just ends
        await bots["a"].process.wait()
        killed = len(fake.polls)
        await until_polled_by(fake, "b", killed, 15)
        assert await pollers(fake, killed) == {"b"}
        lan = TelegramUser(fake, 8302, first_name="Lan")
        await lan.say("/start")
        assert CONSENT in lan.texts()
        await hoa.press("Tôi đồng ý")  # the first resident goes on with the new poller
        assert "Cá nhân" in str(hoa.last[-1].params.get("reply_markup"))
        state = await telegram_state(bots["b"])
        for _ in range(100):
            if state == (200, "polling"):
                break
            await asyncio.sleep(0.1)
            state = await telegram_state(bots["b"])
        assert state == (200, "polling")
    finally:
        for bot in bots.values():
            await bot.stop()
    assert "this process holds the Telegram polling lease" in bots["b"].log.read_text()
