"""Ward staff live on their phones: on a 360 px screen every console page, from signing
in to each page the header links to and the pages a nomination and a privacy request
open, fits the screen (nothing scrolls the page sideways; a wide table scrolls in its own
box), the header's links are all on screen, and every button and field is big enough to
tap, and axe-core finds nothing serious (a table's scrolling box takes the keyboard's
focus); then all of it again in English, picked once in the header and still English after
signing out and in again. Screenshots are kept in test-artifacts/console-phone/."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.async_api import Browser, Page, expect

from storage.models import PrivacyRequest
from tests.conftest import ROOT
from tests.support.authenticator import Authenticator
from tests.support.console import console  # noqa: F401  (a fixture)
from tests.support.console_page import served, sign_in
from tests.support.nominations import add_nomination
from tests.webchat.test_accessibility import serious_violations

pytestmark = [pytest.mark.browser]
PHONE = (360, 740)
ARTIFACTS = ROOT / "test-artifacts" / "console-phone"

LAYOUT = """() => {
  const seen = (el) => { const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden'; };
  const box = (el) => { const r = el.getBoundingClientRect();
    return {what: (el.innerText || el.value || el.name || el.tagName).trim().slice(0, 40),
            left: r.left, right: r.right, height: r.height}; };
  // What sits in a table is reached by scrolling the table's own box, checked whole.
  const pick = (selector, inTables) => Array.from(document.querySelectorAll(selector))
    .filter((el) => seen(el) && (inTables || !el.closest('table'))).map(box);
  return {
    scrollWidth: document.documentElement.scrollWidth,
    nav: pick('.console-head a, .console-head button'),
    buttons: pick('main button, main input[type=submit]'),
    tappable: pick('main button, main input[type=submit]', true),
    fields: pick('main input:not([type=checkbox]):not([type=radio]):not([type=hidden]), '
                 + 'main select, main textarea'),
    tables: pick('main table:not(.table-wrap > table), main .table-wrap'),
  };
}"""


HEADER = "() => { const h = document.querySelector('.console-head'); " \
         "return h ? h.getBoundingClientRect().height : 0; }"


async def open_menu(page: Page) -> None:
    """On a phone the header's links are behind its menu button: one tap shows them."""
    toggle = page.locator(".console-head .nav-toggle")
    if await toggle.count() and await toggle.get_attribute("aria-expanded") == "false":
        await toggle.click()
        await expect(toggle).to_have_attribute("aria-expanded", "true")


async def check(page: Page, name: str) -> None:
    width = PHONE[0]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name.replace('/', '_')}.png"), full_page=True)
    if await page.locator(".console-head").count():
        # Folded, the header is one line, the page's own title right under it.
        assert await page.evaluate(HEADER) <= 64, f"{name}: the header takes the screen"
        await open_menu(page)
        await page.screenshot(path=str(ARTIFACTS / f"{name.replace('/', '_')}-menu.png"))
    found = await serious_violations(page, name)
    assert found == [], "\n".join(found)
    m = await page.evaluate(LAYOUT)
    assert m["scrollWidth"] <= width, f"{name}: the page scrolls sideways ({m['scrollWidth']})"
    for part in m["nav"] + m["buttons"] + m["fields"] + m["tables"]:
        assert part["left"] >= 0 and part["right"] <= width + 0.5, f"{name}: {part} off screen"
    for part in m["nav"] + m["tappable"] + m["fields"]:
        assert part["height"] >= 44, f"{name}: {part['what']!r} is too small to tap"


async def seed(db) -> str:
    now = datetime.now(UTC)
    async with db.sessions() as session:
        found = await add_nomination(
            session, unit="phuc-xa", name="Nguyễn Thị Phương Thảo Nguyên",
            deed="Bà Thảo đã nhiều năm liền tự nguyện dọn vệ sinh ngõ 12 và vận động các "
                 "hộ gia đình phân loại rác tại nguồn. " * 4, created_at=now - timedelta(hours=3))
        session.add(PrivacyRequest(reference="YC-2026-0001", kind="correct", channel="telegram",
                                   user_id="9001", chat_id="9001", detail="Sửa tên tôi.",
                                   created_at=now, acknowledge_by=now + timedelta(days=2),
                                   settle_by=now + timedelta(days=30)))
        await session.commit()
        return found.reference


async def visit_everything(page: Page, base_url: str, extra: list[str],
                           language: str) -> list[str]:
    """Every page the header links to, then `extra`, each in `language`; their paths."""
    await page.goto(f"{base_url}/console")
    links = await page.eval_on_selector_all(
        ".console-head a[href^='/console']:not([hreflang])",
        "links => links.map(a => a.getAttribute('href'))")
    visited = []
    for path in dict.fromkeys([*links, *extra]):
        answer = await page.goto(f"{base_url}{path}")
        assert answer is not None and answer.ok, f"{path}: {answer and answer.status}"
        assert await page.get_attribute("html", "lang") == language, path
        name = path.strip("/").replace("console", "").strip("/") or "queue"
        await check(page, f"{language}-{name}")
        visited.append(path)
    return visited


async def test_every_console_page_fits_a_360_px_phone(browser: Browser, console):  # noqa: F811
    reference = await seed(console.db)
    apps: dict[str, Authenticator] = {}
    async with served(console.app) as base_url:
        for username, extra in [
                ("admin", [f"/console/nominations/{reference}", "/console/broadcasts",
                           "/console/dashboard?month=2026-10", "/console/admin/staff",
                           "/console/account/chat"]),
                ("tuphap.thu", ["/console/privacy/YC-2026-0001",
                                "/console/privacy/YC-2026-0001/export.html"])]:
            context = await browser.new_context(
                viewport={"width": PHONE[0], "height": PHONE[1]}, is_mobile=True,
                has_touch=True, bypass_csp=True)  # axe comes in inline
            page = await context.new_page()
            await sign_in(page, base_url, username, apps, check)
            assert page.url.endswith("/console"), page.url
            visited = await visit_everything(page, base_url, extra, "vi")
            assert "/console/dashboard" in visited and len(visited) >= 8
            await page.goto(f"{base_url}/console/dashboard")  # its charts: drawn and shown
            charts = page.locator("img.chart")
            assert await charts.count() >= 5
            for index in range(await charts.count()):
                chart = charts.nth(index)
                await chart.scroll_into_view_if_needed()
                await expect(chart).to_have_js_property("complete", True)
                assert await chart.evaluate("img => img.naturalWidth") > 0
                box = await chart.bounding_box()
                assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE[0]
            # The same pages in English, chosen once from the header and kept after.
            await page.goto(f"{base_url}/console")
            await open_menu(page)
            await page.click(".console-head a[hreflang=en]")
            await expect(page.locator("h1")).to_have_text("Nominations")
            await visit_everything(page, base_url, extra, "en")
            # Signed out and in again (the code step this time): still in English.
            await page.goto(f"{base_url}/console")
            await open_menu(page)
            await page.click(".console-head button[type=submit]")
            await expect(page.locator("h1")).to_have_text("Staff sign-in")
            await sign_in(page, base_url, username, apps, check)
            assert await page.get_attribute("html", "lang") == "en"
            await expect(page.locator("h1")).to_have_text("Nominations")
            await context.close()
