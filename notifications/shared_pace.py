"""One pace for a bot across every process on one PostgreSQL database.

Each send takes its slot with one statement on the shared `send_pace` table (see
storage/send_pace.py) and sleeps until it. Sends are spaced evenly on the database's
timeline: the bot's by period/limit, each chat's the same way, so no window of Telegram's
can hold one too many, whichever process sent them. A 429 pauses the bot for every process.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Coroutine
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from storage.send_pace import (
    BOT,
    Slot,
    ensure_rows,
    forget_idle_chats,
    pause,
    paused_for,
    take_slot,
)

log = logging.getLogger(__name__)

# A slot taken this close to now cannot have been overtaken by a pause worth a second look.
_RECHECK_AFTER = 0.05
_FORGET_EVERY = 600.0  # seconds between sweeps of chats that have gone quiet
_KNOWN_MAX = 50_000


class SharedPace:
    # Periods are Telegram's stretched by 3 %, as in `Pace`: a request paced on our clock
    # reaches theirs a few milliseconds sooner or later.
    def __init__(self, engine: AsyncEngine, *, per_bot: tuple[int, float] = (30, 1.03),
                 per_group: tuple[int, float] = (20, 61.8),
                 per_private: tuple[int, float] = (1, 1.03)) -> None:
        self._engine = engine
        self._bot_gap = per_bot[1] / per_bot[0]
        self._group_gap = per_group[1] / per_group[0]
        self._private_gap = per_private[1] / per_private[0]
        self._known: set[tuple[str, str]] = set()  # chats whose rows exist already
        self._paused_until: dict[str, float] = {}  # this process's own 429s, at once
        self._writes: set[asyncio.Task[None]] = set()
        self._forgot_at = time.monotonic()

    def pause(self, seconds: float, channel: str = "telegram") -> None:
        self._paused_until[channel] = max(self._paused_until.get(channel, 0.0),
                                          time.monotonic() + seconds)
        self._spawn(self._pause(channel, seconds))

    async def flush(self) -> None:
        """Wait for the writes `pause` started (tests, and a clean stop)."""
        await asyncio.gather(*self._writes, return_exceptions=True)

    async def acquire(self, channel: str, chat_id: str, group: bool) -> None:
        chat_gap = self._group_gap if group else self._private_gap
        while True:
            await self._sleep(self._paused_until.get(channel, 0.0) - time.monotonic())
            slot = await self._take(channel, chat_id, chat_gap)
            await self._sleep(slot.wait)
            if not slot.taken:  # the chat's own turn comes first; then ask again
                continue
            if slot.wait < _RECHECK_AFTER:
                return
            # A 429 while this send slept (here or in another process) voids its slot.
            async with self._engine.connect() as connection:
                paused = await paused_for(connection, channel)
            if paused <= 0 and self._paused_until.get(channel, 0.0) <= time.monotonic():
                return
            await self._sleep(paused)

    async def _take(self, channel: str, chat_id: str, chat_gap: float) -> Slot:
        async with self._engine.begin() as connection:
            if (channel, chat_id) not in self._known:
                await ensure_rows(connection, channel, chat_id)
                if len(self._known) > _KNOWN_MAX:
                    self._known.clear()
                self._known.add((channel, chat_id))
            slot = await take_slot(connection, channel=channel, scope=chat_id,
                                   bot_gap=self._bot_gap, chat_gap=chat_gap)
            if slot is None:  # swept away since we last looked: make it again
                await ensure_rows(connection, channel, chat_id)
                slot = await take_slot(connection, channel=channel, scope=chat_id,
                                       bot_gap=self._bot_gap, chat_gap=chat_gap)
        if time.monotonic() - self._forgot_at > _FORGET_EVERY:
            self._forgot_at = time.monotonic()
            self._known.clear()
            self._spawn(self._forget())
        return slot or Slot(True, 0.0)

    @staticmethod
    async def _sleep(seconds: float) -> None:
        if seconds > 0:
            await asyncio.sleep(seconds)

    async def _pause(self, channel: str, seconds: float) -> None:
        async with self._engine.begin() as connection:
            await ensure_rows(connection, channel, BOT)
            await pause(connection, channel=channel, seconds=seconds)

    async def _forget(self) -> None:
        async with self._engine.begin() as connection:
            await forget_idle_chats(connection, older_than=3600.0)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Writes `pause` cannot wait for (it is called from synchronous code)."""
        task = asyncio.create_task(self._logged(work))
        self._writes.add(task)  # held, or the loop may drop the task half-way
        task.add_done_callback(self._writes.discard)

    @staticmethod
    async def _logged(work: Coroutine[Any, Any, None]) -> None:
        with contextlib.suppress(asyncio.CancelledError):
            try:
                await work
            except Exception:
                log.exception("the shared pace could not write to the database")
