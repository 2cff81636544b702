"""Zalo long polling (development intake) that outlives every error it meets: the same
rules as Telegram's poller (bot/telegram/poller.py), Zalo's codes. An update is committed
to the inbox before the next getUpdates call; one that could not be is kept and tried
again, as Zalo hands each update out only once."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from bot.health import Component
from bot.polling import Backoff, EveryMinute
from bot.zalo.channel import ZaloChannel
from bot.zalo.client import REFUSED, ZaloApiError
from bot.zalo.inbound import unwrap

log = logging.getLogger(__name__)


class ZaloPoller:
    def __init__(self, channel: ZaloChannel, health: Component, *, first_wait: float = 1.0,
                 longest_wait: float = 60.0,
                 beat: Callable[[], Awaitable[None]] | None = None) -> None:
        self._channel = channel
        self._beat = beat
        self._health = health
        self._backoff = Backoff(first_wait, longest_wait)
        self._say = EveryMinute()
        self._unauthorized = False
        self._inbox_failing = False

    async def run(self) -> None:
        """Poll until cancelled."""
        token_checked = webhook_deleted = False
        kept: list[dict[str, Any]] = []
        while True:
            if kept:
                try:
                    await self._channel.accept(kept)
                    kept = []
                    if self._inbox_failing:  # intake works again before the next poll
                        log.info("Zalo updates committed to the inbox again")
                        self._inbox_failing = False
                        self._backoff.reset()
                        self._health.ok("polling")
                except Exception as exc:
                    self._inbox_failing = True
                    wait = self._backoff.next()
                    due, quiet = self._say.due("inbox")
                    if due:
                        log.error("could not commit %d Zalo updates to the inbox; trying "
                                  "again in %.1f s%s", len(kept), wait, _more(quiet),
                                  exc_info=exc)
                    self._health.trouble("inbox failing", "updates could not be committed")
                    await asyncio.sleep(wait)
                    continue
            try:
                if not token_checked:  # a refused token shows at once, not at getUpdates
                    me = await self._channel.client.get_me()
                    token_checked = True
                    log.info("Zalo accepts the bot token (bot %s)", me.get("account_name"))
                if not webhook_deleted:
                    await self._channel.client.delete_webhook()
                    webhook_deleted = True
                answer = await self._channel.client.get_updates()
            except Exception as exc:
                await asyncio.sleep(self._after_failure(exc))
                continue
            self._answered()
            if self._beat is not None:
                await self._beat()
            kept = [update for update in map(unwrap, answer) if update]
            if len(kept) < len(answer):
                self._not_updates(len(answer) - len(kept))

    def _answered(self) -> None:
        if self._backoff.failures or self._unauthorized:
            log.info("Zalo answers the poller again (after %d failed tries)",
                     self._backoff.failures)
        self._backoff.reset()
        self._say.forget()
        self._unauthorized = False
        self._health.ok("polling")

    def _not_updates(self, count: int) -> None:
        # Zalo hands each answer out once: nothing to try again, only to tell.
        due, quiet = self._say.due("not an update")
        if due:
            log.warning("Zalo getUpdates answered %d items that are not updates; "
                        "skipped%s", count, _more(quiet))

    def _after_failure(self, exc: Exception) -> float:
        if isinstance(exc, ZaloApiError) and exc.code == 401:
            if not self._unauthorized:
                log.critical(REFUSED, exc, self._backoff.most)
            self._unauthorized = True
            self._health.down("unauthorized", str(exc))
            return self._backoff.most
        wait = self._backoff.next()
        said = self._channel.client.redact(repr(exc))
        self._health.trouble("failing", said[:200])
        expected = isinstance(exc, ZaloApiError | aiohttp.ClientError | OSError | TimeoutError)
        due, quiet = self._say.due("failing" if expected else "unexpected")
        if due and expected:
            log.warning("Zalo polling failed (%s); retrying in %.1f s%s", said, wait,
                        _more(quiet))
        elif due:
            log.error("Zalo polling failed unexpectedly; retrying in %.1f s%s", wait,
                      _more(quiet), exc_info=exc)
        return wait


def _more(quiet: int) -> str:
    return f" ({quiet} more since the last line)" if quiet else ""
