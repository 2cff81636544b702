""""Dữ liệu của tôi" in the web chat on the narrowest and the widest phones: what is
held and the four requests fit, and asking for a copy is acknowledged with its
reference, in Chromium."""

import pytest
from playwright.async_api import Browser, expect

from tests.support.process import start_bot
from tests.support.web_chat_page import on_a_phone, say, tap
from tests.webchat.test_phone_widths import check_layout

pytestmark = [pytest.mark.process, pytest.mark.browser]


async def test_my_data_fits_a_phone_and_a_request_is_acknowledged(browser: Browser, tmp_path):
    bot = await start_bot(tmp_path)
    try:
        for screen in ((320, 568), (412, 915)):
            context, page = await on_a_phone(browser, bot.base_url, screen)
            log = page.locator("#log")
            await expect(log).to_contain_text("dữ liệu cá nhân")
            await say(page, "dữ liệu của tôi")  # in words, at the notice
            await expect(log).to_contain_text("Phường chưa giữ dữ liệu nào của bạn")
            await expect(page.locator(".chip")).to_have_count(4)
            await check_layout(page, "my-data", screen)
            await tap(page, "Nhận bản sao đầy đủ")
            await expect(log).to_contain_text("Đã nhận yêu cầu DL-")
            await check_layout(page, "my-data-request", screen)
            await context.close()
    finally:
        await bot.stop()
