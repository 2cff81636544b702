"""What a staff member may see and decide: roles hold over a unit's whole subtree."""

from dataclasses import dataclass

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import StaffRole, Unit
from storage.shared.db import connection_of

ADMIN, REVIEWER, VIEWER = "admin", "reviewer", "viewer"
PRIVACY = "privacy"  # the privacy officer: residents' requests about their data
JUDGE = "judge"  # grades contest entries; recused from their own units' entries


@dataclass(frozen=True)
class Scope:
    staff_id: int
    is_admin: bool
    visible: frozenset[int]  # units whose nominations this person may see
    decidable: frozenset[int]  # units whose nominations this person may decide
    is_privacy: bool = False  # answers residents' requests about their own data
    is_judge: bool = False  # grades contest entries (an admin is not a judge by being one)

    def can_see(self, unit_id: int) -> bool:
        return self.is_admin or unit_id in self.visible

    def can_decide(self, unit_id: int) -> bool:
        return self.is_admin or unit_id in self.decidable


def subtree(parent_of: dict[int, int | None], root: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for unit, parent in parent_of.items():
        if parent is not None:
            children.setdefault(parent, []).append(unit)
    found, stack = set(), [root]
    while stack:
        unit = stack.pop()
        if unit not in found:
            found.add(unit)
            stack.extend(children.get(unit, []))
    return found


async def unit_parents(session: AsyncSession) -> dict[int, int | None]:
    connection = await connection_of(session)
    rows = (await connection.execute(select(Unit.id, Unit.parent_id))).all()
    return {unit_id: parent for unit_id, parent in rows if unit_id is not None}


async def load_scope(session: AsyncSession, staff_id: int) -> Scope:
    roles = (await session.exec(select(StaffRole).where(StaffRole.staff_id == staff_id))).all()
    is_admin = any(role.role == ADMIN for role in roles)
    parents = await unit_parents(session)
    visible: set[int] = set()
    decidable: set[int] = set()
    for role in roles:
        units = subtree(parents, role.unit_id)
        visible |= units
        if role.role in (ADMIN, REVIEWER):
            decidable |= units
    return Scope(staff_id, is_admin, frozenset(visible), frozenset(decidable),
                 is_privacy=is_admin or any(role.role == PRIVACY for role in roles),
                 is_judge=any(role.role == JUDGE for role in roles))
