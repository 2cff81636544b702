"""Queries behind the stories: which dossiers the council honoured, their publications.

No consent rule here: handlers/publication asks may_publish of every row it shows."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import CommendationRound, Nomination, Photo, Publication, RoundItem, Unit


@dataclass(frozen=True)
class Honoured:
    nomination: Nomination
    item: RoundItem
    round: CommendationRound
    unit_name: str
    publication: Publication | None


async def _rows(session: AsyncSession, where: list[Any], order_by: list[Any]) -> list[Honoured]:
    """Dossiers honoured in a decided round with their publication, if any; one row per
    nomination, the first in `order_by` (a later round's honour wins)."""
    query = (select(Nomination, RoundItem, CommendationRound, Publication)
             .join(RoundItem, col(RoundItem.nomination_id) == col(Nomination.id))
             .join(CommendationRound, col(CommendationRound.id) == col(RoundItem.round_id))
             .join(Publication, col(Publication.nomination_id) == col(Nomination.id),
                   isouter=True)
             .where(col(RoundItem.outcome) == "honoured",
                    col(CommendationRound.status) == "decided", *where)
             .order_by(*order_by))
    rows = (await session.exec(query)).all()
    names = dict((await session.exec(select(Unit.id, Unit.name).where(col(Unit.id).in_(
        list({n.unit_id for n, _, _, _ in rows}))))).all()) if rows else {}
    seen: dict[int, Honoured] = {}
    for nomination, item, sitting, publication in rows:
        seen.setdefault(nomination.id or 0, Honoured(
            nomination, item, sitting, names.get(nomination.unit_id, ""), publication))
    return list(seen.values())


async def honoured(session: AsyncSession, *, nomination_id: int | None = None) -> list[Honoured]:
    """Newest decision first."""
    where = [col(Nomination.id) == nomination_id] if nomination_id is not None else []
    return await _rows(session, where, [col(CommendationRound.decision_on).desc(),
                                        col(RoundItem.id).desc()])


async def published(session: AsyncSession, *, since: datetime | None = None,
                    until: datetime | None = None, slug: str | None = None,
                    ids: list[int] | None = None) -> list[Honoured]:
    """Publications out and not withdrawn, newest first, with their honour."""
    where: list[Any] = [col(Publication.published_at).is_not(None),
                        col(Publication.withdrawn_at).is_(None)]
    if since is not None:
        where.append(col(Publication.published_at) >= since)
    if until is not None:
        where.append(col(Publication.published_at) < until)
    if slug is not None:
        where.append(col(Publication.slug) == slug)
    if ids is not None:
        where.append(col(Publication.id).in_(ids))
    return await _rows(session, where, [col(Publication.published_at).desc(),
                                        col(Publication.id).desc(),
                                        col(CommendationRound.decision_on).desc()])


async def photos_by_id(session: AsyncSession, nomination_id: int,
                       photo_ids: list[int]) -> list[Photo]:
    """Of these photos, those that are the nomination's own, in the order given."""
    if not photo_ids:
        return []
    found = {p.id: p for p in (await session.exec(select(Photo).where(
        col(Photo.id).in_(photo_ids), col(Photo.nomination_id) == nomination_id,
        col(Photo.cleared_at).is_(None)))).all()}
    return [found[i] for i in photo_ids if i in found]


async def slug_taken(session: AsyncSession, slug: str, *, other_than: int | None) -> bool:
    found = (await session.exec(select(Publication.id).where(
        col(Publication.slug) == slug))).first()
    return found is not None and found != other_than
