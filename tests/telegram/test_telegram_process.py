"""The Telegram adapter, as a real `python -m bot` process against a fake Bot API server."""

import asyncio
import json

import httpx
import pytest
from sqlalchemy import text

from storage.shared.db import make_engine
from tests.support.fake_telegram import TOKEN, FakeTelegram, TelegramUser
from tests.support.images import jpeg, png, webp
from tests.support.process import start_bot

pytestmark = pytest.mark.process
DEED = ("Chị Mai tổ chức bếp ăn miễn phí mỗi trưa cho bệnh nhân nghèo và người nhà "
        "ở cổng bệnh viện suốt ba năm qua.")


async def rows(database_url: str, sql: str) -> list[tuple]:
    engine = make_engine(database_url)
    async with engine.connect() as conn:
        result = (await conn.execute(text(sql))).all()
    await engine.dispose()
    return [tuple(r) for r in result]


async def wait_for_polling(fake: FakeTelegram) -> None:
    for _ in range(200):
        if any(c.method == "deleteWebhook" for c in fake.calls):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the bot never started polling")


async def test_resident_nominates_with_an_album_over_polling(fake, tmp_path):
    api = f"http://127.0.0.1:{fake.port}"
    bot = await start_bot(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE=api)
    try:
        await wait_for_polling(fake)
        menus = [c for c in fake.calls if c.method == "setMyCommands"]
        assert {m.params.get("language_code") for m in menus} == {None, "en"}
        assert {c["command"] for c in menus[0].params["commands"]} >= {"start", "my", "cancel"}

        hoa = TelegramUser(fake, 8001)
        await hoa.say("/start")
        assert "dữ liệu cá nhân" in hoa.texts()
        await hoa.press("Tôi đồng ý")
        await hoa.press("Cá nhân")
        await hoa.say("Lê Thị Mai")
        await hoa.say("Tình nguyện viên bếp ăn")
        await hoa.say("ngoc ha")  # part of a ward's name on screen: that ward opens
        await hoa.press("✅ Chọn: Phường Ngọc Hà")
        await hoa.say("Cổng bệnh viện, phố Ngọc Hà")
        await hoa.press("An sinh xã hội")
        await hoa.say(DEED)
        await hoa.press("Hôm nay")
        await hoa.album([jpeg(), png(), webp()])
        acks = [c for c in hoa.last if "Đã nhận" in str(c.params.get("text", ""))]
        # One acknowledgement for the album, not one a photo.
        assert len(acks) == 1 and "Đã nhận 3 ảnh (tối đa 10 ảnh)" in acks[0].params["text"], \
            hoa.texts()
        await hoa.press("Xong")
        keyboard = hoa.last[-1].params
        await hoa.press("Dùng tên: Hoa Trần Thị")
        assert keyboard["text"].startswith("Họ và tên của bạn")
        contact_prompt = hoa.last[-1].params["reply_markup"]
        assert contact_prompt["keyboard"][0][0]["request_contact"] is True
        await hoa.share_contact("84912345678")
        assert hoa.last[0].params["reply_markup"] == {"remove_keyboard": True}
        await hoa.press("Tôi tự đề xuất")
        assert "3 ảnh" in hoa.texts()
        await hoa.press("Gửi đề xuất")
        assert "NTVT-2026-000001" in hoa.texts() or "NTVT-" in hoa.texts()
        # The outbox sender delivers the review card to Ngọc Hà's staff group, as its
        # first photo with the card as the caption.
        await fake.wait_for(lambda calls: any(
            c.method == "sendPhoto" and str(c.params["chat_id"]) == "-1001000000017"
            and "Đề xuất mới" in str(c.params.get("caption")) for c in calls))
        # (The group may also get last month's tally: the clock catches it up at a start.)
        [card] = [c for c in fake.calls if c.method == "sendPhoto"
                  and str(c.params["chat_id"]) == "-1001000000017"
                  and "Đề xuất mới" in str(c.params.get("caption"))]
        assert "Lê Thị Mai" in card.params["caption"] and "3 ảnh" in card.params["caption"]
        assert "09xx xxx 678" in card.params["caption"]
    finally:
        await bot.stop()

    nominations = await rows(bot.database_url,
                             "SELECT id, nominee_name, submitter_phone, channel FROM nomination")
    assert [n[1:] for n in nominations] == [("Lê Thị Mai", "+84912345678", "telegram")]
    photos = await rows(bot.database_url, "SELECT nomination_id FROM photo")
    assert photos == [(nominations[0][0],)] * 3
    notices = await rows(bot.database_url, "SELECT kind, chat_id, sent_at IS NOT NULL "
                         "FROM notification WHERE kind = 'review_card'")
    assert notices == [("review_card", "-1001000000017", True)]  # Ngọc Hà's staff group
    unprocessed = await rows(bot.database_url,
                             "SELECT count(*) FROM inbox_update WHERE processed_at IS NULL")
    assert unprocessed == [(0,)]


async def test_a_redelivered_update_changes_nothing(fake, tmp_path):
    bot = await start_bot(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN,
                          TELEGRAM_API_BASE=f"http://127.0.0.1:{fake.port}")
    try:
        await wait_for_polling(fake)
        hoa = TelegramUser(fake, 8002)
        await hoa.say("/start")
        await hoa.press("Tôi đồng ý")
        await hoa.press("Tập thể")
        sent = len(fake.sent_to(8002))
        update = await fake.push(hoa._message(text="Hội Phụ nữ phường Điện Biên"))
        await fake.wait_for_replies(8002, sent)
        # Telegram sends the same update again (e.g. after a timeout on its side).
        sent = len(fake.sent_to(8002))
        await fake.push(dict(update))
        await asyncio.sleep(1.5)
        assert len(fake.sent_to(8002)) == sent
    finally:
        await bot.stop()
    inbox = await rows(bot.database_url, "SELECT count(*) FROM inbox_update "
                       f"WHERE update_id = '{update['update_id']}'")
    assert inbox == [(1,)]
    names = await rows(bot.database_url, "SELECT draft FROM conversation")
    assert json.loads(names[0][0])["nominee_name"] == "Hội Phụ nữ phường Điện Biên"


async def test_webhook_refuses_a_wrong_secret_and_takes_each_update_once(fake, tmp_path):
    bot = await start_bot(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN,
                          TELEGRAM_API_BASE=f"http://127.0.0.1:{fake.port}",
                          TELEGRAM_MODE="webhook", TELEGRAM_WEBHOOK_SECRET="s3cret-Token_1",
                          TELEGRAM_WEBHOOK_URL="https://ward.example/telegram/webhook")
    url = f"{bot.base_url}/telegram/webhook"
    hoa = TelegramUser(fake, 8003)
    update = {"update_id": 555, **hoa._message(text="/start")}
    try:
        hooks = [c for c in fake.calls if c.method == "setWebhook"]
        assert hooks and hooks[0].params["secret_token"] == "s3cret-Token_1"
        async with httpx.AsyncClient() as client:
            wrong = await client.post(url, json=update,
                                      headers={"X-Telegram-Bot-Api-Secret-Token": "nope"})
            missing = await client.post(url, json=update)
            assert (wrong.status_code, missing.status_code) == (401, 401)
            assert await rows(bot.database_url, "SELECT count(*) FROM inbox_update") == [(0,)]
            good = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-Token_1"}
            assert (await client.post(url, json=update, headers=good)).status_code == 200
            await fake.wait_for_replies(8003, 0)
            sent = len(fake.sent_to(8003))
            assert (await client.post(url, json=update, headers=good)).status_code == 200
            await asyncio.sleep(1.0)
            assert len(fake.sent_to(8003)) == sent
    finally:
        await bot.stop()
    assert await rows(bot.database_url, "SELECT count(*) FROM inbox_update") == [(1,)]
