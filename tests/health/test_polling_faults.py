"""Telegram polling, as a real process against the fake Bot API: whatever getUpdates
answers (409, 401, 500, a dropped connection), polling goes on and the next resident is
answered; /readyz tells when the channel is down, and when it is back."""

import asyncio

import httpx
import pytest

from tests.support.fake_telegram import TOKEN, FakeTelegram, TelegramUser
from tests.support.process import BotProcess, start_bot

pytestmark = [pytest.mark.process, pytest.mark.timeout(180)]
CONSENT = "dữ liệu cá nhân"  # in the first answer to /start


async def polled(fake: FakeTelegram, after: int = 0, seconds: float = 20) -> None:
    for _ in range(int(seconds * 20)):
        if len(fake.polls) > after:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the bot never called getUpdates")


async def readiness(bot: BotProcess) -> tuple[int, dict]:
    async with httpx.AsyncClient() as client:
        answer = await client.get(f"{bot.base_url}/readyz", timeout=10)
    return answer.status_code, answer.json()


async def until_ready_is(bot: BotProcess, status: int, telegram: str | None = None,
                         seconds: float = 30) -> dict:
    """Until /readyz answers `status` (and Telegram's intake is in the state given)."""
    for _ in range(int(seconds * 10)):
        code, report = await readiness(bot)
        if code == status and (telegram is None
                               or report["parts"]["telegram"]["state"] == telegram):
            return report
        await asyncio.sleep(0.1)
    raise AssertionError(f"/readyz never answered {status}: {report}")


async def test_polling_outlives_every_answer_getupdates_may_give(fake, tmp_path):
    bot = await start_bot(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN,
                          TELEGRAM_API_BASE=f"http://127.0.0.1:{fake.port}",
                          POLL_LONGEST_WAIT_SECONDS="1")
    troubles = {
        "409": lambda: [fake.fail("getUpdates", "", 409, "Conflict: terminated by other "
                                  "getUpdates request; make sure that only one bot instance "
                                  "is running") for _ in range(3)],
        "401": lambda: fake.fail("getUpdates", "", 401, "Unauthorized"),
        "500": lambda: fake.fail("getUpdates", "", 500, "Internal Server Error"),
        "dropped": lambda: fake.drops.update(getUpdates=1),
    }
    try:
        await polled(fake)
        for number, (name, trouble) in enumerate(troubles.items()):
            refused, dropped = len(fake.refused), fake.drops.get("getUpdates", 0)
            trouble()
            for _ in range(400):  # until the poller has met it
                if len(fake.refused) > refused or fake.drops.get("getUpdates", 0) < dropped \
                        or (name == "dropped" and fake.drops["getUpdates"] == 0):
                    break
                await asyncio.sleep(0.05)
            resident = TelegramUser(fake, 8100 + number)
            await resident.say("/start")
            assert CONSENT in resident.texts(), name
    finally:
        await bot.stop()
    log = bot.log.read_text()
    assert log.count("refuses the bot token") == 1
    assert log.count("another getUpdates consumer polls this bot") == 1  # 3 tries, 1 line
    assert "Traceback" not in log


async def test_readyz_goes_503_while_telegram_refuses_the_token_and_back(fake, tmp_path):
    bot = await start_bot(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN,
                          TELEGRAM_API_BASE=f"http://127.0.0.1:{fake.port}",
                          POLL_LONGEST_WAIT_SECONDS="0.5")
    try:
        await polled(fake)
        report = await until_ready_is(bot, 200, "polling")
        assert report["parts"]["database"]["state"] == "ok"
        for _ in range(10_000):  # until the test says otherwise
            fake.fail("getUpdates", "", 401, "Unauthorized")
        report = await until_ready_is(bot, 503)
        telegram = report["parts"]["telegram"]
        assert (telegram["alive"], telegram["state"], telegram["detail"]) == (
            False, "unauthorized", "401: Unauthorized")
        assert telegram["poller"]["process"].endswith(f":{bot.process.pid}")
        assert report["parts"]["database"]["alive"] is True
        fake.failures.clear()  # the token works again
        await until_ready_is(bot, 200, "polling")
        resident = TelegramUser(fake, 8200)
        await resident.say("/start")
        assert CONSENT in resident.texts()
        async with httpx.AsyncClient() as client:
            metrics = (await client.get(f"{bot.base_url}/metrics")).text
        assert 'ntvt_up{part="telegram"} 1.0' in metrics
        assert 'ntvt_inbox_waiting{channel="telegram"}' in metrics
        assert 'ntvt_outbox_failed{channel="telegram"} 0.0' in metrics
    finally:
        await bot.stop()
