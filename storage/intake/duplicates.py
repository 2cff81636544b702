"""Likely duplicates of a nomination: the same person, the same deed, the same photo.

Looked for among open and approved nominations of the same area (the unit's top-level
unit, e.g. the ward with its residential groups) from the last year: the same nominee
name (accents ignored), a deed told in much the same words, or a photo a few bits away
by perceptual hash.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from rapidfuzz import fuzz
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Nomination, Photo
from storage.org.access import subtree, unit_parents
from storage.shared.db import connection_of
from storage.shared.folding import fold

CLOSED = ("rejected", "withdrawn", "duplicate")
SIMILAR_DEED = 80  # rapidfuzz token_set_ratio, 0-100
SIMILAR_PHOTO_BITS = 6  # of 64
LOOK_BACK = timedelta(days=365)
MAX_CANDIDATES = 300


@dataclass(frozen=True)
class Match:
    nomination: Nomination
    reasons: tuple[str, ...]  # name, deed, photo


def area_of(parents: dict[int, int | None], unit_id: int) -> set[int]:
    """The subtree of the unit's top-level unit (the one right under the root)."""
    top = unit_id
    while parents.get(top) is not None and parents.get(parents[top] or 0) is not None:
        top = parents[top] or top
    return subtree(parents, top)


async def likely_duplicates(
    session: AsyncSession, *, unit_id: int, nominee_name: str, deed: str,
    photo_hashes: list[str], now: datetime, exclude_id: int | None = None,
    before_id: int | None = None, limit: int = 3,
) -> list[Match]:
    """The same name and a near-identical photo are looked for over the whole year (an
    index and two short columns make that cheap); a deed told in similar words among
    the area's newest MAX_CANDIDATES, since the same event is reported within days."""
    area = sorted(area_of(await unit_parents(session), unit_id))
    # Plain column queries: run on the connection, not through the ORM's execute path.
    connection = await connection_of(session)
    in_scope = [col(Nomination.unit_id).in_(area), col(Nomination.status).not_in(CLOSED),
                col(Nomination.created_at) >= now - LOOK_BACK]
    if exclude_id is not None:
        in_scope.append(col(Nomination.id) != exclude_id)
    if before_id is not None:  # staff see only earlier ones as what this may repeat
        in_scope.append(col(Nomination.id) < before_id)
    reasons: dict[int, list[str]] = {}

    same_name = await connection.execute(select(Nomination.id).where(
        *in_scope, Nomination.nominee_name_folded == fold(nominee_name)))
    for found_id in same_name.scalars().all():
        reasons.setdefault(found_id or 0, []).append("name")

    text = fold(deed)
    recent = await connection.execute(
        select(Nomination.id, Nomination.deed).where(*in_scope)
        .order_by(col(Nomination.id).desc()).limit(MAX_CANDIDATES))
    for found_id, their_deed in recent.all():
        if fuzz.token_set_ratio(text, fold(their_deed)) >= SIMILAR_DEED:
            reasons.setdefault(found_id or 0, []).append("deed")

    wanted = [int(h, 16) for h in photo_hashes if _telling(h)]
    if wanted:
        photos = await connection.execute(
            select(Photo.nomination_id, Photo.phash)
            .join(Nomination, col(Nomination.id) == Photo.nomination_id)
            .where(*in_scope, col(Photo.phash).is_not(None)))
        near = {found_id for found_id, phash in photos.all()
                if found_id is not None and _near(phash, wanted)}
        for found_id in near:
            reasons.setdefault(found_id, []).append("photo")

    newest = sorted(reasons, reverse=True)[:limit]
    if not newest:
        return []
    loaded = {n.id: n for n in (await session.exec(
        select(Nomination).where(col(Nomination.id).in_(newest)))).all()}
    order = ("name", "deed", "photo")
    return [Match(loaded[i], tuple(sorted(reasons[i], key=order.index)))
            for i in newest if i in loaded]


def _near(phash: str | None, wanted: list[int]) -> bool:
    """Within a few bits of one of ours: the hashes compared as 64-bit integers (XOR and
    count the differing bits), without building an object for each of the thousands of
    photos a ward has in a year."""
    if not phash or not _telling(phash):
        return False
    theirs = int(phash, 16)
    return any((theirs ^ mine).bit_count() <= SIMILAR_PHOTO_BITS for mine in wanted)


def _telling(phash: str) -> bool:
    """A flat picture (a blank wall, a dark shot) hashes to all zeros or all ones, like
    every other flat picture: it says nothing about being the same photo."""
    return bool(phash) and phash.strip("0") != "" and phash.strip("f") != ""


async def draft_photo_hashes(session: AsyncSession, photo_ids: list[int]) -> list[str]:
    if not photo_ids:
        return []
    rows = await session.exec(select(Photo.phash).where(col(Photo.id).in_(photo_ids)))
    return [h for h in rows.all() if h]
