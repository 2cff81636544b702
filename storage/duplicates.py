"""Likely duplicates of a nomination: the same person, the same deed, the same photo.

Looked for among open and approved nominations of the same area (the unit's top-level
unit, e.g. the ward with its residential groups) from the last year: the same nominee
name (accents ignored), a deed told in much the same words, or a photo a few bits away
by perceptual hash.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import imagehash
from rapidfuzz import fuzz
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.access import subtree, unit_parents
from storage.folding import fold
from storage.models import Nomination, Photo

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
    area = area_of(await unit_parents(session), unit_id)
    query = (select(Nomination)
             .where(col(Nomination.unit_id).in_(sorted(area)),
                    col(Nomination.status).not_in(CLOSED),
                    col(Nomination.created_at) >= now - LOOK_BACK)
             .order_by(col(Nomination.id).desc()).limit(MAX_CANDIDATES))
    if exclude_id is not None:
        query = query.where(col(Nomination.id) != exclude_id)
    if before_id is not None:  # staff see only earlier ones as what this may repeat
        query = query.where(col(Nomination.id) < before_id)
    candidates = list((await session.exec(query)).all())
    hashes = await _photo_hashes(session, [c.id for c in candidates if c.id is not None])
    wanted = [imagehash.hex_to_hash(h) for h in photo_hashes if _telling(h)]
    name, text = fold(nominee_name), fold(deed)
    found = []
    for candidate in candidates:
        reasons = []
        if candidate.nominee_name_folded == name:
            reasons.append("name")
        if fuzz.token_set_ratio(text, fold(candidate.deed)) >= SIMILAR_DEED:
            reasons.append("deed")
        theirs = [imagehash.hex_to_hash(h) for h in hashes.get(candidate.id or 0, [])
                  if _telling(h)]
        if any(a - b <= SIMILAR_PHOTO_BITS for a in wanted for b in theirs):
            reasons.append("photo")
        if reasons:
            found.append(Match(candidate, tuple(reasons)))
    return found[:limit]


def _telling(phash: str) -> bool:
    """A flat picture (a blank wall, a dark shot) hashes to all zeros or all ones, like
    every other flat picture: it says nothing about being the same photo."""
    return bool(phash) and phash.strip("0") != "" and phash.strip("f") != ""


async def _photo_hashes(session: AsyncSession, ids: list[int]) -> dict[int, list[str]]:
    if not ids:
        return {}
    rows = await session.exec(select(Photo.nomination_id, Photo.phash)
                              .where(col(Photo.nomination_id).in_(ids),
                                     col(Photo.phash).is_not(None)))
    found: dict[int, list[str]] = {}
    for nomination_id, phash in rows.all():
        if nomination_id is not None and phash:
            found.setdefault(nomination_id, []).append(phash)
    return found


async def draft_photo_hashes(session: AsyncSession, photo_ids: list[int]) -> list[str]:
    if not photo_ids:
        return []
    rows = await session.exec(select(Photo.phash).where(col(Photo.id).in_(photo_ids)))
    return [h for h in rows.all() if h]
