"""Residents' requests about their own data, and what is held about a person.

A person is who the chat knows: a channel and its user id (a Telegram or Zalo account,
or a web chat session). Requests are never deleted: they are the proof that each was
answered, and when.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, func, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Consent, Nomination, PrivacyRequest, Supporter

KINDS = ("access", "correct", "erase", "withdraw")
OPEN = "open"


@dataclass(frozen=True)
class PersonData:
    consents: list[Consent]
    nominations: list[Nomination]
    supported: list[Nomination]  # others' nominations they added to
    requests: list[PrivacyRequest]


async def open_request(session: AsyncSession, *, kind: str, channel: str, user_id: str,
                       chat_id: str, locale: str, detail: str, now: datetime,
                       acknowledge_by: datetime, settle_by: datetime) -> PrivacyRequest:
    """Recorded, with its reference (DL-<year>-<number>); the caller commits."""
    request = PrivacyRequest(kind=kind, channel=channel, user_id=user_id, chat_id=chat_id,
                             locale=locale, detail=detail[:2000], created_at=now,
                             acknowledge_by=acknowledge_by, settle_by=settle_by,
                             acknowledged_at=now)  # the chat says "received" at once
    session.add(request)
    await session.flush()
    request.reference = f"DL-{now.year}-{request.id:06d}"
    return request


async def by_reference(session: AsyncSession, reference: str) -> PrivacyRequest | None:
    found = await session.exec(select(PrivacyRequest).where(
        PrivacyRequest.reference == reference))
    return found.first()


async def the_queue(session: AsyncSession, *, open_only: bool, limit: int = 200
                    ) -> list[PrivacyRequest]:
    """Open requests, the nearest deadline first; or every request, newest first."""
    query = select(PrivacyRequest)
    if open_only:
        query = query.where(PrivacyRequest.status == OPEN).order_by(
            col(PrivacyRequest.settle_by), col(PrivacyRequest.id))
    else:
        query = query.order_by(col(PrivacyRequest.id).desc())
    return list((await session.exec(query.limit(limit))).all())


async def overdue_count(session: AsyncSession, now: datetime) -> int:
    found = await session.exec(select(func.count()).select_from(PrivacyRequest).where(
        PrivacyRequest.status == OPEN, col(PrivacyRequest.settle_by) < now))
    return int(found.one())


async def person_data(session: AsyncSession, *, channel: str, user_id: str) -> PersonData:
    consents = (await session.exec(select(Consent).where(
        Consent.channel == channel, Consent.user_id == user_id).order_by(
        col(Consent.id)))).all()
    nominations = (await session.exec(select(Nomination).where(
        Nomination.channel == channel, Nomination.submitter_user_id == user_id).order_by(
        col(Nomination.id)))).all()
    supported = (await session.exec(select(Nomination).join(
        Supporter, col(Supporter.nomination_id) == col(Nomination.id)).where(
        Supporter.channel == channel, Supporter.user_id == user_id).order_by(
        col(Nomination.id)))).all()
    requests = (await session.exec(select(PrivacyRequest).where(
        PrivacyRequest.channel == channel, PrivacyRequest.user_id == user_id).order_by(
        col(PrivacyRequest.id)))).all()
    return PersonData(list(consents), list(nominations), list(supported), list(requests))


async def withdraw_consents(session: AsyncSession, *, channel: str, user_id: str,
                            now: datetime) -> int:
    """Every consent of theirs still standing is withdrawn now; how many."""
    done = await session.exec(update(Consent).where(
        col(Consent.channel) == channel, col(Consent.user_id) == user_id,
        col(Consent.withdrawn_at).is_(None)).values(withdrawn_at=now))
    return int(done.rowcount or 0)


async def settle(session: AsyncSession, request: PrivacyRequest, *, status: str,
                 answer: str, legal_basis: str, staff_id: int, now: datetime) -> bool:
    """Closes an open request (conditional: two officers at once settle it once)."""
    done = await session.exec(update(PrivacyRequest).where(
        col(PrivacyRequest.id) == request.id, col(PrivacyRequest.status) == OPEN).values(
        status=status, answer=answer[:2000], legal_basis=legal_basis[:1000],
        settled_by=staff_id, settled_at=now))
    return bool(done.rowcount)
