"""Queries over the unit tree."""

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.folding import fold
from storage.models import Unit, UnitChat


async def get_unit(session: AsyncSession, unit_id: int) -> Unit | None:
    unit = await session.get(Unit, unit_id)
    return unit if unit is not None and unit.active else None


async def unit_by_code(session: AsyncSession, code: str) -> Unit | None:
    return (await session.exec(select(Unit).where(Unit.code == code))).first()


async def children(session: AsyncSession, parent_id: int | None) -> list[Unit]:
    query = select(Unit).where(Unit.parent_id == parent_id, col(Unit.active))
    return list((await session.exec(query.order_by(col(Unit.position)))).all())


async def search_units(session: AsyncSession, text: str, *, limit: int) -> list[Unit]:
    """Units whose name holds every typed word, accents and case ignored."""
    words = fold(text).split()
    if not words:
        return []
    query = select(Unit).where(col(Unit.active))
    for word in words:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(col(Unit.name_folded).like(f"%{escaped}%", escape="\\"))
    return list((await session.exec(query.order_by(col(Unit.position)).limit(limit))).all())


async def staff_chats_for(session: AsyncSession, unit_id: int) -> list[UnitChat]:
    """The staff group chats of the nearest unit, walking up, that has any.

    A residential group usually has no staff group of its own; its ward reviews for it.
    """
    current: int | None = unit_id
    while current is not None:
        chats = (await session.exec(
            select(UnitChat).where(UnitChat.unit_id == current, col(UnitChat.active))
        )).all()
        if chats:
            return list(chats)
        unit = await session.get(Unit, current)
        current = unit.parent_id if unit else None
    return []


async def with_children(session: AsyncSession, unit_ids: list[int]) -> set[int]:
    """Which of these units have active children (one query, not one per button)."""
    if not unit_ids:
        return set()
    query = select(Unit.parent_id).where(col(Unit.parent_id).in_(unit_ids), col(Unit.active))
    return {parent for parent in (await session.exec(query.distinct())).all() if parent}
