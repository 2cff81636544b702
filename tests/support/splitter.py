"""A webhook splitter on loopback: what a load balancer in front of several bot processes,
plus Telegram's own retries, does to the updates.

Each update goes to a random process's /telegram/webhook with the secret header, and is
delivered 1-3 times: a copy may go to another process, and may arrive while the first is
still being answered (Telegram retries a webhook that was slow to answer). A copy refused
or lost (a process killed mid-request) is sent again to another live process until one
answers 200, as Telegram keeps retrying an update until it is acknowledged.

Updates come in by `send()` (in-process) or by POST to the splitter's own URL.
"""

import asyncio
import random
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WEBHOOK_PATH = "/telegram/webhook"


@dataclass
class SplitterStats:
    updates: int = 0
    deliveries: int = 0  # POSTs answered 200
    refused: int = 0  # POSTs answered otherwise, or lost on the wire
    per_target: dict[str, int] = field(default_factory=dict)


class WebhookSplitter:
    def __init__(self, targets: list[str], secret: str, *, copies: tuple[int, int] = (1, 3),
                 seed: int | None = None, give_up_after: float = 120.0) -> None:
        self.targets = list(targets)  # base URLs of live processes; remove() a dead one
        self.secret = secret
        self.copies = copies
        self.stats = SplitterStats()
        self._random = random.Random(seed)
        self._give_up_after = give_up_after
        self._session: aiohttp.ClientSession | None = None
        self._runner: web.AppRunner | None = None
        self._extra: set[asyncio.Task[None]] = set()
        self.url = ""

    async def start(self) -> str:
        # One connection pool for all processes, large enough for hundreds of residents.
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=200, force_close=False),
            timeout=aiohttp.ClientTimeout(total=60))
        app = web.Application()
        app.router.add_post(WEBHOOK_PATH, self._receive)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}{WEBHOOK_PATH}"
        return self.url

    async def stop(self) -> None:
        await self.drain()
        if self._runner:
            await self._runner.cleanup()
        if self._session:
            await self._session.close()

    def remove(self, target: str) -> None:
        """A process the balancer no longer sends to (it died)."""
        self.targets.remove(target)

    async def drain(self) -> None:
        """Wait for the extra copies still on their way."""
        while self._extra:
            await asyncio.gather(*list(self._extra), return_exceptions=True)

    async def _receive(self, request: web.Request) -> web.Response:
        if request.headers.get(SECRET_HEADER) != self.secret:
            return web.Response(status=401)
        await self.send(await request.json())
        return web.Response(status=200)

    async def send(self, update: dict[str, Any]) -> None:
        """Returns once one copy has been acknowledged; the other copies follow on their own,
        a few milliseconds later, possibly overlapping the first."""
        self.stats.updates += 1
        for _ in range(self._random.randint(*self.copies) - 1):
            task = asyncio.create_task(self._later(update, self._random.uniform(0, 0.05)))
            self._extra.add(task)
            task.add_done_callback(self._extra.discard)
        await self._deliver(update)

    async def _later(self, update: dict[str, Any], delay: float) -> None:
        await asyncio.sleep(delay)
        await self._deliver(update)

    async def _deliver(self, update: dict[str, Any]) -> None:
        assert self._session is not None, "start() the splitter first"
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._give_up_after
        backoff = 0.05
        while True:
            if not self.targets:
                raise RuntimeError("no process left to deliver to")
            target = self._random.choice(self.targets)
            try:
                async with self._session.post(f"{target}{WEBHOOK_PATH}", json=update,
                                              headers={SECRET_HEADER: self.secret}) as answer:
                    await answer.read()
                    if answer.status == 200:
                        self.stats.deliveries += 1
                        self.stats.per_target[target] = self.stats.per_target.get(target, 0) + 1
                        return
            except (aiohttp.ClientError, TimeoutError):
                pass
            self.stats.refused += 1
            if loop.time() > deadline:
                raise RuntimeError(f"update {update.get('update_id')} never acknowledged")
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 1.0)
