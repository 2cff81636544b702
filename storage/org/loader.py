"""Import or update the organisation tree from its file, idempotently.

Units and staff are matched by code and username. A unit that leaves the file is marked
inactive rather than deleted, because nominations still point at it.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Cluster, Staff, StaffAccount, StaffRole, Unit, UnitChat, UnitCluster
from storage.org.chat_moves import ChatMoves, chat_moves
from storage.org.file import OrgSpec
from storage.shared.folding import fold


@dataclass(frozen=True)
class LoadReport:
    units: int
    clusters: int
    staff: int
    deactivated: int


async def load_org(session: AsyncSession, spec: OrgSpec) -> LoadReport:
    clusters = await _upsert_clusters(session, spec)
    units = await _upsert_units(session, spec, clusters)
    deactivated = await _deactivate_missing(session, set(units))
    await _upsert_staff(session, spec, units)
    await session.commit()
    return LoadReport(len(units), len(clusters), len(spec.staff), deactivated)


async def _upsert_clusters(session: AsyncSession, spec: OrgSpec) -> dict[str, int]:
    existing = {c.code: c for c in (await session.exec(select(Cluster))).all()}
    for item in spec.clusters:
        cluster = existing.get(item.code) or Cluster(code=item.code, name=item.name)
        cluster.name = item.name
        session.add(cluster)
        existing[item.code] = cluster
    await session.flush()
    return {code: c.id for code, c in existing.items() if c.id is not None}


async def _upsert_units(
    session: AsyncSession, spec: OrgSpec, clusters: dict[str, int]
) -> dict[str, int]:
    existing = {u.code: u for u in (await session.exec(select(Unit))).all()}
    ids: dict[str, int] = {}
    # The file may still name a group by the id it had before it became a supergroup.
    moves = {channel: await chat_moves(session, channel)
             for channel in {str(c) for item, _ in spec.walk() for c in item.chats}}
    for position, (item, parent_code) in enumerate(spec.walk()):
        unit = existing.get(item.code) or Unit(code=item.code, name=item.name, name_folded="",
                                                kind=item.kind)
        unit.name, unit.kind, unit.name_folded = item.name, item.kind, fold(item.name)
        unit.parent_id = ids[parent_code] if parent_code else None
        unit.position, unit.active = position, True
        session.add(unit)
        await session.flush()
        assert unit.id is not None
        ids[item.code] = unit.id
        await _replace_links(session, unit.id, item.clusters, clusters, item.chats, moves)
    return ids


async def _replace_links(
    session: AsyncSession,
    unit_id: int,
    cluster_codes: list[str],
    clusters: dict[str, int],
    chats: Mapping[Any, list[str]],
    moves: Mapping[str, ChatMoves],
) -> None:
    await session.exec(delete(UnitCluster).where(col(UnitCluster.unit_id) == unit_id))
    for code in cluster_codes:
        session.add(UnitCluster(unit_id=unit_id, cluster_id=clusters[code]))
    wanted = {(str(channel), moves[str(channel)].newest(str(chat)))
              for channel, ids in chats.items() for chat in ids}
    rows = (await session.exec(select(UnitChat).where(UnitChat.unit_id == unit_id))).all()
    have = {(row.channel, row.chat_id): row for row in rows}
    for key, row in have.items():
        if key not in wanted and row.source == "org_file":  # linked groups stay
            await session.delete(row)
    for channel, chat_id in wanted - set(have):
        session.add(UnitChat(unit_id=unit_id, channel=channel, chat_id=chat_id))


async def _deactivate_missing(session: AsyncSession, kept: set[str]) -> int:
    gone = (await session.exec(select(Unit).where(col(Unit.code).not_in(kept),
                                                  col(Unit.active)))).all()
    for unit in gone:
        unit.active = False
        session.add(unit)
    return len(gone)


async def _upsert_staff(session: AsyncSession, spec: OrgSpec, units: dict[str, int]) -> None:
    existing = {s.username: s for s in (await session.exec(select(Staff))).all()}
    for item in spec.staff:
        person = existing.get(item.username) or Staff(username=item.username,
                                                      full_name=item.full_name)
        person.full_name, person.active = item.full_name, True
        session.add(person)
        await session.flush()
        assert person.id is not None
        await session.exec(delete(StaffAccount).where(col(StaffAccount.staff_id) == person.id))
        await session.exec(delete(StaffRole).where(col(StaffRole.staff_id) == person.id))
        await session.flush()
        for channel, external_id in item.accounts.items():
            session.add(StaffAccount(staff_id=person.id, channel=channel,
                                     external_id=str(external_id)))
        for role in item.roles:
            session.add(StaffRole(staff_id=person.id, unit_id=units[role.unit], role=role.role))
    for username, person in existing.items():
        if username not in {s.username for s in spec.staff}:
            person.active = False
            session.add(person)
