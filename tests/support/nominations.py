"""Nominations put straight into the database, for the staff side's stories."""

from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.intake.nominations import next_reference, search_text
from storage.media.store import MediaStore
from storage.models import Consent, Nomination, Photo, Unit
from storage.shared.folding import fold
from tests.support.chat import NOW
from tests.support.images import jpeg


async def add_nomination(session: AsyncSession, *, unit: str, name: str, deed: str,
                         field: str = "social_welfare", status: str = "submitted",
                         created_at: datetime = NOW, photos: int = 0,
                         media: MediaStore | None = None) -> Nomination:
    unit_id = (await session.exec(select(Unit.id).where(Unit.code == unit))).one()
    consent = Consent(channel="telegram", user_id="9001", notice_version="2026-01",
                      accepted_at=created_at)
    session.add(consent)
    await session.flush()
    assert unit_id is not None and consent.id is not None
    nomination = Nomination(
        reference=await next_reference(session, created_at.year), status=status,
        nominee_kind="individual", nominee_name=name, nominee_name_folded=fold(name),
        nominee_role="Tổ trưởng tổ dân phố", unit_id=unit_id, place="Số 2 phố Kim Mã",
        field=field, deed=deed, deed_date="15/10/2026", submitter_name="Trần Thị Bình",
        submitter_phone="+84912345678", channel="telegram", submitter_user_id="9001",
        submitter_chat_id="9001", consent_id=consent.id, created_at=created_at)
    nomination.search_folded = search_text(nomination)
    session.add(nomination)
    await session.flush()
    for index in range(photos):
        assert media is not None
        stored = media.save(jpeg(color=(10 * index, 120, 60)))
        session.add(Photo(sha256=stored.sha256, width=stored.width, height=stored.height,
                          size_bytes=stored.size_bytes, channel="telegram", user_id="9001",
                          nomination_id=nomination.id, created_at=created_at))
    await session.commit()
    return nomination
