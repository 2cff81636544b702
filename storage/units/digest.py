"""What waits in a unit's subtree: the figures of a staff group's morning digest."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Nomination, Unit, UnitChat

WAITING = ("submitted", "in_review", "needs_info", "verified")


@dataclass(frozen=True)
class Waiting:
    by_status: dict[str, int]
    overdue: int
    oldest_overdue: list[str]  # references, oldest first

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


async def staff_groups(session: AsyncSession) -> list[tuple[UnitChat, Unit]]:
    """Every active staff group chat with its unit."""
    rows = await session.exec(
        select(UnitChat, Unit).join(Unit, col(Unit.id) == UnitChat.unit_id)
        .where(col(UnitChat.active).is_(True), col(Unit.active).is_(True))
        .order_by(col(Unit.id), col(UnitChat.id)))
    return [(chat, unit) for chat, unit in rows.all()]


async def waiting_in(session: AsyncSession, units: set[int], *, overdue_before: datetime,
                     listed: int = 5) -> Waiting:
    in_units = col(Nomination.unit_id).in_(sorted(units))
    counts = await session.exec(
        select(Nomination.status, func.count()).where(in_units,
                                                      col(Nomination.status).in_(WAITING))
        .group_by(col(Nomination.status)))
    by_status = {status: 0 for status in WAITING} | {s: int(n) for s, n in counts.all()}
    late = (Nomination.status == "submitted", col(Nomination.created_at) < overdue_before)
    overdue = int((await session.exec(
        select(func.count()).select_from(Nomination).where(in_units, *late))).one())
    oldest = list((await session.exec(
        select(Nomination.reference).where(in_units, *late)
        .order_by(col(Nomination.created_at), col(Nomination.id)).limit(listed))).all())
    return Waiting(by_status, overdue, oldest)
