"""Two neighbours propose the same good deed: the second is offered to add to the first."""

import io
from datetime import UTC, datetime

from PIL import Image
from sqlmodel import select

from handlers.review.decisions import Decider, decide
from notifications.render import make_renderer
from storage.delivery.outbox import Claimed
from storage.intake.duplicates import likely_duplicates
from storage.media.store import MediaStore
from storage.models import AuditEntry, Nomination, Notification, Photo, Staff
from tests.intake.test_resident_story import fill_until_summary
from tests.support.chat import NOW, Chat
from tests.support.images import street_photo
from tests.support.nominations import add_nomination


async def first_neighbour_submits(db, services) -> None:
    first = Chat(db.sessions, services, user_id="1001")
    await fill_until_summary(first)
    await first.press("Gửi đề xuất")
    assert "NTVT-2026-000001" in first.text()


async def nominations(db) -> list[Nomination]:
    async with db.sessions() as session:
        return list((await session.exec(select(Nomination).order_by(Nomination.id))).all())


async def test_the_second_neighbour_adds_to_the_first_nomination(db, services):
    await first_neighbour_submits(db, services)
    second = Chat(db.sessions, services, user_id="2002")
    await fill_until_summary(second)
    await second.press("Gửi đề xuất")
    assert "có thể đã được đề xuất" in second.text()
    assert "NTVT-2026-000001 – Nguyễn Văn Tuấn – Phường Đội Cấn" in second.text()

    await second.press("Bổ sung thông tin của tôi vào NTVT-2026-000001")
    assert "Đã bổ sung thông tin của bạn vào đề xuất NTVT-2026-000001" in second.text()
    [only] = await nominations(db)
    async with db.sessions() as session:
        photos = (await session.exec(select(Photo).where(Photo.nomination_id == only.id))).all()
        [added] = (await session.exec(select(AuditEntry))).all()
    assert len(photos) == 4  # both neighbours' photos are on the one nomination
    assert added.action == "resident_addition" and "nhặt được ví" in (added.reason or "")


async def test_submitting_anyway_makes_a_second_one_staff_can_merge_and_unmerge(db, services):
    await first_neighbour_submits(db, services)
    second = Chat(db.sessions, services, user_id="2002")
    await fill_until_summary(second)
    await second.press("Gửi đề xuất")
    await second.press("vẫn gửi đề xuất mới")
    assert "NTVT-2026-000002" in second.text()
    first_one, second_one = await nominations(db)

    async with db.sessions() as session:
        lan = (await session.exec(select(Staff).where(Staff.username == "noivu.lan"))).one()
        matches = await likely_duplicates(
            session, unit_id=second_one.unit_id, nominee_name=second_one.nominee_name,
            deed=second_one.deed, photo_hashes=[], now=NOW, before_id=second_one.id)
        assert [(m.nomination.reference, m.reasons) for m in matches] == [
            ("NTVT-2026-000001", ("name", "deed"))]
        merged = await decide(session, nomination_id=second_one.id, action="duplicate",
                              by=Decider(lan.id, "console"), now=NOW, primary_id=first_one.id)
    assert merged.result == "done"
    async with db.sessions() as session:
        after = await session.get(Nomination, second_one.id)
        assert after is not None and (after.status, after.primary_id) == ("duplicate",
                                                                         first_one.id)
        undone = await decide(session, nomination_id=second_one.id, action="unmerge",
                              by=Decider(lan.id, "console"), now=NOW)
    assert undone.result == "done"
    async with db.sessions() as session:
        after = await session.get(Nomination, second_one.id)
    assert after is not None and (after.status, after.primary_id) == ("in_review", None)


async def test_another_ward_with_the_same_name_is_not_a_duplicate(db, services):
    await first_neighbour_submits(db, services)
    async with db.sessions() as session:
        nomination = (await session.exec(select(Nomination))).one()
        kim_ma = await add_nomination(session, unit="kim-ma", name="Nguyễn Văn Tuấn",
                                      deed="Dạy bơi miễn phí cho trẻ em mùa hè.")
        matches = await likely_duplicates(
            session, unit_id=kim_ma.unit_id, nominee_name="Nguyen Van Tuan",
            deed=kim_ma.deed, photo_hashes=[], now=NOW)
    assert nomination.reference not in [m.nomination.reference for m in matches]


def resized(data: bytes, width: int) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        smaller = image.resize((width, width * image.height // image.width))
        out = io.BytesIO()
        smaller.save(out, "JPEG", quality=60)
        return out.getvalue()


async def test_the_same_photo_sent_again_smaller_is_recognised(db, tmp_path):
    media = MediaStore(tmp_path / "media")
    original = media.save(street_photo(seed=7))
    async with db.sessions() as session:
        earlier = await add_nomination(session, unit="ngoc-ha", name="Lý Thị Kim",
                                       deed="Quét dọn ngõ mỗi sáng.")
        session.add(Photo(sha256=original.sha256, width=original.width,
                          height=original.height, size_bytes=original.size_bytes,
                          channel="telegram", user_id="9001", nomination_id=earlier.id,
                          phash=original.phash, created_at=datetime.now(UTC)))
        await session.commit()

        async def match(photo: bytes) -> list[tuple[str, ...]]:
            found = await likely_duplicates(
                session, unit_id=earlier.unit_id, nominee_name="Ai đó khác",
                deed="Một việc hoàn toàn khác hẳn.", now=NOW,
                photo_hashes=[media.save(photo).phash])
            return [m.reasons for m in found]

        assert await match(resized(street_photo(seed=7), 300)) == [("photo",)]
        assert await match(street_photo(seed=8)) == []


async def test_the_same_name_is_found_behind_many_newer_nominations(db, monkeypatch):
    # Deeds are compared among the newest few only; a name match must reach the whole year.
    monkeypatch.setattr("storage.intake.duplicates.MAX_CANDIDATES", 3)
    async with db.sessions() as session:
        spring = await add_nomination(session, unit="doi-can", name="Đặng Thu Hà",
                                      deed="Nhận nuôi hai cháu mồ côi.",
                                      created_at=datetime(2026, 4, 2, tzinfo=UTC))
        for number in range(5):
            await add_nomination(session, unit="doi-can", name=f"Người khác {number}",
                                 deed=f"Việc tốt số {number} trong tổ dân phố.")
        found = await likely_duplicates(
            session, unit_id=spring.unit_id, nominee_name="Dang Thu Ha",
            deed="Chăm sóc cụ già neo đơn.", photo_hashes=[], now=NOW)
    assert [(m.nomination.reference, m.reasons) for m in found] == [
        (spring.reference, ("name",))]


async def test_the_staff_card_names_what_the_resident_was_warned_of(db, services, texts):
    await first_neighbour_submits(db, services)
    second = Chat(db.sessions, services, user_id="2002")
    await fill_until_summary(second)
    await second.press("Gửi đề xuất")
    await second.press("vẫn gửi đề xuất mới")
    async with db.sessions() as session:
        cards = (await session.exec(select(Notification).where(
            Notification.kind == "review_card").order_by(Notification.id))).all()
        render = make_renderer(texts, console_url="https://phuong.example/console")
        first_card, second_card = [
            await render(session, Claimed(c.id or 0, c.kind, c.channel, c.chat_id,
                                          c.payload, 0)) for c in cards]
    # Found once, at submit, and carried to the card rather than looked for again.
    assert [c.payload.get("possible") for c in cards] == [[], ["NTVT-2026-000001"]]
    assert second_card is not None and \
        "⚠️ Có thể trùng với: NTVT-2026-000001" in second_card.text
    assert first_card is not None and "Có thể trùng" not in first_card.text
