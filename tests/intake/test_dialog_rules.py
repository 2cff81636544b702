"""Edits from the summary, bad inputs, restarts, cancel, language and photo rules."""

import pytest
from sqlmodel import select

from handlers.intake.flow import STEPS
from handlers.shared.texts import Texts
from handlers.shared.turn import Services
from storage.media.store import MediaStore
from storage.models import Conversation, Nomination, Photo
from tests.intake.test_resident_story import fill_until_summary
from tests.support.chat import Chat
from tests.support.images import gif, jpeg


async def at_step(chat: Chat, step: str) -> None:
    async with chat.sessions() as session:
        row = (await session.exec(select(Conversation).where(
            Conversation.user_id == chat.user_id))).one()
        assert row.step == step, f"expected step {step}, at {row.step}"


@pytest.mark.parametrize("label, answer, expected", [
    ("Đối tượng", "Tập thể", "Tập thể"),
    ("Người được đề xuất", "Trần Văn Bình", "Trần Văn Bình"),
    ("Nghề nghiệp", "Bảo vệ Trường THCS Thành Công", "Bảo vệ Trường THCS Thành Công"),
    ("Đơn vị", "kim ma", "Phường Kim Mã"),
    ("Địa điểm", "Số 5 phố Kim Mã", "Số 5 phố Kim Mã"),
    ("Lĩnh vực", "Y tế", "Y tế"),
    ("Việc tốt", "Bà hiến 50 đơn vị máu trong 20 năm và vận động hàng xóm cùng tham gia.",
     "Bà hiến 50 đơn vị máu"),
    ("Thời gian", "03/2026", "03/2026"),
    ("Người đề xuất", "Lê Văn Cường", "Lê Văn Cường"),
    ("Điện thoại", "024 3823 4567", "024 3823 4567"),
])
async def test_each_field_can_be_changed_from_the_summary(db, services, label, answer, expected):
    chat = Chat(db.sessions, services)
    await fill_until_summary(chat)
    await chat.press(f"✏️ {label}")
    if answer in " ".join(chat.buttons()):
        await chat.press(answer)
    else:
        await chat.say(answer)
    assert "Kiểm tra lại đề xuất" in chat.text()  # straight back to the summary
    assert expected in chat.text()
    await at_step(chat, "summary")


async def test_editing_photos_returns_to_summary(db, services):
    chat = Chat(db.sessions, services)
    await fill_until_summary(chat)
    await chat.press("✏️ Ảnh")
    assert "Đã có 2 ảnh" in chat.text()
    await chat.photo(jpeg(color=(1, 2, 3)))
    await chat.press("Xong")
    assert "• Ảnh: 3 ảnh" in chat.text()


async def test_switching_to_on_behalf_asks_for_whom(db, services):
    chat = Chat(db.sessions, services)
    await fill_until_summary(chat)
    await chat.press("✏️ Hình thức")
    await chat.press("Thay cho người khác")
    assert "thay cho ai" in chat.text()
    await chat.say("Phạm Thị Nga")
    assert "• Đề xuất thay cho: Phạm Thị Nga" in chat.text()
    await chat.press("Gửi đề xuất")
    async with db.sessions() as session:
        assert (await session.exec(select(Nomination))).one().on_behalf_of == "Phạm Thị Nga"


@pytest.mark.parametrize("bad, hint", [
    ("A", "Tên cần từ 2 đến 120 ký tự"),
    ("12345", "Tên cần từ 2 đến 120 ký tự"),
])
async def test_bad_names_keep_the_step(db, services, bad, hint):
    chat = Chat(db.sessions, services)
    await chat.say("/start")
    await chat.press("Tôi đồng ý")
    await chat.press("Cá nhân")
    await chat.say(bad)
    assert hint in chat.text()
    await at_step(chat, "nominee_name")


ANSWERS = {
    "nominee_kind": [("press", "Cá nhân")],
    "nominee_name": [("say", "Nguyễn Văn Tuấn")],
    "nominee_role": [("say", "Tổ trưởng tổ dân phố số 3")],
    "unit_id": [("say", "Phường Phúc Xá"), ("press", "✅ Chọn: Phường Phúc Xá")],
    "place": [("say", "Ngõ 1 phố Phúc Xá")],
    "field": [("press", "Giáo dục")],
    "deed": [("say", "Thầy dạy miễn phí cho hai mươi em nhỏ nhà nghèo suốt năm học.")],
    "deed_date": [("say", "01/09/2026")],
    "photos": [("photo", ""), ("press", "Xong")],
    "submitter_name": [("say", "Lê Thị Hoa")],
    "submitter_phone": [("say", "0912345678")],
    "on_behalf": [("press", "Tôi tự đề xuất")],
}


async def reach(chat: Chat, step: str) -> None:
    """Answer every step before `step`, the way a resident would."""
    await chat.say("/start")
    if any("Tôi đồng ý" in label for label in chat.buttons()):
        await chat.press("Tôi đồng ý")
    for each in STEPS:
        if each.name == step:
            return
        for action, value in ANSWERS[each.name]:
            if action == "press":
                await chat.press(value)
            elif action == "say":
                await chat.say(value)
            else:
                await chat.photo(jpeg())


@pytest.mark.parametrize("step, bad, hint", [
    ("deed", "Giúp người.", "kể thêm một chút"),
    ("deed_date", "dạo trước", "Chưa đọc được ngày"),
    ("deed_date", "31/02/2026", "Chưa đọc được ngày"),
    ("deed_date", "01/01/2027", "Ngày này chưa tới"),
    ("submitter_phone", "0123", "Số điện thoại chưa đúng"),
    ("submitter_phone", "+1 202 555 0101", "Số điện thoại chưa đúng"),
    ("unit_id", "Sao Hỏa", "Không tìm thấy đơn vị"),
    ("field", "tài chính", "bấm một nút"),
])
async def test_bad_answers_get_a_hint_and_keep_the_step(db, services, step, bad, hint):
    chat = Chat(db.sessions, services)
    await reach(chat, step)
    await at_step(chat, step)
    await chat.say(bad)
    assert hint in chat.text()
    await at_step(chat, step)


@pytest.mark.parametrize("channel, contact_button, mentions_sharing", [
    ("telegram", True, True), ("webchat", False, False), ("zalo", False, False)])
async def test_the_phone_question_offers_sharing_only_where_a_share_button_shows(
        db, services, channel, contact_button, mentions_sharing):
    chat = Chat(db.sessions, services, channel=channel, contact_button=contact_button)
    await reach(chat, "submitter_phone")
    assert ("chia sẻ" in chat.text()) is mentions_sharing
    assert "Gõ số" in chat.text() or "gõ số" in chat.text()
    assert chat.last[-1].extra["input_mode"] == "tel"

    await chat.say("0123")  # a mistake: the hint comes with the number keypad still up
    assert "Số điện thoại chưa đúng" in chat.text()
    assert chat.last[-1].extra["input_mode"] == "tel"
    await at_step(chat, "submitter_phone")


async def test_typed_button_words_or_numbers_count_as_a_press(db, services):
    chat = Chat(db.sessions, services)
    await chat.say("/start")
    await chat.say("1")  # the first button: "Tôi đồng ý"
    await chat.say("tap the")  # "👥 Tập thể", typed without accents
    await at_step(chat, "nominee_name")


async def test_unexpected_input_gets_a_hint_and_keeps_the_step(db, services):
    chat = Chat(db.sessions, services)
    await reach(chat, "nominee_name")
    await chat.send(unsupported="sticker")
    assert "nhãn dán" in chat.text() and "Họ và tên người được đề xuất" in chat.text()
    await chat.photo(jpeg())
    assert "cần bạn gõ chữ" in chat.text()
    await at_step(chat, "nominee_name")
    await reach_photos(chat)
    await chat.say("đây là ảnh")
    assert "Bước này cần ảnh" in chat.text()
    # Only the button on screen is named: no "Xong" before the first photo.
    assert "Xong" not in chat.text() and "Bỏ qua, không có ảnh" in chat.text()
    assert chat.buttons() == ["Bỏ qua, không có ảnh"]
    await at_step(chat, "photos")


async def reach_photos(chat: Chat) -> None:
    await chat.say("/cancel")
    await chat.press("Huỷ đề xuất")
    await reach(chat, "photos")


async def test_photos_can_be_skipped_only_after_a_warning(db, services):
    chat = Chat(db.sessions, services)
    await reach(chat, "photos")
    await chat.press("Bỏ qua")
    assert "Vẫn gửi không có ảnh" in " ".join(chat.buttons())
    await at_step(chat, "photos")
    await chat.press("Vẫn gửi không có ảnh")
    await at_step(chat, "submitter_name")


async def test_an_album_of_ten_then_one_more_is_refused(db, services):
    chat = Chat(db.sessions, services)
    await reach(chat, "photos")
    for shade in range(10):
        await chat.photo(jpeg(color=(shade * 20, 0, 0)))
    assert "Đã nhận 10 ảnh (tối đa 10 ảnh)" in chat.text()
    await chat.photo(jpeg(color=(0, 0, 255)))
    assert "Đã đủ 10 ảnh" in chat.text()
    async with db.sessions() as session:
        assert len((await session.exec(select(Photo))).all()) == 10


async def test_a_bad_file_gets_a_message_and_the_dialog_goes_on(db, services):
    chat = Chat(db.sessions, services)
    await reach(chat, "photos")
    await chat.photo(gif())
    assert "không phải ảnh JPEG, PNG hoặc WebP" in chat.text()
    await chat.photo(b"\x89PNG\r\n\x1a\n not really")
    assert "không phải ảnh" in chat.text()
    small = Services(texts=services.texts, media=MediaStore(services.media.blobs,
                     limits=type(services.media.limits)(max_bytes=100)))
    chat.services = small
    await chat.photo(jpeg())
    assert "Ảnh quá lớn" in chat.text()
    chat.services = services
    await chat.photo(jpeg())
    assert "Đã nhận 1 ảnh (tối đa 10 ảnh)" in chat.text()


async def test_draft_survives_a_restart(db, services, texts, tmp_path):
    chat = Chat(db.sessions, services)
    await reach(chat, "deed")
    # A new process: new services objects, the same database.
    restarted = Chat(db.sessions, Services(texts=Texts.load(texts_dir()),
                                           media=MediaStore(tmp_path / "media")))
    await restarted.say("Bà cụ bán nước đã giúp đưa một cháu bé đi lạc về nhà an toàn.")
    assert "khi nào" in restarted.text()
    await restarted.say("/start")
    assert "đề xuất làm dở" in restarted.text()
    await restarted.press("Tiếp tục")
    assert "khi nào" in restarted.text()
    await at_step(restarted, "deed_date")


def texts_dir():
    from tests.conftest import ROOT
    return ROOT / "templates" / "bot"


async def test_cancel_asks_first_then_clears(db, services):
    chat = Chat(db.sessions, services)
    await reach(chat, "place")
    await chat.say("/cancel")
    await chat.press("Tiếp tục làm")
    await at_step(chat, "place")
    await chat.say("/cancel")
    await chat.press("Huỷ đề xuất")
    assert "Đã huỷ" in chat.text()
    await at_step(chat, None)
    await chat.say("/start")
    assert "đề xuất làm dở" not in chat.text()


async def test_declining_consent_stores_nothing(db, services):
    chat = Chat(db.sessions, services)
    await chat.say("/start")
    await chat.press("Không đồng ý")
    assert "chưa đồng ý" in chat.text()
    await at_step(chat, None)


async def test_language_switch_and_help_keep_the_step(db, services):
    chat = Chat(db.sessions, services)
    await reach(chat, "place")
    await chat.say("/lang")
    await chat.press("English")
    assert "Switched to English" in chat.text() and "address or place" in chat.text()
    await chat.say("/help")
    assert "/my" in chat.text() and "address or place" in chat.text()
    await chat.say("/vi")
    assert "địa chỉ" in chat.text()
    await at_step(chat, "place")


async def test_a_stale_submit_press_does_not_submit_twice(db, services):
    chat = Chat(db.sessions, services)
    await fill_until_summary(chat)
    await chat.press("Gửi đề xuất")
    await chat.send(payload="submit:yes")
    async with db.sessions() as session:
        assert len((await session.exec(select(Nomination))).all()) == 1


async def test_a_collective_is_asked_for_its_name_not_a_persons(db, services):
    chat = Chat(db.sessions, services)
    await reach(chat, "nominee_kind")
    await chat.press("Tập thể")
    assert "Tên tập thể được đề xuất" in chat.text()
    await chat.say("Tổ dân phố số 5")
    assert "thuộc cơ quan, tổ chức" in chat.text() and "làm nghề gì" not in chat.text()


async def test_an_individual_is_not_offered_a_collectives_wording(db, services):
    chat = Chat(db.sessions, services)
    await reach(chat, "nominee_kind")
    await chat.press("Cá nhân")
    assert "Họ và tên người được đề xuất là gì?" in chat.text()
    assert "tập thể" not in chat.text()


async def test_english_counts_one_photo_and_three_photos(db, services):
    chat = Chat(db.sessions, services)
    await reach(chat, "photos")
    await chat.say("/en")
    await chat.photo(jpeg())
    assert "1 photo received (up to 10)" in chat.text()
    await chat.photo(jpeg(color=(1, 2, 3)))
    await chat.photo(jpeg(color=(90, 2, 3)))
    assert "3 photos received (up to 10)" in chat.text()
