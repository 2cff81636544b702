"""A resident sends camera photos from a phone on slow mobile data: the page makes them
small before they travel, shows how far the upload is with a way to cancel, and keeps
other buttons still meanwhile. The time at 50 KB/s is in benchmarks/phone_photo.py."""

from pathlib import Path

import pytest
from PIL import Image
from playwright.async_api import Browser, Page, expect
from sqlalchemy import text

from storage.shared.db import make_engine
from tests.support.images import phone_photo
from tests.support.process import start_bot
from tests.support.web_chat_page import say, tap

pytestmark = [pytest.mark.process, pytest.mark.browser]
SIZE_OF_WHAT_IS_SENT = """
window.photoSizes = [];
const send = XMLHttpRequest.prototype.send;
XMLHttpRequest.prototype.send = function (body) {
  if (body instanceof FormData && body.get("photo")) window.photoSizes.push(body.get("photo").size);
  return send.call(this, body);
};
"""
DEED = "Ông Tuấn dũng cảm cùng người dân bắt giữ kẻ cướp giật túi xách của một cụ bà."


async def to_the_photo_step(page: Page) -> None:
    await tap(page, "Tôi đồng ý")
    await tap(page, "Cá nhân")
    await say(page, "Nguyễn Văn Tuấn")
    await say(page, "Bảo vệ dân phố")
    await say(page, "Phường Kim Mã")
    await say(page, "Số 2 phố Kim Mã")
    await tap(page, "An ninh – trật tự")
    await say(page, DEED)
    await tap(page, "Hôm nay")
    await expect(page.locator("#log")).to_contain_text("ảnh minh chứng")


async def test_a_camera_photo_is_made_small_on_the_phone_and_kept_upright(
        browser: Browser, tmp_path: Path):
    sideways = Image.Exif()
    sideways[0x0112] = 6  # held upright: stored landscape, "turn 90° to view"
    camera = tmp_path / "IMG_20261120_101500.jpg"
    camera.write_bytes(phone_photo(exif=sideways.tobytes()))
    assert camera.stat().st_size > 3_400_000
    bot = await start_bot(tmp_path)
    try:
        page = await browser.new_page(viewport={"width": 360, "height": 740})
        await page.add_init_script(SIZE_OF_WHAT_IS_SENT)
        await page.goto(f"{bot.base_url}/chat")
        await to_the_photo_step(page)
        await page.set_input_files("#photo", str(camera))
        await expect(page.locator("#log")).to_contain_text("Đã nhận 1 ảnh", timeout=20_000)
        [sent] = await page.evaluate("window.photoSizes")
    finally:
        await bot.stop()

    assert sent < 420 * 1024, sent  # not 3.5 MB: under 10 s at 50 KB/s
    engine = make_engine(bot.database_url)
    async with engine.connect() as conn:
        width, height = (await conn.execute(text("SELECT width, height FROM photo"))).one()
    await engine.dispose()
    # Portrait, as it was held, and 2048 px: the server alone would keep 1920 × 2560.
    assert (width, height) == (1536, 2048)


async def test_an_upload_shows_its_progress_and_can_be_cancelled(browser: Browser,
                                                                  tmp_path: Path):
    camera = tmp_path / "IMG_20261120_101500.jpg"
    camera.write_bytes(phone_photo())
    bot = await start_bot(tmp_path)
    try:
        page = await browser.new_page(viewport={"width": 360, "height": 740})
        await page.goto(f"{bot.base_url}/chat")
        await to_the_photo_step(page)
        network = await page.context.new_cdp_session(page)
        await network.send("Network.enable")
        await network.send("Network.emulateNetworkConditions", {
            "offline": False, "latency": 150, "downloadThroughput": 50 * 1024,
            "uploadThroughput": 20 * 1024})  # slower than the slowest, to watch it go
        await page.set_input_files("#photo", str(camera))
        uploading = page.locator(".msg.uploading")
        await expect(uploading).to_contain_text("%")
        await expect(page.locator(".chip", has_text="Bỏ qua")).to_be_disabled()
        await expect(page.locator("#send")).to_be_disabled()
        await uploading.locator("button", has_text="Huỷ gửi ảnh").click()
        await expect(page.locator("#log")).to_contain_text("Đã huỷ gửi ảnh")
        await expect(uploading).to_have_count(0)
        await expect(page.locator(".chip", has_text="Bỏ qua")).to_be_enabled()
        await expect(page.locator("#send")).to_be_enabled()
    finally:
        await bot.stop()
    engine = make_engine(bot.database_url)
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM photo"))).scalar_one() == 0
    await engine.dispose()


async def test_a_file_that_is_not_a_picture_gets_its_message_and_no_empty_bubble(
        browser: Browser, tmp_path: Path):
    letter = tmp_path / "don-de-nghi.pdf"
    letter.write_bytes(b"%PDF-1.4 not a photo")
    bot = await start_bot(tmp_path)
    try:
        page = await browser.new_page(viewport={"width": 360, "height": 740})
        await page.goto(f"{bot.base_url}/chat")
        await to_the_photo_step(page)
        await page.set_input_files("#photo", str(letter))
        await expect(page.locator("#log")).to_contain_text("don-de-nghi.pdf")
        await expect(page.locator("#log .msg.bot").last).not_to_be_empty()
        assert await page.locator("#log .msg.me img").count() == 0
        empty = await page.locator("#log .msg").evaluate_all(
            "bubbles => bubbles.filter(b => !b.textContent.trim() && !b.querySelector('img'))"
            ".length")
        assert empty == 0
    finally:
        await bot.stop()
