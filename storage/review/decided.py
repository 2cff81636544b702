"""The last decision staff made on each nomination, for exports: what, why, who, when."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import AuditEntry, Staff

BATCH = 500  # ids per query: well under SQLite's and PostgreSQL's parameter limits


@dataclass(frozen=True)
class Decided:
    action: str
    to_status: str
    reason: str | None
    by: str  # the staff member's full name
    at: datetime


async def last_decisions(session: AsyncSession, nomination_ids: list[int]) -> dict[int, Decided]:
    """nomination id → the last status a staff member changed, allowed (a resident's
    answer or withdrawal is not a decision)."""
    found: dict[int, Decided] = {}
    for start in range(0, len(nomination_ids), BATCH):
        query = (select(AuditEntry, Staff.full_name)
                 .join(Staff, col(Staff.id) == AuditEntry.staff_id)
                 .where(col(AuditEntry.nomination_id).in_(nomination_ids[start:start + BATCH]),
                        col(AuditEntry.allowed), col(AuditEntry.to_status).is_not(None))
                 .order_by(col(AuditEntry.id)))
        for entry, name in (await session.exec(query)).all():
            found[entry.nomination_id] = Decided(entry.action, entry.to_status or "",
                                                 entry.reason, name, entry.at)
    return found
