"""The criteria of the title per field (TitleCriterion), in order, both languages."""

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import TitleCriterion


async def criteria_of(session: AsyncSession, field: str) -> list[TitleCriterion]:
    return list((await session.exec(select(TitleCriterion).where(
        TitleCriterion.field == field).order_by(col(TitleCriterion.position),
                                                col(TitleCriterion.id)))).all())


async def all_criteria(session: AsyncSession) -> dict[str, list[TitleCriterion]]:
    found: dict[str, list[TitleCriterion]] = {}
    for row in (await session.exec(select(TitleCriterion).order_by(
            col(TitleCriterion.field), col(TitleCriterion.position)))).all():
        found.setdefault(row.field, []).append(row)
    return found


async def replace_criteria(session: AsyncSession, field: str,
                           pairs: list[tuple[str, str]]) -> None:
    """The field's whole list, in this order (Vietnamese, English)."""
    await session.exec(delete(TitleCriterion).where(col(TitleCriterion.field) == field))
    for position, (vi, en) in enumerate(pairs, start=1):
        session.add(TitleCriterion(field=field, position=position, text_vi=vi[:1000],
                                   text_en=en[:1000]))


async def seed_if_empty(session: AsyncSession,
                        defaults: dict[str, list[tuple[str, str]]]) -> bool:
    """The defaults, only when no criterion exists at all; True when seeded."""
    if (await session.exec(select(TitleCriterion.id).limit(1))).first() is not None:
        return False
    for field, pairs in defaults.items():
        await replace_criteria(session, field, pairs)
    return True
