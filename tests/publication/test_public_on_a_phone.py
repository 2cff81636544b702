"""A neighbour opens the ward's exemplars from a link shared on Zalo, on a 360 px phone:
the list and a story with two wide photos fit the screen (nothing scrolls sideways, the
photos within it), the photos load, the page runs no script, and axe-core finds nothing
serious, in Vietnamese and in English. Screenshots in test-artifacts/public-phone/."""

import pytest
from playwright.async_api import Browser, Page

from tests.conftest import ROOT
from tests.publication.helpers import (
    add_photo,
    honoured,
    photo_ids,
    publication,
    publish_through_console,
)
from tests.support.console_page import served
from tests.webchat.conftest import browser  # noqa: F401  (a fixture)
from tests.webchat.test_accessibility import serious_violations

pytestmark = [pytest.mark.browser]
PHONE = (360, 740)
ARTIFACTS = ROOT / "test-artifacts" / "public-phone"

LAYOUT = """() => ({
  scrollWidth: document.documentElement.scrollWidth,
  scripts: document.scripts.length,
  images: Array.from(document.images, (img) => {
    const r = img.getBoundingClientRect();
    return {left: r.left, right: r.right, loaded: img.complete && img.naturalWidth > 0,
            alt: img.alt};
  }),
  h1: document.querySelectorAll('h1').length,
  lang: document.documentElement.lang,
})"""


async def check(page: Page, state: str, *, images: int) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{state}.png"), full_page=True)
    m = await page.evaluate(LAYOUT)
    assert m["scrollWidth"] <= PHONE[0], f"{state}: scrolls sideways ({m['scrollWidth']})"
    assert m["scripts"] == 0 and m["h1"] == 1 and m["lang"] in ("vi", "en")
    assert len(m["images"]) == images
    for image in m["images"]:
        assert image["loaded"] and image["alt"], f"{state}: {image}"
        assert image["left"] >= 0 and image["right"] <= PHONE[0], f"{state}: {image}"
    assert await serious_violations(page, state) == []


async def test_the_list_and_a_story_fit_a_360_px_phone(db, console, browser: Browser):  # noqa: F811
    nomination_id = await honoured(db, console.media, photos=0,
                                   name="Nguyễn Thị Thanh Hương Trần Hoàng Phương")
    for width, height in ((2400, 1600), (1200, 1800)):  # as phones take them
        await add_photo(db, console.media, nomination_id, width=width, height=height)
    await console.sign_in("phucxa.hung")
    await publish_through_console(
        console, nomination_id, photos=tuple(await photo_ids(db, nomination_id)),
        headline="Bà Hương – người mười năm liền quét dọn, trồng hoa trên phố Phúc Xá")
    slug = (await publication(db, nomination_id)).slug
    async with served(console.app) as base_url:
        context = await browser.new_context(viewport={"width": PHONE[0], "height": PHONE[1]},
                                            is_mobile=True, has_touch=True, bypass_csp=True)
        page = await context.new_page()
        for lang in ("vi", "en"):
            await page.goto(f"{base_url}/guong-sang?lang={lang}")
            await check(page, f"list-{lang}", images=1)
            await page.click(f"a[href='/guong-sang/{slug}']")
            await page.wait_for_load_state("networkidle")
            await check(page, f"story-{lang}", images=2)
        await context.close()
