"""A PDF entry uploaded from the web chat of a real process: the page's upload reaches
the article step, which reads and counts it; one too short is told its count and the
range before anything is stored."""

import pytest
from fpdf import FPDF
from matplotlib import font_manager

from storage.shared.db import make_engine, make_session_factory
from tests.media.web_visitor import WebVisitor, _message_id
from tests.support.contests import add_contest, article
from tests.support.process import start_bot

pytestmark = pytest.mark.process


def _pdf(text: str) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("DejaVu", fname=font_manager.findfont("DejaVu Sans"))
    pdf.set_font("DejaVu", size=11)
    pdf.multi_cell(0, 6, text.replace("\n\n", "\n"))
    return bytes(pdf.output())


def _texts(visitor: WebVisitor) -> str:
    return "\n".join(reply["text"] for reply in visitor.last)


async def test_a_pdf_uploaded_in_the_web_chat_is_read_and_a_short_one_told_its_count(tmp_path):
    bot = await start_bot(tmp_path)
    visitor = WebVisitor.at(bot.base_url)
    try:
        engine = make_engine(bot.database_url)
        async with make_session_factory(engine)() as session:
            await add_contest(session, opens_on="2026-01-01", closes_on="2099-12-31")
        await engine.dispose()
        await visitor.say("/cancel")
        await visitor.press("Gửi bài dự thi")
        await visitor.press("Tôi đồng ý")

        async def upload(data: bytes, name: str) -> None:
            visitor.last = (await visitor.client.post(
                "/chat/api/document", data={"id": _message_id()},
                files={"document": (name, data, "application/pdf")})).json()["replies"]

        await upload(_pdf(article(900, seed=4)), "ngan.pdf")
        assert "Bài viết có 900 từ, chưa đủ độ dài quy định từ 1.300 đến 1.500 từ." \
            in _texts(visitor)
        await upload(_pdf(article(1333, seed=4)), "bai-du-thi.pdf")
        assert "Đã nhận bài viết: 1.333 từ" in _texts(visitor)
        assert "Họ và tên tác giả" in _texts(visitor)
    finally:
        await visitor.client.aclose()
        await bot.stop()
