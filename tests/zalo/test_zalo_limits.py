"""Within Zalo's limits: 2,000 characters counted as JavaScript counts them (an emoji is
two), a refused piece that stops nothing after it, the menu always last; pictures only
where Zalo can fetch them, and the text with a console link whenever it cannot."""

from datetime import UTC, datetime

import httpx
import pytest
from fastapi import FastAPI
from sqlmodel import select

from bot.settings_checks import reachable_by_zalo
from bot.zalo.render import MAX_UNITS, split_message, utf16_units
from bot.zalo.sender import ZaloSender
from handlers.units.tally import TallyRow
from notifications.outbox_sender import OutboxSender
from notifications.render import make_renderer
from notifications.tally_chart import render_chart
from storage.delivery.outbox import enqueue
from storage.media.store import MediaStore
from storage.models import Conversation, Notification
from tests.support.fake_zalo import ZaloUser
from web.media_links import MediaLinks, build_router

EMOJI_DEED = ("Cô Mai 👩‍🍳 nấu 🍚 cơm miễn phí cho bệnh nhân 🏥 và người nhà 👨‍👩‍👧 ở cổng "
              "bệnh viện mỗi trưa 🌞, trời mưa ☔ cũng không nghỉ 🙏❤️. ") * 24
LEADER = "z-leader-kimma"


def test_the_deed_is_emoji_dense_and_over_the_limit():
    assert 2900 <= len(EMOJI_DEED) <= 3100
    assert utf16_units(EMOJI_DEED) > len(EMOJI_DEED) + 200  # what a character count misses


def test_pieces_stay_below_the_limit_counted_in_utf16_units():
    pieces = split_message(EMOJI_DEED)
    assert len(pieces) >= 2
    assert all(utf16_units(piece) <= MAX_UNITS - 100 for piece in pieces)  # with a margin
    assert all(piece.endswith(("🙏❤️.", "❤️.")) for piece in pieces)  # whole sentences
    assert " ".join(pieces) == EMOJI_DEED.strip()


async def test_an_emoji_rich_deed_reaches_the_summary_whole_with_its_menu_last(
        db, fake_zalo, zalo):
    lan = ZaloUser(fake_zalo, "z-mai", "Nguyễn Thị Lan", webhook="")

    async def say(text: str) -> None:
        await zalo.accept([lan.update("message.text.received", text=text)["result"]])
        await zalo.worker.idle()

    for answer in ("/start", "đồng ý", "cá nhân", "Lê Thị Mai", "Tình nguyện viên bếp ăn",
                   "ngoc ha", "Phường Ngọc Hà", "Cổng Bệnh viện Nhi", "an sinh", EMOJI_DEED,
                   "hôm qua", "bỏ qua", "không", "1", "0912 345 678"):
        await say(answer)
    before = len(fake_zalo.sent_to("z-mai"))
    fake_zalo.fail("sendMessage", 400, "message refused", times=1)  # the summary's first piece
    await say("tự đề xuất")
    summary = [c.params["text"] for c in fake_zalo.sent_to("z-mai")[before:]]
    assert len(summary) >= 2  # refused first piece, and the rest all the same
    assert all(utf16_units(text) <= MAX_UNITS for text in summary)
    assert "1. 📨 Gửi đề xuất" in summary[-1] and "👉" in summary[-1]  # the menu, last
    refused = [c for c in fake_zalo.calls if c.method == "sendMessage!400"]
    assert len(refused) == 1

    await say("gửi")
    assert "NTVT-2026-" in fake_zalo.sent_to("z-mai")[-1].params["text"]
    async with db.sessions() as session:
        assert (await session.exec(select(Conversation.step))).one() is None


async def test_an_english_session_reads_english_hints_on_zalo(db, fake_zalo, zalo):
    tom = ZaloUser(fake_zalo, "z-tom", "Tom", webhook="")
    for text in ("/lang", "English", "/start"):
        await zalo.accept([tom.update("message.text.received", text=text)["result"]])
        await zalo.worker.idle()
    last = fake_zalo.sent_to("z-tom")[-1].params["text"]
    assert "1. ✅ I agree" in last
    assert "Answer with the number" in last and "Trả lời bằng số" not in last


async def send_the_tally(db, texts, sender: ZaloSender, chart: str) -> None:
    """Kim Mã's leader's monthly tally, queued and sent through the outbox."""
    async with db.sessions() as session:
        enqueue(session, dedupe_key=f"tally:ntvt-2026:2026-10:zalo:{LEADER}", kind="tally",
                channel="zalo", chat_id=LEADER, now=datetime.now(UTC),
                payload={"campaign": "Người tốt, việc tốt 2026", "month": "10/2026",
                         "unit": "Phường Kim Mã", "chart_sha256": chart,
                         "rows": [{"unit": "Phường Kim Mã", "month": 2, "year_to_date": 9,
                                   "quota": 18, "share": 0.5, "rank": 1},
                                  {"unit": "Phường Ngọc Hà", "month": 1, "year_to_date": 4,
                                   "quota": 15, "share": 4 / 15, "rank": 2}]})
        await session.commit()
    outbox = OutboxSender(db.sessions, {"zalo": sender},
                          make_renderer(texts, console_url="unused"))
    assert await outbox.send_due() == 1


@pytest.fixture
def chart_media(tmp_path):
    media = MediaStore(tmp_path / "media")
    chart = media.save_chart(render_chart("Người tốt, việc tốt 2026", [
        TallyRow("Phường Kim Mã", 2, 9, 18, 0.5, 1)], entries_label="Đã đề xuất",
        quota_label="Chỉ tiêu"))
    return media, chart


@pytest.mark.parametrize("public_url, picture", [
    ("https://phuong-kimma.example", True),  # Zalo can fetch from there
    ("", False),  # development: no address anyone else can reach
    ("http://127.0.0.1:8000", False),
    ("https://10.0.0.5", False),  # a private network
])
async def test_the_tally_reaches_a_zalo_leader_with_or_without_a_public_address(
        db, fake_zalo, zalo, texts, chart_media, public_url, picture):
    media, chart = chart_media
    links = MediaLinks(b"k" * 32, public_url or "http://127.0.0.1:8000")
    app = FastAPI()
    app.include_router(build_router(links, media))
    fake_zalo.reachable["https://phuong-kimma.example"] = httpx.ASGITransport(app=app)
    sender = ZaloSender(zalo.client, texts, links, pictures=reachable_by_zalo(public_url),
                        console_url=f"{public_url or 'http://127.0.0.1:8000'}/console")
    await send_the_tally(db, texts, sender, chart)

    sent = fake_zalo.sent_to(LEADER)
    photos = [c for c in sent if c.method == "sendPhoto"]
    [text] = [c.params["text"] for c in sent if c.method == "sendMessage"]
    assert "Phường Kim Mã: 2 / 9 / 18 (50%)" in text  # the table, always
    assert "Xem biểu đồ trên trang quản trị" in text and "/console/tally" in text
    assert len(photos) == (1 if picture else 0)
    if picture:
        assert fake_zalo.fetched and fake_zalo.fetched[0] == photos[0].params["photo"]
    async with db.sessions() as session:
        row = (await session.exec(select(Notification))).one()
    assert row.sent_at is not None and row.failed_at is None


async def test_a_picture_zalo_refuses_leaves_the_text_to_go_alone(db, fake_zalo, zalo, texts,
                                                                  chart_media):
    _, chart = chart_media
    links = MediaLinks(b"k" * 32, "https://phuong-kimma.example")
    # Zalo is told the address is public, but cannot reach it: the picture is refused.
    sender = ZaloSender(zalo.client, texts, links, pictures=True,
                        console_url="https://phuong-kimma.example/console")
    await send_the_tally(db, texts, sender, chart)
    assert [c.method for c in fake_zalo.calls if c.params.get("chat_id") == LEADER] == [
        "sendPhoto!400", "sendMessage"]
    [text] = [c.params["text"] for c in fake_zalo.sent_to(LEADER)]
    assert "https://phuong-kimma.example/console/tally" in text
    async with db.sessions() as session:
        row = (await session.exec(select(Notification))).one()
    assert row.sent_at is not None
