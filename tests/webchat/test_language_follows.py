"""A resident picks English on the ward's home page: the chat she opens from it speaks
English, its own labels included, and keeps to it when she comes back. Picking Tiếng
Việt on the chat page, or in the chat itself, changes both the page and the dialog."""

from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from tests.media.web_visitor import WebVisitor
from tests.support.process import start_bot
from tests.support.web_chat_page import tap

pytestmark = [pytest.mark.process, pytest.mark.browser]


async def test_english_from_the_home_page_into_the_chat_and_back(browser: Browser,
                                                                 tmp_path: Path):
    bot = await start_bot(tmp_path)
    try:
        context = await browser.new_context(viewport={"width": 360, "height": 740},
                                            is_mobile=True, has_touch=True)
        page = await context.new_page()
        await page.goto(f"{bot.base_url}/?lang=en")
        await page.click("a.big-link")
        log = page.locator("#log")
        await expect(log).to_contain_text("Personal data notice")
        await expect(page.locator("h1")).to_have_text("Good people, good deeds: nominate")
        await expect(page.locator("#text")).to_have_attribute("placeholder", "Type your answer…")
        await expect(page.locator("#send")).to_have_text("Send")
        assert await page.locator("html").get_attribute("lang") == "en"
        await tap(page, "I agree")
        await expect(log).to_contain_text("a person or a group")

        await page.reload()  # coming back: still English
        await expect(page.locator("h1")).to_have_text("Good people, good deeds: nominate")

        await page.click("a[lang=vi]")
        await expect(page.locator("h1")).to_have_text("Đề xuất Người tốt, việc tốt")
        await expect(log).to_contain_text("Bạn muốn đề xuất một cá nhân hay một tập thể?")
        assert await page.locator("html").get_attribute("lang") == "vi"
        await context.close()
    finally:
        await bot.stop()


async def test_switching_in_the_chat_moves_the_page_too(tmp_path: Path):
    bot = await start_bot(tmp_path)
    lan = WebVisitor.at(bot.base_url)
    try:
        await lan.client.get("/chat", params={"lang": "vi"})
        await lan.say("/lang")
        await lan.press("English")
        assert lan.client.cookies["ntvt_lang"] == "en"
        page = await lan.client.get("/chat")
        assert "Good people, good deeds: nominate" in page.text
    finally:
        await lan.close()
        await bot.stop()
