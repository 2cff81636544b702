"""The ward's portal adds the chat with one <script> line. On the portal (another site:
localhost here, the chat on 127.0.0.1), a phone shows a round button; it opens the chat
in a panel, and a resident answers there, her session kept by the frame. A portal that
is not in EMBED_ORIGINS gets no chat in its frame, and the console is framed by nobody.
The console's page for administrators gives the line to paste."""

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, expect

from tests.support.console import PASSWORD
from tests.support.process import BotProcess, free_port, set_password, signed_in, start_bot

pytestmark = [pytest.mark.process, pytest.mark.browser]
PORTAL_PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Cổng thông tin
phường Ngọc Hà</title></head><body><h1>Phường Ngọc Hà</h1><p>Tin tức của phường.</p>
{snippet}</body></html>"""


async def portal(html: str, port: int) -> asyncio.Server:
    """A ward portal: one static page."""
    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        body = html.encode()
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                     b"Content-Length: " + str(len(body)).encode() + b"\r\n"
                     b"Connection: close\r\n\r\n" + body)
        await writer.drain()
        writer.close()

    return await asyncio.start_server(answer, "127.0.0.1", port)


@pytest.fixture
async def chat(tmp_path: Path) -> AsyncIterator[tuple[BotProcess, int]]:
    allowed = free_port()
    bot = await start_bot(tmp_path, EMBED_ORIGINS=f"http://localhost:{allowed}")
    try:
        yield bot, allowed
    finally:
        await bot.stop()


def snippet(bot: BotProcess) -> str:
    return f'<script src="{bot.base_url}/embed.js" data-lang="vi" defer></script>'


async def test_a_resident_answers_in_the_chat_on_the_portal(browser: Browser, chat):
    bot, port = chat
    server = await portal(PORTAL_PAGE.format(snippet=snippet(bot)), port)
    context = await browser.new_context(viewport={"width": 360, "height": 740},
                                        is_mobile=True, has_touch=True)
    try:
        page = await context.new_page()
        await page.goto(f"http://localhost:{port}/")
        button = page.get_by_role("button", name="Đề xuất Người tốt, việc tốt")
        await expect(button).to_be_visible()
        box = await button.bounding_box()
        assert box is not None and box["width"] >= 44 and box["x"] + box["width"] <= 360
        await button.click()
        frame = page.frame_locator("iframe")
        await expect(frame.locator("#log")).to_contain_text("dữ liệu cá nhân")
        await frame.locator(".chip", has_text="Tôi đồng ý").click()
        await expect(frame.locator("#log")).to_contain_text("cá nhân hay một tập thể")
        panel = await page.locator("[role=dialog]").bounding_box()
        assert panel is not None and panel["x"] >= 0 and panel["x"] + panel["width"] <= 360
        await page.get_by_role("button", name="Đóng khung trò chuyện").click()
        await expect(page.locator("iframe")).to_be_hidden()
    finally:
        await context.close()
        server.close()


async def test_a_portal_not_allowed_gets_no_chat_and_the_console_is_never_framed(
        browser: Browser, chat):
    bot, allowed = chat
    other = free_port()
    server = await portal(PORTAL_PAGE.format(snippet=snippet(bot)), other)
    context = await browser.new_context()
    try:
        page = await context.new_page()
        await page.goto(f"http://localhost:{other}/")
        await page.get_by_role("button", name="Đề xuất Người tốt, việc tốt").click()
        await page.wait_for_timeout(1500)
        framed = page.frames[-1]
        assert framed is not page.main_frame
        assert await framed.locator("#log").count() == 0, "the browser showed the chat"
    finally:
        await context.close()
        server.close()
    async with httpx.AsyncClient(base_url=bot.base_url) as client:
        chat_page = await client.get("/chat")
        console = await client.get("/console/login")
    assert f"frame-ancestors 'self' http://localhost:{allowed};" in \
        chat_page.headers["content-security-policy"]
    assert "x-frame-options" not in chat_page.headers
    assert "frame-ancestors 'self';" in console.headers["content-security-policy"]
    assert console.headers["x-frame-options"] == "SAMEORIGIN"


async def test_the_console_gives_administrators_the_line_to_paste(chat, tmp_path: Path):
    bot, allowed = chat
    await set_password(tmp_path, bot.database_url, "admin", PASSWORD)
    staff = await signed_in(bot.base_url, "admin", PASSWORD)
    try:
        shown = await staff.get("/console/embedding")
        assert shown.status_code == 200
        assert (f"&lt;script src=&#34;{bot.base_url}/embed.js&#34; data-lang=&#34;vi&#34; "
                "defer&gt;&lt;/script&gt;") in shown.text
        assert f"http://localhost:{allowed}" in shown.text
        assert 'href="/console/embedding"' in (await staff.get("/console")).text
    finally:
        await staff.aclose()
