"""A resident's two gestures in the web chat page under Chromium: tap a choice, say words."""

from playwright.async_api import Browser, BrowserContext, Page


async def on_a_phone(browser: Browser, base_url: str,
                     screen: tuple[int, int]) -> tuple[BrowserContext, Page]:
    """The chat page opened on a touch phone of this size; close the context after."""
    context = await browser.new_context(viewport={"width": screen[0], "height": screen[1]},
                                        is_mobile=True, has_touch=True)
    page = await context.new_page()
    await page.goto(f"{base_url}/chat")
    return context, page


async def tap(page: Page, label: str) -> None:
    await page.locator(".chip", has_text=label).first.click()


async def say(page: Page, words: str) -> None:
    await page.fill("#text", words)
    await page.click("#send")
