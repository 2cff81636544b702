"""Where a unit's broadcasts (reminders, tallies) go: its active group chats, and its own
staff's Zalo private chats, since Zalo bots cannot post in groups yet. Loaded for every
unit in two queries, once per run, not a query or two per unit."""

from dataclasses import dataclass, field

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import StaffAccount, StaffRole, Unit, UnitChat


@dataclass
class Recipients:
    groups: list[tuple[str, str]] = field(default_factory=list)  # (channel, chat id)
    zalo_leaders: list[str] = field(default_factory=list)

    def chats(self) -> list[tuple[str, str]]:
        return sorted({*self.groups, *(("zalo", zalo_id) for zalo_id in self.zalo_leaders)})


async def unit_recipients(session: AsyncSession, *,
                          removed_too: bool = False) -> dict[int, Recipients]:
    """`removed_too`: also the groups the bot has since been removed from, and those of
    inactive units (where past broadcasts went, for the broadcasts page)."""
    found: dict[int, Recipients] = {}
    query = select(UnitChat.unit_id, UnitChat.channel, UnitChat.chat_id)
    if not removed_too:
        query = query.join(Unit, col(Unit.id) == UnitChat.unit_id).where(
            col(UnitChat.active), col(Unit.active))
    groups = await session.exec(query)
    for unit_id, channel, chat_id in groups.all():
        found.setdefault(unit_id, Recipients()).groups.append((channel, chat_id))
    leaders = await session.exec(
        select(StaffRole.unit_id, StaffAccount.external_id)
        .join(StaffAccount, col(StaffAccount.staff_id) == StaffRole.staff_id)
        .where(StaffAccount.channel == "zalo"))
    for unit_id, zalo_id in leaders.all():
        found.setdefault(unit_id, Recipients()).zalo_leaders.append(zalo_id)
    return found
