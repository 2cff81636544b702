"""Use cases on a nomination's case file: a note, a verification record, an assignee.

Each needs the right to decide on the nomination's unit, and leaves an audit row.
"""

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.review.decisions import Decider, decide
from storage.intake.status import audit
from storage.models import Nomination
from storage.org.access import load_scope
from storage.review.casework import METHODS, add_note, add_verification, assign, reviewers_for


async def _decidable(session: AsyncSession, nomination_id: int,
                     staff_id: int) -> Nomination | None:
    nomination = await session.get(Nomination, nomination_id)
    if nomination is None or not (await load_scope(session, staff_id)).can_decide(
            nomination.unit_id):
        return None
    return nomination


async def write_note(session: AsyncSession, *, nomination_id: int, staff_id: int, text: str,
                     now: datetime) -> bool:
    if not text.strip() or await _decidable(session, nomination_id, staff_id) is None:
        return False
    add_note(session, nomination_id=nomination_id, staff_id=staff_id, text=text.strip(),
             now=now)
    await session.commit()
    return True


async def record_verification(session: AsyncSession, *, nomination_id: int, staff_id: int,
                              method: str, checked_on: str, findings: str,
                              now: datetime, message: str = "", verify: bool = True,
                              approve: bool = False, approve_reason: str = "") -> str:
    """Keep how it was checked; with `verify`, a nomination under review becomes verified
    in the same step; with `approve`, it is approved as well: one transaction, audited as
    a verification and an approval, the nominator told once, of the approval. The findings
    stay with staff (they name neighbours, phone numbers); the nominator is told only
    `message` (or, when approved, `approve_reason`), which staff write for them on purpose.

    The result is the page's outcome: saved (a record only), done (its status moved, the
    nominator told), already (someone else moved it first: nothing kept), invalid."""
    nomination = await _decidable(session, nomination_id, staff_id)
    if nomination is None or method not in METHODS or not findings.strip():
        return "invalid"
    if approve and nomination.status not in ("in_review", "verified"):
        return "invalid"
    add_verification(session, nomination_id=nomination_id, staff_id=staff_id, method=method,
                     checked_on=checked_on, findings=findings.strip(), now=now)
    by = Decider(staff_id, "console")
    moved = False
    if (verify or approve) and nomination.status == "in_review":
        outcome = await decide(session, nomination_id=nomination_id, action="verify", by=by,
                               now=now, reason=f"{method} {checked_on}: {findings.strip()}"[:2000],
                               told=message.strip()[:2000], quiet=approve, commit=False)
        if outcome.result != "done":
            await session.rollback()
            return "already"
        await session.refresh(nomination)  # the update went around the loaded row
        moved = True
    if approve:
        outcome = await decide(session, nomination_id=nomination_id, action="approve", by=by,
                               now=now, reason=(approve_reason.strip() or None), commit=False)
        if outcome.result != "done":
            await session.rollback()
            return "already"
        moved = True
    await session.commit()
    return "done" if moved else "saved"


async def assign_to(session: AsyncSession, *, nomination_id: int, staff_id: int,
                    assignee_id: int | None, now: datetime) -> bool:
    nomination = await _decidable(session, nomination_id, staff_id)
    if nomination is None:
        return False
    allowed = {s.id for s in await reviewers_for(session, nomination.unit_id)}
    if assignee_id is not None and assignee_id not in allowed:
        return False
    await assign(session, nomination_id, assignee_id)
    audit(session, nomination_id=nomination_id, action="assign", from_status=None,
          to_status=None, allowed=True, staff_id=staff_id, via="console", external_id=None,
          reason=str(assignee_id) if assignee_id else None, now=now)
    await session.commit()
    return True
