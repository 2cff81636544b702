"""Status changes of a nomination, made conditional, and the audit trail."""

from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import AuditEntry, Nomination, Staff

# A nomination still in the staff's hands: it may be decided, merged or withdrawn.
OPEN = frozenset({"submitted", "in_review", "needs_info", "verified"})


async def change_status(session: AsyncSession, nomination_id: int, *, allowed_from: set[str],
                        to: str, primary_id: int | None = None,
                        clear_primary: bool = False) -> bool:
    """Only if the status is still one of `allowed_from`: a double press, or two staff at
    once, changes it once. True when this call changed it."""
    values: dict[str, object] = {"status": to}
    if primary_id is not None or clear_primary:
        values["primary_id"] = primary_id
    result = await session.exec(
        update(Nomination)
        .where(col(Nomination.id) == nomination_id, col(Nomination.status).in_(allowed_from))
        .values(**values).execution_options(synchronize_session=False))
    return int(result.rowcount) == 1


def audit(session: AsyncSession, *, nomination_id: int, action: str, from_status: str | None,
          to_status: str | None, allowed: bool, staff_id: int | None, via: str,
          external_id: str | None, reason: str | None, now: datetime) -> None:
    session.add(AuditEntry(nomination_id=nomination_id, action=action,
                           from_status=from_status, to_status=to_status, allowed=allowed,
                           staff_id=staff_id, via=via, external_id=external_id,
                           reason=reason, at=now))


async def history(session: AsyncSession, nomination_id: int) -> list[tuple[AuditEntry,
                                                                            Staff | None]]:
    query = (select(AuditEntry, Staff)
             .join(Staff, col(Staff.id) == AuditEntry.staff_id, isouter=True)
             .where(AuditEntry.nomination_id == nomination_id)
             .order_by(col(AuditEntry.id)))
    return [(entry, staff) for entry, staff in (await session.exec(query)).all()]


async def find_by_reference(session: AsyncSession, reference: str) -> Nomination | None:
    return (await session.exec(select(Nomination)
                               .where(Nomination.reference == reference))).first()


async def merged_into(session: AsyncSession, primary_id: int) -> list[Nomination]:
    """The nominations merged into this one as duplicates, oldest first."""
    return list((await session.exec(
        select(Nomination).where(Nomination.primary_id == primary_id,
                                 Nomination.status == "duplicate")
        .order_by(Nomination.id))).all())  # type: ignore[arg-type]
