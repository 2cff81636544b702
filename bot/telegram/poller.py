"""Telegram long polling that outlives every error it meets.

The next getUpdates call is what acknowledges a batch, and it is made only after the
batch is committed to the inbox: a batch that could not be committed is fetched again
(the inbox ignores what it already holds). What Telegram or the network answers decides
the wait before the next try:
- 409 Conflict: another consumer polls this bot (a leftover process, a webhook set by
  hand): back off, say so once a minute;
- 401 Unauthorized: the token is refused; one clear message, the channel is down, and
  the poller asks again at the slowest pace (a token may be restored at Telegram);
- 429: wait what Telegram says;
- network errors and 5xx: back off with jitter;
- anything else: logged with its traceback, back off, go on.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram.exceptions import (
    TelegramConflictError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)

from bot.health import Component
from bot.polling import Backoff, EveryMinute
from bot.telegram.channel import ALLOWED_UPDATES, TelegramChannel
from bot.telegram.updates import next_offset

log = logging.getLogger(__name__)


class TelegramPoller:
    def __init__(self, channel: TelegramChannel, health: Component, *,
                 long_poll_seconds: int = 25, first_wait: float = 1.0,
                 longest_wait: float = 60.0,
                 beat: Callable[[], Awaitable[None]] | None = None) -> None:
        self._channel = channel
        self._beat = beat
        self._health = health
        self._long_poll = long_poll_seconds
        self._backoff = Backoff(first_wait, longest_wait)
        self._say = EveryMinute()
        self._unauthorized = False

    async def run(self) -> None:
        """Poll until cancelled."""
        webhook_deleted = False
        offset: int | None = None
        while True:
            try:
                if not webhook_deleted:
                    await self._channel.bot.delete_webhook(drop_pending_updates=False)
                    webhook_deleted = True
                payloads = await self._channel.api.get_updates(
                    offset=offset, long_poll_seconds=self._long_poll,
                    allowed_updates=ALLOWED_UPDATES)
            except Exception as exc:
                await asyncio.sleep(self._after_failure(exc))
                continue
            self._answered()
            if self._beat is not None:
                await self._beat()
            if not payloads:
                continue
            try:
                await self._channel.accept(payloads)
            except Exception:
                wait = self._backoff.next()
                log.exception("could not commit %d Telegram updates to the inbox; fetching "
                              "them again in %.1f s", len(payloads), wait)
                self._health.trouble("inbox failing", "updates could not be committed")
                await asyncio.sleep(wait)
                continue
            offset = next_offset(payloads, offset)

    def _answered(self) -> None:
        if self._backoff.failures or self._unauthorized:
            log.info("Telegram getUpdates answers again (after %d failed tries)",
                     self._backoff.failures)
        self._backoff.reset()
        self._say.forget()
        self._unauthorized = False
        self._health.ok("polling")

    def _after_failure(self, exc: Exception) -> float:
        """Log and record the failure; how long to wait before the next try."""
        if isinstance(exc, TelegramRetryAfter):
            self._health.trouble("throttled", f"429: retry after {exc.retry_after} s")
            return float(exc.retry_after)
        if isinstance(exc, TelegramUnauthorizedError):
            if not self._unauthorized:
                log.critical("Telegram refuses the bot token (401 %s): no updates arrive until "
                             "TELEGRAM_BOT_TOKEN is fixed; asking again every %g s",
                             exc.message, self._backoff.most)
            self._unauthorized = True
            self._health.down("unauthorized", f"401: {exc.message}")
            return self._backoff.most
        wait = self._backoff.next()
        if isinstance(exc, TelegramConflictError):
            self._trouble("conflict", f"409: {exc.message}", wait,
                          "another getUpdates consumer polls this bot (a leftover process, "
                          "or a webhook set meanwhile)")
        elif isinstance(exc, TelegramNetworkError | TelegramServerError):
            self._trouble("failing", f"{type(exc).__name__}: {exc.message}", wait,
                          "Telegram or the network failed")
        else:
            log.error("Telegram getUpdates failed unexpectedly; retrying in %.1f s", wait,
                      exc_info=exc)
            self._health.trouble("failing", repr(exc)[:200])
        return wait

    def _trouble(self, state: str, detail: str, wait: float, what: str) -> None:
        self._health.trouble(state, detail)
        due, quiet = self._say.due(state)
        if due:
            more: Any = f" ({quiet} more since the last line)" if quiet else ""
            log.warning("Telegram getUpdates: %s: %s; retrying in %.1f s%s", what, detail,
                        wait, more)
