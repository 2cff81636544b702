"""Long-running tasks that never end unseen: an end, by return or by exception, is
logged (with its traceback), shown as down in /readyz, and followed by a restart after a
back-off that grows while the task keeps failing soon after its start."""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from bot.health import Component
from bot.polling import Backoff

log = logging.getLogger(__name__)
# A task that ran at least this long before ending is restarted after the first wait.
_STEADY_SECONDS = 60.0


async def supervise(name: str, run: Callable[[], Awaitable[None]], component: Component, *,
                    first_wait: float = 1.0, longest_wait: float = 60.0) -> None:
    backoff = Backoff(first_wait, longest_wait)
    while True:
        started = time.monotonic()
        component.ok("running")
        try:
            await run()
            problem = "returned"
            log.error("background task %s ended", name)
        except Exception as exc:
            problem = f"failed: {exc!r}"[:200]
            log.exception("background task %s failed", name)
        if time.monotonic() - started >= _STEADY_SECONDS:
            backoff.reset()
        wait = backoff.next()
        component.down("ended", f"{problem}; restarting in {wait:.1f} s")
        log.info("restarting background task %s in %.1f s", name, wait)
        await asyncio.sleep(wait)
