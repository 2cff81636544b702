"""On slow mobile data every round trip costs about two seconds, so the chat page comes
with its first question already in it, styled by the stylesheet it carries: a phone with
no script yet (or none at all) shows the question. The inline style is allowed by its
hash in the page's Content-Security-Policy, and nothing else inline is."""

import base64
import hashlib
import re
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, expect

from tests.support.process import start_bot

pytestmark = [pytest.mark.process, pytest.mark.browser]


async def test_the_first_question_comes_in_the_page_itself(browser: Browser, tmp_path: Path):
    bot = await start_bot(tmp_path)
    try:
        async with httpx.AsyncClient(base_url=bot.base_url) as phone:
            page = await phone.get("/chat")
        html = page.text
        log = html[html.index('<section id="log"'):html.index("</section>")]
        assert "dữ liệu cá nhân" in log and 'data-opened="1"' in log
        assert 'data-payload="consent:yes"' in html
        assert 'rel="stylesheet"' not in html  # one round trip, not two
        [style] = re.findall(r"<style>(.*?)</style>", html, flags=re.DOTALL)
        digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
        policy = page.headers["content-security-policy"]
        assert f"style-src 'self' 'sha256-{digest}';" in policy
        assert "unsafe-inline" not in policy

        no_script = await browser.new_context(viewport={"width": 360, "height": 740},
                                              is_mobile=True, java_script_enabled=False)
        shown = await no_script.new_page()
        refused: list[str] = []
        shown.on("console", lambda message: refused.append(message.text)
                 if "Content Security Policy" in message.text else None)
        await shown.goto(f"{bot.base_url}/chat")
        await expect(shown.locator("#log .msg.bot").first).to_be_visible()
        await expect(shown.locator("#log")).to_contain_text("dữ liệu cá nhân")
        head = shown.locator(".chat-head")
        assert await head.evaluate("e => getComputedStyle(e).backgroundColor") \
            == "rgb(200, 16, 46)", "the inline stylesheet was applied"
        assert not refused, refused
        await no_script.close()
    finally:
        await bot.stop()
