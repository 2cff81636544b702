"""On a 360 px phone, a reviewer sees the flow picture whole, the current step marked,
and the one-press approval within reach, in Vietnamese and in English."""

from urllib.parse import urlsplit

from playwright.async_api import Route

from tests.review.test_casework import open_case
from tests.webchat.conftest import browser  # noqa: F401  (a fixture)

PHONE = {"width": 360, "height": 740}


async def opened(console, browser, path: str):  # noqa: F811
    """Chromium asks the app in this process, through the signed-in test client."""
    context = await browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = await context.new_page()

    async def answer(route: Route) -> None:
        parts = urlsplit(route.request.url)
        reply = await console.client.get(parts.path + (f"?{parts.query}" if parts.query else ""))
        await route.fulfill(status=reply.status_code, body=reply.content,
                            headers={k: v for k, v in reply.headers.items()
                                     if k.lower() != "content-length"})

    await page.route("http://ward.test/**", answer)
    await page.goto(f"http://ward.test{path}")
    return context, page


async def test_the_flow_fits_a_360_px_phone_with_the_current_step_marked(console,
                                                                           browser):  # noqa: F811
    case = await open_case(console, status="verified")
    await console.sign_in("phucxa.hung")
    for lang, current in (("vi", "Đã xác minh"), ("en", "Verified")):
        context, page = await opened(console, browser,
                                     f"/console/nominations/{case.reference}?lang={lang}")
        flow = page.locator("nav.flow")
        box = await flow.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
        assert await flow.evaluate("e => e.scrollWidth <= e.clientWidth")
        marked = page.locator('.flow [aria-current="step"]')
        assert (await marked.inner_text()).strip() == current
        assert await marked.evaluate("e => getComputedStyle(e).backgroundColor") == \
            "rgb(200, 16, 46)"  # the current step stands out in the ward's red
        for step in await page.locator(".flow-step").all():
            step_box = await step.bounding_box()
            assert step_box is not None and step_box["x"] + step_box["width"] <= 360
        approve = page.locator(".approve-now button")
        button = await approve.bounding_box()
        assert button is not None and button["x"] + button["width"] <= 360
        assert button["height"] >= 40  # a thumb's size
        await context.close()
