"""A DOCX entry over real Telegram traffic: the bot (a real `python -m bot` process
against the fake Bot API) downloads the document with getFile before the turn and reads
the article out of it; elsewhere in the dialog a document is still "unsupported"."""

import io

import docx
import pytest

from storage.shared.db import make_engine, make_session_factory
from tests.support.contests import add_contest, article
from tests.support.fake_telegram import TOKEN, TelegramUser
from tests.support.process import start_bot
from tests.telegram.test_telegram_process import wait_for_polling

pytestmark = pytest.mark.process


def _docx(text: str) -> bytes:
    document = docx.Document()
    for paragraph in text.split("\n\n"):
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


async def test_a_docx_sent_on_telegram_is_downloaded_and_counted(fake, tmp_path):
    bot = await start_bot(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN,
                          TELEGRAM_API_BASE=f"http://127.0.0.1:{fake.port}")
    try:
        await wait_for_polling(fake)
        engine = make_engine(bot.database_url)
        async with make_session_factory(engine)() as session:
            await add_contest(session, opens_on="2026-01-01", closes_on="2099-12-31")
        await engine.dispose()
        author = TelegramUser(fake, 8101)
        await author.say("/cancel")
        await author.press("Gửi bài dự thi")
        await author.press("Tôi đồng ý")
        assert "Gửi bài viết" in author.texts()
        fake.files["doc-8101"] = _docx(article(1310, seed=21))
        await author._exchange(author._message(document={
            "file_id": "doc-8101", "file_unique_id": "u-doc-8101",
            "file_name": "bai-du-thi.docx", "file_size": len(fake.files["doc-8101"]),
            "mime_type": "application/vnd.openxmlformats-officedocument."
                         "wordprocessingml.document"}))
        assert "Đã nhận bài viết: 1.310 từ" in author.texts()
        assert any(c.method == "getFile" and c.params.get("file_id") == "doc-8101"
                   for c in fake.calls)
    finally:
        await bot.stop()
