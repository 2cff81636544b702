"""A nomination's history as staff read it: people by name, never by a number.

The audit rows keep ids (a staff id, a chat user id) because names change and can be
erased; the page puts the names back: the staff member who acted, the colleague a case
was assigned to, and the resident as the nominator rather than a stranger.
"""

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.intake.status import history
from storage.models import AuditEntry, Nomination, Staff
from storage.review.casework import staff_names

# What only the nominator does, on their own chat.
NOMINATOR_ACTIONS = frozenset({"resident_answer", "withdraw"})
# Residents who add to someone else's nomination (its proposers' duplicates).
SUPPORTER_ACTIONS = frozenset({"resident_addition"})


@dataclass(frozen=True)
class Who:
    name: str  # a name as given, or "" when the label alone says it
    key: str  # the text key: staff, nominator, supporter, not_staff


@dataclass(frozen=True)
class Line:
    entry: AuditEntry
    who: Who
    # The row's reason, as shown; for an assignment, the colleague's name instead of an id.
    reason: str | None
    assigned_to: str | None = None  # the colleague's name; "" for "assigned to nobody"


def who_did(entry: AuditEntry, staff: Staff | None, nomination: Nomination) -> Who:
    if staff is not None:
        return Who(staff.full_name, "staff")
    by_nominator = entry.action in NOMINATOR_ACTIONS or (
        entry.external_id is not None and entry.via == nomination.channel
        and entry.external_id == nomination.submitter_user_id)
    if by_nominator:
        return Who(nomination.submitter_name.strip(), "nominator")
    if entry.action in SUPPORTER_ACTIONS:
        return Who("", "supporter")
    return Who("", "not_staff")  # e.g. someone pressing a group's button without the right


def assigned_ids(rows: list[tuple[AuditEntry, Staff | None]]) -> set[int]:
    return {int(entry.reason) for entry, _ in rows
            if entry.action == "assign" and entry.reason and entry.reason.isdigit()}


def lines(rows: list[tuple[AuditEntry, Staff | None]], nomination: Nomination,
          names: dict[int, str]) -> list[Line]:
    """`names`: staff id → full name, for those that `assigned_ids` found."""
    shown: list[Line] = []
    for entry, staff in rows:
        who = who_did(entry, staff, nomination)
        if entry.action == "assign":
            raw = entry.reason or ""
            colleague = names.get(int(raw), "?") if raw.isdigit() else ""
            shown.append(Line(entry, who, None, colleague))
        else:
            shown.append(Line(entry, who, entry.reason))
    return shown


async def named_history(session: AsyncSession, nomination: Nomination) -> list[Line]:
    rows = await history(session, nomination.id or 0)
    return lines(rows, nomination, await staff_names(session, assigned_ids(rows)))
