"""The clock: jobs that run at set local times. The jobs only queue outbox rows under
keys unique per day, so a job that fires twice, or runs again after a restart, sends
nothing twice."""

import logging
from collections.abc import Callable
from datetime import UTC, datetime, time

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from handlers.digest import queue_daily_digests
from handlers.turn import TIMEZONE
from handlers.working_time import SHIFTS, is_working_day
from storage.db import SessionFactory

log = logging.getLogger(__name__)
DIGEST_JOB = "daily_digest"


def digest_missed(now: datetime, digest_at: time) -> bool:
    """Started after today's digest time, within the working day: it is owed still.
    (Queued earlier today, it is not queued again: its key is taken.)"""
    local = now.astimezone(TIMEZONE)
    return is_working_day(local.date()) and digest_at <= local.time() < SHIFTS[-1][1]


class Clock:
    def __init__(self, sessions: SessionFactory, *, digest_at: time, channels: frozenset[str],
                 queued: Callable[[], None] = lambda: None) -> None:
        self._sessions = sessions
        self._channels = channels  # those with a running sender
        self._digest_at = digest_at
        self._queued = queued  # tells the outbox sender to look now
        self.scheduler = AsyncIOScheduler(timezone=TIMEZONE)
        self.scheduler.add_job(
            self.daily_digest, CronTrigger(day_of_week="mon-fri", hour=digest_at.hour,
                                           minute=digest_at.minute, timezone=TIMEZONE),
            id=DIGEST_JOB, coalesce=True, max_instances=1, misfire_grace_time=3600)

    async def daily_digest(self, now: datetime | None = None) -> int:
        now = now or datetime.now(UTC)
        if not is_working_day(now.astimezone(TIMEZONE).date()):  # Tết, 2/9, ...
            return 0
        async with self._sessions() as session:
            queued = await queue_daily_digests(session, now=now, channels=self._channels)
        log.info("daily digest: %d staff groups", queued)
        if queued:
            self._queued()
        return queued

    async def start(self) -> None:
        self.scheduler.start()
        now = datetime.now(UTC)
        if digest_missed(now, self._digest_at):
            await self.daily_digest(now)

    def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
