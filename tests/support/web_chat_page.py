"""A resident's two gestures in the web chat page under Chromium: tap a choice, say words."""

from playwright.async_api import Page


async def tap(page: Page, label: str) -> None:
    await page.locator(".chip", has_text=label).first.click()


async def say(page: Page, words: str) -> None:
    await page.fill("#text", words)
    await page.click("#send")
