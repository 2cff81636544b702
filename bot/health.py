"""What the process says about itself: /readyz (each part's state) and /metrics.

A part is a channel's intake (Telegram, Zalo) or a long-running task. What "alive" means:
- a polling channel: a getUpdates answered within its window (a failing poll stays
  alive until the window has passed; a refused token is down at once);
- a process standing by for the polling lease polls nothing (it takes over within seconds
  of the poller's end): it reports the installation's poller, from the heartbeat the
  poller writes to the database, and is alive while that poller is;
- a Telegram webhook: the process asks Telegram (getWebhookInfo) every so often; alive
  while Telegram answers, with our address registered;
- a Zalo webhook: the same, with Zalo's getWebhookInfo (bot/zalo/webhook_keeper.py),
  after getMe has accepted the token and setWebhook has registered our address;
- a task: alive while it runs; down from its end until its restart.
"""

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CollectorRegistry, Gauge, generate_latest
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.health.monitoring import QueueCounts, queue_counts
from storage.health.pollers import Heartbeat, heartbeats
from storage.migrate import current_revision, head_revision

log = logging.getLogger(__name__)


class Component:
    def __init__(self, name: str, *, window_seconds: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.name = name
        self.window_seconds = window_seconds
        self.state = "starting"
        self.detail: str | None = None
        self._clock = clock
        self._down = False
        self._since = clock()
        self._last_ok: float | None = None
        self.last_ok_at: datetime | None = None

    def ok(self, state: str, detail: str | None = None) -> None:
        self.state, self.detail, self._down = state, detail, False
        self._last_ok = self._clock()
        self.last_ok_at = datetime.now(UTC)

    def trouble(self, state: str, detail: str) -> None:
        """Failing for now: still alive until the window since the last success ends."""
        self.state, self.detail, self._down = state, detail, False

    def down(self, state: str, detail: str) -> None:
        self.state, self.detail, self._down = state, detail, True

    def starting(self) -> None:
        self.state, self.detail, self._down = "starting", None, False
        self._since, self._last_ok = self._clock(), None

    def standby(self, detail: str | None = None) -> None:
        self.state, self.detail, self._down = "standby", detail, False
        self._since, self._last_ok = self._clock(), None

    def standby_alive(self, beat_age: float | None) -> bool:
        """A standby is as alive as the installation's poller: its last answered
        getUpdates within the window (or, with none seen yet, the window since this
        process began standing by, for a poller that is starting)."""
        if self.window_seconds is None:
            return True
        if beat_age is not None and beat_age <= self.window_seconds:
            return True
        return self._clock() - self._since <= self.window_seconds

    def alive(self) -> bool:
        if self._down:
            return False
        if self.state == "standby" or self.window_seconds is None:
            return True
        last = self._last_ok if self._last_ok is not None else self._since
        return self._clock() - last <= self.window_seconds

    def report(self) -> dict[str, Any]:
        report: dict[str, Any] = {"alive": self.alive(), "state": self.state}
        if self.detail:
            report["detail"] = self.detail
        if self.last_ok_at is not None:
            report["last_ok"] = self.last_ok_at.isoformat(timespec="seconds")
        return report


class Health:
    def __init__(self, engine: AsyncEngine, *, channels: tuple[str, ...] = (),
                 database_timeout: float = 2.0,
                 registry: CollectorRegistry | None = None) -> None:
        self._engine = engine
        self._channels = channels  # counted even while their queues are empty
        self._timeout = database_timeout
        self._head = head_revision()
        self.components: dict[str, Component] = {}
        # The process's Meter's registry: its counters and these gauges on one page.
        self._registry = registry if registry is not None else CollectorRegistry()
        self._up = Gauge("ntvt_up", "1 when the part is alive (a channel's intake, a task, "
                         "the database)", ["part"], registry=self._registry)
        self._queues = {
            name: Gauge(f"ntvt_{name}", about, ["channel"], registry=self._registry)
            for name, about in (
                ("inbox_waiting", "inbox rows not processed yet"),
                ("inbox_set_aside", "inbox rows set aside after failing their tries"),
                ("outbox_waiting", "outbox rows not sent yet"),
                ("outbox_failed", "outbox rows given up"),
                ("inbox_lag_seconds", "how long the oldest waiting inbox row has waited"),
                ("outbox_oldest_seconds", "how long the oldest unsent outbox row has waited"))}
        self._nominations = Gauge("ntvt_nominations", "nominations by status", ["status"],
                                  registry=self._registry)

    def component(self, name: str, *, window_seconds: float | None = None) -> Component:
        made = self.components[name] = Component(name, window_seconds=window_seconds)
        return made

    async def _database(self) -> tuple[dict[str, Any], dict[str, Heartbeat]]:
        try:
            async with asyncio.timeout(self._timeout), self._engine.connect() as connection:
                revision = await current_revision(connection)
                beats = await heartbeats(connection) if revision == self._head else {}
        except Exception as exc:  # unreachable, refused, too slow: all the same to a probe
            return {"alive": False, "state": "unreachable", "detail": repr(exc)[:200]}, {}
        if revision != self._head:
            return {"alive": False, "state": "migrations behind",
                    "detail": f"at {revision}, head is {self._head}"}, {}
        return {"alive": True, "state": "ok", "revision": revision}, beats

    def _part(self, part: Component, beat: Heartbeat | None) -> dict[str, Any]:
        report = part.report()
        if beat is None:
            if part.state == "standby":
                report["alive"] = part.standby_alive(None)
            return report
        polled_at = beat.polled_at if beat.polled_at.tzinfo else \
            beat.polled_at.replace(tzinfo=UTC)  # SQLite hands back naive UTC
        report["poller"] = {"process": beat.process,
                            "last_poll": polled_at.isoformat(timespec="seconds")}
        if part.state == "standby":
            age = (datetime.now(UTC) - polled_at).total_seconds()
            report["alive"] = part.standby_alive(age)
        return report

    async def ready(self) -> tuple[bool, dict[str, Any]]:
        database, beats = await self._database()
        parts = {"database": database,
                 **{name: self._part(part, beats.get(name))
                    for name, part in self.components.items()}}
        ready = all(part["alive"] for part in parts.values())
        return ready, {"ready": ready, "parts": parts}

    async def metrics(self) -> bytes:
        _, report = await self.ready()
        for name, part in report["parts"].items():
            self._up.labels(name).set(1 if part["alive"] else 0)
        counts = QueueCounts()
        if report["parts"]["database"]["alive"]:
            try:
                async with asyncio.timeout(self._timeout), \
                        self._engine.connect() as connection:
                    counts = await queue_counts(connection)
            except Exception:
                log.warning("could not count the queues for /metrics", exc_info=True)
        fields = {"inbox_lag_seconds": "inbox_lag", "outbox_oldest_seconds": "outbox_oldest"}
        for name, gauge in self._queues.items():
            found: dict[str, float] = getattr(counts, fields.get(name, name))
            gauge.clear()
            for channel in {*self._channels, *found}:
                gauge.labels(channel).set(found.get(channel, 0))
        self._nominations.clear()
        for status, count in counts.nominations.items():
            self._nominations.labels(status).set(count)
        return generate_latest(self._registry)
