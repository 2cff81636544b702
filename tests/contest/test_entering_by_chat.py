"""An author enters the writing contest from the chat, on Telegram and on Zalo: the
article pasted in several messages or sent as a file, the details asked, and the door's
checks (length, area, the same article again) answered before anything is counted."""

from dataclasses import dataclass

import pytest
from sqlmodel import select

from handlers.shared.turn import Services
from storage.models import ContestEntry, ContestEntryPhoto
from tests.support.chat import Chat
from tests.support.contests import add_contest, article
from tests.support.images import jpeg
from tests.support.nominations import add_nomination


@dataclass
class BytesDocument:
    data: bytes
    file_name: str | None = None
    mime: str | None = None

    async def read(self, max_bytes: int) -> bytes:
        return self.data


def _chat(db, services: Services, channel: str, user_id: str = "1001") -> Chat:
    return Chat(db.sessions, services, user_id=user_id, channel=channel,
                contact_button=channel == "telegram")


async def _open_entry(chat: Chat) -> None:
    await chat.say("/cancel")
    assert "✍️ Gửi bài dự thi" in chat.buttons()
    await chat.press("Gửi bài dự thi")
    assert "Cuộc thi viết" in chat.text()
    await chat.press("Tôi đồng ý")
    assert "Gửi bài viết" in chat.text() or "Dán nội dung" in chat.text()


async def _paste(chat: Chat, text: str, parts: int = 3) -> None:
    paragraphs = text.split("\n\n")
    size = -(-len(paragraphs) // parts)
    for start in range(0, len(paragraphs), size):
        await chat.say("\n\n".join(paragraphs[start:start + size]))
    await chat.say("xong")


async def _details(chat: Chat, *, exemplar_unit: str = "Tổ dân phố số 3 Phúc Xá",
                   place: bool = True) -> None:
    await chat.say("Nguyễn Văn Bình")
    await chat.say("Tổ dân phố số 1 Phúc Xá")
    await chat.say("0912345678")
    await chat.say("Lê Thị Hoa")
    await chat.say(exemplar_unit)
    if place:
        await chat.say("Số 12 phố Phúc Xá")


async def _photo_and_send(chat: Chat) -> None:
    await chat.photo(jpeg())
    await chat.press("Xong")
    assert "Kiểm tra lại bài dự thi" in chat.text()
    await chat.press("Gửi bài dự thi")


async def _entries(db) -> list[ContestEntry]:
    async with db.sessions() as session:
        return list((await session.exec(select(ContestEntry))).all())


async def test_a_long_article_pasted_in_several_telegram_messages_is_joined_and_entered(
        db, services: Services) -> None:
    async with db.sessions() as session:
        await add_contest(session)
    chat = _chat(db, services, "telegram")
    await _open_entry(chat)
    text = article(1400)
    assert len(text) > 4000  # what the nomination's deed refuses
    await _paste(chat, text)
    assert "1.400 từ" in chat.text()
    await _details(chat)
    await _photo_and_send(chat)
    assert "BV-2026-0001" in chat.text()
    [entry] = await _entries(db)
    assert (entry.status, entry.word_count, entry.channel) == ("complete", 1400, "telegram")
    assert entry.body.split() == text.split()
    assert (entry.author_name, entry.author_phone, entry.exemplar_name) == \
        ("Nguyễn Văn Bình", "+84912345678", "Lê Thị Hoa")
    async with db.sessions() as session:
        assert len((await session.exec(select(ContestEntryPhoto))).all()) == 1


async def test_the_same_article_sent_again_on_zalo_is_recognised_and_not_counted(
        db, services: Services) -> None:
    async with db.sessions() as session:
        await add_contest(session)
    text = article(1350, seed=7)
    first = _chat(db, services, "telegram")
    await _open_entry(first)
    await _paste(first, text)
    await _details(first)
    await _photo_and_send(first)
    again = _chat(db, services, "zalo", user_id="zalo-77")
    await _open_entry(again)
    assert "Zalo chưa cho bot nhận tệp" in again.text()
    # Nearly the same: a few words changed, other line breaks.
    await _paste(again, text.replace("Bà Hoa", "Cụ Hoa", 2).replace("\n\n", " "), parts=2)
    assert "đã được gửi dự thi trước đó (mã BV-2026-0001)" in again.text()
    assert len(await _entries(db)) == 1


@pytest.mark.parametrize(("words", "said"), [
    (1200, "Bài viết có 1.200 từ, chưa đủ độ dài quy định từ 1.300 đến 1.500 từ."),
    (1600, "Bài viết có 1.600 từ, vượt độ dài quy định từ 1.300 đến 1.500 từ."),
])
async def test_an_article_outside_the_range_is_answered_with_its_count(
        db, services: Services, words: int, said: str) -> None:
    async with db.sessions() as session:
        await add_contest(session)
    chat = _chat(db, services, "zalo", user_id="zalo-5")
    await _open_entry(chat)
    await _paste(chat, article(words))
    assert said in chat.text()
    assert "gửi lại bài viết" in chat.text()
    await _paste(chat, article(1450, seed=3))
    assert "1.450 từ" in chat.text()
    assert await _entries(db) == []


async def test_an_exemplar_outside_the_area_is_refused_with_the_reason(
        db, services: Services) -> None:
    async with db.sessions() as session:
        await add_contest(session, area="phuc-xa")
    chat = _chat(db, services, "telegram")
    await _open_entry(chat)
    await _paste(chat, article(1400))
    await _details(chat, exemplar_unit="Phường Trúc Bạch", place=False)
    assert "Không nhận bài viết về gương ở Phường Trúc Bạch" in chat.text()
    assert "trong Phường Phúc Xá" in chat.text()
    await chat.say("Tổ dân phố số 2 Phúc Xá")  # chosen again, inside the area
    await chat.say("Số 3 ngõ Hàng Bún")
    await _photo_and_send(chat)
    [entry] = await _entries(db)
    assert entry.exemplar_place == "Số 3 ngõ Hàng Bún"


async def test_a_docx_entry_is_read_and_linked_to_the_nomination_of_its_exemplar(
        db, services: Services) -> None:
    import docx

    async with db.sessions() as session:
        await add_contest(session)
        nomination = await add_nomination(session, unit="phuc-xa-tdp-3", name="Lê Thị Hoa",
                                          deed="Bà nấu cơm miễn phí cho bệnh nhân nghèo")
        await session.commit()
    document = docx.Document()
    document.add_heading("Người mẹ của xóm Phúc Xá", level=1)
    for paragraph in article(1398, seed=11).split("\n\n"):
        document.add_paragraph(paragraph)
    from io import BytesIO
    buffer = BytesIO()
    document.save(buffer)
    chat = _chat(db, services, "telegram")
    await _open_entry(chat)
    await chat.send(document=BytesDocument(buffer.getvalue(), "bai-du-thi.docx"))
    assert "1.404 từ" in chat.text()  # the heading's six words count too
    await _details(chat)
    assert "đã có đề xuất" in chat.text()
    await chat.press(nomination.reference)
    await _photo_and_send(chat)
    [entry] = await _entries(db)
    assert (entry.file_kind, entry.word_count, entry.nomination_id) == \
        ("docx", 1404, nomination.id)
    assert entry.file_sha256 is not None and entry.body.startswith("Người mẹ của xóm")


async def test_a_pdf_entry_is_read_and_a_picture_sent_as_a_file_is_not_an_article(
        db, services: Services) -> None:
    from fpdf import FPDF
    from matplotlib import font_manager

    async with db.sessions() as session:
        await add_contest(session)
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("DejaVu", fname=font_manager.findfont("DejaVu Sans"))
    pdf.set_font("DejaVu", size=11)
    pdf.multi_cell(0, 6, article(1320, seed=5).replace("\n\n", "\n"))
    chat = _chat(db, services, "telegram")
    await _open_entry(chat)
    await chat.send(document=BytesDocument(b"GIF89a...", "anh.gif", "image/gif"))
    assert "chỉ đọc được tệp Word (.docx) và PDF" in chat.text()
    await chat.send(document=BytesDocument(bytes(pdf.output()), "bai.pdf", "application/pdf"))
    assert "1.320 từ" in chat.text()
    await _details(chat)
    await _photo_and_send(chat)
    [entry] = await _entries(db)
    assert (entry.file_kind, entry.word_count) == ("pdf", 1320)


async def test_the_menu_offers_the_contest_only_while_one_is_open(
        db, services: Services) -> None:
    async with db.sessions() as session:
        await add_contest(session, opens_on="2026-12-01")
    chat = _chat(db, services, "telegram")
    await chat.say("/cancel")
    assert "✍️ Gửi bài dự thi" not in chat.buttons()
