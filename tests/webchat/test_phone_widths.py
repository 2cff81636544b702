"""The web chat on the phones residents have: 320 to 412 px wide, and one turned sideways.

At each width a resident goes through the steps that crowd the screen most (a typed
answer that is no choice, the unit step's chips and its "Xem thêm", a name not found,
the phone step and a wrong number),
and at each of them nothing scrolls sideways, the text box and the send button are on
screen and big enough to tap, the chips keep to their own scrolling area, and the
question just asked is in view. Screenshots of every state are kept in test-artifacts/phone-widths/.
"""

from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from tests.conftest import ROOT
from tests.support.process import start_bot
from tests.support.web_chat_page import on_a_phone, say, tap

pytestmark = [pytest.mark.process, pytest.mark.browser]
SCREENS = [(320, 568), (360, 740), (390, 844), (412, 915), (740, 360)]
ARTIFACTS = ROOT / "test-artifacts" / "phone-widths"

LAYOUT = """() => {
  const box = (el) => { const r = el.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,
            width: r.width, height: r.height}; };
  const bots = document.querySelectorAll('.msg.bot');
  const input = document.getElementById('text');
  return {
    viewport: {width: window.innerWidth, height: window.innerHeight},
    scrollWidth: document.documentElement.scrollWidth,
    input: box(input), send: box(document.getElementById('send')),
    attach: box(document.querySelector('.attach')),
    chips: box(document.getElementById('chips')),
    log: box(document.getElementById('log')),
    question: bots.length ? box(bots[bots.length - 1]) : null,
    inputFont: parseFloat(getComputedStyle(input).fontSize),
    chipFont: Math.min(16, ...Array.from(document.querySelectorAll('.chip'),
                                         (c) => parseFloat(getComputedStyle(c).fontSize))),
  };
}"""


async def check_layout(page: Page, state: str, screen: tuple[int, int]) -> None:
    width, height = screen
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{width}x{height}-{state}.png"))
    m = await page.evaluate(LAYOUT)
    where = f"{width}x{height}, {state}"
    assert m["scrollWidth"] <= width, f"{where}: the page scrolls sideways ({m['scrollWidth']})"
    for name in ("input", "send", "attach"):
        part = m[name]
        assert part["left"] >= 0 and part["right"] <= width, f"{where}: {name} off screen"
        assert part["top"] >= 0 and part["bottom"] <= height, f"{where}: {name} off screen"
        assert part["height"] >= 44 and part["width"] >= 44, f"{where}: {name} too small"
    assert m["input"]["width"] >= width * 0.4, f"{where}: the text box is squeezed"
    assert m["inputFont"] >= 16 and m["chipFont"] >= 16, f"{where}: text under 16 px"
    assert m["chips"]["height"] <= height * 0.36, f"{where}: the chips take the screen"
    question, log = m["question"], m["log"]
    assert question is not None
    # The question just asked is in view: its end, and its start too when it fits.
    assert log["top"] <= question["bottom"] <= log["bottom"] + 1, f"{where}: question hidden"
    if question["height"] <= log["height"]:
        assert question["top"] >= log["top"] - 1, f"{where}: question cut off"


async def walk_the_crowded_steps(browser: Browser, base_url: str,
                                 screen: tuple[int, int]) -> None:
    context, page = await on_a_phone(browser, base_url, screen)
    log = page.locator("#log")

    await expect(log).to_contain_text("dữ liệu cá nhân")
    await check_layout(page, "consent", screen)
    await say(page, "xin chào")  # not a choice: a short hint, the two choices still there
    await expect(log).to_contain_text("Bạn chạm vào một lựa chọn, hoặc gõ số 1 hoặc 2.")
    await expect(page.locator(".chip")).to_have_count(2)
    await check_layout(page, "typed-hint", screen)
    await say(page, "đồng ý ạ")  # typed, as many do rather than tap
    await expect(log).to_contain_text("cá nhân hay một tập thể")
    await tap(page, "Cá nhân")
    await say(page, "Nguyễn Văn Tuấn")
    await expect(log).to_contain_text("làm nghề gì")
    await say(page, "Bảo vệ dân phố")
    await expect(log).to_contain_text("đơn vị nào")
    await expect(page.locator(".chip")).not_to_have_count(0)
    await check_layout(page, "units", screen)
    await say(page, "Sao Hỏa")
    await expect(log).to_contain_text("Không tìm thấy đơn vị")
    await check_layout(page, "unit-not-found", screen)
    await say(page, "Phường Kim Mã")
    await say(page, "Số 2 phố Kim Mã")
    await tap(page, "An ninh – trật tự")
    await say(page, "Ông Tuấn dũng cảm cùng người dân bắt giữ kẻ cướp giật túi xách của một cụ bà.")
    await tap(page, "Hôm nay")
    await expect(log).to_contain_text("ảnh minh chứng")
    await tap(page, "Bỏ qua")
    await tap(page, "Vẫn gửi không có ảnh")
    await say(page, "Trần Thị Hoa")
    text_box = page.locator("#text")
    await expect(text_box).to_have_attribute("type", "tel")
    await expect(log).not_to_contain_text("chia sẻ")  # the web has no share button
    await check_layout(page, "phone", screen)
    await say(page, "0123")
    await expect(log).to_contain_text("Số điện thoại chưa đúng")
    await expect(text_box).to_have_attribute("type", "tel")
    await expect(text_box).to_have_attribute("inputmode", "tel")
    await check_layout(page, "phone-mistake", screen)
    await context.close()


async def test_every_crowded_step_fits_every_phone(browser: Browser, tmp_path: Path):
    bot = await start_bot(tmp_path)
    try:
        for screen in SCREENS:
            await walk_the_crowded_steps(browser, bot.base_url, screen)
    finally:
        await bot.stop()
