"""The organisation as its file says it (storage.org.file), read back from the database:
`ntvt org export`. What the console changed is then a file again, and importing that
file (storage.org.loader) changes nothing: the round trip is tested.

Left out on purpose: inactive units (merged or removed; the file lists what exists) and
disabled staff, which an import would otherwise bring back; passwords and second
factors, which are no file's business."""

import yaml
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Cluster, Staff, StaffAccount, StaffRole, UnitChat, UnitCluster
from storage.org.admin_units import tree_rows
from storage.org.file import CHANNELS, ClusterSpec, OrgSpec, RoleSpec, StaffSpec, UnitSpec


async def export_org(session: AsyncSession, *, name: str | None = None) -> OrgSpec:
    """`name`: the organisation's name in the file (not stored); else its first unit's."""
    clusters = (await session.exec(select(Cluster).order_by(col(Cluster.id)))).all()
    cluster_code = {c.id: c.code for c in clusters}
    links = (await session.exec(select(UnitCluster))).all()
    chats = (await session.exec(select(UnitChat).order_by(col(UnitChat.id)))).all()
    rows = await tree_rows(session)
    specs: dict[int | None, UnitSpec] = {}
    top: list[UnitSpec] = []
    for row in rows:
        unit = row.unit
        spec = UnitSpec(
            code=unit.code, name=unit.name, kind=unit.kind,
            clusters=[cluster_code[link.cluster_id] for link in
                      sorted(links, key=lambda link: link.cluster_id)
                      if link.unit_id == unit.id],
            chats={channel: ids for channel in CHANNELS  # type: ignore[misc]
                   if (ids := [c.chat_id for c in chats
                               if c.unit_id == unit.id and c.channel == channel])})
        specs[unit.id] = spec
        parent = specs.get(unit.parent_id) if row.depth else None
        (parent.children if parent is not None else top).append(spec)
    return OrgSpec(name=name or (top[0].name if top else ""),
                   clusters=[ClusterSpec(code=c.code, name=c.name) for c in clusters],
                   units=top, staff=await _staff(session, {r.unit.id: r.unit.code for r in rows}))


async def _staff(session: AsyncSession, active_units: dict[int | None, str]) -> list[StaffSpec]:
    people = (await session.exec(select(Staff).where(col(Staff.active))
                                 .order_by(col(Staff.id)))).all()
    roles = (await session.exec(select(StaffRole).order_by(col(StaffRole.id)))).all()
    accounts = (await session.exec(select(StaffAccount).order_by(col(StaffAccount.id)))).all()
    out = []
    for person in people:
        own: dict[str, str] = {}
        for account in accounts:
            if account.staff_id == person.id and account.channel in ("telegram", "zalo"):
                own.setdefault(account.channel, account.external_id)
        out.append(StaffSpec(
            username=person.username, full_name=person.full_name,
            accounts=own,  # type: ignore[arg-type]
            roles=[RoleSpec(role=role.role, unit=active_units[role.unit_id])  # type: ignore[arg-type]
                   for role in roles
                   if role.staff_id == person.id and role.unit_id in active_units]))
    return out


def org_yaml(spec: OrgSpec) -> str:
    """The file's text: only what differs from the defaults, in the file's own order."""
    data = spec.model_dump(exclude_defaults=True)
    return str(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100))
