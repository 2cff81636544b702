"""Nominations, their reference numbers and their photos."""

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.media.store import StoredImage
from storage.models import Nomination, Photo, ReferenceCounter
from storage.shared.db import connection_of, dialect_insert
from storage.shared.folding import fold


def search_text(nomination: Nomination) -> str:
    """What the console's accent-insensitive search looks in."""
    parts = [nomination.reference, nomination.nominee_name, nomination.nominee_role,
             nomination.place, nomination.deed, nomination.submitter_name,
             nomination.on_behalf_of or ""]
    return fold(" ".join(parts))[:6000]


_COUNTERS = ReferenceCounter.__table__  # type: ignore[attr-defined]


# Built once (every submit runs both): through the ORM's DML path they cost more than
# the rest of the submit together (profiled, docs/benchmarks.md).
@cache
def _counter_insert(dialect: str) -> Any:
    return (dialect_insert(dialect)(_COUNTERS).values(year=bindparam("the_year"), last=0)
            .on_conflict_do_nothing(index_elements=["year"]))


@cache
def _counter_bump() -> Any:
    # The UPDATE takes the row lock, so two submits can never read the same number.
    return (update(_COUNTERS).where(_COUNTERS.c.year == bindparam("the_year"))
            .values(last=_COUNTERS.c.last + 1).returning(_COUNTERS.c.last))


async def next_reference(session: AsyncSession, year: int) -> str:
    """NTVT-<year>-<6 digits>, gap-free per year and safe under concurrent submits."""
    connection = await connection_of(session)
    await connection.execute(_counter_insert(connection.dialect.name), {"the_year": year})
    number = (await connection.execute(_counter_bump(), {"the_year": year})).scalar_one()
    return f"NTVT-{year}-{number:06d}"


async def add_draft_photo(
    session: AsyncSession, image: StoredImage, *, channel: str, user_id: str, now: datetime
) -> Photo:
    photo = Photo(sha256=image.sha256, width=image.width, height=image.height,
                  size_bytes=image.size_bytes, channel=channel, user_id=user_id, created_at=now,
                  phash=image.phash or None)
    session.add(photo)
    await session.flush()
    return photo


async def attach_photos(
    session: AsyncSession, photo_ids: Sequence[int], *, nomination_id: int, channel: str,
    user_id: str,
) -> int:
    """Move a draft's photos onto the nomination; only the owner's unattached photos move."""
    if not photo_ids:
        return 0
    result = await session.exec(
        update(Photo)
        .where(col(Photo.id).in_(photo_ids), col(Photo.nomination_id).is_(None),
               col(Photo.channel) == channel, col(Photo.user_id) == user_id)
        .values(nomination_id=nomination_id)
    )
    return int(result.rowcount)


async def nominations_of(
    session: AsyncSession, *, channel: str, user_id: str, limit: int
) -> list[Nomination]:
    query = (select(Nomination)
             .where(Nomination.channel == channel, Nomination.submitter_user_id == user_id)
             .order_by(col(Nomination.id).desc()).limit(limit))
    return list((await session.exec(query)).all())


async def nominations_sent_since(session: AsyncSession, *, channel: str, user_id: str,
                                 since: datetime) -> int:
    query = select(func.count()).select_from(Nomination).where(
        Nomination.channel == channel, Nomination.submitter_user_id == user_id,
        col(Nomination.created_at) >= since)
    return int((await session.exec(query)).one())


async def held_back_count(session: AsyncSession) -> int:
    """Nominations kept out of the staff groups as part of a burst, still waiting."""
    query = select(func.count()).select_from(Nomination).where(
        col(Nomination.held_back).is_(True), Nomination.status == "submitted")
    return int((await session.exec(query)).one())


async def photos_of(session: AsyncSession, nomination_id: int) -> list[Photo]:
    query = select(Photo).where(Photo.nomination_id == nomination_id).order_by(col(Photo.id))
    return list((await session.exec(query)).all())
