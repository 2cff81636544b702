"""A resident on Zalo, where everything is typed, answers as she would answer a person:
"đồng ý ạ", "cá nhân", "an sinh", "hôm qua", "bỏ qua", "không", "gửi". Command words
work where they cannot be an answer and are asked about where they could be."""

from datetime import date

import pytest
from sqlmodel import select

from storage.models import Conversation, Nomination
from tests.intake.test_resident_story import DEED
from tests.support.chat import NOW, Chat

GESTURES = ("bấm", "nút", "chạm")  # what a Zalo chat has none of


def zalo_chat(db, services, user_id="z-7c1f0a9e2b") -> Chat:
    return Chat(db.sessions, services, user_id=user_id, channel="zalo",
                contact_button=False, display_name="Nguyễn Thị Lan")


async def step_of(chat: Chat) -> str | None:
    async with chat.sessions() as session:
        return (await session.exec(select(Conversation.step).where(
            Conversation.user_id == chat.user_id))).one()


def no_gestures(chat: Chat) -> None:
    said = chat.text().lower()
    assert not [word for word in GESTURES if word in said], chat.text()


async def test_a_zalo_resident_nominates_in_her_own_words(db, services):
    lan = zalo_chat(db, services)
    await lan.say("Chào cháu")
    no_gestures(lan)
    await lan.say("đề xuất")  # on the menu twice ("Đề xuất người tốt", "… của tôi"): a command
    assert "dữ liệu cá nhân" in lan.text()
    await lan.say("xin chào")  # not an answer: a short hint, not the notice again
    assert "dữ liệu cá nhân" not in lan.text()
    assert "Bạn gõ số 1 hoặc 2" in lan.text()
    no_gestures(lan)
    await lan.say("đồng ý ạ")
    assert "cá nhân hay một tập thể" in lan.text()
    await lan.say("cá nhân")
    await lan.say("Lê Thị Mai")
    await lan.say("quay lại")  # could be a job; asked once which she meant
    assert "quay lại câu hỏi trước" in lan.text()
    await lan.say("có")
    assert "Họ và tên người được đề xuất" in lan.text()
    await lan.say("Lê Thị Mai Anh")
    assert "làm nghề gì" in lan.text()  # the question she had not answered yet
    await lan.say("Tình nguyện viên bếp ăn từ thiện")
    await lan.say("ngoc ha")
    await lan.say("phường ngọc hà")  # one of the units that matched, by its name
    assert "Đơn vị: Phường Ngọc Hà" in lan.text()
    await lan.say("Cổng Bệnh viện Nhi, phố Ngọc Hà")
    await lan.say("an sinh")
    await lan.say("huỷ")  # a deed is longer than one word: the command, asked to confirm
    assert "Huỷ đề xuất đang làm?" in lan.text()
    await lan.say("không")
    assert "Hãy kể người đó đã làm gì" in lan.text()
    await lan.say(DEED)
    await lan.say("hôm qua ạ")
    assert "ảnh minh chứng" in lan.text()
    no_gestures(lan)
    await lan.say("bỏ qua")
    assert "khó thẩm định hơn" in lan.text()
    await lan.say("không")  # "Bạn có ảnh nào … không?" — no
    assert "Họ và tên của bạn" in lan.text()
    await lan.say("1")  # "1. Dùng tên: Nguyễn Thị Lan"
    await lan.say("0912 345 678")
    await lan.say("tự đề xuất")
    summary = lan.text()
    for expected in ("Lê Thị Mai Anh", "Tình nguyện viên bếp ăn từ thiện", "An sinh xã hội",
                     "0 ảnh", "Nguyễn Thị Lan", "0912 345 678", "Tôi tự đề xuất"):
        assert expected in summary
    await lan.say("gửi")
    assert "NTVT-2026-" in lan.text()
    no_gestures(lan)

    async with db.sessions() as session:
        nomination = (await session.exec(select(Nomination))).one()
    assert (nomination.nominee_name, nomination.field, nomination.deed_date) == (
        "Lê Thị Mai Anh", "social_welfare", "2026-11-19")
    assert nomination.nominee_role == "Tình nguyện viên bếp ăn từ thiện"


async def test_a_command_word_that_is_her_answer_is_kept_as_the_answer(db, services):
    hoa = zalo_chat(db, services)
    await hoa.say("/start")
    await hoa.say("1")
    await hoa.say("2")  # a collective
    await hoa.say("thôi")  # "Thôi" could be a name: asked
    assert "«thôi» là câu trả lời" in hoa.text()
    await hoa.say("2")  # "Đó là câu trả lời"
    assert "thuộc cơ quan, tổ chức" in hoa.text()  # the name was taken; the next question
    async with db.sessions() as session:
        draft = (await session.exec(select(Conversation.draft))).one()
    assert draft["nominee_name"] == "thôi"


async def test_cancel_said_at_a_menu_needs_no_second_question(db, services):
    minh = zalo_chat(db, services)
    await minh.say("/start")
    await minh.say("huỷ")  # at the notice: nothing entered yet, nothing to lose
    assert "Đã huỷ đề xuất đang làm" in minh.text()
    assert await step_of(minh) is None
    await minh.say("trợ giúp")
    assert "Hướng dẫn" in minh.text() and "quay lại" in minh.text()


async def test_an_unclear_answer_names_the_lines_it_fits(db, services):
    tuan = zalo_chat(db, services)
    await tuan.say("/start")
    await tuan.say("có")
    await tuan.say("cá nhân")
    await tuan.say("Phạm Văn Tuấn")
    await tuan.say("Bảo vệ tổ dân phố")
    await tuan.say("Phường Kim Mã")
    await tuan.say("Số 5 phố Kim Mã")
    await tuan.say("trật tự")  # "Trật tự đô thị" and "An ninh – trật tự"
    assert "khớp với nhiều lựa chọn (2, 6)" in tuan.text()
    assert await step_of(tuan) == "field"
    await tuan.say("6")
    assert await step_of(tuan) == "deed"


@pytest.mark.parametrize("said, stored", [
    ("hôm nay", "2026-11-20"), ("hôm qua", "2026-11-19"), ("15/3", "2026-03-15"),
    ("ngày 15/3 ạ", "2026-03-15"), ("15 tháng 3", "2026-03-15"), ("25/12", "2025-12-25"),
    ("tháng 3", "2026-03"), ("tháng 12", "2025-12"), ("tháng trước", "2026-10"),
    ("năm 2019", "2019"), ("năm ngoái", "2025"), ("03/2026", "2026-03"),
    ("15/03/2026", "2026-03-15"), ("2019", "2019"), ("yesterday", "2026-11-19"),
    ("March", "2026-03"), ("last month", "2026-10"),
])
async def test_dates_as_people_write_them(db, services, said, stored):
    assert NOW.date() == date(2026, 11, 20)
    chat = zalo_chat(db, services)
    await chat.say("/start")
    for answer in ("1", "1", "Lê Văn Hải", "Xe ôm", "ngoc ha", "Phường Ngọc Hà",
                   "Phố Ngọc Hà", "1", DEED):
        await chat.say(answer)
    assert await step_of(chat) == "deed_date"
    await chat.say(said)
    async with db.sessions() as session:
        draft = (await session.exec(select(Conversation.draft))).one()
    assert draft.get("deed_date") == stored, chat.text()
