"""Sending pace: per bot, per group and per private chat, plus a pause for everyone.

Telegram's limits: about 30 messages a second per bot, 20 a minute per group, one a
second per private chat. Each is a sliding window: at most `limit` sends in any `period`.
"""

import asyncio
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol


class SendPace(Protocol):
    """What every sender of a bot (the outbox, a turn's replies) waits on before a send:
    `Pace` in one process (SQLite), `SharedPace` across processes (PostgreSQL)."""

    async def acquire(self, channel: str, chat_id: str, group: bool, *,
                      chat_window: bool = True) -> None:
        """Wait for this chat's and its bot's next free slot, and take it; without
        `chat_window`, the bot's only (a turn's replies, a short burst in one chat)."""
        ...

    def pause(self, seconds: float, channel: str = "telegram") -> None:
        """A 429: nobody sends on that channel until it has passed."""
        ...


LATE_TOLERANCE = 0.02  # seconds; measured under load, see docs/benchmarks.md


class Window:
    def __init__(self, limit: int, period: float, *, spaced: bool = False) -> None:
        self.limit = limit
        self.period = period
        # Spaced: sends at least period/limit apart, not in bursts of `limit` at once, so
        # a late or early arrival cannot put one too many into the receiver's window.
        # Slots follow an ideal timeline, so a send that left late does not delay the rest.
        self.spacing = period / limit if spaced else 0.0
        self.next_slot = 0.0
        self.sent: deque[float] = deque()

    def wait_for(self, now: float) -> float:
        while self.sent and self.sent[0] <= now - self.period:
            self.sent.popleft()
        spaced = self.next_slot - now if self.spacing else 0.0
        if len(self.sent) < self.limit:
            return max(spaced, 0.0)
        return max(self.sent[0] + self.period - now, spaced)

    def take(self, now: float) -> None:
        self.sent.append(now)
        if self.spacing:
            # A send more than a little late (a busy event loop) restarts the timeline
            # from itself instead of crowding the slots after it into one window.
            late = now - self.next_slot
            ideal = self.next_slot if late < min(self.spacing, LATE_TOLERANCE) else now
            self.next_slot = ideal + self.spacing


class Pace:
    # The bot's sends are spaced evenly over a window 3 % longer than Telegram's second:
    # a request paced at our clock reaches theirs a few milliseconds later or sooner, and
    # bursts of 30 plus that jitter were one message too many (measured: 36 answers 429
    # in 200 sends with bursts and a 1.00 s window; 3 in 3,000 with bursts and 1.03 s).
    def __init__(self, *, per_bot: tuple[int, float] = (30, 1.03),
                 per_group: tuple[int, float] = (20, 60.0),
                 per_private: tuple[int, float] = (1, 1.0),
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._per_bot = per_bot
        self._per_group = per_group
        self._per_private = per_private
        self._clock = clock
        self._bots: dict[str, Window] = {}
        self._chats: dict[tuple[str, str], Window] = {}
        self._paused_until: dict[str, float] = {}  # per channel: Zalo's 429 is not Telegram's
        self._lock = asyncio.Lock()

    def pause(self, seconds: float, channel: str = "telegram") -> None:
        """A 429: nobody sends on that channel until it has passed."""
        self._paused_until[channel] = max(self._paused_until.get(channel, 0.0),
                                          self._clock() + seconds)

    def _windows(self, channel: str, chat_id: str, group: bool) -> tuple[Window, Window]:
        bot = self._bots.setdefault(channel, Window(*self._per_bot, spaced=True))
        limit = self._per_group if group else self._per_private
        chat = self._chats.setdefault((channel, chat_id), Window(*limit))
        return bot, chat

    def delay(self, channel: str, chat_id: str, group: bool) -> float:
        """How long the next send to this chat must wait (0: it may go now)."""
        now = self._clock()
        bot, chat = self._windows(channel, chat_id, group)
        paused = self._paused_until.get(channel, 0.0) - now
        return max(paused, bot.wait_for(now), chat.wait_for(now), 0.0)

    def record(self, channel: str, chat_id: str, group: bool) -> None:
        now = self._clock()
        for window in self._windows(channel, chat_id, group):
            window.take(now)

    async def acquire(self, channel: str, chat_id: str, group: bool, *,
                      chat_window: bool = True) -> None:
        """Wait for a free slot and take it (one caller at a time decides). Without
        `chat_window` only the bot's pace applies: a turn's two or three replies go out as
        the short burst Telegram allows in a chat, and the outbox spaces its notices."""
        while True:
            async with self._lock:
                if chat_window:
                    wait = self.delay(channel, chat_id, group)
                else:
                    now = self._clock()
                    bot, _ = self._windows(channel, chat_id, group)
                    wait = max(self._paused_until.get(channel, 0.0) - now, bot.wait_for(now))
                if wait <= 0:
                    if chat_window:
                        self.record(channel, chat_id, group)
                    else:
                        self._windows(channel, chat_id, group)[0].take(self._clock())
                    return
            await asyncio.sleep(wait)
