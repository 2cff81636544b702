"""Zalo intake that holds, on real `python -m bot` processes: a refused token is said
once and shown in /readyz while the web chat serves; a Zalo that is down or failing at
start is waited for, then polled or registered with; the webhook stays ours."""

import asyncio

import httpx
import pytest

from tests.health.test_polling_faults import readiness
from tests.support.fake_zalo import SECRET, TOKEN, FakeZalo, ZaloUser
from tests.support.images import jpeg, png
from tests.support.process import BotProcess, free_port, start_bot
from tests.telegram.test_telegram_process import DEED

pytestmark = [pytest.mark.process, pytest.mark.timeout(120)]
OUR_HOOK = "https://phuong.example/zalo/webhook"
QUICK = {"POLL_LONGEST_WAIT_SECONDS": "0.3"}  # back-off capped low: tests stay fast


def zalo_settings(base_url: str, mode: str, token: str = TOKEN) -> dict[str, str]:
    webhook = {"ZALO_WEBHOOK_SECRET": SECRET, "ZALO_WEBHOOK_URL": OUR_HOOK} \
        if mode == "webhook" else {}
    return {"ZALO_BOT_TOKEN": token, "ZALO_API_BASE": base_url, "ZALO_MODE": mode,
            **webhook, **QUICK}


async def until_zalo_is(bot: BotProcess, state: str, seconds: float = 20
                        ) -> tuple[int, dict]:
    """Until /readyz shows the Zalo part in `state`: its status code and report."""
    for _ in range(int(seconds * 20)):
        code, report = await readiness(bot)
        if report["parts"].get("zalo", {}).get("state") == state:
            return code, report
        await asyncio.sleep(0.05)
    raise AssertionError(f"Zalo never was {state!r}: {report}")


def calls(fake: FakeZalo, method: str) -> list[str]:
    return [c.method for c in fake.calls if c.method.partition("!")[0] == method]


@pytest.mark.parametrize("mode", ["webhook", "polling"])
async def test_a_wrong_token_is_said_once_and_the_web_chat_keeps_serving(
        fake_zalo, tmp_path, mode):
    wrong = "2000000001:zalo-WRONG-token-7f3a"
    bot = await start_bot(tmp_path, **zalo_settings(fake_zalo.base_url, mode, wrong))
    try:
        code, report = await until_zalo_is(bot, "unauthorized")
        assert code == 503 and not report["parts"]["zalo"]["alive"]
        async with httpx.AsyncClient(base_url=bot.base_url) as browser:
            assert (await browser.get("/healthz")).status_code == 200
            assert (await browser.get("/chat")).status_code == 200
        await asyncio.sleep(1.5)  # several more refused tries, no more lines
        code, report = await readiness(bot)
        assert (code, report["parts"]["zalo"]["state"]) == (503, "unauthorized")
    finally:
        await bot.stop()
    log = bot.log.read_text()
    assert log.count("Zalo refuses the bot token") == 1
    assert "ZALO_BOT_TOKEN" in log and wrong not in log and "zalo-WRONG" not in log
    assert "Traceback" not in log


@pytest.mark.parametrize("mode", ["webhook", "polling"])
async def test_zalo_down_at_start_is_waited_for_then_used(tmp_path, mode):
    port = free_port()
    fake = FakeZalo()
    bot = await start_bot(tmp_path, **zalo_settings(f"http://127.0.0.1:{port}", mode))
    try:
        code, _ = await until_zalo_is(bot, "unreachable" if mode == "webhook"
                                           else "failing")
        assert code == 200  # trouble, not down, until the intake window has passed
        async with httpx.AsyncClient() as browser:
            assert (await browser.get(f"{bot.base_url}/chat")).status_code == 200
        await fake.start(port)  # Zalo is back
        code, _ = await until_zalo_is(bot, mode)
        assert code == 200
        assert calls(fake, "getMe")
        lan = ZaloUser(fake, "d0wn", "Nguyễn Thị Lan", webhook=f"{bot.base_url}/zalo/webhook")
        if mode == "webhook":
            assert fake.webhook_url == OUR_HOOK
            await lan.say("/start")
        else:
            fake.updates.append(lan.update("message.text.received", text="/start")["result"])
            await fake.wait_for(lambda _: len(fake.sent_to("d0wn")) >= 2)
        assert "dữ liệu cá nhân" in "\n".join(c.params["text"] for c in fake.sent_to("d0wn"))
    finally:
        await bot.stop()
        await fake.stop()
    log = bot.log.read_text()
    assert log.count("failed (") <= 2  # one line a minute, not one a try
    assert "Traceback" not in log


async def test_server_errors_at_start_are_outlived(fake_zalo, tmp_path):
    fake_zalo.fail("getMe", 502, "Bad Gateway", times=3)
    bot = await start_bot(tmp_path, **zalo_settings(fake_zalo.base_url, "polling"))
    try:
        code, _ = await until_zalo_is(bot, "polling")
        assert code == 200
        assert calls(fake_zalo, "getMe") == ["getMe!502"] * 3 + ["getMe"]
    finally:
        await bot.stop()


async def test_a_refused_set_webhook_is_tried_again_until_registered(fake_zalo, tmp_path):
    fake_zalo.fail("setWebhook", 500, "Internal Server Error", times=6)
    bot = await start_bot(tmp_path, **zalo_settings(fake_zalo.base_url, "webhook"))
    try:
        code, _ = await until_zalo_is(bot, "not registered")
        assert code == 503  # updates wait at Zalo: the part is down
        code, _ = await until_zalo_is(bot, "webhook")
        assert code == 200 and fake_zalo.webhook_url == OUR_HOOK
        assert calls(fake_zalo, "setWebhook") == ["setWebhook!500"] * 6 + ["setWebhook"]
        assert calls(fake_zalo, "getWebhookInfo")  # checked after registering
    finally:
        await bot.stop()
    assert bot.log.read_text().count("Zalo setWebhook failed") == 1


async def test_another_address_at_zalo_is_reported_then_ours_registered_again(
        fake_zalo, tmp_path):
    bot = await start_bot(tmp_path, **zalo_settings(fake_zalo.base_url, "webhook"),
                          INTAKE_WINDOW_SECONDS="1.5")  # asks getWebhookInfo every 0.5 s
    try:
        await until_zalo_is(bot, "webhook")
        fake_zalo.fail("setWebhook", 503, "Service Unavailable", times=4)
        fake_zalo.webhook_url = "https://elsewhere.example/hook"  # someone set another one
        code, _ = await until_zalo_is(bot, "not registered")
        assert code == 503
        code, _ = await until_zalo_is(bot, "webhook")
        assert code == 200 and fake_zalo.webhook_url == OUR_HOOK
    finally:
        await bot.stop()


@pytest.mark.parametrize("flat", [True, False], ids=["flat body", "wrapped body"])
async def test_webhook_bodies_flat_and_wrapped_with_text_and_photos(fake_zalo, tmp_path,
                                                                    flat):
    bot = await start_bot(tmp_path, **zalo_settings(fake_zalo.base_url, "webhook"))
    try:
        mai = ZaloUser(fake_zalo, "f1a7", "Trần Thị Mai", flat=flat,
                       webhook=f"{bot.base_url}/zalo/webhook")
        await mai.say("/start")
        assert "dữ liệu cá nhân" in mai.texts()
        for step in ("Tôi đồng ý", "Cá nhân"):
            await mai.choose(step)
        for answer in ("Lê Thị Mai", "Tình nguyện viên bếp ăn", "ngoc ha"):
            await mai.say(answer)
        await mai.choose("Phường Ngọc Hà")
        for answer in ("Cổng bệnh viện, phố Ngọc Hà", "an sinh xã hội", DEED):
            await mai.say(answer)
        await mai.choose("Hôm nay")
        await mai.photo(fake_zalo.photo_url("a.jpg", jpeg(800, 600)))
        assert "Đã nhận 1 ảnh" in mai.texts()
        await mai.photo(fake_zalo.photo_url("b.png", png()), field="photo_url")
        assert "Đã nhận 2 ảnh" in mai.texts()
        await mai.photo({"url": fake_zalo.photo_url("c.jpg", jpeg(640, 480))})
        assert "Đã nhận 3 ảnh" in mai.texts()
    finally:
        await bot.stop()


async def test_polling_takes_an_update_shaped_as_the_documented_sample(fake_zalo, tmp_path):
    bot = await start_bot(tmp_path, **zalo_settings(fake_zalo.base_url, "polling"))
    try:
        fake_zalo.updates.append({"message": {  # no event_name, the sender's first_name
            "chat": {"id": "e4ea2cd5", "chat_type": "PRIVATE"}, "text": "/start",
            "message_id": "16f6366b3f02645a3d15", "date": 1766619597466,
            "from": {"id": "e4ea2cd5", "first_name": "Nguyen Van A"}}})
        await fake_zalo.wait_for(lambda _: len(fake_zalo.sent_to("e4ea2cd5")) >= 2)
        texts = "\n".join(c.params["text"] for c in fake_zalo.sent_to("e4ea2cd5"))
        assert "dữ liệu cá nhân" in texts
        assert "chưa đọc được loại tin này" not in texts  # read as the text it is
    finally:
        await bot.stop()
