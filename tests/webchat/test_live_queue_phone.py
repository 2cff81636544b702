"""Mai, a reviewer of Đội Cấn, has the queue open on a 360 px phone. A resident sends a
nomination through the web chat: it appears at the top of her queue without a reload,
counted in the page title and the nav, told by a browser notification she allowed, and
she opens it and takes it through to approved, in Chromium, against the real process."""

import re

import pytest
from playwright.async_api import Browser, expect

from tests.media.web_visitor import WebVisitor
from tests.support.console import PASSWORD
from tests.support.images import jpeg
from tests.support.process import set_password, start_bot

pytestmark = [pytest.mark.process, pytest.mark.browser, pytest.mark.timeout(300)]
PHONE = {"width": 360, "height": 740}
# The browser's notifications as the page sees them, with Mai's "allow" as her answer:
# headless Chromium shows none, so what the page asks for is recorded instead.
NOTIFICATIONS = """
window.__shown = [];
window.Notification = class {
  constructor(title, options) { window.__shown.push([title, options.body]); }
  static requestPermission() { window.Notification.permission = "granted";
                               return Promise.resolve("granted"); }
};
window.Notification.permission = "default";
"""


async def test_a_reviewer_on_a_phone_sees_new_work_live_and_approves_it(browser: Browser,
                                                                        tmp_path):
    bot = await start_bot(tmp_path)
    resident = WebVisitor.at(bot.base_url)
    context = await browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        await set_password(tmp_path, bot.database_url, "doican.mai", PASSWORD)
        await context.add_init_script(NOTIFICATIONS)
        page = await context.new_page()
        await page.goto(f"{bot.base_url}/console/login")
        await page.fill("input[name=username]", "doican.mai")
        await page.fill("input[name=password]", PASSWORD)
        await page.click("button[type=submit]")
        await expect(page).to_have_url(f"{bot.base_url}/console")
        await expect(page.locator("#live-new li")).to_have_count(0)
        await page.get_by_role("button", name="Báo cho tôi khi có việc mới").tap()
        await expect(page.locator("#live-status")).to_have_text(
            "Trình duyệt sẽ báo khi có việc mới.")

        await resident.up_to_the_photos(nominee="Nguyễn Văn Tuấn")
        await resident.photo(jpeg(), "vi.jpg")
        reference = await resident.send_as_the_proposer()

        # No reload: the feed puts it on the page, the title counts it.
        arrived = page.locator("#live-new li", has_text=reference)
        await expect(arrived).to_be_visible(timeout=15_000)
        await expect(arrived).to_contain_text("Nguyễn Văn Tuấn")
        await expect(page.locator("#live-bar")).to_be_visible()
        await expect(page).to_have_title(re.compile(r"^\(1\) "))
        await expect(page.locator(".console-head .live-badge")).to_have_text("1")
        assert await page.evaluate("window.__shown") == [
            [f"Đề xuất mới {reference}", "Nguyễn Văn Tuấn"]]
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the queue scrolls sideways: {width} px"

        await arrived.get_by_role("link", name=reference).tap()
        await expect(page).to_have_url(f"{bot.base_url}/console/nominations/{reference}")
        await page.locator("input[name=action][value=take]").check()
        await page.get_by_role("button", name="Lưu quyết định").tap()
        await expect(page.locator("main .status").first).to_have_text("Đang xem xét")
        # The verification moves it to verified in the same step (the box is ticked).
        verification = page.locator("form#verify")
        await verification.locator("input[name=checked_on]").fill("2026-12-04")
        await verification.locator("textarea[name=findings]").fill(
            "Tổ trưởng tổ 5 xác nhận tận nơi.")
        await verification.get_by_role("button", name="Lưu kết quả xác minh").tap()
        await expect(page.locator("main .status").first).to_have_text("Đã xác minh")
        await page.get_by_role("button", name="✅ Công nhận").tap()  # one press
        await expect(page.locator("main .status").first).to_have_text("Được công nhận")
        await expect(page.locator("form.decide")).to_have_count(0)  # nothing left to do
    finally:
        await context.close()
        await resident.close()
        await bot.stop()
