"""One pace for a bot across every process on one PostgreSQL database.

Each send takes its slot with one statement on the shared `send_pace` table (see
storage/delivery/send_pace.py) and sleeps until it. Sends are spaced evenly on the database's
timeline: the bot's by period/limit, each chat's the same way, so no window of Telegram's
can hold one too many, whichever process sent them. A 429 pauses the bot for every process.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Coroutine
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.delivery.send_pace import (
    BOT,
    Slot,
    ensure_rows,
    forget_idle_chats,
    pause,
    relaxed_commits,
    take_slot,
)

log = logging.getLogger(__name__)

_FORGET_EVERY = 600.0  # seconds between sweeps of chats that have gone quiet
_KNOWN_MAX = 50_000


class SharedPace:
    """Slots are taken over one connection of its own, in autocommit, one statement at a
    time: a slot's wait is measured on the database's clock, so it must come back at once,
    not after queueing for the pool behind the turns and the outbox (measured: a pooled
    take came back 0.7 s late at the median, and late sends bunched into 429s)."""

    # Periods are Telegram's stretched by 3 %, as in `Pace`: a request paced on our clock
    # reaches theirs a few milliseconds sooner or later.
    def __init__(self, engine: AsyncEngine, *, per_bot: tuple[int, float] = (30, 1.03),
                 per_group: tuple[int, float] = (20, 61.8),
                 per_private: tuple[int, float] = (1, 1.03), late: float = 0.02) -> None:
        self._engine = engine
        self._late = late
        self._bot_gap = per_bot[1] / per_bot[0]
        self._group_gap = per_group[1] / per_group[0]
        self._private_gap = per_private[1] / per_private[0]
        self._connection: AsyncConnection | None = None
        self._lock = asyncio.Lock()
        self._known: set[tuple[str, str]] = set()  # chats whose rows exist already
        self._paused_until: dict[str, float] = {}  # this process's own 429s, at once
        self._shared_pause: dict[str, float] = {}  # every process's, as last heard
        self._writes: set[asyncio.Task[None]] = set()
        self._forgot_at = time.monotonic()

    def pause(self, seconds: float, channel: str = "telegram") -> None:
        self._paused_until[channel] = max(self._paused_until.get(channel, 0.0),
                                          time.monotonic() + seconds)
        self._spawn(self._pause(channel, seconds))

    async def flush(self) -> None:
        """Wait for the writes `pause` started (tests, and a clean stop)."""
        await asyncio.gather(*self._writes, return_exceptions=True)

    async def close(self) -> None:
        await self.flush()
        async with self._lock:
            if self._connection is not None:
                await self._connection.close()
                self._connection = None

    async def acquire(self, channel: str, chat_id: str, group: bool, *,
                      chat_window: bool = True) -> None:
        """Without `chat_window` only the bot's pace applies (a turn's short burst of
        replies); the chat's booked slots still come first, so order is kept."""
        chat_gap = (self._group_gap if group else self._private_gap) if chat_window else 0.0
        while True:
            await self._sleep(self._paused_for(channel))
            slot = await self._take(channel, chat_id, chat_gap)
            due = time.monotonic() + slot.wait
            await self._sleep(slot.wait)
            if not slot.taken:  # the chat's own turn comes first; then ask again
                continue
            # A 429 met while this send slept (here, or in another process: every slot
            # taken brings the bot's pause along) voids its slot: take a later one.
            if self._paused_for(channel) > 0:
                continue
            # Woken too late (a busy event loop), this send would crowd the slots after
            # it into one of Telegram's windows: it gives its slot up and takes another.
            if slot.wait > 0 and time.monotonic() - due > self._late:
                continue
            return

    def _paused_for(self, channel: str) -> float:
        until = max(self._paused_until.get(channel, 0.0), self._shared_pause.get(channel, 0.0))
        return until - time.monotonic()

    async def _take(self, channel: str, chat_id: str, chat_gap: float) -> Slot:
        async with self._lock:
            connection = await self._connect()
            try:
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
            except Exception:
                await self._drop()
                raise
        if slot is not None:
            self._shared_pause[channel] = time.monotonic() + slot.paused
        if time.monotonic() - self._forgot_at > _FORGET_EVERY:
            self._forgot_at = time.monotonic()
            self._known.clear()
            self._spawn(self._forget())
        return slot or Slot(True, 0.0)

    async def _connect(self) -> AsyncConnection:
        if self._connection is None:
            connection = await self._engine.connect()
            self._connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await relaxed_commits(self._connection)
        return self._connection

    async def _drop(self) -> None:
        """A broken connection is replaced at the next take."""
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.close()
            self._connection = None

    @staticmethod
    async def _sleep(seconds: float) -> None:
        if seconds > 0:
            await asyncio.sleep(seconds)

    async def _pause(self, channel: str, seconds: float) -> None:
        async with self._lock:
            connection = await self._connect()
            try:
                await ensure_rows(connection, channel, BOT)
                await pause(connection, channel=channel, seconds=seconds)
            except Exception:
                await self._drop()
                raise

    async def _forget(self) -> None:
        async with self._lock:
            connection = await self._connect()
            try:
                await forget_idle_chats(connection, older_than=3600.0)
            except Exception:
                await self._drop()
                raise

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
