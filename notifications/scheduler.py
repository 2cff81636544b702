"""The clock: jobs that run at set local times. The jobs only queue outbox rows under
keys unique per day, so a job that fires twice, or runs again after a restart, sends
nothing twice."""

import logging
from collections.abc import Callable
from datetime import UTC, datetime, time

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from handlers.deadlines import queue_deadline_reminders
from handlers.digest import queue_daily_digests
from handlers.turn import TIMEZONE
from handlers.working_time import SHIFTS, is_working_day
from storage.db import SessionFactory

log = logging.getLogger(__name__)
DIGEST_JOB = "daily_digest"
REMINDER_JOB = "deadline_reminders"
REMINDERS_AT = time(8, 0)


def missed_today(now: datetime, at: time) -> bool:
    """Started after a job's time today, within the working day: its run is owed still.
    (Queued earlier today, nothing is queued again: the outbox keys are taken.)"""
    local = now.astimezone(TIMEZONE)
    return is_working_day(local.date()) and at <= local.time() < SHIFTS[-1][1]


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
        self.scheduler.add_job(
            self.deadline_reminders,
            CronTrigger(day_of_week="mon-fri", hour=REMINDERS_AT.hour,
                        minute=REMINDERS_AT.minute, timezone=TIMEZONE),
            id=REMINDER_JOB, coalesce=True, max_instances=1, misfire_grace_time=3600)

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

    async def deadline_reminders(self, now: datetime | None = None) -> int:
        """Today's reminders; on a day off they wait for the next working day, when the
        nearest one crossed is sent once."""
        now = now or datetime.now(UTC)
        if not is_working_day(now.astimezone(TIMEZONE).date()):
            return 0
        async with self._sessions() as session:
            queued = await queue_deadline_reminders(session, now=now, channels=self._channels)
        log.info("deadline reminders: %d messages", queued)
        if queued:
            self._queued()
        return queued

    async def start(self) -> None:
        """Start the clock, and catch up what a stop made it miss (once: the outbox keys)."""
        self.scheduler.start()
        now = datetime.now(UTC)
        if missed_today(now, self._digest_at):
            await self.daily_digest(now)
        if missed_today(now, REMINDERS_AT):
            await self.deadline_reminders(now)

    def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
