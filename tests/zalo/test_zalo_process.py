"""The Zalo adapter, as a real `python -m bot` process whose webhook a fake Zalo feeds."""

import asyncio

import pytest

from tests.support.fake_zalo import SECRET, TOKEN, ZaloUser
from tests.support.images import jpeg, png
from tests.support.process import start_bot
from tests.support.zalo_processes import start_zalo_bot
from tests.telegram.test_telegram_process import DEED, rows

pytestmark = pytest.mark.process


async def test_resident_nominates_with_two_photos_on_zalo(fake_zalo, tmp_path):
    bot, webhook = await start_zalo_bot(fake_zalo, tmp_path)
    try:
        hooks = [c for c in fake_zalo.calls if c.method == "setWebhook"]
        assert hooks and hooks[0].params == {"url": "https://phuong.example/zalo/webhook",
                                             "secret_token": SECRET}
        lan = ZaloUser(fake_zalo, "7c1f0a9e2b", "Nguyễn Thị Lan", webhook=webhook)
        await lan.say("/start")
        assert "dữ liệu cá nhân" in lan.texts()
        assert "1. ✅ Tôi đồng ý" in lan.texts()  # buttons become numbered lines
        await lan.choose("Tôi đồng ý")
        await lan.choose("Cá nhân")
        await lan.say("Lê Thị Mai")
        await lan.say("Tình nguyện viên bếp ăn")
        await lan.say("ngoc ha")
        await lan.choose("Phường Ngọc Hà")
        await lan.say("Cổng bệnh viện, phố Ngọc Hà")
        await lan.say("an sinh xã hội")  # the words of a choice work as well as its number
        await lan.say(DEED)
        await lan.choose("Hôm nay")
        await lan.photo(fake_zalo.photo_url("cong-benh-vien.jpg", jpeg(800, 600)))
        assert "Đã nhận 1 ảnh (tối đa 10 ảnh)" in lan.texts()
        await lan.photo(fake_zalo.photo_url("bep-an.png", png()))
        assert "Đã nhận 2 ảnh (tối đa 10 ảnh)" in lan.texts()
        await lan.choose("Xong")
        await lan.choose("Dùng tên: Nguyễn Thị Lan")
        await lan.say("0912 345 678")  # no contact button on Zalo: typed
        await lan.choose("Tôi tự đề xuất")
        assert "2 ảnh" in lan.texts()
        await lan.choose("Gửi đề xuất")
        assert "NTVT-2026-" in lan.texts()
        await lan.say("/my")
        assert "Đã tiếp nhận, chờ xét" in lan.texts()
    finally:
        await bot.stop()

    nominations = await rows(bot.database_url, "SELECT id, nominee_name, submitter_phone, "
                             "channel, submitter_chat_id FROM nomination")
    assert [n[1:] for n in nominations] == [
        ("Lê Thị Mai", "+84912345678", "zalo", "7c1f0a9e2b")]
    photos = await rows(bot.database_url, "SELECT nomination_id FROM photo")
    assert photos == [(nominations[0][0],)] * 2
    notices = await rows(bot.database_url,
                         "SELECT kind, chat_id FROM notification WHERE nomination_id IS NOT NULL")
    assert notices == [("review_card", "-1001000000017")]  # Ngọc Hà's staff group
    assert all(len(c.params.get("text", "")) <= 2000 for c in fake_zalo.calls)


async def test_a_wrong_secret_is_refused_and_a_redelivered_event_changes_nothing(
        fake_zalo, tmp_path):
    bot, webhook = await start_zalo_bot(fake_zalo, tmp_path)
    try:
        binh = ZaloUser(fake_zalo, "9d2e", "Trần Văn Bình", webhook=webhook)
        start = binh.update("message.text.received", text="/start")
        wrong = await binh.post(start, secret="not-the-secret")
        missing = await binh.post(start, secret="")
        assert (wrong.status_code, missing.status_code) == (403, 403)
        assert await rows(bot.database_url, "SELECT count(*) FROM inbox_update") == [(0,)]

        await binh.deliver(start)
        answered = len(fake_zalo.sent_to("9d2e"))
        again = await binh.post(start)  # Zalo delivers the same event a second time
        assert again.status_code == 200
        await asyncio.sleep(1.0)
        assert len(fake_zalo.sent_to("9d2e")) == answered
    finally:
        await bot.stop()
    assert await rows(bot.database_url, "SELECT count(*) FROM inbox_update") == [(1,)]


async def test_a_sticker_gets_a_hint_and_keeps_the_step(fake_zalo, tmp_path):
    bot, webhook = await start_zalo_bot(fake_zalo, tmp_path)
    try:
        an = ZaloUser(fake_zalo, "a11", "Phạm An", webhook=webhook)
        await an.say("/start")
        await an.deliver(an.update("message.sticker.received", sticker="abc"))
        assert "1. ✅ Tôi đồng ý" in an.texts()  # the hint, then the same question again
    finally:
        await bot.stop()


async def test_polling_mode_for_development(fake_zalo, tmp_path):
    bot = await start_bot(tmp_path, ZALO_BOT_TOKEN=TOKEN, ZALO_API_BASE=fake_zalo.base_url,
                          ZALO_MODE="polling")
    try:
        await fake_zalo.wait_for(lambda calls: any(c.method == "deleteWebhook"
                                                   for c in calls))
        cuong = ZaloUser(fake_zalo, "c0ng", "Lý Văn Cường", webhook="")
        fake_zalo.updates.append(cuong.update("message.text.received", text="/start")["result"])
        await fake_zalo.wait_for(lambda _: len(fake_zalo.sent_to("c0ng")) >= 2)
        assert "dữ liệu cá nhân" in fake_zalo.sent_to("c0ng")[1].params["text"]
    finally:
        await bot.stop()
