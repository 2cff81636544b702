"""The clock: jobs that run at set Hà Nội times. The jobs only queue outbox rows under
keys unique per day or month and chat, so a job that fires twice, or runs again at a
start to catch up what a stop missed, sends nothing twice."""

import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.contest.jury_reminders import queue_judge_reminders
from handlers.contest.progress import queue_contest_reminders
from handlers.privacy.retention import Periods, run_retention
from handlers.publication.digest import queue_monthly_exemplars
from handlers.shared.turn import TIMEZONE
from handlers.shared.working_time import SHIFTS, is_working_day
from handlers.units.deadlines import queue_deadline_reminders
from handlers.units.digest import queue_daily_digests
from handlers.units.tally import Chart, queue_monthly_tally
from notifications.meter import Meter
from storage.media.store import MediaStore
from storage.privacy.requests import overdue_count
from storage.shared.db import SessionFactory

log = logging.getLogger(__name__)
REMINDERS_AT = time(8, 0)
RETENTION_AT = time(3, 0)  # the quietest hour
QueueJob = Callable[..., Awaitable[int]]


def missed_today(now: datetime, at: time) -> bool:
    """Started after a job's time today, within the working day: its run is owed still."""
    local = now.astimezone(TIMEZONE)
    return is_working_day(local.date()) and at <= local.time() < SHIFTS[-1][1]


def missed_this_month(now: datetime, day: int, at: time) -> bool:
    """Started after this month's run time: last month's run is owed, unless it went."""
    local = now.astimezone(TIMEZONE)
    return (local.day, local.time()) >= (day, at)


@dataclass(frozen=True)
class TallyPlan:
    """The monthly tally: on `day` at `at`, for the month before, tables of each unit's
    cluster (`scope` "cluster") or of all units ("all"), with a chart."""

    chart: Chart
    day: int = 1
    at: time = time(8, 0)
    scope: str = "cluster"
    nudge_below: float = 0.8  # of the pro-rated quota


@dataclass(frozen=True)
class ExemplarPlan:
    """The monthly digest of last month's published exemplars, on `day` at `at`, each
    with its link under `public_url`."""

    public_url: str
    day: int = 1
    at: time = time(9, 0)  # after the tally, not in the same minute


@dataclass(frozen=True)
class Job:
    name: str
    trigger: CronTrigger
    queue: QueueJob  # (session, now=, channels=) → rows queued
    owed: Callable[[datetime], bool]  # at a start: is a run owed?
    working_days_only: bool = True


async def contest_reminders(session: AsyncSession, *, now: datetime,
                            channels: frozenset[str]) -> int:
    """Units behind their contest quota, units with no entry, judges with entries left."""
    return (await queue_contest_reminders(session, now=now, channels=channels)
            + await queue_judge_reminders(session, now=now, channels=channels))


async def daily_digests(session: AsyncSession, *, now: datetime,
                        channels: frozenset[str]) -> int:
    """The morning digest, with the residents' data requests past their deadline."""
    return await queue_daily_digests(session, now=now, channels=channels,
                                     privacy_overdue=await overdue_count(session, now))


class Clock:
    def __init__(self, sessions: SessionFactory, *, digest_at: time, channels: frozenset[str],
                 queued: Callable[[], None] = lambda: None,
                 tally: TallyPlan | None = None, meter: Meter | None = None,
                 media: MediaStore | None = None, retention: Periods | None = None,
                 exemplars: ExemplarPlan | None = None) -> None:
        self._sessions = sessions
        self._meter = meter if meter is not None else Meter()
        self._channels = channels  # those with a running sender
        self._queued = queued  # tells the outbox sender to look now
        # Every day, not mon-fri: a make-up Saturday is a working day, and `run` asks the
        # working-day rule whether today is one.
        on_workdays = functools.partial(CronTrigger, timezone=TIMEZONE)
        self.jobs = [
            Job("daily digest", on_workdays(hour=digest_at.hour, minute=digest_at.minute),
                daily_digests, lambda now: missed_today(now, digest_at)),
            # On a day off, reminders wait for the next working day, when the nearest one
            # crossed is sent once.
            Job("deadline reminders",
                on_workdays(hour=REMINDERS_AT.hour, minute=REMINDERS_AT.minute),
                queue_deadline_reminders, lambda now: missed_today(now, REMINDERS_AT)),
            # The contest's reminders before it closes and its monthly nudge (keyed by
            # month, so the month's first working day sends it, once).
            Job("contest reminders",
                on_workdays(hour=REMINDERS_AT.hour, minute=REMINDERS_AT.minute),
                contest_reminders, lambda now: missed_today(now, REMINDERS_AT)),
        ]
        if tally is not None:
            self.jobs.append(Job(
                "monthly tally",
                CronTrigger(day=tally.day, hour=tally.at.hour, minute=tally.at.minute,
                            timezone=TIMEZONE),
                functools.partial(queue_monthly_tally, chart=tally.chart, scope=tally.scope,
                                  nudge_below=tally.nudge_below),
                lambda now: missed_this_month(now, tally.day, tally.at),
                working_days_only=False))
        if exemplars is not None:
            self.jobs.append(Job(
                "monthly exemplars",
                CronTrigger(day=exemplars.day, hour=exemplars.at.hour,
                            minute=exemplars.at.minute, timezone=TIMEZONE),
                functools.partial(queue_monthly_exemplars, public_url=exemplars.public_url),
                lambda now: missed_this_month(now, exemplars.day, exemplars.at),
                working_days_only=False))
        if media is not None:
            # One purge for everything kept too long, photos nobody needs included; a
            # missed night is caught up by the next (its rules look back, not at a day).
            self.jobs.append(Job(
                "retention", CronTrigger(hour=RETENTION_AT.hour, minute=RETENTION_AT.minute,
                                         timezone=TIMEZONE),
                functools.partial(run_retention, media=media,
                                  periods=retention if retention is not None else Periods()),
                lambda now: False, working_days_only=False))
        self.scheduler = AsyncIOScheduler(timezone=TIMEZONE)
        for job in self.jobs:
            self.scheduler.add_job(self.run, job.trigger, args=[job], id=job.name,
                                   coalesce=True, max_instances=1, misfire_grace_time=3600)

    def job(self, name: str) -> Job:
        return next(job for job in self.jobs if job.name == name)

    async def run(self, job: Job, now: datetime | None = None) -> int:
        now = now or datetime.now(UTC)
        if job.working_days_only and not is_working_day(now.astimezone(TIMEZONE).date()):
            return 0  # Tết, 2/9, weekends other than make-up Saturdays
        try:
            async with self._sessions() as session:
                queued = int(await job.queue(session, now=now, channels=self._channels))
        except Exception:
            self._meter.job_ran(job.name, ok=False)
            raise
        self._meter.job_ran(job.name, ok=True)
        log.info("%s: %d messages queued", job.name, queued, extra={"job": job.name})
        if queued:
            self._queued()
        return queued

    async def daily_digest(self, now: datetime | None = None) -> int:
        return await self.run(self.job("daily digest"), now)

    async def deadline_reminders(self, now: datetime | None = None) -> int:
        return await self.run(self.job("deadline reminders"), now)

    async def contest_reminders(self, now: datetime | None = None) -> int:
        return await self.run(self.job("contest reminders"), now)

    async def monthly_tally(self, now: datetime | None = None) -> int:
        return await self.run(self.job("monthly tally"), now)

    async def monthly_exemplars(self, now: datetime | None = None) -> int:
        return await self.run(self.job("monthly exemplars"), now)

    async def retention(self, now: datetime | None = None) -> int:
        return await self.run(self.job("retention"), now)

    async def start(self) -> None:
        """Start the clock, and catch up what a stop made it miss (once: the outbox keys)."""
        self.scheduler.start()
        now = datetime.now(UTC)
        for job in self.jobs:
            if job.owed(now):
                await self.run(job, now)

    def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
