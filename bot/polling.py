"""What the Telegram and Zalo pollers share: back-off with jitter, a log line at most once
a minute per kind of trouble, and the lease that lets one process of several poll."""

import asyncio
import logging
import os
import random
import socket
import time
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.health import Component
from notifications.leader import AdvisoryLease
from storage.health.pollers import beat

log = logging.getLogger(__name__)


class Backoff:
    """Doubling waits, capped, each shortened by a random part so that pollers (and
    their retries after an outage) do not knock in step."""

    def __init__(self, first: float = 1.0, most: float = 60.0) -> None:
        self.first, self.most = first, most
        self.failures = 0

    def next(self) -> float:
        self.failures += 1
        ceiling = min(self.most, self.first * 2.0 ** (self.failures - 1))
        return ceiling * random.uniform(0.5, 1.0)

    def reset(self) -> None:
        self.failures = 0


class EveryMinute:
    """Whether to log a kind of trouble now: the first time, then at most once a
    `period`; how many were left out since the last line is given with it."""

    def __init__(self, period: float = 60.0, clock: Callable[[], float] = time.monotonic
                 ) -> None:
        self._period = period
        self._clock = clock
        self._last: dict[str, float] = {}
        self._quiet: dict[str, int] = {}

    def due(self, kind: str) -> tuple[bool, int]:
        now = self._clock()
        last = self._last.get(kind)
        if last is not None and now - last < self._period:
            self._quiet[kind] = self._quiet.get(kind, 0) + 1
            return False, 0
        self._last[kind] = now
        return True, self._quiet.pop(kind, 0)

    def forget(self) -> None:
        self._last.clear()
        self._quiet.clear()


def polling_lease(engine: AsyncEngine, key: int, *, name: str, component: Component,
                  takeover_seconds: float) -> AdvisoryLease:
    """The lease to poll a platform; the component shows standby while another holds it."""

    def changed(held: bool) -> None:
        if held:
            component.starting()
        else:
            component.standby("another process polls; this one takes over if it stops")

    if engine.dialect.name == "postgresql":
        changed(False)
    return AdvisoryLease(engine, key, name=name, retry_seconds=takeover_seconds,
                         ping_seconds=takeover_seconds, on_change=changed)


class PollerBeat:
    """Tells the database, at most every `every` seconds, that this process's getUpdates
    was answered: the processes standing by report it. A failed write is only logged."""

    def __init__(self, engine: AsyncEngine, channel: str, *, every: float = 10.0) -> None:
        self._engine = engine
        self._channel = channel
        self._every = every
        self._process = f"{socket.gethostname()}:{os.getpid()}"
        self._last: float | None = None

    async def __call__(self) -> None:
        now = time.monotonic()
        if self._last is not None and now - self._last < self._every:
            return
        self._last = now
        try:
            async with asyncio.timeout(5), self._engine.begin() as connection:
                await beat(connection, channel=self._channel, process=self._process,
                           now=datetime.now(UTC))
        except Exception:
            log.warning("could not record the %s poller's heartbeat", self._channel,
                        exc_info=True)
