"""A resident on a phone reloads the chat, comes back to it, and gets a notice mid-dialog:
the page keeps what it showed, starts nothing new, and keeps the buttons they need."""

import json
from pathlib import Path

import pytest
from playwright.async_api import Browser, Route, expect

from tests.support.process import start_bot

pytestmark = [pytest.mark.process, pytest.mark.browser]


async def test_a_reload_keeps_the_history_and_offers_to_go_on(browser: Browser, tmp_path: Path):
    bot = await start_bot(tmp_path)
    try:
        page = await browser.new_page(viewport={"width": 360, "height": 740})
        await page.goto(f"{bot.base_url}/chat")
        log = page.locator("#log")
        await page.locator(".chip", has_text="Tôi đồng ý").click()
        await page.locator(".chip", has_text="Cá nhân").click()
        await page.fill("#text", "Nguyễn Văn Tuấn")
        await page.click("#send")
        await expect(log).to_contain_text("làm nghề gì")

        await page.reload()
        await expect(log).to_contain_text("đề xuất làm dở")
        await expect(log).to_contain_text("Nguyễn Văn Tuấn")  # what it showed before
        assert (await log.inner_text()).count("dữ liệu cá nhân") == 1  # not started again
        await page.locator(".chip", has_text="Tiếp tục").first.click()
        await expect(log.locator(".msg.bot").last).to_contain_text("làm nghề gì")
    finally:
        await bot.stop()


async def test_a_notice_mid_dialog_leaves_the_buttons(browser: Browser, tmp_path: Path):
    bot = await start_bot(tmp_path)
    try:
        page = await browser.new_page(viewport={"width": 360, "height": 740})
        decided = {"notices": [{"id": 7, "text": "Đề xuất NTVT-2026-000001 đã được công nhận.",
                                "buttons": [], "input_mode": "text"}], "last": 7}
        answered = []

        async def one_notice(route: Route) -> None:
            body = decided if not answered else {"notices": [], "last": 7}
            answered.append(route.request.url)
            await route.fulfill(status=200, content_type="application/json",
                                body=json.dumps(body))

        await page.goto(f"{bot.base_url}/chat")
        await page.locator(".chip", has_text="Tôi đồng ý").click()
        await expect(page.locator(".chip", has_text="Cá nhân")).to_be_visible()
        await page.route("**/chat/api/notices*", one_notice)
        await page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
        await expect(page.locator("#log")).to_contain_text("đã được công nhận")
        await expect(page.locator(".chip", has_text="Cá nhân")).to_be_visible()
        await page.locator(".chip", has_text="Cá nhân").click()
        await expect(page.locator("#log")).to_contain_text("Họ và tên người được đề xuất")
    finally:
        await bot.stop()
