"""Zalo polling outlives refused and failing getUpdates calls; in webhook mode, /readyz
asks Telegram whether our webhook is still the one registered."""


import pytest

from tests.health.test_polling_faults import readiness, until_ready_is
from tests.support.fake_telegram import TOKEN as TELEGRAM_TOKEN
from tests.support.fake_zalo import TOKEN, ZaloUser
from tests.support.process import start_bot

pytestmark = [pytest.mark.process, pytest.mark.timeout(120)]


async def test_zalo_polling_outlives_refusals_and_server_errors(fake_zalo, tmp_path):
    bot = await start_bot(tmp_path, ZALO_BOT_TOKEN=TOKEN, ZALO_API_BASE=fake_zalo.base_url,
                          ZALO_MODE="polling", POLL_LONGEST_WAIT_SECONDS="0.5")
    try:
        await fake_zalo.wait_for(lambda calls: any(c.method == "deleteWebhook"
                                                   for c in calls))
        fake_zalo.fail("getUpdates", 401, "Unauthorized", times=1000)
        report = await until_ready_is(bot, 503, seconds=30)
        assert report["parts"]["zalo"]["state"] == "unauthorized"
        fake_zalo.failures.clear()
        fake_zalo.fail("getUpdates", 500, "Internal Server Error", times=3)
        cuong = ZaloUser(fake_zalo, "c0ng", "Lý Văn Cường", webhook="")
        fake_zalo.updates.append(cuong.update("message.text.received", text="/start")["result"])
        await fake_zalo.wait_for(lambda _: len(fake_zalo.sent_to("c0ng")) >= 2)
        assert "dữ liệu cá nhân" in fake_zalo.sent_to("c0ng")[1].params["text"]
        code, report = await readiness(bot)
        assert (code, report["parts"]["zalo"]["state"]) == (200, "polling")
    finally:
        await bot.stop()
    log = bot.log.read_text()
    assert log.count("Zalo refuses the bot token") == 1
    assert "Traceback" not in log


async def test_readyz_says_when_telegram_no_longer_sends_to_our_webhook(fake, tmp_path):
    url = "https://ward.example/telegram/webhook"
    bot = await start_bot(tmp_path, TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN,
                          TELEGRAM_API_BASE=f"http://127.0.0.1:{fake.port}",
                          TELEGRAM_MODE="webhook", TELEGRAM_WEBHOOK_SECRET="s3cret-Token_1",
                          TELEGRAM_WEBHOOK_URL=url, INTAKE_WINDOW_SECONDS="3")
    try:
        await until_ready_is(bot, 200, "webhook")
        fake.webhook_url = "https://elsewhere.example/hook"  # someone set another webhook
        report = await until_ready_is(bot, 503)
        assert report["parts"]["telegram"]["state"] == "not registered"
        fake.webhook_url = url
        await until_ready_is(bot, 200, "webhook")
    finally:
        await bot.stop()
