"""Changing the unit tree from the console: add, rename, move, merge; emulation clusters.

A refused change raises `TreeProblem` with a short code the page words; nothing is
written then. The caller records the audit event and commits.
"""

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, update
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Cluster, Nomination, StaffRole, Unit, UnitChat, UnitCluster
from storage.org.access import subtree, unit_parents
from storage.org.merge_codes import coded_counts, move_codes
from storage.shared.folding import fold

CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")  # as in the organisation file


class TreeProblem(Exception):
    """`code`: bad_code, code_taken, bad_name, no_unit, inside_itself, same_unit."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class TreeRow:
    unit: Unit
    depth: int


async def tree_rows(session: AsyncSession) -> list[TreeRow]:
    """Active units, parents before children, in file order, with their depth."""
    units = (await session.exec(select(Unit).where(col(Unit.active))
                                .order_by(col(Unit.position), col(Unit.id)))).all()
    by_parent: dict[int | None, list[Unit]] = {}
    known = {unit.id for unit in units}
    for unit in units:
        parent = unit.parent_id if unit.parent_id in known else None
        by_parent.setdefault(parent, []).append(unit)
    out: list[TreeRow] = []
    stack = [(unit, 0) for unit in reversed(by_parent.get(None, []))]
    while stack:
        unit, depth = stack.pop()
        out.append(TreeRow(unit, depth))
        stack.extend((child, depth + 1) for child in reversed(by_parent.get(unit.id, [])))
    return out


def _name(name: str) -> str:
    clean = " ".join(name.split())
    if not 1 <= len(clean) <= 200:
        raise TreeProblem("bad_name")
    return clean


async def active_unit(session: AsyncSession, unit_id: int) -> Unit:
    unit = await session.get(Unit, unit_id)
    if unit is None or not unit.active:
        raise TreeProblem("no_unit")
    return unit


async def unit_name(session: AsyncSession, unit_id: int | None) -> str | None:
    unit = await session.get(Unit, unit_id) if unit_id is not None else None
    return unit.name if unit else None


async def _next_position(session: AsyncSession) -> int:
    last = (await session.exec(select(func.max(Unit.position)))).one()
    return int(last or 0) + 1


async def add_unit(session: AsyncSession, *, code: str, name: str, kind: str,
                   parent_id: int | None) -> Unit:
    code = code.strip().lower()
    if not CODE.match(code):
        raise TreeProblem("bad_code")
    if (await session.exec(select(Unit).where(Unit.code == code))).first() is not None:
        raise TreeProblem("code_taken")
    kind = kind.strip() or "unit"
    if len(kind) > 40:
        raise TreeProblem("bad_name")
    if parent_id is not None:
        await active_unit(session, parent_id)
    clean = _name(name)
    unit = Unit(code=code, name=clean, name_folded=fold(clean), kind=kind,
                parent_id=parent_id, position=await _next_position(session))
    session.add(unit)
    await session.flush()
    return unit


async def rename_unit(session: AsyncSession, unit: Unit, name: str) -> str:
    """The old name, for the audit row."""
    old, unit.name = unit.name, _name(name)
    unit.name_folded = fold(unit.name)
    session.add(unit)
    return old


async def descendants(session: AsyncSession, unit_id: int) -> set[int]:
    return subtree(await unit_parents(session), unit_id)


async def check_move(session: AsyncSession, unit: Unit, parent_id: int | None) -> None:
    assert unit.id is not None
    if parent_id is not None:
        await active_unit(session, parent_id)
        if parent_id in await descendants(session, unit.id):
            raise TreeProblem("inside_itself")


async def move_unit(session: AsyncSession, unit: Unit, parent_id: int | None) -> None:
    await check_move(session, unit, parent_id)
    unit.parent_id = parent_id
    session.add(unit)


@dataclass(frozen=True)
class MergeCounts:
    """What moves from the merged unit to the one that stays: shown before, audited after."""

    nominations: int
    chats: int
    roles: int
    children: int
    tasks: int = 0  # deadline tasks it owns
    quotas: int = 0  # active campaigns with its own quota


async def _count(session: AsyncSession, query: Any) -> int:
    return int((await session.exec(query)).one())


async def merge_counts(session: AsyncSession, merged: Unit, survivor: Unit) -> MergeCounts:
    assert merged.id is not None and survivor.id is not None
    if merged.id == survivor.id:
        raise TreeProblem("same_unit")
    if survivor.id in await descendants(session, merged.id):
        raise TreeProblem("inside_itself")
    tasks, quotas = await coded_counts(session, merged.code)
    return MergeCounts(tasks=tasks, quotas=quotas,
        nominations=await _count(session, select(func.count()).select_from(Nomination)
                                 .where(col(Nomination.unit_id) == merged.id)),
        chats=await _count(session, select(func.count()).select_from(UnitChat)
                           .where(col(UnitChat.unit_id) == merged.id)),
        roles=await _count(session, select(func.count()).select_from(StaffRole)
                           .where(col(StaffRole.unit_id) == merged.id)),
        children=len((await session.exec(select(Unit.id).where(
            Unit.parent_id == merged.id, col(Unit.active)))).all()))


async def merge_units(session: AsyncSession, merged: Unit, survivor: Unit) -> MergeCounts:
    """The merged unit's nominations, group chats, staff roles, children, deadline tasks
    and campaign quotas go to the survivor; the merged unit stays, inactive, so its code
    and old references still mean something. A chat or role the survivor already has is
    not doubled."""
    counts = await merge_counts(session, merged, survivor)
    old, new = merged.id, survivor.id
    await session.exec(update(Nomination).where(col(Nomination.unit_id) == old)
                       .values(unit_id=new).execution_options(synchronize_session=False))
    have_chats = {(c.channel, c.chat_id) for c in (await session.exec(
        select(UnitChat).where(UnitChat.unit_id == new))).all()}
    for chat in (await session.exec(select(UnitChat).where(UnitChat.unit_id == old))).all():
        if (chat.channel, chat.chat_id) in have_chats:
            await session.delete(chat)
        else:
            chat.unit_id = new  # type: ignore[assignment]
            session.add(chat)
    have_roles = {(r.staff_id, r.role) for r in (await session.exec(
        select(StaffRole).where(StaffRole.unit_id == new))).all()}
    for role in (await session.exec(select(StaffRole).where(StaffRole.unit_id == old))).all():
        if (role.staff_id, role.role) in have_roles:
            await session.delete(role)
        else:
            role.unit_id = new  # type: ignore[assignment]
            session.add(role)
    await session.exec(update(Unit).where(col(Unit.parent_id) == old)
                       .values(parent_id=new).execution_options(synchronize_session=False))
    await move_codes(session, merged=merged.code, survivor=survivor.code)
    merged.active = False
    session.add(merged)
    await session.flush()
    return counts


async def clusters(session: AsyncSession) -> list[tuple[Cluster, list[int]]]:
    """Every cluster with its units' ids."""
    rows = (await session.exec(select(Cluster).order_by(col(Cluster.id)))).all()
    links = (await session.exec(select(UnitCluster))).all()
    return [(cluster, sorted(link.unit_id for link in links if link.cluster_id == cluster.id))
            for cluster in rows]


async def add_cluster(session: AsyncSession, *, code: str, name: str) -> Cluster:
    code = code.strip().lower()
    if not CODE.match(code):
        raise TreeProblem("bad_code")
    if (await session.exec(select(Cluster).where(Cluster.code == code))).first() is not None:
        raise TreeProblem("code_taken")
    cluster = Cluster(code=code, name=_name(name))
    session.add(cluster)
    await session.flush()
    return cluster


async def get_cluster(session: AsyncSession, cluster_id: int) -> Cluster:
    cluster = await session.get(Cluster, cluster_id)
    if cluster is None:
        raise TreeProblem("no_unit")
    return cluster


@dataclass(frozen=True)
class ClusterChange:
    """Which units a new member list adds to a cluster and which it takes out: shown
    before saving, since the cluster decides who is ranked against whom."""

    joining: list[Unit]
    leaving: list[Unit]

    @property
    def token(self) -> str:
        """What the confirmation showed, for its form: saved only if it still holds."""
        return "join:{};leave:{}".format(",".join(str(u.id) for u in self.joining),
                                         ",".join(str(u.id) for u in self.leaving))


async def cluster_change(session: AsyncSession, cluster: Cluster,
                         unit_ids: list[int]) -> ClusterChange:
    """A unit may be in several clusters: joining this one takes it out of no other."""
    wanted = {unit_id: await active_unit(session, unit_id) for unit_id in sorted(set(unit_ids))}
    have = (await session.exec(select(UnitCluster.unit_id).where(
        UnitCluster.cluster_id == cluster.id))).all()
    leaving = [unit for unit_id in sorted(set(have) - set(wanted))
               if (unit := await session.get(Unit, unit_id)) is not None]
    return ClusterChange(joining=[u for i, u in wanted.items() if i not in set(have)],
                         leaving=leaving)


async def set_cluster_units(session: AsyncSession, cluster: Cluster,
                            unit_ids: list[int]) -> None:
    for unit_id in unit_ids:
        await active_unit(session, unit_id)
    await session.exec(delete(UnitCluster).where(col(UnitCluster.cluster_id) == cluster.id))
    assert cluster.id is not None
    for unit_id in sorted(set(unit_ids)):
        session.add(UnitCluster(unit_id=unit_id, cluster_id=cluster.id))
    await session.flush()


def rename_cluster(session: AsyncSession, cluster: Cluster, name: str) -> str:
    old, cluster.name = cluster.name, _name(name)
    session.add(cluster)
    return old
