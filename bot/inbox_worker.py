"""Processes inbox rows: one chat's updates in order, different chats side by side.

Rows arrive from the poller or a webhook right after their commit; at start, and every
`sweep_seconds`, rows a crash or an error left unprocessed are picked up again.
"""

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from contextlib import suppress

from storage.db import SessionFactory
from storage.inbox import PendingUpdate, mark_failed, pending_updates

log = logging.getLogger(__name__)
Process = Callable[[PendingUpdate], Awaitable[None]]


class InboxWorker:
    def __init__(self, channel: str, sessions: SessionFactory, process: Process,
                 *, sweep_seconds: float = 30.0) -> None:
        self.channel = channel
        self._sessions = sessions
        self._process = process
        self._sweep_seconds = sweep_seconds
        self._queues: dict[str, deque[PendingUpdate]] = {}
        self._known: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    def submit(self, item: PendingUpdate) -> None:
        if item.id in self._known:
            return
        self._known.add(item.id)
        queue = self._queues.get(item.chat_key)
        if queue is not None:
            queue.append(item)
            return
        self._queues[item.chat_key] = deque([item])
        task = asyncio.create_task(self._drain(item.chat_key))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _drain(self, chat_key: str) -> None:
        queue = self._queues[chat_key]
        while queue:
            item = queue[0]
            try:
                await self._process(item)
            except Exception as exc:
                log.exception("inbox update %s failed", item.id)
                async with self._sessions() as session:
                    await mark_failed(session, item.id, error=repr(exc))
                    await session.commit()
            finally:
                queue.popleft()
                self._known.discard(item.id)
        del self._queues[chat_key]

    async def recover(self) -> int:
        async with self._sessions() as session:
            found = await pending_updates(session, channel=self.channel, limit=1000)
        for item in found:
            self.submit(item)
        return len(found)

    async def run_sweeps(self) -> None:
        while True:
            await self.recover()
            await asyncio.sleep(self._sweep_seconds)

    async def idle(self) -> None:
        """Wait until everything submitted so far is processed (tests and shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        with suppress(asyncio.CancelledError):
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
