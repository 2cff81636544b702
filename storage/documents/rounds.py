"""A council round with each dossier on its agenda: the round item, its nomination and
the nominee's unit, in agenda order."""

from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import CommendationRound, Nomination, RoundItem, Unit


@dataclass(frozen=True)
class Dossier:
    item: RoundItem
    nomination: Nomination
    unit: Unit


async def round_with_dossiers(session: AsyncSession, round_id: int
                              ) -> tuple[CommendationRound, Unit, list[Dossier]] | None:
    sitting = await session.get(CommendationRound, round_id)
    if sitting is None:
        return None
    council_unit = await session.get(Unit, sitting.unit_id)
    assert council_unit is not None  # a foreign key
    rows = (await session.exec(
        select(RoundItem, Nomination, Unit)
        .join(Nomination, col(Nomination.id) == RoundItem.nomination_id)
        .join(Unit, col(Unit.id) == Nomination.unit_id)
        .where(RoundItem.round_id == round_id)
        .order_by(col(RoundItem.position), col(RoundItem.id)))).all()
    return sitting, council_unit, [Dossier(item, nomination, unit)
                                   for item, nomination, unit in rows]
