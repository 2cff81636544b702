"""A nomination's case file: internal notes, verification records, the assignee."""

from datetime import datetime

from sqlalchemy import or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Consent, Nomination, Staff, StaffNote, StaffRole, Verification
from storage.org.access import ADMIN, REVIEWER, unit_parents

METHODS = ("visit", "phone", "documents")


def add_note(session: AsyncSession, *, nomination_id: int, staff_id: int, text: str,
             now: datetime) -> None:
    session.add(StaffNote(nomination_id=nomination_id, staff_id=staff_id, text=text[:2000],
                          at=now))


def add_verification(session: AsyncSession, *, nomination_id: int, staff_id: int,
                     method: str, checked_on: str, findings: str, now: datetime) -> None:
    session.add(Verification(nomination_id=nomination_id, staff_id=staff_id, method=method,
                             checked_on=checked_on, findings=findings[:2000], at=now))


async def notes_of(session: AsyncSession,
                   nomination_id: int) -> list[tuple[StaffNote, Staff]]:
    query = (select(StaffNote, Staff).join(Staff, col(Staff.id) == StaffNote.staff_id)
             .where(StaffNote.nomination_id == nomination_id).order_by(col(StaffNote.id)))
    return [(note, staff) for note, staff in (await session.exec(query)).all()]


async def verifications_of(session: AsyncSession,
                           nomination_id: int) -> list[tuple[Verification, Staff]]:
    query = (select(Verification, Staff).join(Staff, col(Staff.id) == Verification.staff_id)
             .where(Verification.nomination_id == nomination_id)
             .order_by(col(Verification.id)))
    return [(check, staff) for check, staff in (await session.exec(query)).all()]


async def consent_of(session: AsyncSession, nomination: Nomination) -> Consent | None:
    return await session.get(Consent, nomination.consent_id)


async def reviewers_for(session: AsyncSession, unit_id: int) -> list[Staff]:
    """Active staff who may decide on this unit's nominations: whom it can be assigned to.
    A reviewer's role holds over a subtree, so it is a role on the unit or an ancestor."""
    parents = await unit_parents(session)
    ancestors: list[int] = []
    current: int | None = unit_id
    while current is not None:
        ancestors.append(current)
        current = parents.get(current)
    query = (select(Staff).join(StaffRole, col(StaffRole.staff_id) == Staff.id)
             .where(col(Staff.active),
                    or_(col(StaffRole.role) == ADMIN,
                        (col(StaffRole.role) == REVIEWER)
                        & col(StaffRole.unit_id).in_(ancestors)))
             .distinct().order_by(col(Staff.full_name)))
    return list((await session.exec(query)).all())


async def assign(session: AsyncSession, nomination_id: int, staff_id: int | None) -> None:
    await session.exec(update(Nomination).where(col(Nomination.id) == nomination_id)
                       .values(assigned_staff_id=staff_id)
                       .execution_options(synchronize_session=False))


async def staff_names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    """Staff id → full name, for the history's assignments (kept as ids)."""
    if not ids:
        return {}
    found = await session.exec(select(Staff.id, Staff.full_name)
                               .where(col(Staff.id).in_(sorted(ids))))
    return {staff_id: name for staff_id, name in found.all() if staff_id is not None}
