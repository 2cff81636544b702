"""Use case, nightly: keep personal data no longer than the notice promises (docs/
privacy.md, "Retention"). One run applies every rule in small committed batches, then
records its counts (shown in the console) and logs them in one line.

Safe to run twice, or on a process beside a turn: every batch is a conditional update
(handlers never see a half-purged row), and rows done with are marked, so a second run
finds nothing left to do."""

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.intake.photo_sweep import ABANDONED_AFTER, discard_unreferenced, sweep_unused_photos
from handlers.shared.turn import TIMEZONE
from storage.media.store import Kind, MediaStore
from storage.privacy.retention import (
    Decided,
    anonymise,
    blank_certificates,
    blank_contest_entries,
    blank_unnamed_exemplars,
    certificate_file_used,
    clear_abandoned_drafts,
    decided_before,
    delete_expired_sessions,
    delete_sign_in_attempts,
    purge_inbox_payloads,
    record_run,
)

log = logging.getLogger(__name__)
COUNTS = ("inbox_payloads", "drafts", "photos", "photo_files", "sign_in_attempts",
          "staff_sessions", "nominations", "certificate_files", "contest_entries")


@dataclass(frozen=True)
class Periods:
    """How long each kind of personal data is kept: settings RETAIN_*_DAYS."""

    inbox: timedelta = timedelta(days=30)
    drafts: timedelta = ABANDONED_AFTER
    sign_ins: timedelta = timedelta(days=90)
    rejected: timedelta = timedelta(days=365)
    # Five years: the emulation and commendation cycle (Luật Thi đua, khen thưởng 2022)
    # weighs a person's record over the five years before a higher honour is proposed,
    # and the ward's five-year review of the movement cites its exemplars by name.
    approved: timedelta = timedelta(days=1825)
    # A year after the contest closed: long enough for questions about its results and
    # for the year's report; prize winners keep their name and text (public record).
    contest_entries: timedelta = timedelta(days=365)


def kept_for(nomination: Decided, periods: Periods) -> timedelta | None:
    """How long after its decision a nomination keeps its personal data; None: kept as
    long as something needs it. THE one rule to extend: a commendation (an honours
    record, not built yet) that names the exemplar returns None here, and an approved
    nomination is kept by default for `periods.approved` until then."""
    if nomination.status == "approved":
        return periods.approved
    return periods.rejected  # rejected, withdrawn, a duplicate of another


@dataclass
class Counts:
    done: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))

    def add(self, name: str, count: int) -> None:
        self.done[name] += count


async def _batches(session: AsyncSession, counts: Counts, name: str,
                   step: Callable[[], Awaitable[int]]) -> None:
    """Run one batch query until it changes nothing more, committing each batch. A row a
    turn changed meanwhile no longer matches, so each batch that changes anything leaves
    fewer to find: the loop ends."""
    while True:
        count = int(await step())
        await session.commit()
        counts.add(name, count)
        if count == 0:
            return


async def _anonymise_due(session: AsyncSession, counts: Counts, *, now: datetime,
                         media: MediaStore, periods: Periods) -> None:
    shortest = min(periods.rejected, periods.approved)
    after_id = 0
    while batch := await decided_before(session, created_before=now - shortest,
                                        after_id=after_id):
        after_id = batch[-1].id
        for nomination in batch:
            period = kept_for(nomination, periods)
            if period is None or nomination.decided_at >= now - period:
                continue
            hashes = await anonymise(session, nomination.id, status=nomination.status, now=now)
            if hashes is None:  # another run was first, or staff decided again
                await session.commit()
                continue
            certificates = await blank_certificates(session, nomination.id)
            await session.commit()  # one nomination a transaction: never half anonymised
            counts.add("nominations", 1)
            counts.add("photo_files", await discard_unreferenced(session, hashes, media))
            counts.add("certificate_files",
                       await discard_certificates(session, certificates, media))
        await session.rollback()


async def discard_certificates(session: AsyncSession, pairs: list[tuple[str, str]],
                               media: MediaStore) -> int:
    """Delete the certificates' files (PDF and PNG) no certificate row refers to any more:
    how many went. Call it after the rows' blanking has committed."""
    gone = 0
    for pdf, png in pairs:
        files: tuple[tuple[str, Kind], ...] = ((pdf, "document"), (png, "chart"))
        for sha256, kind in files:
            if not sha256 or await certificate_file_used(session, sha256):
                continue
            await media.discard_made(sha256, kind)
            gone += 1
    return gone


async def _blank_contest_entries(session: AsyncSession, counts: Counts, *, now: datetime,
                                 media: MediaStore, periods: Periods) -> None:
    # A contest closes at the end of its last day, Hà Nội time.
    closed_before = (now - periods.contest_entries).astimezone(TIMEZONE).date().isoformat()
    while (done := await blank_contest_entries(session, closed_before=closed_before)).count:
        await session.commit()
        counts.add("contest_entries", done.count)
        counts.add("photo_files", await discard_unreferenced(session, done.photo_hashes, media))
    await session.commit()


async def run_retention(session: AsyncSession, *, now: datetime, media: MediaStore,
                        periods: Periods, channels: frozenset[str] = frozenset()) -> int:
    """Apply every retention rule as of `now`; the run's counts are recorded and logged.
    Returns 0: nothing queued for the outbox (the clock's job signature)."""
    counts = Counts()
    began = time.monotonic()

    await _batches(session, counts, "inbox_payloads", lambda: purge_inbox_payloads(
        session, received_before=now - periods.inbox, now=now))
    await _batches(session, counts, "drafts", lambda: clear_abandoned_drafts(
        session, untouched_since=now - periods.drafts))
    # After the drafts: the photos of the drafts just cleared go in this same run.
    photos, files = await sweep_unused_photos(session, now=now, media=media,
                                              abandoned_after=periods.drafts)
    counts.add("photos", photos)
    counts.add("photo_files", files)
    await _batches(session, counts, "sign_in_attempts", lambda: delete_sign_in_attempts(
        session, before=now - periods.sign_ins))
    await _batches(session, counts, "staff_sessions",
                   lambda: delete_expired_sessions(session, now=now))
    await _anonymise_due(session, counts, now=now, media=media, periods=periods)
    await _blank_contest_entries(session, counts, now=now, media=media, periods=periods)
    await blank_unnamed_exemplars(session)
    await record_run(session, started_at=now,
                     finished_at=now + timedelta(seconds=time.monotonic() - began),
                     counts=counts.done)
    await session.commit()
    log.info("retention: %s", ", ".join(f"{name} {count}" for name, count in counts.done.items()),
             extra={"job": "retention"})
    return 0
