"""Contest entries: numbering, the same article sent before, nominations to link."""

from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Contest, ContestEntry, ContestEntryPhoto, Nomination

COUNTED = "complete"  # the status an entry has once it passed the door


async def complete_entries(session: AsyncSession, contest_id: int) -> list[ContestEntry]:
    found = await session.exec(select(ContestEntry).where(
        ContestEntry.contest_id == contest_id, ContestEntry.status == COUNTED)
        .order_by(col(ContestEntry.id)))
    return list(found.all())


async def same_text(session: AsyncSession, contest_id: int, text_sha256: str
                    ) -> ContestEntry | None:
    found = await session.exec(select(ContestEntry).where(
        ContestEntry.contest_id == contest_id, ContestEntry.status == COUNTED,
        ContestEntry.text_sha256 == text_sha256).order_by(col(ContestEntry.id)).limit(1))
    return found.first()


async def fingerprints(session: AsyncSession, contest_id: int) -> list[tuple[int, str]]:
    """(id, simhash) of the contest's counted entries, oldest first: a contest has
    hundreds, compared in memory."""
    found = await session.exec(select(ContestEntry.id, ContestEntry.fingerprint).where(
        ContestEntry.contest_id == contest_id, ContestEntry.status == COUNTED)
        .order_by(col(ContestEntry.id)))
    return [(entry_id, print_) for entry_id, print_ in found.all() if entry_id is not None]


async def _next_number(session: AsyncSession, contest_id: int) -> int:
    found = await session.exec(select(func.count()).select_from(ContestEntry).where(
        ContestEntry.contest_id == contest_id))
    return int(found.one()) + 1


async def add_entry(session: AsyncSession, contest: Contest, values: dict[str, Any], *,
                    photo_ids: list[int], now: datetime) -> ContestEntry:
    """A complete entry, numbered in the contest ("BV-2026-0001"); flushed."""
    assert contest.id is not None
    number = await _next_number(session, contest.id)
    entry = ContestEntry(contest_id=contest.id, reference=f"BV-{contest.year}-{number:04d}",
                         status=COUNTED, created_at=now, completed_at=now, **values)
    session.add(entry)
    await session.flush()
    assert entry.id is not None
    for position, photo_id in enumerate(photo_ids):
        session.add(ContestEntryPhoto(entry_id=entry.id, photo_id=photo_id, position=position))
    await session.flush()
    return entry


async def nominations_to_link(session: AsyncSession, *, name_folded: str, unit_id: int,
                              limit: int = 3) -> list[Nomination]:
    """Nominations of an exemplar of this (folded) name in this unit, newest first."""
    found = await session.exec(select(Nomination).where(
        Nomination.nominee_name_folded == name_folded, Nomination.unit_id == unit_id,
        col(Nomination.status).not_in(("withdrawn", "duplicate")))
        .order_by(col(Nomination.created_at).desc()).limit(limit))
    return list(found.all())
