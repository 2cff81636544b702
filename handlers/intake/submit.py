"""Use case: turn a finished draft into a nomination, with its photos and a staff notice.

All three are written in the caller's transaction; nothing is sent from here.
"""

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.shared.turn import TIMEZONE, Services
from storage.delivery.outbox import enqueue
from storage.intake.conversations import DialogState
from storage.intake.nominations import (
    attach_photos,
    next_reference,
    nominations_sent_since,
    search_text,
)
from storage.models import Nomination
from storage.org.reviewers import private_reviewers
from storage.org.unit_tree import staff_chats_for
from storage.shared.folding import fold
from storage.webchat.visitors import CHANNEL as WEB_CHANNEL
from storage.webchat.visitors import nominations_from_origin_of

log = logging.getLogger(__name__)
CONSOLE_CHANNEL = "console"
BURST_WINDOW = timedelta(hours=1)


async def submit_nomination(
    session: AsyncSession, conversation: DialogState, draft: dict[str, Any], *,
    consent_id: int, now: datetime, services: Services,
) -> Nomination:
    reference = await next_reference(session, now.astimezone(TIMEZONE).year)
    name = draft["nominee_name"]
    nomination = Nomination(
        reference=reference,
        nominee_kind=draft["nominee_kind"],
        nominee_name=name,
        nominee_name_folded=fold(name),
        nominee_role=draft["nominee_role"],
        unit_id=draft["unit_id"],
        place=draft["place"],
        field=draft["field"],
        deed=draft["deed"],
        deed_date=draft["deed_date"],
        submitter_name=draft["submitter_name"],
        submitter_phone=draft["submitter_phone"],
        on_behalf_of=draft.get("on_behalf_of") if draft.get("on_behalf") == "other" else None,
        channel=conversation.channel,
        submitter_user_id=conversation.user_id,
        submitter_chat_id=conversation.chat_id,
        locale=conversation.locale,
        consent_id=consent_id,
        created_at=now,
    )
    nomination.search_folded = search_text(nomination)
    nomination.held_back = await in_a_burst(session, conversation, now=now, services=services)
    session.add(nomination)
    await session.flush()
    assert nomination.id is not None
    await attach_photos(session, draft.get("photos", []), nomination_id=nomination.id,
                        channel=conversation.channel, user_id=conversation.user_id)
    if nomination.held_back:
        log.warning("nomination %s held back: a burst from one sender", reference, extra={
            "channel": conversation.channel, "outcome": "held_back"})
    else:
        await _notify_staff(session, nomination, now=now, possible=draft.get("_dup_refs"),
                            private_channels=services.private_review_channels)
    return nomination


async def in_a_burst(session: AsyncSession, conversation: DialogState, *, now: datetime,
                     services: Services) -> bool:
    """More in the last hour than a person sends: a script, or one person pasting the same
    story again and again. The resident is not told (a script would learn the limit)."""
    since = now - BURST_WINDOW
    sent = await nominations_sent_since(session, channel=conversation.channel,
                                        user_id=conversation.user_id, since=since)
    if sent >= services.nominations_per_person_hour:
        return True
    if conversation.channel != WEB_CHANNEL:
        return False
    nearby = await nominations_from_origin_of(session, conversation.user_id, since)
    return nearby >= services.nominations_per_address_hour


async def _notify_staff(session: AsyncSession, nomination: Nomination, *, now: datetime,
                        possible: list[str] | None,
                        private_channels: tuple[str, ...] = ()) -> None:
    assert nomination.id is not None
    # The payload names the nomination: the card is rendered, with masked personal data,
    # when it is sent, so a correction made meanwhile is what staff see. The likely
    # duplicates found at submit go along, so the card does not look for them again.
    payload: dict[str, Any] = {"nomination_id": nomination.id,
                               "reference": nomination.reference}
    if possible is not None:
        payload["possible"] = possible
    chats = await staff_chats_for(session, nomination.unit_id)
    targets = [(chat.channel, chat.chat_id) for chat in chats] or [(CONSOLE_CHANNEL, "")]
    for channel, chat_id in targets:
        enqueue(session, dedupe_key=f"review:{nomination.id}:{channel}:{chat_id}",
                kind="review_card", channel=channel, chat_id=chat_id, payload=payload, now=now,
                nomination_id=nomination.id)
    # Reviewers whose chat reaches no staff group get it privately; "staff_id" tells the
    # renderer to make the card their menu (numbers to type) and whose role to re-check.
    groups = {channel for channel, _ in targets}
    for channel in private_channels:
        for person in await private_reviewers(session, nomination.unit_id, channel=channel,
                                              group_channels=groups):
            enqueue(session, kind="review_card", channel=channel, chat_id=person.chat_id,
                    dedupe_key=f"review:{nomination.id}:{channel}:private:{person.chat_id}",
                    payload={**payload, "staff_id": person.staff_id}, now=now,
                    nomination_id=nomination.id)
