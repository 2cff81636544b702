"""The year's report's own reads (the nominations by unit, field and status come from the
dashboard's `nomination_facts`, the quotas from the tally's `counts_by_unit`): the titles
the councils gave, and the honoured nominations for the named list."""

from collections.abc import Collection

from sqlalchemy import ColumnElement, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import CommendationRound, Nomination, RoundItem, Unit


def _honoured_in(year: int, councils: Collection[int]) -> tuple[ColumnElement[bool], ...]:
    """Round items honoured by a decided round of `year` sitting in one of `councils`."""
    return (col(CommendationRound.year) == year, col(CommendationRound.status) == "decided",
            col(CommendationRound.unit_id).in_(sorted(councils)),
            col(RoundItem.outcome) == "honoured")


async def titles_by_level(session: AsyncSession, *, year: int,
                          councils: Collection[int]) -> dict[str, int]:
    """level (ward, city, urgent) → titles the councils decided in `year`."""
    query = (select(RoundItem.level, func.count())
             .join(CommendationRound, col(CommendationRound.id) == RoundItem.round_id)
             .where(*_honoured_in(year, councils)).group_by(col(RoundItem.level)))
    return {str(level): int(count) for level, count in (await session.exec(query)).all()}


async def city_honoured(session: AsyncSession, *, year: int, councils: Collection[int]) -> int:
    """Of those proposed to the city, how many the city's chairman honoured."""
    query = (select(func.count()).select_from(RoundItem)
             .join(CommendationRound, col(CommendationRound.id) == RoundItem.round_id)
             .where(*_honoured_in(year, councils), col(RoundItem.level) == "city",
                    col(RoundItem.city_result) == "honoured"))
    return int((await session.exec(query)).one())


async def honoured_nominations(session: AsyncSession, *, year: int,
                               councils: Collection[int]) -> list[tuple[Nomination, Unit]]:
    """The honoured nominations of the year with the nominee's unit, in agenda order."""
    query = (select(Nomination, Unit)
             .join(RoundItem, col(RoundItem.nomination_id) == Nomination.id)
             .join(CommendationRound, col(CommendationRound.id) == RoundItem.round_id)
             .join(Unit, col(Unit.id) == Nomination.unit_id)
             .where(*_honoured_in(year, councils))
             .order_by(col(CommendationRound.id), col(RoundItem.position), col(RoundItem.id)))
    return [(nomination, unit) for nomination, unit in (await session.exec(query)).all()]


async def children_of(session: AsyncSession, unit_id: int) -> list[Unit]:
    return list((await session.exec(select(Unit).where(
        col(Unit.parent_id) == unit_id, col(Unit.active)).order_by(col(Unit.position),
                                                                  col(Unit.id)))).all())
