"""The console served on a real port for Chromium, and a staff member signing in to it in
the browser as they would on their phone (enrolling an authenticator app when asked)."""

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import uvicorn
from playwright.async_api import Page

from tests.support.authenticator import Authenticator
from tests.support.console import PASSWORD


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@asynccontextmanager
async def served(app: Any) -> AsyncIterator[str]:
    """The app on 127.0.0.1 in this test's event loop; its base URL."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", log_config=None))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


async def sign_in(page: Page, base_url: str, username: str, apps: dict[str, Authenticator],
                  check: Callable[[Page, str], Awaitable[None]] | None = None) -> None:
    """Password, then the code from the app (enrolling one on the first time); `check`
    looks at each step's page before it is filled in."""
    await page.goto(f"{base_url}/console/login")
    if check:
        await check(page, "login")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("main button[type=submit]")
    await page.wait_for_load_state()
    if "/two-factor/enrol" in page.url:
        secret = (await page.locator(".totp-secret").inner_text()).replace(" ", "")
        apps[username] = Authenticator(secret)
    if "/two-factor" in page.url:
        if check:
            await check(page, page.url.rsplit("/console/", 1)[1])
        await page.fill("input[name=code]", apps[username].code())
        await page.click("main button[type=submit]")
        await page.wait_for_load_state()
