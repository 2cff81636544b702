"""A resident proposes an exemplar from /start to the reference number, with no channel."""

from sqlmodel import select

from storage.models import Consent, Conversation, Nomination, Notification, Photo
from tests.support.chat import Chat
from tests.support.images import jpeg, png

DEED = ("Ông Tuấn nhặt được ví có 12 triệu đồng và giấy tờ tuỳ thân trên phố Đội Cấn, "
        "đã mang đến Công an phường để trả lại người đánh rơi.")


async def fill_until_summary(chat: Chat) -> None:
    await chat.say("/start")
    assert "dữ liệu cá nhân" in chat.text()
    await chat.press("Tôi đồng ý")
    assert "cá nhân hay một tập thể" in chat.text()
    await chat.press("Cá nhân")
    await chat.say("Nguyễn Văn Tuấn")
    await chat.say("Tổ trưởng tổ dân phố số 3")
    await chat.say("doi can")  # accent-insensitive; several units match
    assert "Phường Đội Cấn" in chat.buttons()[0] or "Đội Cấn" in " ".join(chat.buttons())
    await chat.press("✅ Chọn: Phường Đội Cấn") if "✅ Chọn: Phường Đội Cấn" in " ".join(
        chat.buttons()) else await chat.press("Phường Đội Cấn")
    assert "địa chỉ" in chat.text()
    await chat.say("Ngõ 12 phố Đội Cấn")
    await chat.press("An ninh – trật tự")
    await chat.say(DEED)
    await chat.say("15/10/2026")
    assert "ảnh minh chứng" in chat.text()
    await chat.photo(jpeg())
    assert "Đã nhận 1 ảnh (tối đa 10 ảnh)" in chat.text()
    await chat.photo(png())
    await chat.press("Xong")
    assert "Họ và tên của bạn" in chat.text()
    await chat.press("Dùng tên: Trần Thị Hoa")
    await chat.contact("+84912345678")
    assert "0912 345 678" in chat.text()
    await chat.press("Tôi tự đề xuất")


async def test_resident_proposes_from_start_to_reference(db, services):
    chat = Chat(db.sessions, services)
    await fill_until_summary(chat)

    summary = chat.text()
    for expected in ("Nguyễn Văn Tuấn", "Phường Đội Cấn", "An ninh – trật tự", "15/10/2026",
                     "2 ảnh", "0912 345 678", "Tôi tự đề xuất"):
        assert expected in summary
    await chat.press("Gửi đề xuất")
    assert "NTVT-2026-000001" in chat.text()

    async with db.sessions() as session:
        nomination = (await session.exec(select(Nomination))).one()
        assert nomination.nominee_name_folded == "nguyen van tuan"
        assert nomination.submitter_phone == "+84912345678"
        assert nomination.deed_date == "2026-10-15"
        photos = (await session.exec(select(Photo))).all()
        assert [p.nomination_id for p in photos] == [nomination.id, nomination.id]
        consent = (await session.exec(select(Consent))).one()
        assert nomination.consent_id == consent.id and consent.notice_version == "2026-01"
        # Đội Cấn ward has its own staff group in the demo organisation.
        notice = (await session.exec(select(Notification))).one()
        assert (notice.kind, notice.channel, notice.chat_id) == (
            "review_card", "telegram", "-1001000000019")
        assert notice.payload == {"nomination_id": nomination.id,
                                  "reference": "NTVT-2026-000001", "possible": []}
        assert notice.sent_at is None
        conversation = (await session.exec(select(Conversation))).one()
        assert conversation.step is None


async def test_second_nomination_reuses_consent_and_gets_next_number(db, services):
    chat = Chat(db.sessions, services)
    await fill_until_summary(chat)
    await chat.press("Gửi đề xuất")
    await chat.press("Đề xuất người tốt")
    assert "dữ liệu cá nhân" not in chat.text()  # this notice version was accepted already
    assert "cá nhân hay một tập thể" in chat.text()


async def test_my_lists_submissions_with_status(db, services):
    chat = Chat(db.sessions, services)
    await chat.say("/my")
    assert "chưa gửi đề xuất nào" in chat.text()
    await fill_until_summary(chat)
    await chat.press("Gửi đề xuất")
    await chat.say("/my")
    assert "NTVT-2026-000001 – Nguyễn Văn Tuấn – Đã tiếp nhận, chờ xét" in chat.text()
    other = Chat(db.sessions, services, user_id="2002")
    await other.say("/my")
    assert "NTVT-2026" not in other.text()  # nobody sees another person's list
