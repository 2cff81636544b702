"""The clock: jobs that run at set local times. The jobs only queue outbox rows under
keys unique per day, so a job that fires twice, or runs again after a restart, sends
nothing twice."""

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, time

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from handlers.deadlines import queue_deadline_reminders
from handlers.digest import queue_daily_digests
from handlers.turn import TIMEZONE
from handlers.working_time import SHIFTS, is_working_day
from storage.db import SessionFactory

log = logging.getLogger(__name__)
REMINDERS_AT = time(8, 0)


def missed_today(now: datetime, at: time) -> bool:
    """Started after a job's time today, within the working day: its run is owed still.
    (Queued earlier today, nothing is queued again: the outbox keys are taken.)"""
    local = now.astimezone(TIMEZONE)
    return is_working_day(local.date()) and at <= local.time() < SHIFTS[-1][1]


QueueJob = Callable[..., Awaitable[int]]


class Clock:
    """Working-day jobs at set Hà Nội times. Each only queues outbox rows, so a job that
    fires twice, or the catch-up at a start after its time, sends nothing twice."""

    def __init__(self, sessions: SessionFactory, *, digest_at: time, channels: frozenset[str],
                 queued: Callable[[], None] = lambda: None) -> None:
        self._sessions = sessions
        self._channels = channels  # those with a running sender
        self._queued = queued  # tells the outbox sender to look now
        self._jobs: list[tuple[str, time, QueueJob]] = [
            ("daily digest", digest_at, queue_daily_digests),
            # On a day off, reminders wait for the next working day, when the nearest one
            # crossed is sent once.
            ("deadline reminders", REMINDERS_AT, queue_deadline_reminders),
        ]
        self.scheduler = AsyncIOScheduler(timezone=TIMEZONE)
        for name, at, job in self._jobs:
            self.scheduler.add_job(
                self._run, CronTrigger(day_of_week="mon-fri", hour=at.hour, minute=at.minute,
                                       timezone=TIMEZONE),
                args=[name, job], id=name, coalesce=True, max_instances=1,
                misfire_grace_time=3600)

    async def _run(self, name: str, job: QueueJob, now: datetime | None = None) -> int:
        now = now or datetime.now(UTC)
        if not is_working_day(now.astimezone(TIMEZONE).date()):  # Tết, 2/9, ...
            return 0
        async with self._sessions() as session:
            queued = int(await job(session, now=now, channels=self._channels))
        log.info("%s: %d messages queued", name, queued)
        if queued:
            self._queued()
        return queued

    async def daily_digest(self, now: datetime | None = None) -> int:
        return await self._run("daily digest", queue_daily_digests, now)

    async def deadline_reminders(self, now: datetime | None = None) -> int:
        return await self._run("deadline reminders", queue_deadline_reminders, now)

    async def start(self) -> None:
        """Start the clock, and catch up what a stop made it miss (once: the outbox keys)."""
        self.scheduler.start()
        now = datetime.now(UTC)
        for name, at, job in self._jobs:
            if missed_today(now, at):
                await self._run(name, job, now)

    def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
