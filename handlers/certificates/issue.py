"""Use case: staff issue the certificates of a decided round and send them.

One certificate per honoured dossier, numbered within the round's decision, drawn off the
event loop and kept in the media store; each goes through the outbox to the nominator on
their own channel, and to the nominee's unit group only when the nominee consented to be
shown (`may_publish`: a group is outside staff). Pressing twice issues and sends once:
an issued certificate is kept, a sent one is not queued again, and the outbox keys are
unique besides."""

import asyncio
from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.certificates.layout import Layout
from handlers.certificates.render import render_pdf, render_png
from handlers.privacy.nominee_consent import may_publish
from handlers.shared.texts import Texts
from storage.audit.events import record_event
from storage.certificates.records import (
    certificates_of,
    locked_round,
    unit_groups,
)
from storage.delivery.outbox import enqueue_once
from storage.media.store import MediaStore
from storage.models import Certificate, CommendationRound, Nomination, RoundItem, Unit
from storage.org.access import load_scope
from storage.rounds.rounds import honoured_items

DOCUMENT_LOCALE = "vi"  # a state document is in Vietnamese, whoever reads the chat


@dataclass(frozen=True)
class Outcome:
    done: bool
    reason: str = ""  # not_found, forbidden, not_decided
    issued: int = 0
    sent: int = 0


def _date(iso: str | None) -> tuple[str, str, str]:
    year, month, day = (iso or "----------").split("-")
    return day, month, year


async def certificate_fields(session: AsyncSession, sitting: CommendationRound,
                             item: RoundItem, nomination: Nomination, number: str,
                             texts: Texts) -> dict[str, str]:
    """The words of one certificate: the ward's name and its parent's ("UBND …")."""
    unit = await session.get(Unit, sitting.unit_id)
    parent = await session.get(Unit, unit.parent_id) if unit and unit.parent_id else None
    unit_name = unit.name if unit else ""
    day, month, year = _date(sitting.decision_on)
    return {"authority": f"UBND {parent.name.upper()}" if parent else "",
            "unit": unit_name.upper(), "unit_title": unit_name.upper(),
            "name": nomination.nominee_name,
            "title": item.title or texts.get(DOCUMENT_LOCALE,
                                             "certificates.default_title").strip(),
            "summary": item.summary or nomination.deed, "number": number,
            "decision_number": sitting.decision_number or "",
            "decision_date": f"{day}/{month}/{year}", "place": unit_name,
            "day": day, "month": month, "year": year,
            "signer_title": sitting.signer_title.upper(), "signer_name": sitting.signer_name}


def _draw(layout: Layout, fields: dict[str, str]) -> tuple[bytes, bytes]:
    return render_pdf(layout, [fields]), render_png(layout, fields)


async def issue_and_send(session: AsyncSession, *, round_id: int, staff_id: int,
                         media: MediaStore, layout: Layout, texts: Texts,
                         now: datetime) -> Outcome:
    """Commits, with one audit row, or a refused one for a staff member without the
    right over the round's unit."""
    # Two presses at once queue on the round's row (PostgreSQL; SQLite writes one at a
    # time anyway): the second finds the first's certificates and issues nothing.
    sitting = await locked_round(session, round_id)
    if sitting is None or sitting.id is None:
        return Outcome(False, "not_found")
    if not (await load_scope(session, staff_id)).can_decide(sitting.unit_id):
        record_event(session, action="certificates_issue", staff_id=staff_id, via="console",
                     now=now, target=f"round:{round_id}", allowed=False,
                     detail={"round": sitting.name})
        await session.commit()
        return Outcome(False, "forbidden")
    if sitting.status != "decided" or not sitting.decision_number:
        return Outcome(False, "not_decided")
    items = await honoured_items(session, sitting.id)
    issued = await certificates_of(session, sitting.id)
    new = 0
    for item, nomination in items:
        if item.id is None or item.id in issued:
            continue
        # In agenda order; one honoured later (a deferred dossier) takes the next number,
        # never one already printed.
        number = f"{sitting.decision_number}-{len(issued) + 1:02d}"
        fields = await certificate_fields(session, sitting, item, nomination, number, texts)
        pdf, png = await asyncio.to_thread(_draw, layout, fields)
        certificate = Certificate(round_item_id=item.id, number=number, issued_at=now,
                                  pdf_sha256=await media.store_document(pdf),
                                  png_sha256=await media.store_chart(png))
        session.add(certificate)
        issued[item.id] = certificate
        new += 1
    await session.flush()
    sent = await _send(session, items, issued, texts, now)
    record_event(session, action="certificates_issue", staff_id=staff_id, via="console",
                 now=now, target=f"round:{round_id}",
                 detail={"round": sitting.name, "issued": new, "sent": sent})
    await session.commit()
    return Outcome(True, issued=new, sent=sent)


def _groups_of(unit_id: int, chats: dict[int, list[tuple[str, str]]],
               parents: dict[int, int | None]) -> list[tuple[str, str]]:
    """The unit's own groups, else its nearest parent's (a residential group often has
    no chat of its own; its ward's group is where its people are)."""
    current: int | None = unit_id
    while current is not None:
        if chats.get(current):
            return chats[current]
        current = parents.get(current)
    return []


async def _send(session: AsyncSession, items: list[tuple[RoundItem, Nomination]],
                issued: dict[int, Certificate], texts: Texts, now: datetime) -> int:
    chats, parents = await unit_groups(session)
    sent = 0
    for item, nomination in items:
        certificate = issued.get(item.id or 0)
        if certificate is None or certificate.sent_at is not None or certificate.id is None:
            continue
        doors = [(nomination.channel, nomination.submitter_chat_id, "nominator",
                  nomination.locale)]
        if may_publish(nomination):  # the group door: a publication
            doors += [(channel, chat_id, "group", texts.default_locale)
                      for channel, chat_id in _groups_of(nomination.unit_id, chats, parents)]
        for channel, chat_id, audience, locale in doors:
            await enqueue_once(
                session, dedupe_key=f"certificate:{certificate.id}:{channel}:{chat_id}",
                kind="certificate", channel=channel, chat_id=chat_id, now=now,
                nomination_id=nomination.id,
                payload={"certificate_id": certificate.id, "audience": audience,
                         "locale": locale})
        certificate.sent_at = now
        session.add(certificate)
        sent += 1
    return sent
