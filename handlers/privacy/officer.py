"""Use cases of the privacy officer: export a person's data, correct it, erase it, and
answer the request on the channel it came from. Each is one commit with its audit rows.

Only the person's own records are touched: a correction or an erasure names a request,
and the request names the person (channel and user id); nominations of anyone else are
out of reach whatever the form says.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.privacy.retention import discard_certificates
from storage.audit.events import record_event
from storage.delivery.outbox import enqueue
from storage.intake.status import audit
from storage.media.store import MediaStore
from storage.models import Nomination, Photo, PrivacyRequest
from storage.privacy.erase import forget_person
from storage.privacy.requests import person_data, settle
from storage.privacy.retention import anonymise, blank_certificates

# A decided commendation must keep its dossier (the decision and its list are public
# records): an officer may keep those, and must write down why.
KEEPABLE = frozenset({"approved"})


@dataclass(frozen=True)
class Erased:
    anonymised: list[str]  # references
    kept: list[str]


async def export_of(session: AsyncSession, request: PrivacyRequest) -> dict[str, Any]:
    """Everything held about the person, as plain data (the JSON export, and what the
    readable page shows)."""
    held = await person_data(session, channel=request.channel, user_id=request.user_id)
    return {
        "person": {"channel": request.channel, "user_id": request.user_id},
        "consents": [{"notice_version": c.notice_version, "accepted_at": _iso(c.accepted_at),
                      "withdrawn_at": _iso(c.withdrawn_at)} for c in held.consents],
        "nominations": [{
            "reference": n.reference, "status": n.status, "created_at": _iso(n.created_at),
            "nominee_name": n.nominee_name, "nominee_role": n.nominee_role,
            "place": n.place, "deed": n.deed, "deed_date": n.deed_date,
            "submitter_name": n.submitter_name, "submitter_phone": n.submitter_phone,
            "on_behalf_of": n.on_behalf_of} for n in held.nominations],
        "added_to": [{"reference": n.reference, "status": n.status}
                     for n in held.supported],
        "requests": [{"reference": r.reference, "kind": r.kind, "status": r.status,
                      "created_at": _iso(r.created_at), "detail": r.detail,
                      "answer": r.answer} for r in held.requests],
    }


def person_of(request: PrivacyRequest) -> str:
    """How the access log names the person a request is about (its resident filter)."""
    return f"resident:{request.channel}:{request.user_id}"


async def record_export(session: AsyncSession, request: PrivacyRequest, *, staff_id: int,
                        form: str, now: datetime) -> None:
    """Who took a copy of the person's data, and in which form. Commits."""
    record_event(session, action="privacy_see", staff_id=staff_id, via="console", now=now,
                 target=person_of(request),
                 detail={"request": request.reference, "format": form})
    await session.commit()


async def correct(session: AsyncSession, request: PrivacyRequest, *, nomination_id: int,
                  submitter_name: str, submitter_phone: str, staff_id: int,
                  now: datetime) -> bool:
    """The submitter's name and phone on one of the person's own nominations."""
    nomination = await session.get(Nomination, nomination_id)
    if nomination is None or nomination.id is None or not _theirs(nomination, request):
        return False
    before = f"{nomination.submitter_name}, {nomination.submitter_phone}"
    nomination.submitter_name = submitter_name.strip()[:200] or nomination.submitter_name
    nomination.submitter_phone = submitter_phone.strip()[:20] or nomination.submitter_phone
    audit(session, nomination_id=nomination.id, action="privacy_correct", from_status=None,
          to_status=None, allowed=True, staff_id=staff_id, via="console", external_id=None,
          reason=f"{request.reference}: {before}"[:2000], now=now)
    record_event(session, action="privacy_correct", staff_id=staff_id, via="console", now=now,
                 nomination_id=nomination.id, target=person_of(request),
                 detail={"request": request.reference})
    await session.commit()
    return True


async def erase(session: AsyncSession, request: PrivacyRequest, *, keep: dict[int, str],
                staff_id: int, now: datetime, media: MediaStore) -> Erased:
    """The person's nominations made anonymous, except those in `keep` (id → the legal
    basis for keeping it) that a commendation decision must keep; their dialog state and
    draft photos gone."""
    held = await person_data(session, channel=request.channel, user_id=request.user_id)
    kept = [n for n in held.nominations if n.id in keep and n.status in KEEPABLE
            and keep[n.id].strip()]
    going = [n for n in held.nominations if n not in kept]
    for nomination in going:
        assert nomination.id is not None
        audit(session, nomination_id=nomination.id, action="privacy_erase",
              from_status=None, to_status=None, allowed=True, staff_id=staff_id,
              via="console", external_id=None, reason=request.reference, now=now)
    hashes: set[str] = set()
    certificates: list[tuple[str, str]] = []
    for nomination in going:
        assert nomination.id is not None
        done = await anonymise(session, nomination.id, status=nomination.status, now=now)
        if done is not None:
            hashes.update(done)
            certificates += await blank_certificates(session, nomination.id)
    await forget_person(session, channel=request.channel, user_id=request.user_id, now=now)
    request.legal_basis = "\n".join(f"{n.reference}: {keep[n.id or 0].strip()}"
                                    for n in kept)[:1000]
    session.add(request)
    record_event(session, action="privacy_delete", staff_id=staff_id, via="console", now=now,
                 target=person_of(request), detail={
                     "request": request.reference, "anonymised": [n.reference for n in going],
                     "kept": [n.reference for n in kept]})
    await session.commit()
    for sha256 in hashes:  # after the commit: a row never outlives its file
        if (await session.exec(select(Photo.id).where(col(Photo.sha256) == sha256))).first():
            continue
        await media.discard(sha256)
    await discard_certificates(session, certificates, media)
    return Erased([n.reference for n in going], [n.reference for n in kept])


async def answer(session: AsyncSession, request: PrivacyRequest, *, status: str, text: str,
                 staff_id: int, now: datetime) -> bool:
    """Settles the request and tells the person, on their channel, what was done."""
    if status not in ("done", "refused") or not text.strip():
        return False
    if not await settle(session, request, status=status, answer=text.strip(),
                        legal_basis=request.legal_basis, staff_id=staff_id, now=now):
        return False
    enqueue(session, dedupe_key=f"privacy:{request.reference}", kind="privacy_reply",
            channel=request.channel, chat_id=request.chat_id, now=now,
            payload={"reference": request.reference, "kind": request.kind,
                     "answer": text.strip()[:2000], "locale": request.locale})
    record_event(session, action="privacy_answer", staff_id=staff_id, via="console", now=now,
                 target=person_of(request),
                 detail={"request": request.reference, "status": status})
    await session.commit()
    return True


def _theirs(nomination: Nomination, request: PrivacyRequest) -> bool:
    return (nomination.channel, nomination.submitter_user_id) == (request.channel,
                                                                  request.user_id)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
