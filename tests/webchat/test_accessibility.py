"""The web chat for a resident who uses a screen reader or a keyboard, on a phone.

A resident walks the whole chat at 360x740 (consent, the kind of nominee, a text
question, the unit step with its chips, a unit not found, the categories, the date, the
photo step, the phone step and a wrong number, the summary), and at every state axe-core
(vendored in tests/webchat/vendor/, pinned) finds nothing serious or critical. The bot's
messages land in a polite live region, so a screen reader reads each new one; and the
choices can be reached with Tab, show where the focus is, and answer to Enter.
"""

from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from tests.support.process import start_bot
from tests.support.web_chat_page import say, tap

pytestmark = [pytest.mark.process, pytest.mark.browser]
AXE_VERSION = "4.14.1"
AXE = Path(__file__).parent / "vendor" / f"axe-core-{AXE_VERSION}.min.js"
SCREEN = {"width": 360, "height": 740}
DEED = "Ông Tuấn dũng cảm cùng người dân bắt giữ kẻ cướp giật túi xách của một cụ bà."

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => n.target.join(' ') + ': ' + n.failureSummary)}));
}"""

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  return {tag: el.tagName, id: el.id, text: el.textContent.trim(), chip: el.matches('.chip'),
          outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth),
          boxShadow: style.boxShadow};
}"""


async def serious_violations(page: Page, state: str) -> list[str]:
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.add_script_tag(path=str(AXE))
        assert await page.evaluate("axe.version") == AXE_VERSION
    found = await page.evaluate(RUN_AXE)
    return [f"{state}: {v['id']} ({v['impact']}) {v['help']}\n    " + "\n    ".join(v["nodes"])
            for v in found if v["impact"] in ("serious", "critical")]


async def phone_page(browser: Browser, base_url: str) -> Page:
    # The page's own CSP allows no inline script; axe is injected as one, in the test only.
    context = await browser.new_context(viewport=SCREEN, is_mobile=True, has_touch=True,
                                        bypass_csp=True)
    page = await context.new_page()
    await page.goto(f"{base_url}/chat")
    return page


async def test_every_chat_state_has_no_serious_accessibility_violation(
        browser: Browser, tmp_path: Path):
    bot = await start_bot(tmp_path)
    try:
        page = await phone_page(browser, bot.base_url)
        log = page.locator("#log")
        found: list[str] = []

        async def check(state: str, shown: str) -> None:
            await expect(log).to_contain_text(shown)
            found.extend(await serious_violations(page, state))

        await check("consent", "dữ liệu cá nhân")
        await tap(page, "Tôi đồng ý")
        await expect(page.locator(".chip", has_text="Cá nhân")).to_be_visible()
        await check("nominee-kind", "Tôi đồng ý")
        await tap(page, "Cá nhân")
        await say(page, "Nguyễn Văn Tuấn")
        await check("text-question", "làm nghề gì")
        await say(page, "Bảo vệ dân phố")
        await expect(page.locator(".chip")).not_to_have_count(0)
        await check("units", "đơn vị nào")
        await say(page, "Sao Hỏa")
        await check("unit-not-found", "Không tìm thấy đơn vị")
        await say(page, "Phường Kim Mã")
        await say(page, "Số 2 phố Kim Mã")
        await expect(page.locator(".chip", has_text="An ninh – trật tự")).to_be_visible()
        await check("categories", "Số 2 phố Kim Mã")
        await tap(page, "An ninh – trật tự")
        await say(page, DEED)
        await expect(page.locator(".chip", has_text="Hôm nay")).to_be_visible()
        await check("date", DEED)
        await tap(page, "Hôm nay")
        await check("photo", "ảnh minh chứng")
        await tap(page, "Bỏ qua")
        await tap(page, "Vẫn gửi không có ảnh")
        await say(page, "Trần Thị Hoa")
        await expect(page.locator("#text")).to_have_attribute("type", "tel")
        await check("phone", "Trần Thị Hoa")
        await say(page, "0123")
        await check("phone-mistake", "Số điện thoại chưa đúng")
        await say(page, "0912 345 678")
        await tap(page, "Tôi tự đề xuất")
        await check("summary", "Kiểm tra lại đề xuất")
        assert not found, "axe-core found serious or critical violations:\n" + "\n".join(found)
    finally:
        await bot.stop()


async def test_new_bot_messages_are_announced(browser: Browser, tmp_path: Path):
    bot = await start_bot(tmp_path)
    try:
        page = await phone_page(browser, bot.base_url)
        log = page.locator("#log")
        await expect(log).to_contain_text("dữ liệu cá nhân")
        await expect(log).to_have_attribute("aria-live", "polite")
        label = await log.get_attribute("aria-label")
        assert label, "the live region has no name for a screen reader to say"
        await expect(log).to_have_accessible_name(label)
        before = await page.locator("#log .msg.bot").count()
        await tap(page, "Tôi đồng ý")
        await expect(page.locator("#log .msg.bot")).not_to_have_count(before)
        # The new question is inside the live region itself, not beside it.
        newest = page.locator(".msg.bot").last
        assert await newest.evaluate("(el) => el.closest('[aria-live=polite]') !== null")
        assert await page.locator("[aria-live]").count() >= 1
    finally:
        await bot.stop()


async def tab_to(page: Page, label: str) -> dict:
    """Tab from where the focus is until it is on the button saying LABEL; every stop on
    the way is returned too, to show what the keyboard can reach."""
    stops = []
    for _ in range(40):
        await page.keyboard.press("Tab")
        focused = await page.evaluate(FOCUSED)
        if focused is None:
            continue
        stops.append(focused)
        if focused["tag"] == "BUTTON" and label in focused["text"]:
            return focused
    raise AssertionError(f"Tab never reached {label!r}; it stopped on {stops}")


def visibly_focused(focused: dict) -> bool:
    outline = focused["outlineStyle"] != "none" and focused["outlineWidth"] > 0
    return outline or focused["boxShadow"] not in ("", "none")


async def test_every_choice_is_reachable_with_tab_and_answers_to_enter(
        browser: Browser, tmp_path: Path):
    bot = await start_bot(tmp_path)
    try:
        page = await phone_page(browser, bot.base_url)
        log = page.locator("#log")
        await expect(log).to_contain_text("dữ liệu cá nhân")

        async def by_keyboard(label: str, then: str) -> None:
            await expect(page.locator(".chip", has_text=label).first).to_be_visible()
            # Every chip on screen is a Tab stop, in order, not only the one wanted.
            chips = await page.locator(".chip").all_inner_texts()
            await page.locator("#text").focus()
            reached = []
            for _ in range(len(chips) + 10):
                await page.keyboard.press("Shift+Tab")
                focused = await page.evaluate(FOCUSED)
                if focused and focused["chip"]:
                    reached.append(focused["text"])
                    assert visibly_focused(focused), f"no visible focus on {focused}"
                if len(reached) == len(chips):
                    break
            assert sorted(reached) == sorted(c.strip() for c in chips)
            await page.evaluate("document.activeElement.blur()")
            focused = await tab_to(page, label)
            assert visibly_focused(focused), f"no visible focus on {focused}"
            await page.keyboard.press("Enter")
            await expect(log).to_contain_text(then)
            if await page.locator(".chip").count():  # focus goes on to the next choices
                await expect(page.locator(".chip").first).to_be_focused()

        await by_keyboard("Tôi đồng ý", "cá nhân hay một tập thể")
        await by_keyboard("Cá nhân", "Họ và tên người được đề xuất")
        await say(page, "Nguyễn Văn Tuấn")
        await say(page, "Bảo vệ dân phố")
        await say(page, "Phường Kim Mã")
        await say(page, "Số 2 phố Kim Mã")
        await by_keyboard("An ninh – trật tự", "Hãy kể người đó đã làm gì")
        await say(page, DEED)
        await by_keyboard("Hôm nay", "ảnh minh chứng")

        # The send button and the photo button are Tab stops too, with visible focus.
        await page.evaluate("document.activeElement.blur()")
        await tab_to(page, "Gửi")
        send = await page.evaluate(FOCUSED)
        assert send["id"] == "send" and visibly_focused(send)
        await page.locator("#text").focus()
        await page.keyboard.press("Shift+Tab")
        photo = await page.evaluate(FOCUSED)
        assert photo is not None and photo["id"] == "photo", photo
        photo_button = await page.evaluate("""() => { const s = getComputedStyle(
            document.querySelector('.attach')); return {outlineStyle: s.outlineStyle,
            outlineWidth: parseFloat(s.outlineWidth), boxShadow: s.boxShadow}; }""")
        assert visibly_focused(photo_button), photo_button
    finally:
        await bot.stop()
