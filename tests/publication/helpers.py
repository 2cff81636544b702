"""Honoured dossiers put straight into the database (the round pages are built beside
this), and a staff member publishing one through the console."""

import re
from datetime import UTC, datetime

from sqlmodel import select

from storage.media.store import MediaStore
from storage.models import (
    AuditEvent,
    CommendationRound,
    Nomination,
    Photo,
    Publication,
    RoundItem,
)
from tests.support.images import jpeg
from tests.support.nominations import add_nomination
from tests.support.org_ids import staff_id

DEED = ("Ông đã nhặt được chiếc ví có 15 triệu đồng và giấy tờ tùy thân, "
        "tìm đến tận nhà để trả lại cho người đánh rơi.")
SUBMITTER, SUBMITTER_PHONE = "Trần Thị Bình", "912345678"  # as in tests/support/nominations


async def honoured(db, media: MediaStore, *, name: str = "Nguyễn Văn Đức",
                   unit: str = "phuc-xa", consented: bool = True, photos: int = 2,
                   status: str = "decided") -> int:
    """A nomination the council of a decided round honoured; its id."""
    async with db.sessions() as session:
        nomination = await add_nomination(session, unit=unit, name=name, deed=DEED,
                                          status="approved", photos=photos, media=media)
        admin = await staff_id(session, "admin")
        sitting = CommendationRound(unit_id=nomination.unit_id, name="Xét khen thưởng đợt 2 "
                                    "năm 2026", year=2026, status=status,
                                    decision_number="125/QĐ-UBND", decision_on="2026-11-20",
                                    created_by=admin, created_at=datetime(2026, 11, 20, tzinfo=UTC))
        session.add(sitting)
        await session.flush()
        session.add(RoundItem(round_id=sitting.id or 0, nomination_id=nomination.id or 0,
                              outcome="honoured", level="ward", title="Người tốt, việc tốt"))
        if consented:
            nomination.nominee_consent = "in_person"
            nomination.nominee_consent_by = admin
            nomination.nominee_consent_at = datetime(2026, 11, 2, tzinfo=UTC)
            session.add(nomination)
        await session.commit()
        assert nomination.id is not None
        return nomination.id


async def photo_ids(db, nomination_id: int) -> list[int]:
    async with db.sessions() as session:
        return [p for p in (await session.exec(select(Photo.id).where(
            Photo.nomination_id == nomination_id).order_by(Photo.id))).all() if p]


async def publication(db, nomination_id: int) -> Publication | None:
    async with db.sessions() as session:
        return (await session.exec(select(Publication).where(
            Publication.nomination_id == nomination_id))).first()


async def events(db, action: str) -> list[AuditEvent]:
    async with db.sessions() as session:
        return list((await session.exec(select(AuditEvent).where(
            AuditEvent.action == action).order_by(AuditEvent.id))).all())


async def withdraw_consent(db, nomination_id: int) -> None:
    async with db.sessions() as session:
        nomination = await session.get(Nomination, nomination_id)
        assert nomination is not None
        nomination.nominee_consent = None
        session.add(nomination)
        await session.commit()


async def set_published_at(db, nomination_id: int, moment: datetime) -> None:
    async with db.sessions() as session:
        found = (await session.exec(select(Publication).where(
            Publication.nomination_id == nomination_id))).one()
        found.published_at = moment
        session.add(found)
        await session.commit()


async def act(console, nomination_id: int, action: str, *, headline: str = "",
              story: str = "", photos: tuple[int, ...] = ()):
    form = await console.client.get(f"/console/publication/{nomination_id}")
    assert form.status_code == 200, form.text
    data = {"csrf": console.csrf(form), "action": action, "headline": headline,
            "story": story, "photo": [str(p) for p in photos]}
    return await console.client.post(f"/console/publication/{nomination_id}", data=data)


async def publish_through_console(console, nomination_id: int, *, photos: tuple[int, ...],
                                  headline: str = "Người trả lại chiếc ví 15 triệu đồng"):
    answer = await act(console, nomination_id, "publish", headline=headline,
                       story=DEED + "\nBà con trong tổ dân phố đều cảm phục.", photos=photos)
    assert answer.status_code == 303, answer.text
    return answer.headers["location"]


def image_paths(html: str) -> list[str]:
    return re.findall(r'<img src="([^"]+)"', html)


async def add_photo(db, media: MediaStore, nomination_id: int, *, width: int = 64,
                    height: int = 48, exif: bytes | None = None) -> int:
    """A photo the resident sent with the nomination (kept as the store keeps any)."""
    stored = media.save(jpeg(width, height, (30, 140, 90), exif=exif))
    async with db.sessions() as session:
        photo = Photo(sha256=stored.sha256, width=stored.width, height=stored.height,
                      size_bytes=stored.size_bytes, channel="telegram", user_id="9001",
                      nomination_id=nomination_id, created_at=datetime(2026, 10, 15,
                                                                        tzinfo=UTC))
        session.add(photo)
        await session.commit()
        assert photo.id is not None
        return photo.id
