"""Queries over the unit tree."""

from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Unit, UnitChat
from storage.shared.db import connection_of
from storage.shared.folding import fold

_UNITS = Unit.__table__  # type: ignore[attr-defined]
_CHATS = UnitChat.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class UnitRef:
    """What the dialog's buttons and the console's filters show of an active unit."""

    id: int
    name: str
    parent_id: int | None


# The dialog lists units on most nominations (the tree's buttons, a typed name). Read as
# plain rows with statements built once: loading ~20 ORM objects per prompt through the
# identity map cost more than the rest of the turn (profiled, docs/benchmarks.md).
def _active_refs() -> Any:
    """The columns a UnitRef is read from, of active units."""
    return select(_UNITS.c.id, _UNITS.c.name, _UNITS.c.parent_id).where(_UNITS.c.active)


@cache
def _unit_statement() -> Any:
    return _active_refs().where(_UNITS.c.id == bindparam("unit_id"))


@cache
def _children_statement(top: bool) -> Any:
    parent = _UNITS.c.parent_id.is_(None) if top else _UNITS.c.parent_id == bindparam("parent")
    return _active_refs().where(parent).order_by(_UNITS.c.position)


@cache
def _parents_statement() -> Any:
    return (select(_UNITS.c.parent_id).distinct()
            .where(_UNITS.c.parent_id.in_(bindparam("unit_ids", expanding=True)),
                   _UNITS.c.active))


async def _unit_refs(session: AsyncSession, statement: Any,
                     params: dict[str, Any]) -> list[UnitRef]:
    connection = await connection_of(session)
    return [UnitRef(row.id, row.name, row.parent_id)
            for row in await connection.execute(statement, params)]


async def get_unit(session: AsyncSession, unit_id: int) -> UnitRef | None:
    found = await _unit_refs(session, _unit_statement(), {"unit_id": unit_id})
    return found[0] if found else None


async def unit_by_code(session: AsyncSession, code: str) -> Unit | None:
    return (await session.exec(select(Unit).where(Unit.code == code))).first()


async def children(session: AsyncSession, parent_id: int | None) -> list[UnitRef]:
    return await _unit_refs(session, _children_statement(parent_id is None),
                            {} if parent_id is None else {"parent": parent_id})


async def search_units(session: AsyncSession, text: str, *, limit: int) -> list[UnitRef]:
    """Units whose name holds every typed word, accents and case ignored."""
    words = fold(text).split()
    if not words:
        return []
    query = _active_refs()
    for word in words:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(_UNITS.c.name_folded.like(f"%{escaped}%", escape="\\"))
    return await _unit_refs(session, query.order_by(_UNITS.c.position).limit(limit), {})


@dataclass(frozen=True)
class StaffChat:
    channel: str
    chat_id: str


@cache
def _chats_statement() -> Any:
    return (select(_CHATS.c.channel, _CHATS.c.chat_id)
            .where(_CHATS.c.unit_id == bindparam("unit_id"), _CHATS.c.active)
            .order_by(_CHATS.c.id))


@cache
def _parent_statement() -> Any:
    return select(_UNITS.c.parent_id).where(_UNITS.c.id == bindparam("unit_id"))


async def staff_chats_for(session: AsyncSession, unit_id: int) -> list[StaffChat]:
    """The staff group chats of the nearest unit, walking up, that has any.

    A residential group usually has no staff group of its own; its ward reviews for it.
    """
    connection = await connection_of(session)
    current: int | None = unit_id
    while current is not None:
        chats = [StaffChat(row.channel, row.chat_id) for row in
                 await connection.execute(_chats_statement(), {"unit_id": current})]
        if chats:
            return chats
        current = (await connection.execute(_parent_statement(),
                                            {"unit_id": current})).scalar_one_or_none()
    return []


async def with_children(session: AsyncSession, unit_ids: list[int]) -> set[int]:
    """Which of these units have active children (one query, not one per button)."""
    if not unit_ids:
        return set()
    connection = await connection_of(session)
    rows = await connection.execute(_parents_statement(), {"unit_ids": unit_ids})
    return {parent for (parent,) in rows if parent}
