"""Who gets a unit's review cards in a private chat, where a bot reaches no staff group.

Zalo bots cannot be in groups yet, so a reviewer whose only chat is Zalo would never see a
card. A role covers its unit's whole subtree, so the roles that count are those held on
the nomination's unit or any unit above it; a viewer may not decide, so gets none.
"""

from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Staff, StaffAccount, StaffRole
from storage.org.access import ADMIN, REVIEWER, unit_parents

DECIDING = (ADMIN, REVIEWER)


@dataclass(frozen=True)
class PrivateReviewer:
    staff_id: int
    chat_id: str  # a bot's private chat with a person has the person's account id


def _ancestors(parents: dict[int, int | None], unit_id: int) -> list[int]:
    found: list[int] = []
    current: int | None = unit_id
    while current is not None and current not in found:
        found.append(current)
        current = parents.get(current)
    return found


async def private_reviewers(session: AsyncSession, unit_id: int, *, channel: str,
                            group_channels: set[str]) -> list[PrivateReviewer]:
    """Active staff with an account on `channel` whose role decides `unit_id`'s
    nominations. Someone who also has an account on a channel whose staff group gets
    this card (`group_channels`) sees it there, and is not sent it twice."""
    units = _ancestors(await unit_parents(session), unit_id)
    query = (select(Staff.id, StaffAccount.external_id)
             .join(StaffAccount, col(StaffAccount.staff_id) == Staff.id)
             .join(StaffRole, col(StaffRole.staff_id) == Staff.id)
             .where(StaffAccount.channel == channel, col(Staff.active),
                    col(StaffRole.unit_id).in_(units), col(StaffRole.role).in_(DECIDING))
             .distinct().order_by(col(Staff.id)))
    found = [(staff_id, chat) for staff_id, chat in (await session.exec(query)).all()
             if staff_id is not None]
    if not found or not group_channels:
        return [PrivateReviewer(staff_id, chat) for staff_id, chat in found]
    in_groups = set((await session.exec(
        select(StaffAccount.staff_id).where(
            col(StaffAccount.staff_id).in_([staff_id for staff_id, _ in found]),
            col(StaffAccount.channel).in_(group_channels)))).all())
    return [PrivateReviewer(staff_id, chat) for staff_id, chat in found
            if staff_id not in in_groups]


async def reviews_privately(session: AsyncSession, *, staff_id: int, unit_id: int,
                            channel: str, chat_id: str) -> bool:
    """Still true when the card is sent: the organisation file may have been reloaded
    since it was queued, and a card must never reach someone whose role no longer
    covers the unit."""
    return any(reviewer.staff_id == staff_id and reviewer.chat_id == chat_id
               for reviewer in await private_reviewers(session, unit_id, channel=channel,
                                                       group_channels=set()))
