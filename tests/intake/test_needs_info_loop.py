"""Staff ask for more; the nominator answers in the chat, and it goes back to review."""

from sqlmodel import select

from handlers.review.decisions import Decider, decide
from storage.models import AuditEntry, Nomination, Photo, Staff
from tests.support.chat import NOW, Chat
from tests.support.images import jpeg
from tests.support.nominations import add_nomination


async def staff_asks_for_more(db) -> Nomination:
    async with db.sessions() as session:
        nomination = await add_nomination(session, unit="doi-can", name="Bùi Thị Hạnh",
                                          status="in_review",
                                          deed="Bà Hạnh nhận nuôi hai cháu mồ côi trong ngõ.")
        mai = (await session.exec(select(Staff).where(Staff.username == "doican.mai"))).one()
        outcome = await decide(session, nomination_id=nomination.id, action="needs_info",
                               by=Decider(mai.id, "console"), now=NOW,
                               reason="Cho biết thêm thời gian và gửi ảnh.")
    assert outcome.result == "done"
    return nomination


async def test_the_nominator_adds_text_and_a_photo_and_it_returns_to_review(db, services):
    nomination = await staff_asks_for_more(db)
    resident = Chat(db.sessions, services, user_id="9001")  # who proposed it, on Telegram

    await resident.send(payload=f"answer:{nomination.id}")  # the button on the notice
    assert nomination.reference in resident.text()
    await resident.say("Bà nhận nuôi các cháu từ năm 2019, hàng xóm đều biết.")
    assert "Đã ghi lại" in resident.text()
    await resident.photo(jpeg(320, 240))
    assert "Đã nhận ảnh bổ sung (1)" in resident.text()
    await resident.press("Gửi bổ sung")
    assert "đã được chuyển tới cán bộ" in resident.text()

    async with db.sessions() as session:
        after = await session.get(Nomination, nomination.id)
        photos = (await session.exec(select(Photo).where(
            Photo.nomination_id == nomination.id))).all()
        [answer] = (await session.exec(select(AuditEntry).where(
            AuditEntry.action == "resident_answer"))).all()
    assert after is not None and after.status == "in_review"
    assert len(photos) == 1
    assert answer.to_status == "in_review" and "từ năm 2019" in (answer.reason or "")

    await resident.send(payload=f"answer:{nomination.id}")  # nothing is asked any more
    assert "không cần bổ sung" in resident.text()


async def test_nobody_else_can_answer_for_the_nominator(db, services):
    nomination = await staff_asks_for_more(db)
    stranger = Chat(db.sessions, services, user_id="4242")
    await stranger.send(payload=f"answer:{nomination.id}")
    assert "không cần bổ sung" in stranger.text()
    async with db.sessions() as session:
        after = await session.get(Nomination, nomination.id)
    assert after is not None and after.status == "needs_info"


async def test_sending_nothing_asks_for_something(db, services):
    nomination = await staff_asks_for_more(db)
    resident = Chat(db.sessions, services, user_id="9001")
    await resident.send(payload=f"answer:{nomination.id}")
    await resident.press("Gửi bổ sung")
    assert "Bạn chưa gửi gì" in resident.text()
