"""Use case: a staff member decides on a nomination, from the console or a group button.

The decision, its audit row and the notice to the nominator (on their own channel) are
committed together. Who may decide is checked here, for every way in.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.delivery.outbox import enqueue
from storage.intake.duplicates import likely_duplicates
from storage.intake.nominations import photos_of
from storage.intake.status import OPEN, audit, change_status
from storage.intake.supporters import listeners_of
from storage.models import Nomination
from storage.org.access import Scope, load_scope

# action → (the statuses it may start from, the status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "take": (frozenset({"submitted"}), "in_review"),
    "needs_info": (frozenset({"submitted", "in_review", "verified"}), "needs_info"),
    "verify": (frozenset({"in_review"}), "verified"),
    "approve": (frozenset({"verified"}), "approved"),
    "reject": (OPEN, "rejected"),
    "duplicate": (OPEN, "duplicate"),
    "unmerge": (frozenset({"duplicate"}), "in_review"),  # a merge undone
}
# The nominator hears of every step, with the reason staff gave: never left in silence.
TOLD_TO_NOMINATOR = {"in_review", "needs_info", "verified", "approved", "rejected",
                     "duplicate"}
# Residents who added to it, and the proposers of its duplicates, hear how it ended.
TOLD_TO_SUPPORTERS = {"approved", "rejected"}


@dataclass(frozen=True)
class Decider:
    staff_id: int | None  # None: not a known staff member (a stranger in the group)
    via: str  # console, telegram, zalo
    external_id: str | None = None


@dataclass(frozen=True)
class Outcome:
    result: str  # done, not_allowed, already, unknown, invalid
    status: str | None = None


async def decide(session: AsyncSession, *, nomination_id: int, action: str, by: Decider,
                 now: datetime, reason: str | None = None,
                 primary_id: int | None = None, commit: bool = True,
                 told: str | None = None, quiet: bool = False) -> Outcome:
    """`commit=False`: inside a dialog turn, whose one commit (with the inbox row marked
    processed) holds the chat's lock to the end; it is flushed, never rolled back.
    `told`: what the nominator and supporters are told, when it is not `reason` (a
    verification's findings are staff's own notes and stay in the audit).
    `quiet`: audited but nobody told, for a step the same form follows at once with
    another (verified, then approved): the nominator hears the outcome once."""
    told = reason if told is None else told
    nomination = await session.get(Nomination, nomination_id)
    if nomination is None or nomination.id is None:
        return Outcome("unknown")
    if action not in TRANSITIONS:
        return Outcome("invalid", nomination.status)
    allowed_from, to = TRANSITIONS[action]
    scope = await load_scope(session, by.staff_id) if by.staff_id is not None else None
    if scope is None or not scope.can_decide(nomination.unit_id):
        audit(session, nomination_id=nomination.id, action=action, from_status=None,
              to_status=None, allowed=False, staff_id=by.staff_id, via=by.via,
              external_id=by.external_id, reason=None, now=now)
        await (session.commit() if commit else session.flush())
        return Outcome("not_allowed", nomination.status)
    before = nomination.status
    if action == "duplicate" and primary_id is None:
        primary_id = await _likely_primary(session, nomination, scope, now)
    if not await change_status(session, nomination.id, allowed_from=set(allowed_from), to=to,
                               primary_id=primary_id if action == "duplicate" else None,
                               clear_primary=action == "unmerge"):
        if commit:  # (the update changed no row: in a turn there is nothing to undo)
            await session.rollback()
        return Outcome("already", before)
    audit(session, nomination_id=nomination.id, action=action, from_status=before,
          to_status=to, allowed=True, staff_id=by.staff_id, via=by.via,
          external_id=by.external_id, reason=reason, now=now)
    if to in TOLD_TO_NOMINATOR and not quiet:
        enqueue(session, dedupe_key=f"decision:{nomination.id}:{to}:{now.isoformat()}",
                kind="decision", channel=nomination.channel,
                chat_id=nomination.submitter_chat_id, nomination_id=nomination.id, now=now,
                payload={"nomination_id": nomination.id, "status": to,
                         "reason": told or "", "locale": nomination.locale})
    if to in TOLD_TO_SUPPORTERS and not quiet:
        for listener in await listeners_of(session, nomination):
            enqueue(session, kind="decision", channel=listener.channel,
                    dedupe_key=(f"decision:{nomination.id}:{to}:{now.isoformat()}:"
                                f"{listener.channel}:{listener.chat_id}"),
                    chat_id=listener.chat_id, nomination_id=nomination.id, now=now,
                    payload={"nomination_id": nomination.id, "status": to,
                             "reason": told or "", "locale": listener.locale,
                             "as": "supporter"})
    await (session.commit() if commit else session.flush())
    return Outcome("done", to)


async def _likely_primary(session: AsyncSession, nomination: Nomination, scope: Scope,
                          now: datetime) -> int | None:
    """"Duplicate" pressed in a group names no primary: link it to the newest earlier
    likely duplicate this person may see, as the card showed it, so the duplicate is
    never a dead end."""
    photos = await photos_of(session, nomination.id or 0)
    matches = await likely_duplicates(
        session, unit_id=nomination.unit_id, nominee_name=nomination.nominee_name,
        deed=nomination.deed, photo_hashes=[p.phash for p in photos if p.phash], now=now,
        before_id=nomination.id)
    visible = [m.nomination.id for m in matches if scope.can_see(m.nomination.unit_id)]
    return visible[0] if visible else None
